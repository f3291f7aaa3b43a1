"""Helpers of the case tests: the 大庆 catalogue entry 子女入学 answered by the city's 科技局
(the ``member`` account's unit) within 5 working days, a talent with an account and an
employer, another talent in 辽阳."""

from __future__ import annotations

from tests.policy_helpers import make_talent
from wutong.cases.models import CaseType
from wutong.core.models import Region
from wutong.orgs.models import Employer, EmployerAccount


def build(world, *, days: int = 5, warn: int = 2) -> dict:
    employer = Employer.objects.create(uscc="91230602MA1AAAAA1X", name="萨尔图科技公司",
                                       type="enterprise",
                                       region=Region.objects.get(code="230602"))
    EmployerAccount.objects.create(user=world["employer"], employer=employer)
    school = CaseType.objects.create(region=Region.objects.get(code="230600"),
                                     name="子女入学/转学", unit=world["daqing_kjj"],
                                     deadline_days=days, warn_days=warn)
    housing = CaseType.objects.create(region=Region.objects.get(code="230600"),
                                      name="住房保障", unit=world["daqing_rsj"],
                                      deadline_days=10, warn_days=2)
    liaoyang_type = CaseType.objects.create(region=Region.objects.get(code="211000"),
                                            name="子女入学/转学", unit=world["liaoyang_kjj"],
                                            deadline_days=5, warn_days=2)
    mine = make_talent("230602", name="张明华", employer=employer)
    mine.account = world["talent"]
    mine.save()
    colleague = make_talent("230602", name="李四", employer=employer)
    stranger = make_talent("230602", name="王五")
    stranger.account = world["talent2"]
    stranger.save()
    far = make_talent("211002", name="赵六")
    return {**world, "school": school, "housing": housing, "liaoyang_type": liaoyang_type,
            "mine": mine, "colleague": colleague, "stranger": stranger, "far": far,
            "employer_org": employer}


def raise_case(w, *, user=None, talent=None, case_type=None, title="孩子转学",
               content="孩子四年级，希望转入实验小学。"):
    from wutong.cases import services as svc

    return svc.case_raise(user=user or w["talent"], talent=talent or w["mine"],
                          case_type=case_type or w["school"], title=title, content=content)
