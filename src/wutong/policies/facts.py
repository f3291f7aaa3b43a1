"""The fact vocabulary: what a rule may ask about a talent and their employer on a date.

Each ``Fact`` is defined once — key, Chinese label, type, allowed operators and a *source*
(where the value lives). The source gives both evaluators:

- ``source.q(op, value, on)``: a Django ``Q`` over ``Talent`` (set-based SQL, the same on SQLite
  and PostgreSQL), used by the scan and the simulation;
- ``source.read(raw, on)``: the value for one person from the raw columns ``source.paths``
  (read with one ``values()`` query, ``read_facts``), used by the explanation and calculator.

Null semantics, the same in both: a clause on a value that is unknown (no birth date, no
employer, no supplement row) does not hold, whatever the operator; ``not`` of it holds. The
property test ``tests/test_policy_rules_property.py`` proves the two agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from wutong.core.dates import shift_years

CODE, NUMBER, DATE, BOOL, SET, REGION = "code", "number", "date", "bool", "set", "region"

OPS_BY_TYPE = {
    CODE: ("eq", "ne", "in", "not_in"),
    NUMBER: ("eq", "ne", "gte", "lte", "gt", "lt", "between"),
    DATE: ("eq", "gte", "lte", "gt", "lt", "between"),
    BOOL: ("is_true", "is_false"),
    SET: ("contains",),
    REGION: ("in", "not_in"),
}
OP_LABELS = {
    "eq": _("等于"), "ne": _("不等于"), "in": _("属于"), "not_in": _("不属于"),
    "gte": _("不少于"), "lte": _("不超过"), "gt": _("大于"), "lt": _("小于"),
    "between": _("介于"), "contains": _("包含任一"), "is_true": _("是"), "is_false": _("否"),
}
# Operators whose value is a list (of codes, labels, region codes) or a pair.
LIST_OPS = ("in", "not_in", "contains")
NO_VALUE_OPS = ("is_true", "is_false")


# Constant truth values as filters (an empty ``Q()`` would vanish inside an OR).
ALWAYS = Q(pk__isnull=False)
NEVER = Q(pk__isnull=True)


def full_years(start: dt.date, on: dt.date) -> int:
    """Completed years from ``start`` to ``on`` (age in 周岁)."""
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def _guarded(path: str, q: Q) -> Q:
    # Two-valued logic: a clause on an unknown value is false, so NOT of it is true.
    return q & Q(**{f"{path}__isnull": False})


def compare(value, op: str, operand) -> bool:
    """The Python meaning of an operator; ``value`` None (unknown) never holds."""
    if value is None:
        return False
    if op == "eq":
        return value == operand
    if op == "ne":
        return value != operand
    if op == "in":
        return value in operand
    if op == "not_in":
        return value not in operand
    if op == "gte":
        return value >= operand
    if op == "lte":
        return value <= operand
    if op == "gt":
        return value > operand
    if op == "lt":
        return value < operand
    if op == "between":
        return operand[0] <= value <= operand[1]
    if op == "contains":
        return bool(set(value) & set(operand))
    if op == "is_true":
        return value is True
    if op == "is_false":
        return value is False
    raise ValueError(op)


@dataclass(frozen=True)
class Column:
    """A column of the talent (or reached through a to-one join): ``employer__type``."""

    path: str

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,)

    def read(self, raw: dict, on: dt.date):
        return raw.get(self.path)

    def q(self, op: str, value, on: dt.date) -> Q:
        p = self.path
        if op in ("is_true", "is_false"):
            return _guarded(p, Q(**{p: op == "is_true"}))
        if op == "between":
            return _guarded(p, Q(**{f"{p}__gte": value[0], f"{p}__lte": value[1]}))
        if op in ("ne", "not_in"):
            lookup = p if op == "ne" else f"{p}__in"
            return _guarded(p, ~Q(**{lookup: value}))
        lookup = {"eq": "exact", "in": "in", "gte": "gte", "lte": "lte", "gt": "gt",
                  "lt": "lt"}[op]
        return _guarded(p, Q(**{f"{p}__{lookup}": value}))


@dataclass(frozen=True)
class CodePrefix:
    """The level of a code, its first character (degree 208 工学博士 → 2 博士)."""

    path: str

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,)

    def read(self, raw: dict, on: dt.date):
        code = raw.get(self.path)
        return None if code is None else code[:1]

    def q(self, op: str, value, on: dt.date) -> Q:
        values = [value] if op in ("eq", "ne") else list(value)
        held = NEVER
        for v in values:
            held |= Q(**{f"{self.path}__startswith": v}) if v else Q(**{self.path: ""})
        return _guarded(self.path, ~held if op in ("ne", "not_in") else held)


@dataclass(frozen=True)
class YearsSince:
    """Completed years from a date column to the decisive date (age, years since brought in).
    SQL compares the date column with dates computed here, so it uses plain indexes."""

    path: str

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,)

    def read(self, raw: dict, on: dt.date):
        start = raw.get(self.path)
        return None if start is None else full_years(start, on)

    def _at_least(self, n: int, on: dt.date) -> Q:
        return Q(**{f"{self.path}__lte": shift_years(on, -n)})

    def q(self, op: str, value, on: dt.date) -> Q:
        ge = self._at_least
        if op == "between":
            q = ge(value[0], on) & ~ge(value[1] + 1, on)
        elif op == "eq":
            q = ge(value, on) & ~ge(value + 1, on)
        elif op == "ne":
            q = ~(ge(value, on) & ~ge(value + 1, on))
        elif op == "gte":
            q = ge(value, on)
        elif op == "gt":
            q = ge(value + 1, on)
        elif op == "lte":
            q = ~ge(value + 1, on)
        else:  # lt
            q = ~ge(value, on)
        return _guarded(self.path, q)


@dataclass(frozen=True)
class RegionPath:
    """A region as its path (``…/211000/211000Z01/``): "in" means inside one of the named
    regions' subtrees. Values are region codes, turned into paths once (``region_paths``)."""

    path: str

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,)

    def read(self, raw: dict, on: dt.date):
        return raw.get(self.path)

    def q(self, op: str, value, on: dt.date) -> Q:
        held = NEVER
        for region_path in region_paths(tuple(value)):
            held |= Q(**{f"{self.path}__startswith": region_path})
        return _guarded(self.path, ~held if op == "not_in" else held)


@dataclass(frozen=True)
class RelatedSet:
    """A set of labels in related rows (pool names, honour levels): "contains any" is an
    EXISTS subquery; the Python side reads the labels of one person in one query."""

    model: str  # "talents.PoolMembership"
    label_path: str  # "pool__name"
    talent_path: str = "talent"

    @property
    def paths(self) -> tuple[str, ...]:
        return ()

    def read(self, raw: dict, on: dt.date):
        return raw.get(f"set:{self.model}:{self.label_path}", [])

    def manager(self):
        from django.apps import apps

        return apps.get_model(self.model)._default_manager

    def q(self, op: str, value, on: dt.date) -> Q:
        return Q(Exists(self.manager().filter(**{self.talent_path: OuterRef("pk"),
                                                  f"{self.label_path}__in": list(value)})))


@dataclass(frozen=True)
class JsonLabels:
    """A JSON list of label codes on a to-one row (employer labels). "contains any" is a
    text match on the quoted code, so SQLite and PostgreSQL read it alike; label codes are
    plain ASCII words (``high_tech``), so the quotes make the match exact."""

    path: str

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,)

    def read(self, raw: dict, on: dt.date):
        value = raw.get(self.path)
        return None if value is None else list(value)

    def q(self, op: str, value, on: dt.date) -> Q:
        held = NEVER
        for label in value:
            held |= Q(**{f"{self.path}__icontains": f'"{label}"'})
        return _guarded(self.path, held)


@dataclass(frozen=True)
class Fact:
    """One entry of the vocabulary (see docs/policies.md for the table)."""

    key: str
    label: object  # a lazy translation
    type: str
    source: object
    help: object = ""
    unit: object = ""
    codes: str = ""  # code table key, or a name in LOCAL_CHOICES
    ops: tuple[str, ...] = field(default=())

    @property
    def operators(self) -> tuple[str, ...]:
        return self.ops or OPS_BY_TYPE[self.type]

    def choices(self) -> list[tuple[str, str]]:
        return fact_choices(self)


def _f(key, label, type_, source, help_="", unit="", codes="", ops=()):
    # Labels stay lazy: they are shown in the reader's language.
    return Fact(key, label, type_, source, help_, unit, codes, tuple(ops))


FACTS: tuple[Fact, ...] = (
    _f("education", _("最高学历"), CODE, Column("education"), _("GB/T 4658 学历代码"),
       codes="education"),
    _f("degree_level", _("最高学位级别"), CODE, CodePrefix("degree"),
       _("学位代码首位：1 名誉博士、2 博士、3 硕士、4 学士"), codes="degree_level"),
    _f("title_level", _("职称级别"), CODE, Column("title_level"), _("正高级、副高级、中级、初级"),
       codes="title_level"),
    _f("skill_level", _("职业技能等级"), CODE, Column("skill_level"), _("首席技师 … 五级/初级工"),
       codes="skill_level"),
    _f("category", _("人才类别"), CODE, Column("category"),
       _("本地人才分类目录（A–E 类），以现行有效认定为准"), codes="talent_category"),
    _f("age", _("年龄"), NUMBER, YearsSince("birth_date"), _("判定日的周岁年龄"), _("周岁")),
    _f("years_since_introduced", _("引进年限"), NUMBER, YearsSince("introduced_on"),
       _("自引进时间至判定日的整年数"), _("年")),
    _f("introduced_on", _("引进时间"), DATE, Column("introduced_on"), _("引进（到岗）日期")),
    _f("introduction_mode", _("引进方式"), CODE, Column("introduction_mode"),
       _("刚性引进、柔性引进、本地培养"), codes="introduction_mode"),
    _f("talent_region", _("人才所属地区"), REGION, RegionPath("region__path"),
       _("所属地区在所列地区（含下级）之内")),
    _f("employer_region", _("用人单位所在地区"), REGION, RegionPath("employer__region__path"),
       _("单位所在地区在所列地区（含下级）之内")),
    _f("employer_type", _("单位性质"), CODE, Column("employer__type"),
       _("企业、事业单位、高校、科研院所、医院…"), codes="employer_type"),
    _f("employer_labels", _("单位标签"), SET, JsonLabels("employer__labels"),
       _("高新技术企业、专精特新…，包含任一即符合"), codes="employer_label"),
    _f("employer_industry", _("单位所属行业"), CODE, Column("employer__industry"),
       _("GB/T 4754-2017 行业大类代码"), codes="industry"),
    _f("pools", _("所在人才库"), SET, RelatedSet("talents.PoolMembership", "pool__name"),
       _("专家库、乡贤库…（库名），在任一库即符合")),
    _f("honour_levels", _("荣誉称号级别"), SET, RelatedSet("talents.Honour", "level"),
       _("获得过所列级别的荣誉称号"), codes="honour_level"),
    _f("social_insurance_months", _("本地社保缴纳月数"), NUMBER,
       Column("fact_supplement__social_insurance_months_local"),
       _("在本地连续缴纳社会保险的月数（补充事实）"), _("个月")),
    _f("owns_housing_locally", _("本地有自有住房"), BOOL,
       Column("fact_supplement__owns_housing_locally"), _("补充事实；未登记视为不明")),
)
FACTS_BY_KEY = {f.key: f for f in FACTS}


def get_fact(key: str) -> Fact | None:
    return FACTS_BY_KEY.get(key)


_PATHS: dict[str, str] = {}


def region_paths(codes: tuple[str, ...]) -> tuple[str, ...]:
    """Paths of regions by code (a region's code and path never change: cached; a code not
    found is looked up again next time)."""
    from wutong.core.models import Region

    missing = [c for c in codes if c not in _PATHS]
    if missing:
        _PATHS.update(Region.objects.filter(code__in=missing).values_list("code", "path"))
    return tuple(_PATHS[c] for c in codes if c in _PATHS)


_NAMES: dict[str, str] = {}


def region_name(code: str) -> str:
    from wutong.core.models import Region

    if code not in _NAMES:
        name = Region.objects.filter(code=code).values_list("name", flat=True).first()
        if name is None:
            return code
        _NAMES[code] = name
    return _NAMES[code]


def fact_choices(fact: Fact) -> list[tuple[str, str]]:
    """The codes a value of a code or set fact may take, with their labels."""
    from wutong.core.codes import code_choices
    from wutong.orgs.models import EmployerLabel, EmployerType
    from wutong.talents.models import HonourLevel, IntroductionMode

    local = {
        "degree_level": [("1", "名誉博士"), ("2", "博士"), ("3", "硕士"), ("4", "学士")],
        "introduction_mode": list(IntroductionMode.choices),
        "employer_type": list(EmployerType.choices),
        "employer_label": list(EmployerLabel.choices),
        "honour_level": list(HonourLevel.choices),
        "talent_category": [("A", "A类"), ("B", "B类"), ("C", "C类"), ("D", "D类"),
                            ("E", "E类")],
    }
    if not fact.codes:
        return []
    if fact.codes in local:
        return [(str(c), str(n)) for c, n in local[fact.codes]]
    if fact.codes == "industry":
        return [(c, n) for c, n in code_choices("industry") if len(c) == 2]
    return code_choices(fact.codes)


def read_facts(talent_ids: list[int], on: dt.date) -> dict[int, dict]:
    """The Python reading of every fact for a few talents: one ``values()`` query for the
    columns plus one per related set. Returns {talent id: {fact key: value}}."""
    from django.apps import apps

    from wutong.talents.models import Talent

    paths = sorted({p for f in FACTS for p in f.source.paths})
    raws = {row["pk"]: row for row in Talent.objects.filter(pk__in=talent_ids)
            .values("pk", *paths)}
    for fact in FACTS:
        source = fact.source
        if isinstance(source, RelatedSet):
            name = f"set:{source.model}:{source.label_path}"
            for raw in raws.values():
                raw[name] = []
            model = apps.get_model(source.model)
            for tid, label in model._default_manager.filter(
                    **{f"{source.talent_path}_id__in": list(raws)}).values_list(
                    f"{source.talent_path}_id", source.label_path):
                raws[tid][name].append(label)
    return {tid: {f.key: f.source.read(raw, on) for f in FACTS} | {"_raw_region": raw.get(
        "region__path")} for tid, raw in raws.items()}


def display_value(fact: Fact, value) -> str:
    """A fact's value as a policy officer reads it (code labels, units, 未登记)."""
    if value is None:
        return str(_("未登记"))
    if fact.type == BOOL:
        return str(_("是")) if value else str(_("否"))
    labels = dict(fact.choices()) if fact.codes else {}
    if fact.type == SET:
        return "、".join(labels.get(v, v) for v in value) if value else str(_("无"))
    if fact.type == CODE:
        return labels.get(value, value) if value else str(_("无"))
    if fact.type == REGION:
        return region_name(value.rstrip("/").rsplit("/", 1)[-1])
    return f"{value} {fact.unit}".strip()
