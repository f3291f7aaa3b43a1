"""API of leaders' contact duty: coverage against the rule, suggestions and problems, and
logging a contact (what a WeChat mini-program or a phone app of the office would call)."""

import datetime as dt

from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from wutong.liaison import selectors, services

router = Router(tags=["liaison"])


class CoverageOut(Schema):
    leader_id: int
    name: str
    post: str
    body: str
    region_code: str
    experts: int
    required: int
    contacts: int
    thin: int
    falls_short: bool


class CoverageFilter(Schema):
    year: int | None = None
    region: str | None = None
    body: str | None = None
    short: str | None = None


@router.get("/coverage", response=list[CoverageOut], summary="领导联系专家情况（对照规则）")
def coverage(request, filters: Query[CoverageFilter]):
    data = filters.dict(exclude_none=True)
    year = data.pop("year", None) or dt.date.today().year
    return [CoverageOut(leader_id=c.leader.pk, name=c.leader.name, post=c.leader.post,
                        body=c.leader.body, region_code=c.leader.region.code,
                        experts=c.experts, required=c.required, contacts=c.contacts,
                        thin=c.thin, falls_short=c.falls_short)
            for c in selectors.coverage(user=request.user, year=year, filters=data)]


class ItemOut(Schema):
    id: int
    kind: str
    text: str
    status: str
    answer: str
    contact_on: dt.date
    leader_id: int
    case_status: str
    case_url: str

    @staticmethod
    def resolve_contact_on(obj) -> dt.date:
        return obj.contact.on

    @staticmethod
    def resolve_leader_id(obj) -> int:
        return obj.contact.leader_id


class ItemFilter(Schema):
    kind: str | None = None
    status: str | None = None
    leader: str | None = None
    year: str | None = None


@router.get("/items", response=list[ItemOut], summary="意见建议和问题（按数据范围）")
@paginate(LimitOffsetPagination)
def items(request, filters: Query[ItemFilter]):
    return selectors.item_list(user=request.user, filters=filters.dict(exclude_none=True))


class ContactIn(Schema):
    leader_id: int
    on: dt.date
    form: str
    summary: str
    expert_ids: list[int]
    place: str = ""
    suggestions: list[str] = []
    problems: list[str] = []


class ContactOut(Schema):
    id: int
    items: list[ItemOut]


@router.post("/contacts", response={201: ContactOut}, summary="记录服务日志")
def contact_log(request, payload: ContactIn):
    from wutong.core.errors import NotFound
    from wutong.liaison.models import Assignment
    from wutong.talents.models import Talent

    user = request.user
    leader = selectors.leader_get(user=user, pk=payload.leader_id)
    ids = set(payload.expert_ids)
    mine = set(Assignment.objects.restrict(user, "view").filter(
        leader=leader, talent_id__in=ids, ended_on__isnull=True).values_list("talent_id",
                                                                             flat=True))
    seen = set(Talent.objects.restrict(user, "view").filter(pk__in=ids - mine).values_list(
        "pk", flat=True))
    if mine | seen != ids:
        raise NotFound()
    experts = list(Talent.objects.filter(pk__in=ids).order_by("pk"))
    contact = services.contact_log(user=user, leader=leader, on=payload.on, form=payload.form,
                                   summary=payload.summary, experts=experts,
                                   place=payload.place, suggestions=payload.suggestions,
                                   problems=payload.problems)
    return Status(201, {"id": contact.pk,
                        "items": list(contact.items.select_related("contact"))})
