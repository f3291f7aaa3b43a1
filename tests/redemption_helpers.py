"""Helpers of the redemption tests: a city benefit with a two-unit review chain, a fund, a
talent with an account and an employer, one required material already on file."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.policy_helpers import make_benefit, make_fund, make_talent
from wutong.core.models import Region
from wutong.orgs.models import Employer, EmployerAccount
from wutong.policies.models import BenefitReviewStep
from wutong.talents import attachments
from wutong.talents.models import Attachment

PDF = b"%PDF-1.4\n% test\n%%EOF\n"


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def on_file(talent, kind: str = "contract") -> Attachment:
    return Attachment.objects.create(
        talent=talent, kind=kind, filename=f"{kind}.pdf", file_type="pdf", size=len(PDF),
        sha256="0" * 64, storage_key=attachments.blob_store(PDF))


def build(world, *, budget_fen: int = 10_000_000, chain=("daqing_kjj", "daqing_rsj"),
          **benefit_fields) -> dict:
    """大庆 benefit (10,000 CNY once unless told), reviewed by 科技局 then 人社局; the
    ``talent`` account's file in 萨尔图 at the ``employer`` account's employer, with its
    labour contract on file and 户籍证明 still to upload."""
    employer = Employer.objects.create(uscc="91230602MA1AAAAA1X", name="萨尔图科技公司",
                                       type="enterprise",
                                       region=Region.objects.get(code="230602"))
    EmployerAccount.objects.create(user=world["employer"], employer=employer)
    fund = make_fund("230600", budget_fen=budget_fen, year=dt.date.today().year)
    fields = {"materials": ["劳动合同", "户籍证明"], "fund": fund,
              "amounts": (("", "2020-01-01", 1_000_000),), **benefit_fields}
    benefit = make_benefit("230600", name="博士安家补贴", **fields)
    for order, key in enumerate(chain, start=1):
        BenefitReviewStep.objects.create(benefit=benefit, unit=world[key], order=order)
    mine = make_talent("230602", name="张明华", employer=employer, category="C")
    mine.account = world["talent"]
    mine.save()
    on_file(mine)
    colleague = make_talent("230602", name="李四", employer=employer, category="C")
    on_file(colleague)
    stranger = make_talent("230602", name="王五", category="C")
    stranger.account = world["talent2"]
    stranger.save()
    on_file(stranger)
    return {**world, "benefit": benefit, "fund": fund, "mine": mine, "colleague": colleague,
            "stranger": stranger, "employer_org": employer}
