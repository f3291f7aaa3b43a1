"""The figures, computed set-based: a handful of GROUP BY queries over the whole registry
(or one subtree), each grouped by the row's own region, then rolled up to every ancestor in
Python over the region tree (a few thousand regions at most) — never a loop over people.

``compute(year=…, root=…)`` returns ``{region_id: data}`` for every region that has anything
under it (and for ``root`` itself, and for the ``always`` regions asked for, even when empty).
``data`` is plain JSON: what a snapshot stores and the pages render.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import (
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, Substr
from django.utils import timezone

from wutong.core.dates import shift_years
from wutong.core.figures import provided_figures
from wutong.core.models import Region

# Age bands (years, inclusive) as the registry list's min_age / max_age filters read them.
AGE_BANDS = (("le35", None, 35), ("36_45", 36, 45), ("46_55", 46, 55), ("ge56", 56, None))
TOP_INDUSTRIES = 12
TOP_SCORES = 20


def _region_key():
    """The row's region as an expression, not the bare column: grouping by the column makes
    SQLite walk the region index and fetch every row by rowid (twice as slow as one scan of
    the table with a temporary B-tree, measured on 1M talents)."""
    return ExpressionWrapper(F("region_id") + 0, output_field=IntegerField())


def age_band_expression(today: dt.date) -> Case:
    """The band of a birth date on ``today``: "at most N" is born after today − (N+1) years,
    "at least N" born on or before today − N years (as ``talents.selectors`` filters)."""
    whens = []
    for key, _low, high in AGE_BANDS:
        if high is not None:
            whens.append(When(birth_date__gt=shift_years(today, -(high + 1)), then=Value(key)))
        else:
            whens.append(When(birth_date__isnull=False, then=Value(key)))
    return Case(*whens, default=Value(""), output_field=CharField())


class _Tree:
    """The region tree, loaded once: each region's chain of ancestors (itself included)."""

    def __init__(self, root: Region | None):
        rows = Region.objects.values_list("id", "code", "name", "parent_id", "path", "level")
        self.by_id = {r[0]: r for r in rows}
        by_code = {r[1]: r[0] for r in self.by_id.values()}
        self.chain: dict[int, list[int]] = {}
        for rid, _code, _name, _parent, path, _level in self.by_id.values():
            self.chain[rid] = [by_code[c] for c in path.strip("/").split("/") if c in by_code]
        self.root = root
        self.children: dict[int, list[int]] = defaultdict(list)
        for rid, _code, _name, parent, _path, _level in self.by_id.values():
            if parent:
                self.children[parent].append(rid)
        for ids in self.children.values():
            ids.sort(key=lambda i: self.by_id[i][1])

    def up(self, region_id: int) -> list[int]:
        """The region and its ancestors (inside ``root`` when computing one subtree)."""
        chain = self.chain.get(region_id, [])
        if self.root is not None:
            chain = [r for r in chain if r in self.root_ids]
        return chain

    @property
    def root_ids(self) -> set[int]:
        if not hasattr(self, "_root_ids"):
            prefix = self.root.path
            self._root_ids = {rid for rid, r in self.by_id.items() if r[4].startswith(prefix)}
        return self._root_ids


def _labels(table_key: str) -> dict[str, str]:
    from wutong.core.models import CodeItem

    out: dict[str, str] = {}
    for code, name in CodeItem.objects.filter(table__key=table_key).order_by(
            "-region_id", "code").values_list("code", "name"):
        out.setdefault(code, name)
    return out


def _in_root(qs, root: Region | None, field: str = "region"):
    return qs.filter(**{f"{field}__path__startswith": root.path}) if root is not None else qs


def compute(*, year: int | None = None, root: Region | None = None,
            always: set[int] | None = None, today: dt.date | None = None,
            cases_in_year: bool = False) -> dict[int, dict]:
    """Figures of ``year`` (the cases of every year, or with ``cases_in_year`` those raised
    in it, as the yearly report counts them)."""
    from wutong.talents.models import Talent

    today = today or timezone.localdate()
    year = year or today.year
    tree = _Tree(root)
    touched: set[int] = set()

    def add(counter_by_region: dict, region_id: int, key, n) -> None:
        for rid in tree.up(region_id):
            counter_by_region[rid][key] += n
            touched.add(rid)

    # --- the registry: one pass, grouped by region, category, education, industry, age band
    structure: dict[int, Counter] = defaultdict(Counter)
    rows = (_in_root(Talent.objects.filter(is_active=True), root).order_by()
            .annotate(rid=_region_key(), band=age_band_expression(today),
                      ind=Substr("industry", 1, 2))
            .values_list("rid", "category", "education", "ind", "band")
            .annotate(n=Count("id")))
    own_total: Counter = Counter()
    for region_id, category, education, industry, band, n in rows:
        own_total[region_id] += n
        for rid in tree.up(region_id):
            c = structure[rid]
            c[("total",)] += n
            c[("category", category)] += n
            c[("education", education)] += n
            c[("industry", industry)] += n
            c[("age", band)] += n
            touched.add(rid)

    # --- people brought in, per month of the year (every file, active or not)
    intake: dict[int, Counter] = defaultdict(Counter)
    for region_id, month, n in (_in_root(Talent.objects.filter(
            introduced_on__gte=dt.date(year, 1, 1), introduced_on__lte=dt.date(year, 12, 31)),
            root).order_by().annotate(rid=_region_key(), m=ExtractMonth("introduced_on"))
            .values_list("rid", "m").annotate(n=Count("id"))):
        add(intake, region_id, int(month), n)

    cases = _cases(tree, root, today, add, year if cases_in_year else None)
    funds = _funds(tree, root, year, touched)
    liaison = _liaison(tree, root, year, add)
    population = _population(tree, root, year)
    touched.update(rid for rid in population)
    scores = _scores(tree, root, year, touched)

    labels = {"category": _labels("talent_category"), "education": _labels("education"),
              "industry": _labels("industry")}
    wanted = set(touched)
    if root is not None:
        wanted.add(root.pk)
    for rid in always or ():
        if root is None or rid in tree.root_ids:
            wanted.add(rid)
    out = {}
    for rid in wanted:
        code, name = tree.by_id[rid][1], tree.by_id[rid][2]
        c = structure.get(rid, Counter())
        total = c[("total",)]
        pop = population.get(rid)
        children = []
        for child in tree.children.get(rid, []):
            n = structure.get(child, Counter())[("total",)]
            child_pop = population.get(child)
            if n or child_pop:
                children.append({"code": tree.by_id[child][1], "name": tree.by_id[child][2],
                                 "n": n, **_share(n, child_pop)})
        direct = own_total.get(rid, 0)
        if children and direct:
            children.append({"code": "", "name": "", "n": direct, "own": True})
        months = [intake.get(rid, Counter())[m] for m in range(1, 13)]
        target = pop["target"] if pop and pop["year"] == year else 0
        out[rid] = {
            "year": year, "today": today.isoformat(),
            "region": {"id": rid, "code": code, "name": name},
            "talents": {
                "total": total,
                "by_category": _breakdown(c, "category", labels["category"]),
                "by_education": _breakdown(c, "education", labels["education"]),
                "by_industry": _breakdown(c, "industry", labels["industry"], top=TOP_INDUSTRIES),
                "by_age": [{"code": key, "n": c[("age", key)]} for key, _l, _h in AGE_BANDS]
                + ([{"code": "", "n": c[("age", "")]}] if c[("age", "")] else []),
                "by_region": children,
            },
            "population": {**pop, **_share(total, pop)} if pop else None,
            "intake": {"months": months, "total": sum(months), "target": target,
                       "percent": _percent(sum(months), target)},
            "funds": funds.get(rid, {"rows": [], "budget": 0, "committed": 0, "paid": 0,
                                     "remaining": 0}),
            "cases": _case_figures(cases.get(rid, Counter())),
            "liaison": _liaison_figures(liaison.get(rid, Counter())),
            "unit_scores": scores.get(rid, []),
        }
    return out


def _percent(part: int, whole: int | None) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _share(n: int, pop: dict | None) -> dict:
    if not pop:
        return {"population": None, "share": None}
    return {"population": pop["population"], "share": round(n * 100 / pop["population"], 2)}


def _breakdown(c: Counter, kind: str, labels: dict, top: int | None = None) -> list[dict]:
    items = [(key[1], n) for key, n in c.items() if key[0] == kind and n]
    known = sorted(((code, n) for code, n in items if code), key=lambda x: (-x[1], x[0]))
    rows = [{"code": code, "label": labels.get(code, code), "n": n} for code, n in known]
    if top is not None and len(rows) > top:
        rest = sum(r["n"] for r in rows[top:])
        rows = [*rows[:top], {"code": "*", "label": "", "n": rest}]
    blank = sum(n for code, n in items if not code)
    if blank:
        rows.append({"code": "", "label": "", "n": blank})
    return rows


def _cases(tree, root, today, add, year: int | None) -> dict[int, Counter]:
    from wutong.cases.models import OPEN_VALUES, RUNNING_VALUES, Case, CaseStatus

    out: dict[int, Counter] = defaultdict(Counter)
    qs = Case.objects.filter(raised_at__year=year) if year else Case.objects.all()
    rows = (_in_root(qs, root).order_by().values("region_id").annotate(
        total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_VALUES)),
        closed=Count("id", filter=Q(status=CaseStatus.CLOSED)),
        overdue=Count("id", filter=Q(status__in=RUNNING_VALUES, due_on__lt=today)),
        rated=Count("id", filter=Q(status=CaseStatus.CLOSED, satisfaction__isnull=False)),
        rating_sum=Sum("satisfaction", filter=Q(status=CaseStatus.CLOSED))))
    for row in rows:
        for key in ("total", "open", "closed", "overdue", "rated", "rating_sum"):
            if row[key]:
                add(out, row["region_id"], key, row[key])
    return out


def _case_figures(c: Counter) -> dict:
    return {"total": c["total"], "open": c["open"], "closed": c["closed"],
            "overdue": c["overdue"], "rated": c["rated"],
            "satisfaction": round(c["rating_sum"] / c["rated"], 2) if c["rated"] else None,
            "closed_percent": _percent(c["closed"], c["total"])}


def _funds(tree, root, year, touched) -> dict[int, dict]:
    """Each fund of the year with its money (as ``policies`` computes it: committed includes
    held instalments), listed under its region and every ancestor."""
    from wutong.policies.models import Fund
    from wutong.policies.redemption_services import fund_totals

    funds = list(_in_root(Fund.objects.filter(year=year), root).values(
        "id", "name", "region_id", "budget_fen").order_by("region__code", "name"))
    totals = fund_totals([f["id"] for f in funds])
    out: dict[int, dict] = {}
    for f in funds:
        t = totals[f["id"]]
        committed = t["committed"] + t["held"]
        row = {"id": f["id"], "name": f["name"], "region": tree.by_id[f["region_id"]][2],
               "budget": f["budget_fen"], "committed": committed, "paid": t["paid"],
               "remaining": f["budget_fen"] - committed - t["paid"]}
        for rid in tree.up(f["region_id"]):
            slot = out.setdefault(rid, {"rows": [], "budget": 0, "committed": 0, "paid": 0,
                                        "remaining": 0})
            slot["rows"].append(row)
            for key in ("budget", "committed", "paid", "remaining"):
                slot[key] += row[key]
            touched.add(rid)
    return out


def _liaison(tree, root, year, add) -> dict[int, Counter]:
    """Leaders' contact duty: leaders, those meeting the rule of their place this year, their
    experts and contacts (``liaison.selectors.coverage_of``: one query over the leaders), and
    problems raised and solved in the year (one GROUP BY)."""
    from wutong.liaison.models import Item, ItemKind, ItemStatus, Leader
    from wutong.liaison.selectors import coverage_of, year_bounds

    out: dict[int, Counter] = defaultdict(Counter)
    leaders = _in_root(Leader.objects.filter(is_active=True), root)
    for cov in coverage_of(leaders=leaders, year=year):
        rid = cov.leader.region_id
        add(out, rid, "leaders", 1)
        add(out, rid, "meeting", 0 if cov.falls_short else 1)
        add(out, rid, "experts", cov.experts)
        add(out, rid, "contacts", cov.contacts)
    for row in (_in_root(Item.objects.filter(contact__on__range=year_bounds(year),
                                             kind=ItemKind.PROBLEM), root)
                .order_by().values("region_id").annotate(
                    n=Count("id"), solved=Count("id", filter=Q(status=ItemStatus.SOLVED)))):
        add(out, row["region_id"], "problems", row["n"])
        add(out, row["region_id"], "solved", row["solved"])
    return out


def _liaison_figures(c: Counter) -> dict:
    return {"leaders": c["leaders"], "meeting": c["meeting"], "short": c["leaders"] - c["meeting"],
            "coverage_percent": _percent(c["meeting"], c["leaders"]), "experts": c["experts"],
            "contacts": c["contacts"], "problems": c["problems"], "solved": c["solved"]}


def _population(tree, root, year) -> dict[int, dict]:
    """Each region's own latest population row up to ``year`` (the target only counts for
    the year itself)."""
    from wutong.stats.models import RegionPopulation

    out: dict[int, dict] = {}
    for row in _in_root(RegionPopulation.objects.filter(year__lte=year), root).order_by(
            "region_id", "-year").values("region_id", "year", "population", "intake_target"):
        out.setdefault(row["region_id"], {"year": row["year"], "population": row["population"],
                                          "target": row["intake_target"]})
    return out


def _scores(tree, root, year, touched) -> dict[int, list[dict]]:
    """Unit scores from the ``unit_scores`` provider (assessment), the latest year's systems of
    each region, rolled up: a city lists its districts' units too."""
    rows = provided_figures(year=year, region_path=root.path if root else "").get(
        "unit_scores", [])
    latest: dict[int, int] = {}
    for r in rows:
        latest[r["region_id"]] = max(latest.get(r["region_id"], 0), r["system__year"])
    out: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        if r["system__year"] != latest[r["region_id"]] or r["region_id"] not in tree.by_id:
            continue
        item = {"system": r["system_id"], "title": r["system__title"], "year": r["system__year"],
                "unit": r["unit__name"], "total": float(r["total"]), "rank": r["rank"]}
        for rid in tree.up(r["region_id"]):
            out[rid].append(item)
            touched.add(rid)
    return {rid: sorted(items, key=lambda i: -i["total"])[:TOP_SCORES]
            for rid, items in out.items()}
