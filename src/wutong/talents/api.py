"""API of the registry: list with the page's filters and search, one person's file."""

import datetime as dt

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from wutong.talents import selectors
from wutong.talents.models import Talent

router = Router(tags=["talents"])


class TalentOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str  # masked
    phone: str  # masked
    education: str
    title_level: str
    category: str
    employer_id: int | None
    region_code: str
    introduced_on: dt.date | None
    introduction_mode: str

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.id_number.masked if obj.id_number else ""

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone.masked if obj.phone else ""

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code


class TalentFilter(Schema):
    q: str | None = None
    category: str | None = None
    education: str | None = None
    title_level: str | None = None
    industry: str | None = None
    region: str | None = None
    employer: str | None = None
    pool: str | None = None
    min_age: str | None = None
    max_age: str | None = None
    introduced_year: str | None = None
    introduction_mode: str | None = None
    sex: str | None = None


@router.get("/", response=list[TalentOut], summary="人才列表（按数据范围，支持拼音检索）")
@paginate(LimitOffsetPagination)
def talents(request, filters: Query[TalentFilter]):
    return selectors.talent_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/{talent_id}", response=TalentOut, summary="人才档案")
def talent(request, talent_id: int):
    return Talent.objects.select_related("region").get_restricted(request.user, "view",
                                                                  pk=talent_id)
