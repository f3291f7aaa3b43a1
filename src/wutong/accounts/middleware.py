"""Idle session timeout (等保 2.0: 登录连接超时自动退出)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

SESSION_KEY = "wutong_last_activity"
POLL_HEADER = "X-Wutong-Poll"


class IdleTimeoutMiddleware:
    """Ends a session unused for ``WUTONG_IDLE_TIMEOUT_MINUTES``. Background polling (progress
    bars) does not count as activity, so an unattended screen still times out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(SESSION_KEY)
            limit = settings.WUTONG_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - float(last) > limit:
                logout(request)
                message = _("您已超过 %(n)d 分钟未操作，请重新登录。") % {
                    "n": settings.WUTONG_IDLE_TIMEOUT_MINUTES}
                if request.headers.get("HX-Request") or request.path.startswith("/api/"):
                    response = JsonResponse({"error": {"code": "session_expired",
                                                       "message": message}}, status=401)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                messages.warning(request, message)
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
            if not request.headers.get(POLL_HEADER):
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A user whose password was set by someone else (or is new) changes it before anything
    else: every page but the password form, logout and language switch redirects there."""

    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.must_change_password
                and hasattr(request, "session") and not request.path.startswith(self.ALLOWED)):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "password_change_required",
                                               "message": _("请先修改初始密码。")}}, status=403)
            return redirect("accounts:password_change")
        return self.get_response(request)
