"""API of employers."""

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from wutong.orgs import selectors
from wutong.orgs.models import Employer

router = Router(tags=["orgs"])


class EmployerOut(Schema):
    id: int
    uscc: str
    name: str
    type: str
    industry: str
    labels: list[str]
    region_code: str

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code


class EmployerFilter(Schema):
    q: str | None = None
    type: str | None = None
    industry: str | None = None
    label: str | None = None
    region: str | None = None


@router.get("/", response=list[EmployerOut], summary="用人单位列表（按数据范围）")
@paginate(LimitOffsetPagination)
def employers(request, filters: Query[EmployerFilter]):
    return selectors.employer_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/{employer_id}", response=EmployerOut, summary="用人单位详情")
def employer(request, employer_id: int):
    return Employer.objects.select_related("region").get_restricted(request.user, "view",
                                                                    pk=employer_id)
