"""The HTTP API (django-ninja) at /api/, OpenAPI at /api/docs, over the same services and scope.

Authentication: a personal token (``Authorization: Bearer wt_…``) or the browser session (with
CSRF). Every error has one shape: ``{"error": {"code", "message", "details"}}`` with a Chinese
message.
"""


from django.contrib.auth.decorators import login_required
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from wutong.accounts.api import router as accounts_router
from wutong.assessment.api import router as assessment_router
from wutong.cases.api import router as cases_router
from wutong.core.api import router as core_router
from wutong.core.errors import AppError
from wutong.liaison.api import router as liaison_router
from wutong.orgs.api import router as orgs_router
from wutong.policies.api import router as policies_router
from wutong.stats.api import router as stats_router
from wutong.talents.api import router as talents_router


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Chinese messages readable as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from wutong.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; unsafe methods need the CSRF token (ninja checks it)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    docs_decorator=login_required,  # the schema is for people who may use the API
    title="梧桐 Wutong API",
    version="1",
    description="人才工作平台接口。所有列表与详情均按调用者的数据范围过滤。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    renderer=ChineseJSONRenderer(),
)


def _error(request, status: int, code: str, message: str, details=None):
    return api.create_response(request, {"error": {"code": code, "message": message,
                                                   "details": details or []}}, status=status)


@api.exception_handler(AppError)
def on_app_error(request, exc: AppError):
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        details.append({"field": ".".join(loc), "message": _explain(err)})
    return _error(request, 422, "invalid", "提交的内容有误，请检查后重试。", details)


def _explain(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "必填项未填写。"
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        return "超出允许的范围。"
    if kind.startswith(("int", "float", "decimal")):
        return "应为数字。"
    if "string_too_long" in kind:
        return "内容过长。"
    if "json" in kind:
        return "请求内容不是有效的 JSON。"
    return "格式不正确。"


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "unauthenticated", "未登录或令牌无效、已过期。")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", "记录不存在，或不在您的数据范围内。")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc.message))


api.add_router("/", core_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/employers/", orgs_router)
api.add_router("/talents/", talents_router)
api.add_router("/policies/", policies_router)
api.add_router("/cases/", cases_router)
api.add_router("/liaison/", liaison_router)
api.add_router("/assessment/", assessment_router)
api.add_router("/stats/", stats_router)
