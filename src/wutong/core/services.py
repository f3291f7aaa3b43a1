"""Writes of the core app: jobs and exports, personal-data reveal, local catalogues, zones,
saved filters and column choices of lists."""

from __future__ import annotations

import json
import logging
import re

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.core import context
from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import NotFound, OutOfScope, PermissionDenied, ValidationFailed
from wutong.core.exports import exporter_rows, get_exporter, write_csv, write_xlsx
from wutong.core.models import CodeItem, CodeTable, Job, ListPreference, Region, SavedFilter
from wutong.core.models.audit import AuditAction
from wutong.core.models.jobs import JobStatus
from wutong.core.models.regions import RegionLevel
from wutong.core.pii import PersonalDataField, PersonalValue
from wutong.core.scope import ensure_in_scope, forget_scope, permission_name
from wutong.core.security.masking import redact

logger = logging.getLogger(__name__)

EXPORT_FORMATS = ("xlsx", "csv")


# --- Jobs and exports -------------------------------------------------------------------------
@transaction.atomic
def export_start(*, user, exporter_key: str, fmt: str, params: dict | None = None) -> Job:
    """Queue an export of a list, as the user sees it, to run in the background."""
    try:
        exporter = get_exporter(exporter_key)
    except KeyError as exc:
        raise NotFound(_("没有这种导出。")) from exc
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed(_("导出格式只能是 xlsx 或 csv。"))
    if not user.has_perm(permission_name(exporter.model, "export")):
        raise PermissionDenied(_("您没有导出此列表的权限。"))
    params = {k: str(v)[:100] for k, v in (params or {}).items() if v not in (None, "")}
    job_params = {"exporter": exporter_key, "format": fmt,
                  "request_id": context.current_request_id()}
    columns = _chosen_export_columns(user, exporter)
    if columns:  # the export shows what the user chose to see, fixed when it is started
        job_params["columns"] = columns
    job = Job.objects.create(
        kind="export", title=_("导出：%(title)s") % {"title": exporter.title},
        created_by=user, region_id=getattr(user, "region_id", None),
        params=job_params,
        filters=json.dumps(params, ensure_ascii=False),
    )
    from wutong.core.tasks import export_run

    def _enqueue():
        result = export_run.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=result.id)

    transaction.on_commit(_enqueue)
    return job


def _chosen_export_columns(user, exporter) -> list[str]:
    """The list columns the user chose (still allowed to their role), if they chose any."""
    from wutong.core.lists import get_list

    spec = get_list(exporter.list_key) if exporter.list_key else None
    if spec is None:
        return []
    from wutong.core.selectors import list_columns_chosen

    chosen = list_columns_chosen(user=user, list_key=spec.key)
    return spec.shown_keys(user, chosen) if chosen else []


def _job_progress(job_id, done: int) -> None:
    Job.objects.filter(pk=job_id).update(done=done)


def export_execute(*, job_id: str) -> str:
    """Run a queued export: restrict on the starter's behalf, write the file, audit it."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    user = job.created_by
    with context.bound(job.params.get("request_id") or context.new_request_id()):
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
        try:
            exporter = get_exporter(job.params["exporter"])
            fmt = job.params["format"]
            filters = json.loads(job.filters.reveal()) if job.filters else {}
            queryset = exporter.rows(user, filters)
            total = queryset.count()
            Job.objects.filter(pk=job.pk).update(total=total)
            out_dir = settings.WUTONG_EXPORT_DIR
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / f"{job.pk}.{fmt}"
            columns = exporter.pick_columns(job.params.get("columns"))
            headers = [str(c.header) for c in columns]
            writer = write_xlsx if fmt == "xlsx" else write_csv
            count = writer(path, headers, exporter_rows(exporter, queryset, columns),
                           progress=lambda n: _job_progress(job.pk, n))
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            with transaction.atomic():
                Job.objects.filter(pk=job.pk).update(
                    status=JobStatus.SUCCEEDED, done=count, total=count,
                    finished_at=timezone.now(), result_file=str(path),
                    result_name=f"{exporter.title}-{stamp}.{fmt}",
                    message=_("共导出 %(n)d 条。") % {"n": count},
                )
                audit_log(actor=user, action=AuditAction.EXPORT, object_type="core.Job",
                          object_id=str(job.pk), object_repr=str(job.title),
                          region_id=job.region_id,
                          extra={"exporter": exporter.key, "format": fmt, "rows": count,
                                 "filters": {k: redact(v) for k, v in filters.items()}})
            return JobStatus.SUCCEEDED
        except Exception:
            logger.exception("export job %s failed", job.pk)
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, finished_at=timezone.now(),
                message=_("导出失败，请稍后重试或联系管理员。"))
            return JobStatus.FAILED


# --- Personal data ----------------------------------------------------------------------------
@transaction.atomic
def personal_data_reveal(*, user, obj: models.Model, field_name: str) -> str:
    """The clear value of one personal field, for a user allowed to see it; logged."""
    field = obj._meta.get_field(field_name)
    if not isinstance(field, PersonalDataField):
        raise NotFound()
    model = type(obj)
    if not model._default_manager.restrict(user, "reveal").filter(pk=obj.pk).exists():
        raise PermissionDenied(_("您没有查看完整个人信息的权限。"))
    value: PersonalValue | None = getattr(obj, field_name)
    audit_log(actor=user, action=AuditAction.REVEAL, obj=obj,
              extra={"field": field_name, "kind": field.kind})
    return value.reveal() if value is not None else ""


# --- Regions: functional zones ----------------------------------------------------------------
@transaction.atomic
def zone_create(*, user, parent: Region, name: str) -> Region:
    """Add a functional zone (高新区, 开发区) under a prefecture or county."""
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationFailed(_("请填写功能区名称（不超过 64 字）。"))
    if parent.level not in (RegionLevel.PREFECTURE, RegionLevel.COUNTY):
        raise ValidationFailed(_("功能区只能设在地级或县级行政区之下。"))
    if not Region.objects.restrict(user, "add").filter(pk=parent.pk).exists():
        raise OutOfScope()
    if Region.objects.filter(parent=parent, name=name).exists():
        raise ValidationFailed(_("该地区下已有同名功能区。"))
    taken = Region.objects.filter(code__startswith=f"{parent.code}Z").values_list("code", flat=True)
    numbers = [int(m.group(1)) for c in taken if (m := re.search(r"Z(\d+)$", c))]
    code = f"{parent.code}Z{(max(numbers, default=0) + 1):02d}"
    zone = Region.objects.create(code=code, name=name, level=RegionLevel.ZONE, parent=parent,
                                 path=f"{parent.path}{code}/")
    forget_scope(user)  # the user's region subtree just grew
    audit_log(actor=user, action=AuditAction.CREATE, obj=zone, after=snapshot(zone))
    return zone


# --- Local catalogues -------------------------------------------------------------------------
@transaction.atomic
def code_item_save(*, user, table: CodeTable, region: Region, code: str, name: str,
                   year: int | None = None, description: str = "", sort_order: int = 0,
                   is_active: bool = True, item: CodeItem | None = None) -> CodeItem:
    """Create or change an item of a local catalogue, in a region of the user's scope."""
    if not table.is_local:
        raise ValidationFailed(_("国家标准字典不能修改。"))
    code, name = (code or "").strip(), (name or "").strip()
    details = []
    if not code or len(code) > 20:
        details.append({"field": "code", "message": _("请填写代码（不超过 20 个字符）。")})
    if not name or len(name) > 120:
        details.append({"field": "name", "message": _("请填写名称（不超过 120 字）。")})
    if details:
        raise ValidationFailed(details=details)
    action = "change" if item else "add"
    before = snapshot(item) if item else None
    if item is not None:
        ensure_in_scope(user, item, "change")
    duplicate = CodeItem.objects.filter(table=table, region=region, year=year, code=code)
    if item is not None:
        duplicate = duplicate.exclude(pk=item.pk)
    if duplicate.exists():
        raise ValidationFailed(_("代码 %(code)s 已存在。") % {"code": code})
    item = item or CodeItem(table=table)
    item.region, item.year, item.code, item.name = region, year, code, name
    item.description, item.sort_order, item.is_active = description, sort_order, is_active
    item.save()
    ensure_in_scope(user, item, action)
    audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=item,
              before=before, after=snapshot(item))
    return item


# --- Lists: saved filters and column choice (issue 3) -----------------------------------------
MAX_SAVED_FILTERS = 50


def _list_spec(user, list_key: str):
    """The registered list, if the user may open it; otherwise a 404 like any other."""
    from wutong.core.lists import get_list

    spec = get_list(list_key)
    if spec is None or not spec.may_use(user):
        raise NotFound(_("没有这个列表，或您无权使用。"))
    return spec


def _clean_filter_name(name: str) -> str:
    from wutong.core.models.lists import NAME_MAX_LENGTH

    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(details=[{"field": "name", "message": _("请填写筛选名称。")}])
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(details=[{"field": "name", "message": _(
            "筛选名称不能超过 %(n)d 个字。") % {"n": NAME_MAX_LENGTH}}])
    return name


def _ensure_unique_name(user, list_key: str, name: str, exclude_pk: int | None = None) -> None:
    taken = SavedFilter.objects.filter(owner_id=user.pk, list_key=list_key, name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationFailed(details=[{"field": "name", "message": _(
            "您已有名为「%(name)s」的筛选，请换一个名称。") % {"name": name}}])


def _ensure_owner(user, saved_filter: SavedFilter) -> None:
    """The write-side scope check of a saved filter: only its owner changes it."""
    if not SavedFilter.objects.owned_by(user).filter(pk=saved_filter.pk).exists():
        raise NotFound()


def _filter_snapshot(saved_filter: SavedFilter) -> dict:
    data = snapshot(saved_filter)  # params are masked there: they may hold a phone
    data["name"] = redact(data.get("name", ""))
    return data


def _audit_filter(user, action: str, saved_filter: SavedFilter, before=None, after=None):
    audit_log(actor=user, action=action, obj=saved_filter,
              object_repr=redact(saved_filter.name), before=before, after=after,
              region_id=getattr(user, "region_id", None))


@transaction.atomic
def saved_filter_create(*, user, list_key: str, name: str, params: dict,
                        shared: bool = False) -> SavedFilter:
    """Save the filters now set on a list under a name (only keys the list knows)."""
    spec = _list_spec(user, list_key)
    name = _clean_filter_name(name)
    filters = spec.clean_filters(params or {})
    if not filters:
        raise ValidationFailed(_("当前没有筛选条件：请先设置筛选或搜索，再保存。"))
    _ensure_unique_name(user, spec.key, name)
    if SavedFilter.objects.owned_by(user).filter(list_key=spec.key).count() >= MAX_SAVED_FILTERS:
        raise ValidationFailed(_("每个列表最多保存 %(n)d 个筛选，请先删除不用的。")
                               % {"n": MAX_SAVED_FILTERS})
    saved = SavedFilter.objects.create(
        owner=user, list_key=spec.key, name=name, shared=bool(shared) and bool(
            getattr(user, "unit_id", None)),
        params=json.dumps(filters, ensure_ascii=False, sort_keys=True))
    _ensure_owner(user, saved)
    _audit_filter(user, AuditAction.CREATE, saved, after=_filter_snapshot(saved))
    return saved


@transaction.atomic
def saved_filter_update(*, user, saved_filter: SavedFilter, name: str,
                        shared: bool | None = None) -> SavedFilter:
    """Rename a saved filter (and share it with the unit or stop sharing); owner only."""
    _ensure_owner(user, saved_filter)
    _list_spec(user, saved_filter.list_key)
    name = _clean_filter_name(name)
    _ensure_unique_name(user, saved_filter.list_key, name, exclude_pk=saved_filter.pk)
    before = _filter_snapshot(saved_filter)
    saved_filter.name = name
    if shared is not None:
        saved_filter.shared = bool(shared) and bool(getattr(user, "unit_id", None))
    saved_filter.save(update_fields=["name", "shared", "updated_at"])
    _ensure_owner(user, saved_filter)
    _audit_filter(user, AuditAction.UPDATE, saved_filter, before=before,
                  after=_filter_snapshot(saved_filter))
    return saved_filter


@transaction.atomic
def saved_filter_delete(*, user, saved_filter: SavedFilter) -> None:
    _ensure_owner(user, saved_filter)
    before = _filter_snapshot(saved_filter)
    _audit_filter(user, AuditAction.DELETE, saved_filter, before=before)
    saved_filter.delete()


@transaction.atomic
def list_columns_save(*, user, list_key: str, columns: list[str]) -> ListPreference:
    """Remember which columns (in which order) the user sees in a list and its exports."""
    spec = _list_spec(user, list_key)
    allowed = {c.key: c for c in spec.columns_for(user)}
    columns = [str(c)[:40] for c in columns or []]
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        raise ValidationFailed(_("这些列不存在或您无权查看：%(keys)s。")
                               % {"keys": "、".join(unknown[:5])})
    chosen = list(dict.fromkeys(columns))  # first mention keeps its place
    if not [c for c in chosen if not allowed[c].required]:
        raise ValidationFailed(_("请至少选择一列（或恢复默认）。"))
    preference, created = ListPreference.objects.get_or_create(
        owner=user, list_key=spec.key, defaults={"columns": chosen})
    before = None if created else {"columns": preference.columns}
    if not created:
        preference.columns = chosen
        preference.save(update_fields=["columns", "updated_at"])
    audit_log(actor=user, action=AuditAction.CREATE if created else AuditAction.UPDATE,
              obj=preference, before=before, after={"columns": chosen},
              region_id=getattr(user, "region_id", None))
    return preference


@transaction.atomic
def list_columns_reset(*, user, list_key: str) -> None:
    """Back to the list's default columns."""
    spec = _list_spec(user, list_key)
    preference = ListPreference.objects.filter(owner_id=user.pk, list_key=spec.key).first()
    if preference is None:
        return
    audit_log(actor=user, action=AuditAction.DELETE, obj=preference,
              before={"columns": preference.columns}, region_id=getattr(user, "region_id", None))
    preference.delete()
