"""The home page: who you are, where, and what you can reach."""

from __future__ import annotations

from django.shortcuts import render

from wutong.core.selectors import audit_records, jobs_for


def home(request):
    user = request.user
    context = {"jobs": jobs_for(user=user)[:5]}
    if user.has_perm("core.view_auditrecord"):
        context["recent_audit"] = audit_records(user=user)[:8]
    context["cards"] = _cards(user)
    return render(request, "core/home.html", context)


def _cards(user) -> list[dict]:
    from django.apps import apps
    from django.urls import reverse

    cards = []
    for label, model_name, title, url_name, perm in (
        ("accounts", "Unit", "单位", "accounts:unit_list", "accounts.view_unit"),
        ("accounts", "User", "账号", "accounts:user_list", "accounts.add_user"),
    ):
        if not user.has_perm(perm):
            continue
        model = apps.get_model(label, model_name)
        cards.append({"title": title, "count": model.objects.restrict(user, "view").count(),
                      "url": reverse(url_name)})
    return cards


def healthz(request):
    """For the load balancer: the app answers and its database does."""
    from django.db import connection
    from django.http import JsonResponse

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
