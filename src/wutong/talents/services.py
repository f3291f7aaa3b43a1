"""Writes of the talents app: the person file, histories, categories, pools, merge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log, snapshot
from wutong.core.codes import code_choices
from wutong.core.errors import Conflict, PermissionDenied, ValidationFailed
from wutong.core.models import CodeItem, Region
from wutong.core.models.audit import AuditAction
from wutong.core.pii import personal_lookup
from wutong.core.scope import ensure_in_scope, require_region
from wutong.core.validators import is_valid_id_number, is_valid_mobile, upgrade_id_number
from wutong.talents.models import (
    CategoryRecognition,
    Education,
    Employment,
    IdType,
    IntroductionMode,
    Pool,
    PoolMembership,
    ProfessionalTitle,
    Sex,
    Talent,
    TalentNameKey,
)
from wutong.talents.names import name_keys, sort_key

CODED_FIELDS = {"education": "education", "degree": "degree", "title_level": "title_level",
                "skill_level": "skill_level", "political_status": "political_status",
                "ethnic_group": "ethnic_group", "industry": "industry"}
PLAIN_FIELDS = ("name", "nationality", "sex", "birth_date", "email", "position", "introduced_on",
                "introduction_mode", "honours", "employer")


def identity_from_id_number(id_number: str) -> tuple[dt.date | None, str]:
    """Birth date and sex encoded in an 18-character resident ID number."""
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None, ""
    return born, (Sex.MALE if int(id_number[16]) % 2 else Sex.FEMALE)


def _validate(user, data: dict) -> list[dict]:
    details: list[dict] = []

    def bad(field: str, message: str) -> None:
        details.append({"field": field, "message": message})

    if not (data.get("name") or "").strip():
        bad("name", _("请填写姓名。"))
    id_type = data.get("id_type") or IdType.RESIDENT
    if id_type not in IdType.values:
        bad("id_type", _("证件类型无效。"))
    number = (data.get("id_number") or "").strip().upper()
    if id_type == IdType.RESIDENT and number:
        number = upgrade_id_number(number)
        if not is_valid_id_number(number):
            bad("id_number", _("身份证号码不正确（应为 18 位，含校验位）。"))
        data["id_number"] = number
    if id_type != IdType.RESIDENT and number and not (data.get("nationality") or "").strip():
        bad("nationality", _("外籍人员请填写国籍。"))
    if data.get("phone") and not is_valid_mobile(data["phone"]):
        bad("phone", _("手机号码不正确（应为 11 位）。"))
    for field, table in CODED_FIELDS.items():
        value = data.get(field) or ""
        if value and value not in {c for c, _n in code_choices(table)}:
            bad(field, _("代码 %(code)s 不在字典中。") % {"code": value})
    if data.get("sex") and data["sex"] not in Sex.values:
        bad("sex", _("性别无效。"))
    if data.get("introduction_mode") and data["introduction_mode"] not in IntroductionMode.values:
        bad("introduction_mode", _("引进方式无效。"))
    employer = data.get("employer")
    if employer is not None:
        from django.apps import apps

        employer_model = apps.get_model("orgs", "Employer")
        if not employer_model.objects.restrict(user, "view").filter(pk=employer.pk).exists():
            bad("employer", _("所选单位不在您的数据范围内。"))
    return details


def refresh_name_keys(talents: list[Talent]) -> None:
    TalentNameKey.objects.filter(talent__in=talents).delete()
    TalentNameKey.objects.bulk_create(
        [TalentNameKey(talent=t, region_id=t.region_id, key=k) for t in talents
         for k in name_keys(t.name)],
        batch_size=2000)


@transaction.atomic
def talent_save(*, user, region: Region, data: dict[str, Any],
                talent: Talent | None = None) -> Talent:
    """Create or change a person's file. Blank ID number / phone keep the stored value."""
    if not user.has_perm("talents.change_talent" if talent else "talents.add_talent"):
        raise PermissionDenied()
    data = dict(data)
    details = _validate(user, data)
    if details:
        raise ValidationFailed(details=details)
    require_region(user, region, current=talent.region if talent else None)
    before = None
    if talent is not None:
        ensure_in_scope(user, talent, "change")
        before = snapshot(talent)
    else:
        talent = Talent()
    talent.region = region
    talent.id_type = data.get("id_type") or IdType.RESIDENT
    if data.get("id_number"):
        talent.id_number = data["id_number"]
        if talent.id_type == IdType.RESIDENT:
            born, sex = identity_from_id_number(data["id_number"])
            data.setdefault("birth_date", born)
            data["birth_date"] = data.get("birth_date") or born
            data["sex"] = data.get("sex") or sex
    if data.get("phone"):
        talent.phone = data["phone"]
    for field in (*PLAIN_FIELDS, *CODED_FIELDS):
        if field in data:
            value = data[field]
            setattr(talent, field, value.strip() if isinstance(value, str) else value)
    talent.nationality = talent.nationality or "中国"
    talent.name_sort = sort_key(talent.name)
    if talent.id_number is not None:
        existing = Talent.objects.filter(
            id_type=talent.id_type, nationality=talent.nationality,
            **personal_lookup(Talent, "id_number", talent.id_number.reveal()))
        if talent.pk:
            existing = existing.exclude(pk=talent.pk)
        if existing.exists():
            raise Conflict(_("该证件号码已建档，请在人才库中查找后修改原档案。"))
    try:
        with transaction.atomic():
            talent.save()
    except IntegrityError as exc:
        raise Conflict(_("该证件号码已建档，请在人才库中查找后修改原档案。")) from exc
    refresh_name_keys([talent])
    ensure_in_scope(user, talent, "change" if before else "add")
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
              obj=talent, before=before, after=snapshot(talent))
    return talent


@transaction.atomic
def education_add(*, user, talent: Talent, level: str, degree: str = "", school: str = "",
                  major: str = "", graduated_on: dt.date | None = None) -> Education:
    """Add an education; the file's highest education/degree follow the best one."""
    ensure_in_scope(user, talent, "change")
    if level not in {c for c, _n in code_choices("education")}:
        raise ValidationFailed(details=[{"field": "level", "message": _("学历代码无效。")}])
    item = Education.objects.create(talent=talent, level=level, degree=degree, school=school,
                                    major=major, graduated_on=graduated_on)
    best = min(talent.educations.values_list("level", flat=True))
    degrees = [d for d in talent.educations.values_list("degree", flat=True) if d]
    Talent.objects.filter(pk=talent.pk).update(education=best,
                                               degree=min(degrees) if degrees else "")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
              extra={"education_added": {"level": level, "school": school, "major": major}})
    return item


@transaction.atomic
def title_add(*, user, talent: Talent, level: str, name: str = "", series: str = "",
              obtained_on: dt.date | None = None) -> ProfessionalTitle:
    ensure_in_scope(user, talent, "change")
    if level not in {c for c, _n in code_choices("title_level")}:
        raise ValidationFailed(details=[{"field": "level", "message": _("职称级别无效。")}])
    item = ProfessionalTitle.objects.create(talent=talent, level=level, name=name, series=series,
                                            obtained_on=obtained_on)
    best = min(talent.titles.values_list("level", flat=True), key=lambda c: (c[0], len(c)))
    Talent.objects.filter(pk=talent.pk).update(title_level=best)
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
              extra={"title_added": {"level": level, "name": name}})
    return item


@transaction.atomic
def employment_add(*, user, talent: Talent, employer_name: str, employer=None,
                   position: str = "", mode: str = "", started_on: dt.date | None = None,
                   ended_on: dt.date | None = None) -> Employment:
    ensure_in_scope(user, talent, "change")
    if ended_on and started_on and ended_on < started_on:
        raise ValidationFailed(details=[{"field": "ended_on",
                                         "message": _("结束时间不能早于开始时间。")}])
    item = Employment.objects.create(talent=talent, employer=employer,
                                     employer_name=employer_name or str(employer or ""),
                                     position=position, mode=mode, started_on=started_on,
                                     ended_on=ended_on)
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
              extra={"employment_added": {"employer": item.employer_name, "position": position}})
    return item


@transaction.atomic
def category_recognise(*, user, talent: Talent, category: CodeItem, recognised_on: dt.date,
                       basis: str = "") -> CategoryRecognition:
    """Record a recognised category (人才分类认定); the file shows the latest one."""
    ensure_in_scope(user, talent, "change")
    if category.table.key != "talent_category" or (
            category.region_id and category.region_id not in
            user.get_data_scope().region_ids and user.get_data_scope().kind != "all"):
        raise ValidationFailed(details=[{"field": "category",
                                         "message": _("人才类别不在本地区目录中。")}])
    item = CategoryRecognition.objects.create(talent=talent, category=category,
                                              recognised_on=recognised_on, basis=basis,
                                              approved_by=user)
    Talent.objects.filter(pk=talent.pk).update(category=category.code)
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
              extra={"category": category.name, "basis": basis})
    return item


@transaction.atomic
def pool_add(*, user, pool: Pool, talents: list[Talent], joined_on: dt.date | None = None) -> int:
    """Add talents to a pool (bulk); those already in it are left as they are."""
    ensure_in_scope(user, pool, "change")
    allowed = set(Talent.objects.restrict(user, "change").filter(
        pk__in=[t.pk for t in talents]).values_list("pk", flat=True))
    if len(allowed) != len({t.pk for t in talents}):
        raise PermissionDenied(_("部分人员不在您的数据范围内。"))
    present = set(PoolMembership.objects.filter(pool=pool, talent_id__in=allowed)
                  .values_list("talent_id", flat=True))
    new = [PoolMembership(pool=pool, talent_id=pk, joined_on=joined_on or dt.date.today())
           for pk in allowed - present]
    PoolMembership.objects.bulk_create(new)
    audit_log(actor=user, action=AuditAction.UPDATE, obj=pool,
              extra={"members_added": len(new)})
    return len(new)


MERGE_FIELDS = ("sex", "birth_date", "ethnic_group", "political_status", "email", "education",
                "degree", "title_level", "skill_level", "employer", "position", "industry",
                "introduced_on", "introduction_mode", "category", "honours")


@transaction.atomic
def talent_merge(*, user, keep: Talent, drop: Talent) -> Talent:
    """Merge two files of the same person: ``drop``'s histories, memberships and any field
    ``keep`` lacks move to ``keep``; ``drop`` is deleted. Nothing is lost, and it is audited."""
    from wutong.talents.models import PlatformMembership

    if keep.pk == drop.pk:
        raise ValidationFailed(_("不能把档案与自己合并。"))
    for talent in (keep, drop):
        ensure_in_scope(user, talent, "change")
    if not user.has_perm("talents.delete_talent"):
        raise PermissionDenied()
    if keep.id_number is not None and drop.id_number is not None and \
            keep.id_number.reveal() != drop.id_number.reveal():
        raise ValidationFailed(_("两份档案的证件号码不同，不是同一个人，不能合并。"))
    before = {"keep": snapshot(keep), "drop": snapshot(drop)}
    for field in MERGE_FIELDS:
        if getattr(keep, field) in (None, "") and getattr(drop, field) not in (None, ""):
            setattr(keep, field, getattr(drop, field))
    if keep.id_number is None and drop.id_number is not None:
        keep.id_number, keep.id_type = drop.id_number.reveal(), drop.id_type
    if keep.phone is None and drop.phone is not None:
        keep.phone = drop.phone.reveal()
    if keep.account_id is None and drop.account_id is not None:
        keep.account_id, drop.account_id = drop.account_id, None
        drop.save(update_fields=["account"])
    for model in (Education, ProfessionalTitle, Employment, CategoryRecognition):
        model.objects.filter(talent=drop).update(talent=keep)
    for model, key in ((PoolMembership, "pool_id"), (PlatformMembership, "platform_id")):
        held = set(model.objects.filter(talent=keep).values_list(key, flat=True))
        model.objects.filter(talent=drop).exclude(**{f"{key}__in": held}).update(talent=keep)
    drop_pk, drop_repr = drop.pk, str(drop)
    drop.delete()
    keep.save()
    refresh_name_keys([keep])
    audit_log(actor=user, action=AuditAction.UPDATE, obj=keep, before=before["keep"],
              after=snapshot(keep), extra={"merged_from": drop_pk, "merged_record":
                                           before["drop"], "merged_repr": drop_repr})
    return keep


@transaction.atomic
def category_assign_bulk(*, user, talents: list[Talent], category: CodeItem,
                         recognised_on: dt.date, basis: str = "") -> int:
    """Recognise one category for many people at once (批量认定)."""
    for talent in talents:
        category_recognise(user=user, talent=talent, category=category,
                           recognised_on=recognised_on, basis=basis)
    return len(talents)
