"""The scan's SQL evaluator and the one-person explanation agree, on random people (real
rows) and random rules over the whole fact vocabulary (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.policy_helpers import make_talent
from wutong.core.models import Region
from wutong.orgs.models import Employer
from wutong.policies.facts import FACTS, OPS_BY_TYPE
from wutong.policies.rules import compile_rule, evaluate, explain, validate_rule
from wutong.talents.models import Honour, Pool, PoolMembership, Talent

EDUCATIONS = ("11", "14", "21", "31", "")
DEGREES = ("208", "2", "3", "301", "4", "")
TITLES = ("1", "2", "3", "41", "")
SKILLS = ("0A", "1", "3", "")
CATEGORIES = ("A", "C", "D", "E", "")
MODES = ("full_time", "flexible", "local", "")
REGIONS = ("230602", "230603", "211000")
POOLS = ("专家库", "乡贤库")
HONOURS = ("national", "provincial", "city")
LABELS = ("high_tech", "specialized", "listed")

dates = st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2026, 12, 31))
person = st.fixed_dictionaries({
    "birth_date": st.one_of(st.none(), dates),
    "introduced_on": st.one_of(st.none(), dates),
    "education": st.sampled_from(EDUCATIONS), "degree": st.sampled_from(DEGREES),
    "title_level": st.sampled_from(TITLES), "skill_level": st.sampled_from(SKILLS),
    "category": st.sampled_from(CATEGORIES), "introduction_mode": st.sampled_from(MODES),
    "region": st.sampled_from(REGIONS), "employer": st.sampled_from((None, 0, 1, 2)),
    "si_months": st.one_of(st.none(), st.integers(0, 60)),
    "owns_housing": st.sampled_from((None, True, False)),
    "pools": st.sets(st.sampled_from(POOLS)), "honours": st.sets(st.sampled_from(HONOURS)),
})

VALUES = {
    "education": st.sampled_from(EDUCATIONS[:-1]), "degree_level": st.sampled_from("1234"),
    "title_level": st.sampled_from(TITLES[:-1]), "skill_level": st.sampled_from(SKILLS[:-1]),
    "category": st.sampled_from(CATEGORIES[:-1]),
    "introduction_mode": st.sampled_from(MODES[:-1]),
    "employer_type": st.sampled_from(("enterprise", "university", "hospital")),
    "employer_industry": st.sampled_from(("25", "83", "26")),
    "employer_labels": st.sampled_from(LABELS), "pools": st.sampled_from(POOLS),
    "honour_levels": st.sampled_from(HONOURS),
    "talent_region": st.sampled_from(("230600", "230602", "211000", "230603")),
    "employer_region": st.sampled_from(("230600", "230602", "211000")),
}


def _leaf(fact):
    ops = st.sampled_from(OPS_BY_TYPE[fact.type])
    if fact.type == "number":
        one = st.integers(0, 70)
    elif fact.type == "date":
        one = dates.map(dt.date.isoformat)
    else:
        one = VALUES.get(fact.key, st.just(""))

    @st.composite
    def build(draw):
        op = draw(ops)
        node = {"fact": fact.key, "op": op}
        if op in ("in", "not_in", "contains"):
            node["value"] = draw(st.lists(one, min_size=1, max_size=3, unique=True))
        elif op == "between":
            node["value"] = sorted(draw(st.lists(one, min_size=2, max_size=2)))
        elif op not in ("is_true", "is_false"):
            node["value"] = draw(one)
        return node

    return build()


leaves = st.one_of(*(_leaf(f) for f in FACTS))
rules = st.recursive(leaves, lambda children: st.one_of(
    st.builds(lambda xs: {"all": xs}, st.lists(children, max_size=4)),
    st.builds(lambda xs: {"any": xs}, st.lists(children, max_size=4)),
    st.builds(lambda x: {"not": x}, children)), max_leaves=8)


@pytest.fixture
def employers(world):
    specs = (("enterprise", "25", ["high_tech", "listed"], "230602"),
             ("university", "83", [], "230603"), ("hospital", "26", ["specialized"], "211000"))
    made = []
    for i, (kind, industry, labels, code) in enumerate(specs):
        made.append(Employer.objects.create(
            uscc=f"91230600MA00000{i}X", name=f"单位{i}", type=kind, industry=industry,
            labels=labels, region=Region.objects.get(code=code)))
    pools = {name: Pool.objects.create(region=Region.objects.get(code="230600"), name=name)
             for name in POOLS}
    return made, pools


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(people=st.lists(person, min_size=1, max_size=6), rule=rules,
       on=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_sql_and_explanation_agree(employers, people, rule, on):
    from wutong.policies.facts import read_facts

    made, pools = employers
    rule = validate_rule(rule)
    ids = []
    for p in people:
        t = make_talent(p["region"], employer=None if p["employer"] is None
                        else made[p["employer"]], si_months=p["si_months"],
                        owns_housing=p["owns_housing"],
                        **{k: p[k] for k in ("birth_date", "introduced_on", "education",
                                             "degree", "title_level", "skill_level",
                                             "category", "introduction_mode")})
        for name in p["pools"]:
            PoolMembership.objects.create(pool=pools[name], talent=t)
        for level in p["honours"]:
            Honour.objects.create(talent=t, name="荣誉", level=level)
        ids.append(t.pk)
    try:
        by_sql = set(Talent.objects.filter(pk__in=ids).filter(compile_rule(rule, on=on))
                     .values_list("pk", flat=True))
        facts = read_facts(ids, on)
        by_python = {pk for pk in ids if evaluate(rule, facts[pk], on=on)}
        by_trace = {pk for pk in ids if explain(rule, facts[pk], on=on).held}
        assert by_sql == by_python == by_trace, (rule, on)
    finally:
        Talent.objects.filter(pk__in=ids).delete()
