"""The seed places' benefits as a policy officer reads them: given these facts on this date,
this amount (CNY, over the whole term) or this reason for refusal.

Each row is (benefit, decisive date, the person's facts, expected). Facts not named are
unknown (未登记). The benefits are the demo's own (``policies.demo.places``), so what the
demo shows is what these tables check.
"""

from __future__ import annotations

import datetime as dt

import pytest

from wutong.core.demo import DemoContext
from wutong.core.models import Region
from wutong.policies.demo import places
from wutong.policies.engine import person_results, spec_for
from wutong.policies.facts import FACTS
from wutong.policies.models import Benefit, BenefitAmount, BenefitRuleVersion, Fund, Policy
from wutong.policies.rules import validate_rule

ZONE = "211000Z01"  # 辽阳高新技术产业开发区
D = dt.date(2026, 6, 1)

CASES = [
    # — 辽阳高新区：每月 800–1,500 元工资外津贴（36 个月），5–10 万元安家补贴 —
    ("高层次人才工资外津贴", D, {"region": ZONE, "degree_level": "2"}, "28,800.00"),
    ("高层次人才工资外津贴", D, {"region": ZONE, "category": "B"}, "54,000.00"),
    ("高层次人才工资外津贴", D, {"region": ZONE, "category": "C"}, "43,200.00"),
    ("高层次人才工资外津贴", D, {"region": ZONE, "degree_level": "3"},
     "不符合：最高学位级别为 硕士，需为 博士"),
    ("高层次人才工资外津贴", D, {"region": "211002", "degree_level": "2"},
     "不符合：不在本事项适用地区（辽阳高新技术产业开发区）内"),
    ("高层次人才安家补贴", D, {"region": ZONE, "category": "B", "introduction_mode":
                          "full_time", "years_since_introduced": 1}, "100,000.00"),
    ("高层次人才安家补贴", D, {"region": ZONE, "degree_level": "2", "introduction_mode":
                          "full_time", "years_since_introduced": 0}, "50,000.00"),
    ("高层次人才安家补贴", D, {"region": ZONE, "degree_level": "2", "introduction_mode":
                          "flexible", "years_since_introduced": 0},
     "不符合：引进方式为 柔性引进，需为 刚性引进"),
    ("高层次人才安家补贴", D, {"region": ZONE, "degree_level": "2", "introduction_mode":
                          "full_time", "years_since_introduced": 4},
     "不符合：引进年限为 4 年，需不超过 3 年"),
    # — 大庆：分类购房补贴，与人才公寓租金减免就高不重复 —
    ("人才购房补贴", D, {"region": "230602", "category": "C", "social_insurance_months": 14,
                    "owns_housing_locally": False}, "150,000.00"),
    ("人才购房补贴", D, {"region": "230602", "category": "C", "social_insurance_months": 8,
                    "owns_housing_locally": False},
     "不符合：本地社保缴纳月数为 8 个月，需满 12 个月"),
    ("人才购房补贴", D, {"region": "230602", "category": "E", "social_insurance_months": 12,
                    "owns_housing_locally": True}, "不符合：本地有自有住房为 是，需为“否”"),
    ("人才公寓租金减免", D, {"region": "230602", "category": "D",
                      "owns_housing_locally": False}, "54,000.00"),
    ("人才公寓租金减免", D, {"region": "230602", "category": "C", "social_insurance_months": 24,
                      "owns_housing_locally": False},
     "与“人才购房补贴”同组，就高不重复，不再重复享受"),
    # — 通川：安家补助、岗位激励（按年分期 3 年）—
    ("引进人才安家补助", D, {"region": "511702", "category": "C", "introduction_mode":
                       "full_time", "years_since_introduced": 2}, "100,000.00"),
    ("引进人才安家补助", D, {"region": "511702", "category": "E", "introduction_mode":
                       "full_time", "years_since_introduced": 2},
     "不符合：人才类别为 E类，需属于 A类、B类、C类、D类"),
    ("岗位激励", D, {"region": "511702", "category": "C", "introduction_mode": "full_time",
                 "years_since_introduced": 2, "social_insurance_months": 6}, "72,000.00"),
    ("岗位激励", D, {"region": "511702", "category": "E", "introduction_mode": "full_time",
                 "years_since_introduced": 2, "social_insurance_months": 6},
     "本事项对该人才类别未设金额"),
    # — 二道：“百名博士”安家补贴与柔性引进博士工作补贴（同组）—
    ("博士人才安家补贴", D, {"region": "220105", "education": "11", "introduction_mode":
                       "full_time", "years_since_introduced": 1}, "100,000.00"),
    ("柔性引进博士工作补贴", D, {"region": "220105", "education": "11", "introduction_mode":
                         "flexible"}, "24,000.00"),
    ("博士人才安家补贴", D, {"region": "220105", "education": "14", "introduction_mode":
                       "full_time", "years_since_introduced": 1},
     "不符合：最高学历为 硕士研究生毕业，需为 博士研究生毕业"),
    # — 呼兰：人才公寓租金补贴（专项资金每年不少于 120 万元）—
    ("人才公寓租金补贴", D, {"region": "230111", "category": "D", "introduction_mode":
                       "full_time", "owns_housing_locally": False}, "24,000.00"),
    ("人才公寓租金补贴", D, {"region": "230111", "category": "D", "introduction_mode":
                       "full_time"}, "不符合：本地有自有住房为 未登记，需为“否”"),
]


@pytest.fixture
def seed_specs(db):
    """The seed places' benefits, built in each test's transaction (a module-wide build
    outlived the test database when this module ran alone)."""
    return _build()


def _build():
    from tests.conftest import ensure_reference_data

    ensure_reference_data()  # a browser test before this module may have flushed them
    liaoyang = Region.objects.get(code="211000")
    Region.objects.get_or_create(code=ZONE, defaults={
        "name": "辽阳高新技术产业开发区", "level": "zone", "parent": liaoyang,
        "path": f"{liaoyang.path}{ZONE}/"})
    ctx = DemoContext()
    ctx.places = {slug: Region.objects.get(code=code) for slug, code in (
        ("liaoyang", "211000"), ("daqing", "230600"), ("tongchuan", "511702"),
        ("erdao", "220105"), ("hulan", "230111"))}
    specs = {}
    for place in places(ctx):
        policy = Policy.objects.create(region=place["region"], title=place["policy"][0],
                                       effective_from=dt.date(2022, 1, 1))
        fund = Fund.objects.create(region=place["region"], name=place["fund"][0], year=2026,
                                   budget_fen=place["fund"][1] * 100)
        for item in place["benefits"]:
            b = Benefit.objects.create(
                policy=policy, region=place["region"], name=item["name"], fund=fund,
                payment_kind=item["payment_kind"], periods=item["periods"],
                exclusion_group=item.get("exclusion_group", ""), is_published=True)
            b.current_version = BenefitRuleVersion.objects.create(
                benefit=b, number=1, rule=validate_rule(item["rule"]))
            b.save()
            for tier, yuan in item["amounts"]:
                BenefitAmount.objects.create(benefit=b, tier=tier, amount_fen=yuan * 100,
                                             effective_from=dt.date(2022, 1, 1))
            specs[b.name] = b
    return specs


def _facts(answers: dict) -> tuple[dict, int]:
    region = Region.objects.get(code=answers["region"])
    facts = {f.key: None for f in FACTS}
    facts.update({k: v for k, v in answers.items() if k != "region"})
    facts["talent_region"] = facts["employer_region"] = region.path
    return facts, region.pk


@pytest.mark.parametrize(("name", "on", "answers", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_seed_benefit(seed_specs, name, on, answers, expected):
    facts, region_id = _facts(answers)
    group = [b for b in seed_specs.values() if b.region_id == seed_specs[name].region_id]
    specs = [spec_for(b, on) for b in group]
    result = next(r for r in person_results(specs, facts, on=on, region_id=region_id)
                  if r.spec.benefit.name == name)
    if expected[0].isdigit():
        assert result.gets, result.reasons
        assert result.amount_cny == expected
    else:
        assert not result.gets
        assert expected in result.reasons, result.reasons
