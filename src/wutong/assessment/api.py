"""API of the assessment app: task lists, a month's reports (and a unit reporting through
them), and the year's scores — over the same selectors and services, in the caller's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from wutong.assessment import selectors as sel
from wutong.assessment import services as svc
from wutong.assessment.models import IndicatorSystem, ProgressReport, Task
from wutong.core.errors import PermissionDenied

router = Router(tags=["assessment"])


class TaskOut(Schema):
    id: int
    plan_id: int
    seq: int
    point: str
    title: str
    lead_unit_id: int
    lead_unit: str
    co_unit_ids: list[int]
    target_value: Decimal | None
    target_measure: str
    target_text: str
    deadline: dt.date | None
    deadline_text: str
    source_document: str
    is_project: bool

    @staticmethod
    def resolve_lead_unit(obj) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_co_unit_ids(obj) -> list[int]:
        return [u.pk for u in obj.co_units.all()]


class ReportOut(Schema):
    id: int
    task_id: int
    unit_id: int
    month: int
    value_reached: Decimal | None
    done: str
    problems: str
    submitted_at: dt.datetime
    is_late: bool
    comment: str

    @staticmethod
    def resolve_month(obj) -> int:
        return obj.round.month


class ReportIn(Schema):
    done: str
    problems: str = ""
    value_reached: Decimal | None = None


class ScoreOut(Schema):
    unit_id: int
    unit: str
    basic: Decimal
    key: Decimal
    bonus: Decimal
    deduction: Decimal
    adjustment: Decimal
    total: Decimal
    rank: int

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.name


@router.get("/plans/{plan_id}/tasks", response=list[TaskOut], summary="任务清单（按数据范围）")
@paginate(LimitOffsetPagination)
def tasks(request, plan_id: int):
    plan = sel.plan_get(user=request.user, pk=plan_id)
    return sel.tasks_of(user=request.user, plan=plan)


@router.get("/rounds/{round_id}/reports", response=list[ReportOut],
            summary="月度调度的进展报送（按数据范围）")
@paginate(LimitOffsetPagination)
def reports(request, round_id: int):
    round_ = sel.round_get(user=request.user, pk=round_id)
    return sel.reports_of(user=request.user, round=round_).select_related("round")


@router.put("/rounds/{round_id}/tasks/{task_id}/report", response=ReportOut,
            summary="报送一项任务的当月进展")
def report(request, round_id: int, task_id: int, payload: ReportIn):
    user = request.user
    if not user.has_perm("assessment.add_progressreport"):
        raise PermissionDenied()
    round_ = sel.round_get(user=user, pk=round_id)
    task = Task.objects.get_restricted(user, "view", pk=task_id, plan_id=round_.plan_id)
    item = svc.report_submit(user=user, round=round_, task=task, done=payload.done,
                             problems=payload.problems, value_reached=payload.value_reached)
    return ProgressReport.objects.select_related("round").get(pk=item.pk)


@router.get("/systems/{system_id}/scores", response=list[ScoreOut],
            summary="年度考核得分与排名（按数据范围）")
def scores(request, system_id: int):
    system = IndicatorSystem.objects.get_restricted(request.user, "view", pk=system_id)
    return list(sel.scores_for(user=request.user, system=system))
