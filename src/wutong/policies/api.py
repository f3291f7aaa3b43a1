"""API of the policies app: published benefits, entitlements (scoped), one person's
explanation."""


from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from wutong.policies import selectors

router = Router(tags=["policies"])


class BenefitOut(Schema):
    id: int
    name: str
    region_code: str
    payment_kind: str
    periods: int
    cap_fen: int | None
    exclusion_group: str
    is_published: bool
    rule_version: int | None

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_rule_version(obj) -> int | None:
        return obj.current_version.number if obj.current_version else None


class EntitlementOut(Schema):
    id: int
    talent_id: int
    benefit_id: int
    benefit_name: str
    tier: str
    amount_fen: int
    status: str
    found_on: str

    @staticmethod
    def resolve_benefit_name(obj) -> str:
        return obj.benefit.name

    @staticmethod
    def resolve_found_on(obj) -> str:
        return obj.found_on.isoformat()


class EntitlementFilter(Schema):
    benefit: int | None = None
    status: str | None = None


class ClauseOut(Schema):
    depth: int
    held: bool
    text: str
    ref: str


class ExplainOut(Schema):
    benefit_id: int
    benefit_name: str
    gets: bool
    amount_fen: int | None
    reasons: list[str]
    clauses: list[ClauseOut]


@router.get("/benefits", response=list[BenefitOut], summary="政策事项列表（按数据范围）")
@paginate(LimitOffsetPagination)
def benefits(request):
    return selectors.benefit_list(user=request.user, filters={})


@router.get("/entitlements", response=list[EntitlementOut], summary="待遇（免申即享）列表")
@paginate(LimitOffsetPagination)
def entitlements(request, filters: Query[EntitlementFilter]):
    return selectors.entitlement_list(user=request.user,
                                      filters=filters.dict(exclude_none=True))


@router.get("/explain/{talent_id}", response=list[ExplainOut], summary="某人全部事项的符合情况")
def explain(request, talent_id: int):
    _talent, results = selectors.explain_for(user=request.user, talent_pk=talent_id)
    return [{"benefit_id": r.spec.pk, "benefit_name": r.spec.benefit.name, "gets": r.gets,
             "amount_fen": r.amount_fen if r.gets else None, "reasons": r.reasons,
             "clauses": [{"depth": d, "held": t.held, "text": t.text, "ref": t.ref}
                         for d, t in (r.trace.lines() if r.trace else [])]}
            for r in results]
