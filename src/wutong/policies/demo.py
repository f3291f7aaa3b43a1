"""Demo part of the policies app: the seed places' policies and benefits with the figures the
seed reports give (shared/seeds/), funds with budgets, rules and dated amounts; supplement
facts (months of local social insurance, own housing) for the demo talents; one scan so that
offers exist, part of them pushed.

Figures from the reports: Liaoyang high-tech zone 800–1,500 CNY a month above salary and a
50,000–100,000 CNY settling-in subsidy by tier, a 2 M CNY yearly talent fund (003); Daqing
120 M CNY special fund, housing-purchase subsidy by category, 3,690 talent apartments (004);
Tongchuan 安家补助 and 岗位激励, 1.79 M CNY paid for 2023 (001); Erdao "百名博士三年引才行动"
(000); Hulan at least 1.2 M CNY a year (002). Where a report gives no figure (the tiers of
Daqing's subsidy, Tongchuan's amounts), the demo uses plausible values, marked 演示值.
"""

from __future__ import annotations

import datetime as dt

from wutong.accounts.models import Unit, User
from wutong.core.demo import DemoContext
from wutong.core.models import Region
from wutong.policies import services
from wutong.policies.models import EntitlementStatus, Policy, TalentFactSupplement

Y = 100  # fen per yuan

FULL_TIME = {"fact": "introduction_mode", "op": "eq", "value": "full_time"}


def _recent(years: int) -> dict:
    return {"fact": "years_since_introduced", "op": "lte", "value": years}


def _si(months: int, ref: str = "") -> dict:
    return {"fact": "social_insurance_months", "op": "gte", "value": months, "ref": ref}


def _zone(region: Region) -> Region:
    return Region.objects.filter(parent=region, level="zone").first() or region


def places(ctx: DemoContext) -> list[dict]:
    """The seed places' policy families, funds and benefits (as plain data)."""
    out = []
    liaoyang = ctx.places.get("liaoyang")
    if liaoyang is not None:
        zone = _zone(liaoyang)
        high = {"any": [{"fact": "degree_level", "op": "eq", "value": "2",
                         "ref": "博士研究生、博士后"},
                        {"fact": "category", "op": "in", "value": ["A", "B", "C"],
                         "ref": "国家、省部级有突出贡献的中青年专家、学科带头人"}]}
        in_zone = {"fact": "employer_region", "op": "in", "value": [zone.code],
                   "ref": "在高新区就业"}
        out.append({
            "slug": "liaoyang", "region": zone, "office_region": liaoyang,
            "policy": ("辽阳高新区“双百计划”人才引进和培养实施办法", "辽高新发〔2018〕12号",
                       "辽阳高新技术产业开发区管委会"),
            "fund": ("高新区人才基金", 2_000_000),
            "benefits": [
                {"name": "高层次人才工资外津贴", "payment_kind": "monthly", "periods": 36,
                 "summary": "在高新区就业的高层次人才每月享受800元至1500元工资外津贴",
                 "amounts": [("A", 1500), ("B", 1500), ("C", 1200), ("", 800)],
                 "rule": {"all": [in_zone, high]}, "legal_reference": "实施办法第八条",
                 "materials": ["劳动合同", "学历学位证书或人才认定证明"]},
                {"name": "高层次人才安家补贴", "payment_kind": "once", "periods": 1,
                 "summary": "在高新区就业、安家、落户的高层次人才享受5万元至10万元安家补贴",
                 "amounts": [("A", 100_000), ("B", 100_000), ("C", 80_000), ("", 50_000)],
                 "rule": {"all": [in_zone, high, FULL_TIME, _recent(3)]},
                 "legal_reference": "实施办法第九条", "exclusion_group": "liaoyang-settle",
                 "materials": ["劳动合同", "户籍证明", "学历学位证书"]},
            ]})
    daqing = ctx.places.get("daqing")
    if daqing is not None:
        out.append({
            "slug": "daqing", "region": daqing, "office_region": daqing,
            "policy": ("大庆市农民和人才购房补贴政策的实施意见", "庆政规〔2021〕3号",
                       "大庆市人民政府"),
            "fund": ("大庆市人才专项资金", 120_000_000),
            "benefits": [
                {"name": "人才购房补贴", "payment_kind": "once", "periods": 1,
                 "summary": "分类给予人才购房补贴（各类别金额为演示值）",
                 "amounts": [("A", 300_000), ("B", 200_000), ("C", 150_000), ("D", 100_000),
                             ("E", 50_000)],
                 "rule": {"all": [{"fact": "category", "op": "in",
                                   "value": ["A", "B", "C", "D", "E"], "ref": "第二条"},
                                  _si(12, "第三条：在本市连续缴纳社会保险满12个月"),
                                  {"fact": "owns_housing_locally", "op": "is_false",
                                   "ref": "第三条：在本市首次购房"}]},
                 "legal_reference": "实施意见第二、三条", "exclusion_group": "daqing-housing",
                 "materials": ["购房合同", "不动产登记证明", "社保缴费证明"]},
                {"name": "人才公寓租金减免", "payment_kind": "monthly", "periods": 36,
                 "summary": "入住人才公寓（全市3690套）的高层次人才免缴租金（每月标准为演示值）",
                 "amounts": [("A", 3000), ("B", 3000), ("C", 2000), ("D", 1500)],
                 "rule": {"all": [{"fact": "category", "op": "in", "value": ["A", "B", "C", "D"]},
                                  {"fact": "owns_housing_locally", "op": "is_false"}]},
                 "legal_reference": "大庆市人才公寓管理办法第六条",
                 "exclusion_group": "daqing-housing", "materials": ["入住申请表"]},
            ]})
    tongchuan = ctx.places.get("tongchuan")
    if tongchuan is not None:
        out.append({
            "slug": "tongchuan", "region": tongchuan, "office_region": tongchuan,
            "policy": ("通川区人才激励办法（“21条人才激励新政”）", "通委办发〔2022〕8号",
                       "中共达州市通川区委办公室"),
            "fund": ("通川区人才发展专项资金", 1_790_000),
            "benefits": [
                {"name": "引进人才安家补助", "payment_kind": "once", "periods": 1,
                 "summary": "全职引进的高层次人才给予安家补助（金额为演示值）",
                 "amounts": [("A", 200_000), ("B", 150_000), ("C", 100_000), ("D", 50_000)],
                 "rule": {"all": [FULL_TIME, _recent(3),
                                  {"fact": "category", "op": "in",
                                   "value": ["A", "B", "C", "D"]}]},
                 "legal_reference": "激励办法第五条", "materials": ["引进协议", "劳动合同"]},
                {"name": "岗位激励", "payment_kind": "yearly", "periods": 3,
                 "summary": "引进人才在岗期间按年给予岗位激励（金额为演示值）",
                 "amounts": [("B", 36_000), ("C", 24_000), ("D", 12_000)],
                 "rule": {"all": [FULL_TIME, _recent(5), _si(6, "激励办法第六条")]},
                 "legal_reference": "激励办法第六条", "materials": ["年度考核结果"]},
            ]})
    erdao = ctx.places.get("erdao")
    if erdao is not None:
        phd = {"fact": "education", "op": "eq", "value": "11", "ref": "博士研究生毕业"}
        out.append({
            "slug": "erdao", "region": erdao, "office_region": erdao,
            "policy": ("“东城梧桐”百名博士三年引才行动方案", "二办发〔2023〕15号",
                       "中共长春市二道区委办公室"),
            "fund": ("二道区人才发展资金", 8_000_000),
            "benefits": [
                {"name": "博士人才安家补贴", "payment_kind": "once", "periods": 1,
                 "summary": "刚性引进的博士给予安家补贴（金额为演示值）",
                 "amounts": [("", 100_000)],
                 "rule": {"all": [phd, FULL_TIME, _recent(3)]},
                 "legal_reference": "行动方案第四部分", "exclusion_group": "erdao-phd",
                 "materials": ["博士学位证书", "劳动合同"]},
                {"name": "柔性引进博士工作补贴", "payment_kind": "monthly", "periods": 12,
                 "summary": "柔性引进的博士按月给予工作补贴（金额为演示值）",
                 "amounts": [("", 2_000)],
                 "rule": {"all": [phd, {"fact": "introduction_mode", "op": "eq",
                                        "value": "flexible"}]},
                 "legal_reference": "行动方案第四部分", "exclusion_group": "erdao-phd",
                 "materials": ["柔性引进协议"]},
            ]})
    hulan = ctx.places.get("hulan")
    if hulan is not None:
        out.append({
            "slug": "hulan", "region": hulan, "office_region": hulan,
            "policy": ("呼兰区人才专项资金使用管理办法（试行）", "呼政办发〔2022〕21号",
                       "哈尔滨市呼兰区人民政府办公室"),
            "fund": ("呼兰区人才专项资金", 1_200_000),
            "benefits": [
                {"name": "人才公寓租金补贴", "payment_kind": "monthly", "periods": 24,
                 "summary": "依《呼兰区人才公寓使用和管理办法（试行）》给予租金补贴"
                            "（金额为演示值）",
                 "amounts": [("C", 1_500), ("D", 1_000), ("E", 600)],
                 "rule": {"all": [FULL_TIME, {"fact": "owns_housing_locally", "op": "is_false"},
                                  {"fact": "category", "op": "in", "value": ["C", "D", "E"]}]},
                 "legal_reference": "人才公寓使用和管理办法第七条", "materials": ["租赁合同"]},
            ]})
    return out


def seed(ctx: DemoContext) -> None:
    from wutong.policies.scan import scan_all

    made = False
    for place in places(ctx):
        office = User.objects.filter(username=f"{place['slug']}.office").first()
        if office is None or Policy.objects.filter(region=place["region"]).exists():
            continue
        made = True
        title, number, issuer = place["policy"]
        policy = services.policy_save(user=office, region=place["region"], title=title,
                                      doc_number=number, issuer=issuer,
                                      effective_from=dt.date(2022, 1, 1),
                                      text="（演示）政策原文摘要。")
        fund_name, budget = place["fund"]
        fund = services.fund_save(user=office, region=place["region"], name=fund_name,
                                  year=2026, budget_fen=budget * Y)
        units = list(Unit.objects.filter(region=place["office_region"], name__regex=
                                         "(人力资源和社会保障局|财政局)$").order_by("-name"))
        for spec in place["benefits"]:
            benefit = services.benefit_save(
                user=office, policy=policy, region=place["region"], name=spec["name"],
                fund=fund, payment_kind=spec["payment_kind"], periods=spec["periods"],
                exclusion_group=spec.get("exclusion_group", ""), summary=spec["summary"],
                materials=spec["materials"], review_units=units, notice_days=5,
                legal_reference=spec["legal_reference"])
            services.benefit_rule_publish(user=office, benefit=benefit, rule=spec["rule"],
                                          note="首次发布")
            for tier, yuan in spec["amounts"]:
                services.benefit_amount_add(user=office, benefit=benefit, tier=tier,
                                            effective_from=dt.date(2022, 1, 1),
                                            amount_fen=yuan * Y)
            services.benefit_set_published(user=office, benefit=benefit, published=True)
    if not made:
        return
    supplements(ctx)
    runs = scan_all(trigger="demo")
    # Push part of the offers (Daqing, and every demo talent account's own), so the office
    # sees both "to push" and pushed ones, and a demo talent sees offers.
    from django.utils import timezone

    from wutong.policies.models import Entitlement

    pushed = Entitlement.objects.filter(status=EntitlementStatus.NEW,
                                        found_run__in=[r.pk for r in runs])
    pushed.filter(region__path__startswith=ctx.places["daqing"].path if "daqing" in ctx.places
                  else "-").update(status=EntitlementStatus.OFFERED, offered_at=timezone.now())
    pushed.filter(talent__account__isnull=False).update(status=EntitlementStatus.OFFERED,
                                                        offered_at=timezone.now())


def supplements(ctx: DemoContext) -> None:
    """Months of local social insurance and own housing for every demo talent (one bulk
    write); the demo talent accounts' files get facts that qualify them for something."""
    from wutong.talents.models import Talent

    rng = ctx.rng
    have = set(TalentFactSupplement.objects.values_list("talent_id", flat=True))
    rows = []
    for pk, account_id in Talent.objects.values_list("pk", "account_id"):
        if pk in have:
            continue
        months = 30 if account_id else rng.choice([0, 3, 8, 11, 12, 18, 24, 36, 60, 90])
        owns = False if account_id else rng.random() < .4
        rows.append(TalentFactSupplement(talent_id=pk, social_insurance_months_local=months,
                                         owns_housing_locally=owns, as_of=dt.date(2026, 6, 30),
                                         source="社保系统对接（演示数据）"))
    TalentFactSupplement.objects.bulk_create(rows, batch_size=2000)
    Talent.objects.filter(account__isnull=False).update(
        category="C", education="11", degree="208", introduction_mode="full_time",
        introduced_on=dt.date(2025, 3, 1))
