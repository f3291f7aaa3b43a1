"""Request id, log filter and the login wall."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import resolve_url

from wutong.core import context

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,40}$")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane one from the proxy) for logs and the audit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_ID.match(incoming) else context.new_request_id()
        request.request_id = request_id
        ip = request.META.get("REMOTE_ADDR", "")
        with context.bound(request_id, ip):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/i18n/", "/api/", "/healthz")


def register_public_prefix(prefix: str) -> None:
    """Pages under ``prefix`` open without logging in (a policy calculator, a public notice
    board). Called from an app's ``ready()``; such pages must show nobody's personal data
    and write nothing on an anonymous visitor's behalf."""
    global PUBLIC_PREFIXES
    if not prefix.startswith("/") or not prefix.endswith("/") or len(prefix) < 3:
        raise ValueError(f"a public prefix is a path like /app/page/, not {prefix!r}")
    if prefix not in PUBLIC_PREFIXES:
        PUBLIC_PREFIXES = (*PUBLIC_PREFIXES, prefix)


class LoginRequiredMiddleware:
    """Every page needs a logged-in user, except the login page, static files and the API
    (which authenticates on its own, by token or session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated or request.path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            response = JsonResponse({"error": {"code": "unauthenticated",
                                               "message": "请先登录。"}}, status=401)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        return redirect_to_login(request.get_full_path())


class AppErrorMiddleware:
    """Renders ``AppError`` raised by a view as a Chinese error page (or fragment for HTMX)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from wutong.core.errors import AppError, NotFound
        from wutong.core.views.errors import error_page

        if not isinstance(exception, AppError):
            return None
        if isinstance(exception, NotFound):
            return error_page(request, 404)
        return error_page(request, exception.status, exception.message)


class RejectNullCharactersMiddleware:
    """Refuses requests carrying NUL characters in parameters or JSON (PostgreSQL cannot store
    them, and no honest form sends them) with a clear 400 instead of a database error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            from wutong.core.views.errors import error_page

            message = "请求中包含非法字符（NUL），已拒绝。"
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "invalid", "message": message,
                                               "details": []}}, status=400)
            return error_page(request, 400, message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or any("\x00" in v for vs in request.GET.lists() for v in vs[1]):
            return True
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded":
            return any("\x00" in v for vs in request.POST.lists() for v in vs[1])
        if content_type == "application/json":
            return b"\\u0000" in request.body or b"\x00" in request.body
        return False
