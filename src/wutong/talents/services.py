"""Writes of the talents app: the person file, histories, categories, pools, merge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction
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
)
from wutong.talents.rows import name_columns, refresh_name_keys

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
    talent.name_sort, talent.name_pinyin, talent.name_initials = name_columns(talent.name)
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
    from wutong.talents.models import Attachment, Honour, PlatformMembership, SkillCertificate

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
    # The current fields stay in step with the histories both files bring (see _bring_in_step).
    for talent in (keep, drop):
        _honours_from_text(talent)
    ranked = {aspect: _state(keep, aspect) for aspect in ("education", "title", "skill")}
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
    for model in (Education, ProfessionalTitle, Employment, CategoryRecognition,
                  SkillCertificate, Honour, Attachment):
        model.objects.filter(talent=drop).update(talent=keep)
    for model, key in ((PoolMembership, "pool_id"), (PlatformMembership, "platform_id")):
        held = set(model.objects.filter(talent=keep).values_list(key, flat=True))
        model.objects.filter(talent=drop).exclude(**{f"{key}__in": held}).update(talent=keep)
    drop_pk, drop_repr = drop.pk, str(drop)
    drop.delete()
    keep.save()
    for aspect, state in ranked.items():
        _bring_in_step(keep, aspect, state)
    _bring_in_step(keep, "honour", None)
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


# --- The person file: histories kept in step with the file's "current" fields ---------------
# Each history write loads the file locked, validates, writes, brings the file's current
# fields (highest education, title, skill, employer, category) in step and audits, with the
# writer's scope checked before and after. A value the histories never held (typed on the
# form, imported without detail) is kept as one more candidate, so no write downgrades it.

EARLIEST = dt.date(1900, 1, 1)


class _Problems:
    """Field problems collected before anything is written."""

    def __init__(self) -> None:
        self.details: list[dict] = []

    def add(self, field: str, message: str) -> None:
        self.details.append({"field": field, "message": str(message)})

    def code(self, field: str, value: str, table: str, *, required: bool = True,
             leaves_only: bool = False) -> None:
        if not value:
            if required:
                self.add(field, _("请选择。"))
        elif value not in {c for c, _n in code_choices(table, leaves_only=leaves_only)}:
            self.add(field, _("代码 %(code)s 不在字典中。") % {"code": value})

    def past(self, field: str, value: dt.date | None) -> None:
        if value is not None and value > dt.date.today():
            self.add(field, _("日期不能晚于今天。"))
        elif value is not None and value < EARLIEST:
            self.add(field, _("日期不正确。"))

    def order(self, start_field: str, start: dt.date | None, end_field: str,
              end: dt.date | None, message) -> None:
        if start and end and end < start:
            self.add(end_field, message)

    def text(self, field: str, value: str, limit: int, *, required: bool = False) -> None:
        if required and not (value or "").strip():
            self.add(field, _("请填写。"))
        elif len(value or "") > limit:
            self.add(field, _("不能超过 %(n)d 个字。") % {"n": limit})

    def raise_if_any(self) -> None:
        if self.details:
            raise ValidationFailed(details=self.details)


def _title_rank(code: str) -> tuple:
    return (code[0], len(code)) if code else ("9", 9)


def _ranked(talent: Talent, field: str, before: set[str], after: set[str], key=None) -> None:
    current = getattr(talent, field) or ""
    candidates = {v for v in after if v}
    if current and current not in before:
        candidates.add(current)
    setattr(talent, field, min(candidates, key=key) if candidates else "")


def _primary_employment(talent: Talent) -> Employment | None:
    """The job that is the file's current employer: open; full-time first and flexible
    (柔性) last; then the latest start."""
    today = dt.date.today()
    current = [e for e in talent.employments.select_related("employer")
               if e.ended_on is None or e.ended_on >= today]
    rank = {IntroductionMode.FULL_TIME: 0, IntroductionMode.FLEXIBLE: 2}  # 柔性: stays where
    current.sort(key=lambda e: (rank.get(e.mode, 1),                     # they work
                                -(e.started_on or EARLIEST).toordinal(), -e.pk))
    return current[0] if current else None


def _represents(talent: Talent, job: Employment | None) -> bool:
    if job is None:
        return False
    if job.employer_id:
        return job.employer_id == talent.employer_id
    return talent.employer_id is None or talent.employer.name == job.employer_name


def _current_recognition(talent: Talent) -> CategoryRecognition | None:
    from django.db.models import Q

    return (talent.recognitions.select_related("category")
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=dt.date.today()))
            .order_by("-recognised_on", "-pk").first())


def _state(talent: Talent, aspect: str) -> Any:
    if aspect == "education":
        rows = list(talent.educations.values_list("level", "degree"))
        return {r[0] for r in rows}, {r[1] for r in rows}
    if aspect == "title":
        return set(talent.titles.values_list("level", flat=True))
    if aspect == "skill":
        return set(talent.skills.values_list("level", flat=True))
    if aspect == "employment":
        return _primary_employment(talent)
    if aspect == "recognition":
        return _current_recognition(talent)
    if aspect == "honour":
        return None
    raise ValueError(aspect)


def _bring_in_step(talent: Talent, aspect: str, before: Any) -> list[str]:
    """Set the file's current fields of ``aspect`` from its histories; the fields changed."""
    fields = {"education": ["education", "degree"], "title": ["title_level"],
              "skill": ["skill_level"], "employment": ["employer", "position"],
              "recognition": ["category"], "honour": ["honours"]}[aspect]
    old = {f: getattr(talent, f) for f in fields}
    after = _state(talent, aspect)
    if aspect == "education":
        _ranked(talent, "education", before[0], after[0])
        _ranked(talent, "degree", before[1], after[1], key=lambda c: (c[0], c))
    elif aspect == "title":
        _ranked(talent, "title_level", before, after, key=_title_rank)
    elif aspect == "skill":
        _ranked(talent, "skill_level", before, after)
    elif aspect == "employment":
        if after is not None and not _represents(talent, after):
            talent.employer, talent.position = after.employer, after.position
        elif after is not None:
            talent.position = after.position or talent.position
        elif _represents(talent, before):
            talent.employer, talent.position = None, ""
    elif aspect == "recognition":
        if after is not None:
            talent.category = after.category.code
        elif before is not None and before.category.code == talent.category:
            talent.category = ""
    elif aspect == "honour":
        talent.honours = "、".join(talent.honour_list.order_by("year", "id")
                                  .values_list("name", flat=True))
    changed = [f for f in fields if getattr(talent, f) != old[f]]
    if changed:
        talent.save(update_fields=[*changed, "updated_at"])
    return changed


def _materialise(talent: Talent, aspect: str, values: dict | None) -> dict | None:
    """A current value the histories do not hold yet (typed on the form, imported without
    detail) becomes an entry before the histories change, so no later change loses it —
    unless the entry being written is that value."""
    values = values or {}
    if values.get("level") and values["level"] == {
            "education": talent.education, "title": talent.title_level,
            "skill": talent.skill_level}.get(aspect):
        return None
    if aspect == "employment" and talent.employer_id and (
            values.get("employer") == talent.employer
            or values.get("employer_name") == talent.employer.name):
        return None
    entry = None
    if aspect == "education" and talent.education and \
            not talent.educations.filter(level=talent.education).exists():
        entry = Education.objects.create(talent=talent, level=talent.education,
                                         degree=talent.degree)
    elif aspect == "title" and talent.title_level and \
            not talent.titles.filter(level=talent.title_level).exists():
        entry = ProfessionalTitle.objects.create(talent=talent, level=talent.title_level)
    elif aspect == "skill" and talent.skill_level and \
            not talent.skills.filter(level=talent.skill_level).exists():
        entry = talent.skills.create(level=talent.skill_level)
    elif aspect == "employment" and talent.employer_id and not talent.employments.filter(
            models.Q(employer_id=talent.employer_id)
            | models.Q(employer__isnull=True, employer_name=talent.employer.name)).exists():
        mode = talent.introduction_mode if talent.introduction_mode in (
            IntroductionMode.FULL_TIME, IntroductionMode.FLEXIBLE) else ""
        entry = Employment.objects.create(talent=talent, employer=talent.employer,
                                          employer_name=talent.employer.name,
                                          position=talent.position, mode=mode)
    return snapshot(entry) if entry is not None else None


def _history_write(*, user, talent: Talent, aspect: str, noun: str, item=None,
                   values: dict | None = None, delete: bool = False):
    """Write one history row of ``talent`` (add when ``item`` is None, change, or delete)."""
    ensure_in_scope(user, talent, "change")
    talent = Talent.objects.select_for_update(of=("self",)).select_related("employer").get(
        pk=talent.pk)
    materialised = _materialise(talent, aspect, values)
    before_state = _state(talent, aspect)
    before_file = snapshot(talent)
    item_before = snapshot(item) if item is not None else None
    if delete:
        item.delete()
        verb = "deleted"
    else:
        verb = "changed" if item is not None else "added"
        item = item if item is not None else item_model(noun)(talent=talent)
        for field, value in values.items():
            setattr(item, field, value.strip() if isinstance(value, str) else value)
        item.save()
    _bring_in_step(talent, aspect, before_state)
    ensure_in_scope(user, talent, "change")
    record = {"before": item_before, "after": None if delete else snapshot(item)}
    if materialised:
        record["kept_from_file"] = materialised
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent, before=before_file,
              after=snapshot(talent), extra={f"{noun}_{verb}": record})
    return item


def item_model(noun: str):
    from wutong.talents.models import Honour, SkillCertificate

    return {"education": Education, "title": ProfessionalTitle, "skill": SkillCertificate,
            "employment": Employment, "recognition": CategoryRecognition,
            "honour": Honour}[noun]


def _education_values(*, level, degree, school, major, graduated_on) -> dict:
    problems = _Problems()
    problems.code("level", level, "education", leaves_only=True)
    problems.code("degree", degree, "degree", required=False)
    problems.text("school", school, 100)
    problems.text("major", major, 100)
    problems.past("graduated_on", graduated_on)
    problems.raise_if_any()
    return {"level": level, "degree": degree or "", "school": school or "",
            "major": major or "", "graduated_on": graduated_on}


@transaction.atomic
def education_add(*, user, talent: Talent, level: str, degree: str = "", school: str = "",
                  major: str = "", graduated_on: dt.date | None = None) -> Education:
    """Add an education; the file's highest education/degree follow the best one."""
    values = _education_values(level=level, degree=degree, school=school, major=major,
                               graduated_on=graduated_on)
    return _history_write(user=user, talent=talent, aspect="education", noun="education",
                          values=values)


@transaction.atomic
def education_update(*, user, education: Education, level: str, degree: str = "",
                     school: str = "", major: str = "",
                     graduated_on: dt.date | None = None) -> Education:
    values = _education_values(level=level, degree=degree, school=school, major=major,
                               graduated_on=graduated_on)
    return _history_write(user=user, talent=education.talent, aspect="education",
                          noun="education", item=education, values=values)


@transaction.atomic
def education_delete(*, user, education: Education) -> None:
    _history_write(user=user, talent=education.talent, aspect="education", noun="education",
                   item=education, delete=True)


def _title_values(*, level, name, series, obtained_on) -> dict:
    problems = _Problems()
    problems.code("level", level, "title_level")
    problems.text("name", name, 60)
    problems.text("series", series, 60)
    problems.past("obtained_on", obtained_on)
    problems.raise_if_any()
    return {"level": level, "name": name or "", "series": series or "",
            "obtained_on": obtained_on}


@transaction.atomic
def title_add(*, user, talent: Talent, level: str, name: str = "", series: str = "",
              obtained_on: dt.date | None = None) -> ProfessionalTitle:
    """Add a professional title (职称); the file's title level follows the highest one."""
    values = _title_values(level=level, name=name, series=series, obtained_on=obtained_on)
    return _history_write(user=user, talent=talent, aspect="title", noun="title",
                          values=values)


@transaction.atomic
def title_update(*, user, title: ProfessionalTitle, level: str, name: str = "",
                 series: str = "", obtained_on: dt.date | None = None) -> ProfessionalTitle:
    values = _title_values(level=level, name=name, series=series, obtained_on=obtained_on)
    return _history_write(user=user, talent=title.talent, aspect="title", noun="title",
                          item=title, values=values)


@transaction.atomic
def title_delete(*, user, title: ProfessionalTitle) -> None:
    _history_write(user=user, talent=title.talent, aspect="title", noun="title", item=title,
                   delete=True)


def _skill_values(*, level, occupation, certificate_no, issuer, obtained_on) -> dict:
    problems = _Problems()
    problems.code("level", level, "skill_level")
    problems.text("occupation", occupation, 80)
    problems.text("certificate_no", certificate_no, 60)
    problems.text("issuer", issuer, 100)
    problems.past("obtained_on", obtained_on)
    problems.raise_if_any()
    return {"level": level, "occupation": occupation or "",
            "certificate_no": (certificate_no or "").strip().upper(), "issuer": issuer or "",
            "obtained_on": obtained_on}


@transaction.atomic
def skill_add(*, user, talent: Talent, level: str, occupation: str = "",
              certificate_no: str = "", issuer: str = "", obtained_on: dt.date | None = None):
    """Add a vocational skill level (职业技能等级); the file's skill level follows the best."""
    values = _skill_values(level=level, occupation=occupation, certificate_no=certificate_no,
                           issuer=issuer, obtained_on=obtained_on)
    return _history_write(user=user, talent=talent, aspect="skill", noun="skill",
                          values=values)


@transaction.atomic
def skill_update(*, user, skill, level: str, occupation: str = "", certificate_no: str = "",
                 issuer: str = "", obtained_on: dt.date | None = None):
    values = _skill_values(level=level, occupation=occupation, certificate_no=certificate_no,
                           issuer=issuer, obtained_on=obtained_on)
    return _history_write(user=user, talent=skill.talent, aspect="skill", noun="skill",
                          item=skill, values=values)


@transaction.atomic
def skill_delete(*, user, skill) -> None:
    _history_write(user=user, talent=skill.talent, aspect="skill", noun="skill", item=skill,
                   delete=True)


def _employment_values(user, *, employer, employer_name, position, mode, started_on,
                       ended_on) -> dict:
    from django.apps import apps

    problems = _Problems()
    name = (employer_name or "").strip() or (employer.name if employer is not None else "")
    if employer is not None and not apps.get_model("orgs", "Employer").objects.restrict(
            user, "view").filter(pk=employer.pk).exists():
        problems.add("employer", _("所选单位不在您的数据范围内。"))
    if not name:
        problems.add("employer_name", _("请选择已登记的单位，或填写单位名称。"))
    problems.text("employer_name", name, 120)
    problems.text("position", position, 80)
    if mode and mode not in (IntroductionMode.FULL_TIME, IntroductionMode.FLEXIBLE,
                             IntroductionMode.LOCAL):
        problems.add("mode", _("引进方式无效。"))
    problems.past("started_on", started_on)
    problems.order("started_on", started_on, "ended_on", ended_on,
                   _("结束时间不能早于开始时间。"))
    problems.raise_if_any()
    return {"employer": employer, "employer_name": name, "position": position or "",
            "mode": mode or "", "started_on": started_on, "ended_on": ended_on}


@transaction.atomic
def employment_add(*, user, talent: Talent, employer_name: str = "", employer=None,
                   position: str = "", mode: str = "", started_on: dt.date | None = None,
                   ended_on: dt.date | None = None) -> Employment:
    """Add a period of work (an employer in scope, or a free name); an open full-time job
    becomes the file's current employer and position."""
    values = _employment_values(user, employer=employer, employer_name=employer_name,
                                position=position, mode=mode, started_on=started_on,
                                ended_on=ended_on)
    return _history_write(user=user, talent=talent, aspect="employment", noun="employment",
                          values=values)


@transaction.atomic
def employment_update(*, user, employment: Employment, employer_name: str = "",
                      employer=None, position: str = "", mode: str = "",
                      started_on: dt.date | None = None,
                      ended_on: dt.date | None = None) -> Employment:
    values = _employment_values(user, employer=employer, employer_name=employer_name,
                                position=position, mode=mode, started_on=started_on,
                                ended_on=ended_on)
    return _history_write(user=user, talent=employment.talent, aspect="employment",
                          noun="employment", item=employment, values=values)


@transaction.atomic
def employment_delete(*, user, employment: Employment) -> None:
    _history_write(user=user, talent=employment.talent, aspect="employment",
                   noun="employment", item=employment, delete=True)


def category_choices(talent: Talent):
    """Items of the local catalogue ``talent_category`` that apply to the talent: those of
    the talent's region and of the regions above it, newest year first."""
    codes = [c for c in talent.region.path.strip("/").split("/") if c]
    return (CodeItem.objects.filter(table__key="talent_category", is_active=True,
                                    region__code__in=codes)
            .select_related("region").order_by("-year", "region__code", "sort_order", "code"))


@transaction.atomic
def category_recognise(*, user, talent: Talent, category: CodeItem, recognised_on: dt.date,
                       basis: str = "", valid_until: dt.date | None = None
                       ) -> CategoryRecognition:
    """Record a recognised category (人才分类认定), approved by ``user``; the file shows the
    latest recognition still valid."""
    problems = _Problems()
    if category.table.key != "talent_category" or not category_choices(talent).filter(
            pk=category.pk).exists():
        problems.add("category", _("人才类别不在本地区目录中。"))
    if recognised_on is None:
        problems.add("recognised_on", _("请填写认定日期。"))
    problems.past("recognised_on", recognised_on)
    problems.text("basis", basis, 300)
    problems.order("recognised_on", recognised_on, "valid_until", valid_until,
                   _("有效期不能早于认定日期。"))
    problems.raise_if_any()
    return _history_write(user=user, talent=talent, aspect="recognition", noun="recognition",
                          values={"category": category, "recognised_on": recognised_on,
                                  "basis": basis or "", "valid_until": valid_until,
                                  "approved_by": user})


@transaction.atomic
def recognition_delete(*, user, recognition: CategoryRecognition) -> None:
    """Withdraw a recognition recorded in error (audited with what it said)."""
    _history_write(user=user, talent=recognition.talent, aspect="recognition",
                   noun="recognition", item=recognition, delete=True)


# --- Honours and tags --------------------------------------------------------------------------
_SEPARATORS = r"[,，、;；\n\r\t]+"


def _honour_values(*, name, level, year) -> dict:
    from wutong.talents.models import HonourLevel

    problems = _Problems()
    problems.text("name", name, 100, required=True)
    if level and level not in HonourLevel.values:
        problems.add("level", _("级别无效。"))
    if year is not None and not 1949 <= year <= dt.date.today().year:
        problems.add("year", _("年份应在 1949 年到今年之间。"))
    problems.raise_if_any()
    return {"name": name, "level": level or "", "year": year}


def _honours_from_text(talent: Talent) -> None:
    """Honours typed or imported as one line become entries before the list is changed, so
    nothing of the old text is lost."""
    import re

    from wutong.talents.models import Honour

    have = set(talent.honour_list.values_list("name", flat=True))
    parts = [p.strip()[:100] for p in re.split(_SEPARATORS, talent.honours or "") if p.strip()]
    Honour.objects.bulk_create([Honour(talent=talent, name=p) for p in dict.fromkeys(parts)
                                if p not in have])


@transaction.atomic
def honour_add(*, user, talent: Talent, name: str, level: str = "", year: int | None = None):
    """Add an honour title (荣誉称号); ``Talent.honours`` lists the names in step."""
    values = _honour_values(name=name, level=level, year=year)
    ensure_in_scope(user, talent, "change")
    _honours_from_text(talent)
    return _history_write(user=user, talent=talent, aspect="honour", noun="honour",
                          values=values)


@transaction.atomic
def honour_update(*, user, honour, name: str, level: str = "", year: int | None = None):
    values = _honour_values(name=name, level=level, year=year)
    ensure_in_scope(user, honour.talent, "change")
    _honours_from_text(honour.talent)
    return _history_write(user=user, talent=honour.talent, aspect="honour", noun="honour",
                          item=honour, values=values)


@transaction.atomic
def honour_delete(*, user, honour) -> None:
    ensure_in_scope(user, honour.talent, "change")
    _honours_from_text(honour.talent)
    _history_write(user=user, talent=honour.talent, aspect="honour", noun="honour",
                   item=honour, delete=True)


MAX_TAGS, MAX_TAG_LENGTH = 20, 20


def parse_tags(text: str) -> list[str]:
    """"高层次, 返乡  乡贤" → ["高层次", "返乡", "乡贤"]: split on commas, 顿号 and spaces."""
    import re

    return list(dict.fromkeys(t for t in re.split(_SEPARATORS + r"|\s+", text or "")
                              if t.strip()))


@transaction.atomic
def talent_tags_set(*, user, talent: Talent, tags: list[str]) -> Talent:
    """Replace the file's tags (short labels such as 返乡人才, 乡贤)."""
    tags = list(dict.fromkeys(t.strip() for t in tags if t and t.strip()))
    problems = _Problems()
    if len(tags) > MAX_TAGS:
        problems.add("tags", _("标签最多 %(n)d 个。") % {"n": MAX_TAGS})
    long = [t for t in tags if len(t) > MAX_TAG_LENGTH]
    if long:
        problems.add("tags", _("标签“%(tag)s”太长（每个不超过 %(n)d 个字）。")
                     % {"tag": long[0][:30], "n": MAX_TAG_LENGTH})
    problems.raise_if_any()
    ensure_in_scope(user, talent, "change")
    talent = Talent.objects.select_for_update().get(pk=talent.pk)
    before = snapshot(talent)
    talent.tags = tags
    talent.save(update_fields=["tags", "updated_at"])
    ensure_in_scope(user, talent, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent, before=before,
              after=snapshot(talent))
    return talent


# --- Pools from the person page ----------------------------------------------------------------

def _pool_extra(pool: Pool, extra: dict[str, str]) -> dict[str, str]:
    declared = {f.get("key"): f.get("label") for f in pool.extra_fields or []
                if isinstance(f, dict) and f.get("key")}
    problems = _Problems()
    unknown = sorted(k for k in extra if k not in declared)
    if unknown:
        problems.add("extra", _("“%(pool)s”没有这些附加字段：%(keys)s。")
                     % {"pool": pool.name, "keys": "、".join(unknown)[:100]})
    for key, value in extra.items():
        if key in declared and len(str(value or "")) > 200:
            problems.add(f"extra__{key}", _("不能超过 %(n)d 个字。") % {"n": 200})
    problems.raise_if_any()
    return {k: str(v or "").strip() for k, v in extra.items() if str(v or "").strip()}


@transaction.atomic
def pool_member_save(*, user, pool: Pool, talent: Talent, joined_on: dt.date | None = None,
                     extra: dict[str, str] | None = None) -> PoolMembership:
    """Put one talent in a pool, or change their entry, with the pool's extra fields (only
    the keys the pool declares)."""
    values = _pool_extra(pool, extra or {})
    problems = _Problems()
    problems.past("joined_on", joined_on)
    problems.raise_if_any()
    ensure_in_scope(user, pool, "change")
    ensure_in_scope(user, talent, "change")
    membership = PoolMembership.objects.filter(pool=pool, talent=talent).first()
    before = snapshot(membership) if membership else None
    if membership is None:
        membership = PoolMembership(pool=pool, talent=talent)
    membership.joined_on = joined_on or membership.joined_on or dt.date.today()
    membership.extra = values
    membership.save()
    ensure_in_scope(user, pool, "change")
    ensure_in_scope(user, talent, "change")
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
              extra={"pool_member_saved": {"pool": pool.name, "before": before,
                                           "after": snapshot(membership)}})
    return membership


@transaction.atomic
def pool_member_remove(*, user, pool: Pool, talent: Talent) -> None:
    ensure_in_scope(user, pool, "change")
    ensure_in_scope(user, talent, "change")
    membership = PoolMembership.objects.filter(pool=pool, talent=talent).first()
    if membership is None:
        return
    before = snapshot(membership)
    membership.delete()
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
              extra={"pool_member_removed": {"pool": pool.name, "before": before}})


# --- Attachments (sealed at rest; see talents/attachments.py) ----------------------------------

@transaction.atomic
def attachment_add(*, user, talent: Talent, upload, kind: str, note: str = ""):
    """Keep an uploaded file in the talent's file, sealed; the content decides its type."""
    import hashlib

    from wutong.talents import attachments
    from wutong.talents.models import Attachment, AttachmentKind

    if not user.has_perm("talents.add_attachment"):
        raise PermissionDenied()
    ensure_in_scope(user, talent, "change")
    problems = _Problems()
    if kind not in AttachmentKind.values:
        problems.add("kind", _("请选择附件类型。"))
    problems.text("note", note, 200)
    problems.raise_if_any()
    data, file_type, filename = attachments.read_upload(upload)
    key = attachments.blob_store(data)
    try:
        item = Attachment.objects.create(
            talent=talent, kind=kind, note=(note or "").strip(), filename=filename,
            file_type=file_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            storage_key=key, uploaded_by=user)
        ensure_in_scope(user, item, "add")
        audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
                  extra={"attachment_added": snapshot(item)})
    except BaseException:
        attachments.blob_delete(key)
        raise
    return item


def attachment_read(*, user, attachment) -> bytes:
    """The clear bytes of an attachment, for a user who may see it; the read is audited
    (an attachment can show an ID card)."""
    from wutong.talents import attachments

    ensure_in_scope(user, attachment, "view")
    data = attachments.blob_load(attachment.storage_key)
    with transaction.atomic():
        audit_log(actor=user, action=AuditAction.REVEAL, obj=attachment.talent,
                  extra={"attachment_downloaded": {"id": attachment.pk,
                                                   "filename": attachment.filename,
                                                   "kind": attachment.kind}})
    return data


@transaction.atomic
def attachment_delete(*, user, attachment) -> None:
    from wutong.talents import attachments

    ensure_in_scope(user, attachment, "delete")
    talent, before, key = attachment.talent, snapshot(attachment), attachment.storage_key
    attachment.delete()
    audit_log(actor=user, action=AuditAction.UPDATE, obj=talent,
              extra={"attachment_deleted": before})
    transaction.on_commit(lambda: attachments.blob_delete(key))
