"""API of the accounts app: me, units, users — the same selectors and services as the pages."""


from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from wutong.accounts import selectors, services
from wutong.accounts.models import Unit, User
from wutong.core.errors import ValidationFailed
from wutong.core.models import Region

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_display: str
    region_code: str | None
    region_name: str | None
    unit_id: int | None


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    region_code: str
    region_name: str
    contact_name: str
    contact_phone: str  # masked
    is_active: bool

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_contact_phone(obj) -> str:
        return obj.contact_phone.masked if obj.contact_phone else ""


class UnitIn(Schema):
    name: str
    kind: str
    region_code: str
    short_name: str = ""
    duty: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    region_code: str | None
    unit_id: int | None
    phone: str  # masked
    is_active: bool

    @staticmethod
    def resolve_region_code(obj) -> str | None:
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone.masked if obj.phone else ""


class ListFilter(Schema):
    q: str | None = None
    kind: str | None = None
    role: str | None = None
    region: str | None = None


@router.get("/me", response=MeOut, summary="当前账号")
def me(request):
    u = request.user
    return MeOut(id=u.pk, username=u.username, full_name=u.full_name, role=u.role,
                 role_display=str(u.get_role_display()),
                 region_code=u.region.code if u.region else None,
                 region_name=u.region.name if u.region else None, unit_id=u.unit_id)


@router.get("/units", response=list[UnitOut], summary="单位列表（按数据范围）")
@paginate(LimitOffsetPagination)
def units(request, filters: Query[ListFilter]):
    return selectors.unit_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def unit(request, unit_id: int):
    return Unit.objects.select_related("region").get_restricted(request.user, "view", pk=unit_id)


@router.post("/units", response={201: UnitOut}, summary="新增单位")
def unit_create(request, payload: UnitIn):
    region = Region.objects.filter(code=payload.region_code).first()
    if region is None:
        raise ValidationFailed(details=[{"field": "region_code", "message": "地区代码不存在。"}])
    created = services.unit_save(user=request.user, region=region, name=payload.name,
                                 kind=payload.kind, short_name=payload.short_name,
                                 duty=payload.duty, contact_name=payload.contact_name,
                                 contact_phone=payload.contact_phone)
    return Status(201, created)


@router.get("/users", response=list[UserOut], summary="账号列表（按数据范围）")
@paginate(LimitOffsetPagination)
def users(request, filters: Query[ListFilter]):
    return selectors.user_list(user=request.user, filters=filters.dict(exclude_none=True))


@router.get("/users/{user_id}", response=UserOut, summary="账号详情")
def user(request, user_id: int):
    return User.objects.select_related("region").get_restricted(request.user, "view", pk=user_id)
