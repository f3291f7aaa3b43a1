"""API of the core app: who am I, regions, audit records."""


import datetime as dt

from django.conf import settings
from ninja import Query, Router, Schema

from wutong.core import selectors
from wutong.core.errors import PermissionDenied

router = Router(tags=["core"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = None


class AuditOut(Schema):
    id: int
    created_at: dt.datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    request_id: str
    hash: str


class AuditFilter(Schema):
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None
    action: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    offset: int = 0
    limit: int = 50


@router.get("/regions", response=list[RegionOut], summary="区划下级列表（区划选择器）")
def regions(request, parent: str | None = None):
    qs = selectors.region_children(parent_code=parent).select_related("parent")
    return [RegionOut(code=r.code, name=r.name, level=r.level,
                      parent_code=r.parent.code if r.parent else None) for r in qs]


@router.get("/audit", response=list[AuditOut], summary="审计日志（按数据范围）")
def audit(request, filters: Query[AuditFilter]):
    if not request.user.has_perm("core.view_auditrecord"):
        raise PermissionDenied()
    limit = max(1, min(filters.limit, settings.WUTONG_API_PAGE_SIZE * 4))
    data = filters.dict(exclude={"offset", "limit"}, exclude_none=True)
    qs = selectors.audit_records(user=request.user, filters=data)
    return list(qs[max(filters.offset, 0):max(filters.offset, 0) + limit])
