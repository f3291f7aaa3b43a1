"""Helpers of the route probe (tests/test_route_probe.py): a "foreign" place full of records.

``build_foreign`` fills one region (辽阳 by default) with at least one record of every model a
detail, edit, download or export route reads: people and their histories and attachments,
employers and platforms, units and users, policies, benefits, funds, entitlements,
applications with materials, notices, payment batches, cases, the grid, leaders' contacts,
assessment plans, reports, proofs and scores, code items, jobs with files, saved filters,
messages, tokens and, through the services, the audit records of all of it. Every text a page
could show carries ``marker`` ("泄露探针甲…") and the people carry known ID numbers and phones,
so a probe can tell whether any of it reached someone outside the place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_user
from wutong.accounts.models import Unit, UnitKind
from wutong.accounts.roles import Role
from wutong.core.demo.generators import id_number
from wutong.core.models import Region

TODAY = timezone.localdate()
YEAR = TODAY.year


def marked_pdf(marker: str) -> bytes:
    """A small PDF whose bytes carry the marker (a leaked download shows it)."""
    return b"%PDF-1.4\n% " + marker.encode("utf-8") + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_foreign(world, *, code: str = "211000", tag: str = "甲", office_key: str = "other_city",
                  seed: int = 99, phone_prefix: str = "1371") -> dict:
    """Records of every kind in region ``code``, made by its office (``world[office_key]``).

    Returns a dict of the records by kind (``objs``), the marker, and the personal data
    (clear ID numbers and phones) given to its people (``secrets``).
    """
    rng = random.Random(seed)
    marker = f"泄露探针{tag}"
    region = Region.objects.get(code=code)
    office = world[office_key]
    o: dict = {}
    secrets: list[str] = []
    markers: list[str] = []

    def mark(kind: str) -> str:
        markers.append(f"{marker}{kind}")
        return markers[-1]

    def phone(n: int) -> str:
        value = f"{phone_prefix}{n:07d}"
        secrets.append(value)
        return value

    def idn() -> str:
        value = id_number(rng, "211002" if code == "211000" else code)
        secrets.append(value)
        return value

    # --- accounts: units and users ------------------------------------------------------
    from wutong.accounts import services as acc

    o["unit"] = acc.unit_save(user=office, region=region, name=mark("成员单位"),
                              kind=UnitKind.MEMBER_UNIT, contact_name=mark("联系人"),
                              contact_phone=phone(1), duty=mark("职责"))
    o["office_unit"] = Unit.objects.get(region=region, kind=UnitKind.TALENT_OFFICE)
    o["office_unit"].contact_phone = phone(2)
    o["office_unit"].save()
    o["user"] = acc.user_create(actor=office, username=f"probe_staff_{seed}",
                                full_name=mark("工作人员"), role=Role.OFFICE,
                                password="Probe-Pass-2026!zq", region=region,
                                unit=o["office_unit"], phone=phone(3), id_number=idn(),
                                title=mark("职务"))
    o["member_user"] = make_user(f"probe_member_{seed}", Role.MEMBER_UNIT, code, o["unit"],
                                 full_name=mark("成员单位人员"), phone=phone(4))
    o["talent_user"] = make_user(f"probe_talent_{seed}", Role.TALENT, code,
                                 full_name=mark("人才账号"), phone=phone(5), id_number=idn())
    o["employer_user"] = make_user(f"probe_employer_{seed}", Role.EMPLOYER, code,
                                   full_name=mark("单位账号"), phone=phone(6))
    o["commissioner"] = make_user(f"probe_comm_{seed}", Role.COMMISSIONER, code,
                                  full_name=mark("专员"), phone=phone(7))
    o["leader_user"] = make_user(f"probe_leader_{seed}", Role.LEADER, code,
                                 full_name=mark("领导账号"), phone=phone(8))
    o["token"], _key = acc.api_token_create(user=office, name=mark("令牌"))

    # --- employers and platforms ----------------------------------------------------------
    from wutong.core.demo.generators import uscc
    from wutong.orgs import services as orgs
    from wutong.orgs.models import EmployerAccount

    o["employer"] = orgs.employer_save(user=office, region=region, uscc=uscc(rng, code),
                                       name=mark("用人单位"), type="enterprise",
                                       contact_name=mark("单位联系人"), contact_phone=phone(9),
                                       address=mark("地址"))
    EmployerAccount.objects.create(user=o["employer_user"], employer=o["employer"])
    o["platform"] = orgs.platform_save(user=office, name=mark("平台"), kind="postdoc",
                                       level="provincial", host=o["employer"], region=region,
                                       description=mark("平台简介"))

    # --- talents and their file ------------------------------------------------------------
    from wutong.talents import attachments
    from wutong.talents import services as tal
    from wutong.talents.models import (
        Attachment,
        CategoryRecognition,
        Education,
        Employment,
        Honour,
        Pool,
        PoolMembership,
        ProfessionalTitle,
        SkillCertificate,
    )

    o["talent"] = tal.talent_save(user=office, region=region, data={
        "name": mark("人才"), "id_number": idn(), "phone": phone(10),
        "email": "probe@example.com", "position": mark("岗位"), "category": "A",
        "honours": mark("荣誉"), "introduced_on": dt.date(YEAR, 1, 5)})
    talent = o["talent"]
    talent.employer = o["employer"]
    talent.account = o["talent_user"]
    talent.tags = [mark("标签")]
    talent.save()
    o["talent2"] = tal.talent_save(user=office, region=region, data={
        "name": mark("同事"), "id_number": idn(), "phone": phone(11), "category": "B"})
    o["talent2"].employer = o["employer"]
    o["talent2"].save()
    o["education"] = Education.objects.create(talent=talent, level="21", school=mark("学校"),
                                              major=mark("专业"))
    o["title"] = ProfessionalTitle.objects.create(talent=talent, level="1", name=mark("职称"))
    o["skill"] = SkillCertificate.objects.create(talent=talent, level="1",
                                                 occupation=mark("工种"),
                                                 certificate_no="PROBE-CERT-1")
    o["employment"] = Employment.objects.create(talent=talent, employer=o["employer"],
                                                employer_name=mark("工作单位"),
                                                position=mark("经历岗位"))
    o["honour"] = Honour.objects.create(talent=talent, name=mark("荣誉称号"), level="city",
                                        year=YEAR - 1)
    from wutong.core import services as core_svc
    from wutong.core.models import CodeTable

    category_table = CodeTable.objects.get(key="talent_category")
    o["code_item"] = core_svc.code_item_save(user=office, table=category_table, region=region,
                                             code="A", name=mark("人才类别"))
    o["recognition"] = CategoryRecognition.objects.create(
        talent=talent, category=o["code_item"], recognised_on=dt.date(YEAR, 1, 2),
        basis=mark("认定依据"))
    o["pool"] = Pool.objects.create(region=region, name=mark("专家库"),
                                    description=mark("库说明"))
    PoolMembership.objects.create(pool=o["pool"], talent=talent, extra={"note": mark("入库")})
    content = marked_pdf(mark("附件内容"))
    o["attachment"] = Attachment.objects.create(
        talent=talent, kind="degree", note=mark("附件说明"), filename=f"{mark('附件')}.pdf",
        file_type="pdf", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        storage_key=attachments.blob_store(content), uploaded_by=office)
    from wutong.talents import platform_services

    o["platform_membership"] = platform_services.platform_member_add(
        user=office, platform=o["platform"], talent=talent, role=mark("平台角色"))

    # --- policies, benefits, funds, entitlements, applications ------------------------------
    from wutong.policies import services as pol
    from wutong.policies.models import (
        Application,
        ApplicationMaterial,
        ApplicationStep,
        BenefitReviewStep,
        Entitlement,
        Payment,
        PaymentBatch,
        PublicNotice,
        ReturnRequest,
        ScanRun,
        TalentFactSupplement,
    )

    o["policy"] = pol.policy_save(user=office, region=region, title=mark("政策"),
                                  effective_from=dt.date(2020, 1, 1), text=mark("政策原文"),
                                  issuer=mark("发文单位"))
    o["fund"] = pol.fund_save(user=office, region=region, name=mark("资金"), year=YEAR,
                              budget_fen=100_000_000, note=mark("资金说明"))
    o["benefit"] = pol.benefit_save(user=office, policy=o["policy"], region=region,
                                    name=mark("事项"), fund=o["fund"], summary=mark("事项简介"),
                                    materials=[mark("材料"), "学历学位证书"])
    pol.benefit_rule_publish(user=office, benefit=o["benefit"], rule={"all": []},
                             note=mark("规则说明"))
    o["amount"] = pol.benefit_amount_add(user=office, benefit=o["benefit"], tier="",
                                         effective_from=dt.date(2020, 1, 1),
                                         amount_fen=1_000_000)
    pol.benefit_set_published(user=office, benefit=o["benefit"], published=True)
    BenefitReviewStep.objects.create(benefit=o["benefit"], unit=o["unit"], order=1)
    o["benefit"].refresh_from_db()
    o["supplement"] = TalentFactSupplement.objects.create(
        talent=talent, as_of=dt.date(YEAR, 1, 1), social_insurance_months_local=12,
        source=mark("数据来源"))
    o["scan_run"] = ScanRun.objects.create(on_date=TODAY, started_by=office, region=region,
                                           finished_at=timezone.now(), benefits=1, found=1)
    o["entitlement"] = Entitlement.objects.create(
        talent=talent, benefit=o["benefit"], region=region, amount_fen=1_000_000,
        found_on=TODAY, status="offered", found_run=o["scan_run"], offered_at=timezone.now(),
        rule_version=o["benefit"].current_version)
    o["entitlement2"] = Entitlement.objects.create(
        talent=o["talent2"], benefit=o["benefit"], region=region, amount_fen=1_000_000,
        found_on=TODAY, status="new", found_run=o["scan_run"],
        rule_version=o["benefit"].current_version)
    o["application"] = Application.objects.create(
        talent=talent, benefit=o["benefit"], region=region, source="talent",
        status="in_review", applicant=o["talent_user"], note=mark("申报说明"),
        current_step=1, current_unit=o["unit"], amount_fen=1_000_000,
        explanation={"note": mark("判定依据")}, submitted_at=timezone.now())
    content = marked_pdf(mark("材料内容"))
    o["material"] = ApplicationMaterial.objects.create(
        application=o["application"], name=mark("材料"), filename=f"{mark('材料')}.pdf",
        file_type="pdf", size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        storage_key=attachments.blob_store(content), uploaded_by=o["talent_user"])
    # An application that went through the chain, on notice, then paid in a batch.
    o["application_paid"] = Application.objects.create(
        talent=o["talent2"], benefit=o["benefit"], region=region, source="employer",
        employer=o["employer"], status="payable", applicant=o["employer_user"],
        note=mark("代报说明"), current_step=1, amount_fen=1_000_000,
        submitted_at=timezone.now(), decided_at=timezone.now())
    o["step"] = ApplicationStep.objects.create(
        application=o["application_paid"], order=1, unit=o["unit"], reviewer=o["member_user"],
        reviewer_name=mark("审核人"), decision="approve", reason=mark("审核理由"))
    o["return_step"] = ApplicationStep.objects.create(
        application=o["application"], order=1, unit=o["unit"], reviewer=o["member_user"],
        reviewer_name=mark("审核人"), decision="return", reason=mark("退回理由"))
    o["return_request"] = ReturnRequest.objects.create(
        application=o["application"], step=o["return_step"],
        items=[{"text": mark("补正事项"), "material": ""}], answers=[mark("补正说明")],
        answered_at=timezone.now())
    o["notice"] = PublicNotice.objects.create(
        benefit=o["benefit"], region=region, title=mark("公示"), starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=4), published_by=office)
    o["notice"].applications.set([o["application_paid"]])
    o["batch"] = PaymentBatch.objects.create(fund=o["fund"], region=region, title=mark("发放批次"),
                                             due_by=TODAY, created_by=office, count=1,
                                             total_fen=1_000_000)
    o["payment"] = Payment.objects.create(
        application=o["application_paid"], talent=o["talent2"], benefit=o["benefit"],
        fund=o["fund"], region=region, period="once", seq=1, due_on=TODAY,
        amount_fen=1_000_000, status="in_batch", batch=o["batch"])

    # --- cases and the grid ---------------------------------------------------------------
    from wutong.cases import commissioner_services as grid
    from wutong.cases import services as cases
    from wutong.cases.models import CaseType

    o["case_type"] = CaseType.objects.create(region=region, name=mark("诉求类型"), unit=o["unit"],
                                             deadline_days=5, warn_days=2,
                                             description=mark("类型说明"))
    o["case"] = cases.case_raise(user=o["talent_user"], talent=talent, case_type=o["case_type"],
                                 title=mark("诉求"), content=mark("诉求内容"))
    o["case"] = cases.case_accept(user=office, case=o["case"], note=mark("受理意见"))
    o["case_employer"] = cases.case_raise(user=o["employer_user"], talent=o["talent2"],
                                          case_type=o["case_type"], title=mark("单位诉求"),
                                          content=mark("单位诉求内容"))
    grid.policy_save(user=office, region=region, commissioner_categories=["A", "B"],
                     secretary_categories=["A"], contact_days=30)
    grid.care_assign(user=office, talent_ids=[talent.pk], to_user_id=o["commissioner"].pk,
                     reason=mark("配备原因"))
    o["grid_contact"] = grid.contact_log(user=o["commissioner"], talent_id=talent.pk, on=TODAY,
                                         form="visit", note=mark("专员联系内容"))
    o["grid_rule"] = grid.rule_create(user=office, region=region, role="commissioner",
                                      to_user_id=o["commissioner"].pk, employer=o["employer"])

    # --- leaders' contact duty -----------------------------------------------------------
    from wutong.liaison import services as lia
    from wutong.liaison.models import LeaderBody

    o["leader"] = lia.leader_create(user=office, region=region, name=mark("领导"),
                                    post=mark("领导职务"), body=LeaderBody.GOVERNMENT,
                                    account=o["leader_user"])
    o["leader_head"] = lia.leader_create(user=office, region=region, name=mark("局长"),
                                         post=mark("局长职务"), body=LeaderBody.UNIT,
                                         unit=o["unit"])
    o["duty_rule"] = lia.rule_save(user=office, region=region, year=YEAR, experts_per_leader=2,
                                   experts_per_unit_head=1, contacts_per_expert=2,
                                   expert_categories=["A", "B"], basis=mark("规则依据"))
    o["assignment"] = lia.assignment_add(user=office, leader=o["leader"], talent=talent,
                                         started_on=dt.date(YEAR, 1, 1))
    o["contact"] = lia.contact_log(user=office, leader=o["leader"], on=TODAY, form="visit",
                                   summary=mark("交流内容"), experts=[talent],
                                   place=mark("地点"), suggestions=[mark("建议")],
                                   problems=[mark("问题")])
    o["item"] = o["contact"].items.get(kind="problem")

    # --- assessment: plans, tasks, dispatch, scoring ------------------------------------------
    from wutong.assessment import scoring
    from wutong.assessment import services as ass
    from wutong.assessment.models import Task

    o["plan"] = ass.plan_create(user=office, region=region, year=YEAR, title=mark("工作要点"),
                                source_document=mark("依据文件"))
    o["task"] = Task.objects.create(plan=o["plan"], region=region, seq=1, title=mark("任务"),
                                    point=mark("重点工作"), lead_unit=o["unit"],
                                    target_value=3, target_measure="个", is_project=True)
    o["round"] = ass.round_open(user=office, plan=o["plan"], month=1,
                                due_on=TODAY + dt.timedelta(days=5))
    o["report"] = ass.report_submit(user=o["member_user"], round=o["round"], task=o["task"],
                                    done=mark("进展"), problems=mark("困难"), value_reached=1)
    o["proof"] = ass.proof_add(user=o["member_user"], report=o["report"],
                               upload=SimpleUploadedFile("佐证.pdf",
                                                         marked_pdf(mark("佐证内容"))))
    o["report"] = ass.report_comment(user=office, report=o["report"], comment=mark("点评"))
    o["chase"] = ass.chase_send(user=office, round=o["round"], unit=o["unit"],
                                note=mark("催报"))
    o["project_check"] = ass.project_check_save(user=office, task=o["task"], stage="start",
                                                content=mark("项目检查"))
    o["leader_report"] = ass.leader_report_save(user=office, region=region, year=YEAR,
                                                leader_name=mark("述职人"), post=mark("述职职务"),
                                                report=mark("述职报告"), unit=o["unit"],
                                                comments=mark("述职评价"))
    o["system"] = scoring.system_create(user=office, region=region, year=YEAR,
                                        title=mark("考核体系"), units=[o["unit"]])
    o["indicator"] = scoring.indicator_add(user=office, system=o["system"], part="bonus",
                                           name=mark("指标"), points=5, scoring="per_item",
                                           per_item=1, description=mark("指标说明"))
    o["indicator_computed"] = scoring.indicator_add(
        user=office, system=o["system"], part="basic", name=mark("计算指标"), points=40,
        method="computed", measure_key="talents_introduced", target=1)
    o["entry"] = scoring.entry_save(user=office, indicator=o["indicator"], unit=o["unit"],
                                    value=2, note=mark("填报说明"),
                                    upload=SimpleUploadedFile("证明.pdf",
                                                              marked_pdf(mark("证明内容"))))
    scoring.system_score(user=office, system=o["system"])
    o["adjustment"] = scoring.score_adjust(user=office, system=o["system"], unit=o["unit"],
                                           points=1, reason=mark("调整理由"))
    from wutong.assessment.models import UnitScore

    o["score"] = UnitScore.objects.get(system=o["system"], unit=o["unit"])

    # --- core: jobs with files, saved filters, columns, messages ------------------------------
    from wutong.core.models import Job
    from wutong.core.notify import notify

    job = core_svc.export_start(user=office, exporter_key="talents", fmt="xlsx", params={})
    core_svc.export_execute(job_id=str(job.pk))
    o["job"] = Job.objects.get(pk=job.pk)
    job = core_svc.export_start(user=office, exporter_key="talents", fmt="csv", params={})
    core_svc.export_execute(job_id=str(job.pk))
    o["job_csv"] = Job.objects.get(pk=job.pk)
    o["saved_filter"] = core_svc.saved_filter_create(user=office, list_key="talents",
                                                     name=mark("筛选")[:20],
                                                     params={"q": talent.name}, shared=True)
    notify(recipients=[office], kind="probe", title=mark("消息"), body=mark("消息内容"),
           url=f"/talents/{talent.pk}/", obj=talent)
    from wutong.core.models import Message

    o["message"] = Message.objects.filter(recipient=office).latest("id")
    from wutong.stats import services as stats

    o["population"] = stats.population_save(user=office, region=region, year=YEAR,
                                            population=1_234_567, intake_target=7,
                                            note=mark("人口说明"))
    from wutong.core.models import AuditRecord

    o["audit"] = AuditRecord.objects.filter(region=region).latest("id")
    from wutong.cases.models import WorkdayOverride

    # The working-day calendar is the deployment's, not a place's (no marker: every office
    # sees it); this place's office entered a day of it.
    o["workday_override"] = WorkdayOverride.objects.create(
        day=dt.date(YEAR + 5, 5, 1) + dt.timedelta(days=seed % 28), kind="holiday",
        note=f"{region.name}调休", created_by=office)
    return {"objs": o, "marker": marker, "markers": markers, "secrets": secrets,
            "region": region}


def file_texts(data: bytes, content_type: str = "") -> str:
    """The readable text of a downloaded file: xlsx cells, PDF text, or the bytes as text."""
    text = data.decode("utf-8", errors="ignore")
    if data[:2] == b"PK":
        import zipfile

        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, InvalidFileException):
            return text  # a zip that is no workbook (docx…): its bytes are all we have
        cells = []
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells.extend(str(c) for c in row if c is not None)
        wb.close()
        return "\n".join(cells)
    if data[:5] == b"%PDF-":
        from tests.liaison_helpers import pdf_text

        return text + "\n" + pdf_text(data)
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8", errors="ignore")
    return text


def fingerprint_json(rows) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()
