"""What the figures page and the dashboard show: a snapshot's JSON with labels, links (in the
reader's scope) and the chart data the page's own script hands to ECharts."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.stats.links import Links


def _age_label(key: str) -> str:
    return {"le35": _("35岁及以下"), "36_45": _("36–45岁"), "46_55": _("46–55岁"),
            "ge56": _("56岁及以上")}.get(key, _("未填出生日期"))


def yuan(fen: int) -> str:
    """Money in 万元 with two decimals, as the reports write it."""
    return f"{fen / 1_000_000:,.2f}"


def _rows(items, label, link) -> list[dict]:
    total = sum(i["n"] for i in items) or 0
    out = []
    for i in items:
        out.append({"label": label(i), "n": i["n"], "url": link(i["code"]),
                    "percent": round(i["n"] * 100 / total, 1) if total else 0})
    return out


def present(*, user, figures) -> dict:
    data, region = figures.data, figures.region
    year = data["year"]
    links = Links(user, region, year)
    t = data["talents"]

    def coded(i):
        if i["code"] == "*":
            return _("其他")
        return i["label"] or (i["code"] or _("未填"))

    by_category = _rows(t["by_category"], lambda i: (
        _("未分类") if not i["code"] else i["label"] or _("%(code)s类") % {"code": i["code"]}),
        links.category)
    by_education = _rows(t["by_education"], coded, links.education)
    by_industry = _rows(t["by_industry"], coded, links.industry)
    by_age = _rows(t["by_age"], lambda i: _age_label(i["code"]), links.age)
    by_region = []
    for r in t["by_region"]:
        if r.get("own"):
            by_region.append({"name": _("%(place)s本级") % {"place": region.name}, "n": r["n"],
                              "url": None, "drill": None, "population": None, "share": None})
            continue
        by_region.append({"name": r["name"], "code": r["code"], "n": r["n"],
                          "url": links.child_region(r["code"]),
                          "drill": links.child_figures(r["code"]),
                          "population": r.get("population"), "share": r.get("share")})
    intake = data["intake"]
    months = []
    cumulative = 0
    for m, n in enumerate(intake["months"], start=1):
        cumulative += n
        months.append({"month": m, "n": n, "cumulative": cumulative, "url": links.month(m)})
    funds = data["funds"]
    fund_rows = [{**f, "budget_y": yuan(f["budget"]), "committed_y": yuan(f["committed"]),
                  "paid_y": yuan(f["paid"]), "remaining_y": yuan(f["remaining"])}
                 for f in funds["rows"]]
    cases = data["cases"]
    liaison = data["liaison"]
    scores = [{**s, "url": links.score(s["system"])} for s in data["unit_scores"]]
    at = timezone.localtime(figures.computed_at)
    charts = {
        "category": _chart(by_category), "education": _chart(by_education),
        "age": _chart(by_age), "industry": _chart(by_industry),
        "region": {"labels": [r["name"] for r in by_region], "values": [r["n"] for r in by_region],
                   "urls": [r["url"] for r in by_region],
                   "share": [r["share"] for r in by_region]},
        "intake": {"labels": [_("%(m)d月") % {"m": m["month"]} for m in months],
                   "values": [m["n"] for m in months],
                   "cumulative": [m["cumulative"] for m in months],
                   "urls": [m["url"] for m in months], "target": intake["target"] or None,
                   "names": [_("当月引进"), _("累计"), _("年度目标")]},
        "funds": {"labels": [f["name"] for f in fund_rows],
                  "paid": [round(f["paid"] / 1_000_000, 2) for f in fund_rows],
                  "committed": [round(f["committed"] / 1_000_000, 2) for f in fund_rows],
                  "url": links.funds(), "names": [_("已发放"), _("已承诺未发放")]},
        "cases": {"labels": [_("办理中"), _("已办结"), _("其他")],
                  "values": [cases["open"], cases["closed"],
                             max(cases["total"] - cases["open"] - cases["closed"], 0)],
                  "urls": [links.cases("open"), links.cases("closed"), links.cases("total")]},
        "scores": {"labels": [s["unit"] for s in scores][:12],
                   "values": [s["total"] for s in scores][:12],
                   "urls": [s["url"] for s in scores][:12]},
    }
    return {
        "data": data, "region": region, "year": year, "links": links,
        "at": at, "at_hm": at.strftime("%H:%M"), "recomputed": figures.recomputed,
        "total": t["total"], "total_url": links.total(),
        "population": data["population"],
        "by_category": by_category, "by_education": by_education, "by_industry": by_industry,
        "by_age": by_age, "by_region": by_region,
        "intake": intake, "months": months, "intake_url": links.intake(),
        "funds": funds, "fund_rows": fund_rows, "funds_url": links.funds(),
        "funds_y": {k: yuan(funds[k]) for k in ("budget", "committed", "paid", "remaining")},
        "cases": cases, "case_urls": {k: links.cases(k) for k in
                                      ("total", "open", "closed", "overdue", "satisfaction")},
        "liaison": liaison, "leaders_url": links.leaders(),
        "short_url": links.leaders(short=True), "problems_url": links.problems(),
        "solved_url": links.problems(solved=True),
        "scores": scores, "charts": charts,
    }


def _chart(rows: list[dict]) -> dict:
    return {"labels": [r["label"] for r in rows], "values": [r["n"] for r in rows],
            "urls": [r["url"] for r in rows]}
