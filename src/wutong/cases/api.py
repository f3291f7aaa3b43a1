"""API of service cases: the caller's cases (the office's list, a unit's queue, a talent's own),
one case with its steps, raising a case, and the requester's confirmation with a rating —
what a WeChat mini-program or the office's phone app would call. Same selectors and services
as the pages, so the same data scope and the same rules."""

import datetime as dt

from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from wutong.cases import selectors as sel
from wutong.cases import services as svc
from wutong.cases.models import CaseType
from wutong.core.errors import NotFound

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    number: str
    title: str
    status: str
    status_label: str
    case_type: str
    talent_id: int
    talent_name: str
    unit: str | None
    raised_at: dt.datetime
    due_on: dt.date
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    satisfaction: int | None
    overdue: bool

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.code

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_case_type(obj) -> str:
        return obj.case_type.name

    @staticmethod
    def resolve_talent_name(obj) -> str:
        return obj.talent.name

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.status in sel.RUNNING_VALUES and obj.due_on < sel._today()


class StepOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    text: str
    unit: str | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.unit.name if obj.unit_id else None


class CaseDetailOut(CaseOut):
    content: str
    answer: str
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj, context) -> list:
        # Internal notes of the office and the units are for staff, never for the requester.
        staff = context["request"].user.get_data_scope().kind not in ("self", "employer")
        return sel.case_steps(case=obj, internal=staff)


class CaseFilter(Schema):
    status: str | None = None
    type: str | None = None
    unit: str | None = None
    overdue: str | None = None
    q: str | None = None


@router.get("/", response=list[CaseOut], summary="服务诉求列表（按数据范围）")
@paginate(LimitOffsetPagination)
def case_list(request, filters: Query[CaseFilter]):
    return sel.case_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/{case_id}", response=CaseDetailOut, summary="服务诉求详情与办理进度")
def case_get(request, case_id: int):
    return sel.case_detail(user=request.user, pk=case_id)


class CaseIn(Schema):
    talent_id: int
    case_type_id: int
    title: str
    content: str


@router.post("/", response={201: CaseDetailOut}, summary="提出服务诉求")
def case_raise(request, payload: CaseIn):
    from wutong.talents.models import Talent

    talent = Talent.objects.restrict(request.user, "view").filter(
        pk=payload.talent_id).first()
    case_type = CaseType.objects.filter(pk=payload.case_type_id, is_active=True).first()
    if talent is None or case_type is None:
        raise NotFound()
    case = svc.case_raise(user=request.user, talent=talent, case_type=case_type,
                          title=payload.title, content=payload.content)
    return Status(201, sel.case_detail(user=request.user, pk=case.pk))


class ConfirmIn(Schema):
    satisfaction: int
    comment: str = ""


@router.post("/{case_id}/confirm", response=CaseDetailOut, summary="确认办理结果并评价")
def case_confirm(request, case_id: int, payload: ConfirmIn):
    case = sel.case_detail(user=request.user, pk=case_id)
    svc.case_confirm(user=request.user, case=case, satisfaction=payload.satisfaction,
                     comment=payload.comment)
    return sel.case_detail(user=request.user, pk=case_id)
