"""Pages of innovation platforms (平台载体): list, detail, form, deactivate.

The member list on the detail page belongs to the talents app, which serves it as an HTMX
fragment at its own URL (``talents:platform_members``); this app never imports talents.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.core.errors import AppError
from wutong.core.views.base import apply_app_error, list_page, require_perm
from wutong.orgs import selectors, services
from wutong.orgs.forms import PlatformForm
from wutong.orgs.models import Platform, PlatformKind, PlatformLevel
from wutong.orgs.tables import PlatformTable

FORM_FIELDS = ("name", "kind", "level", "host", "region", "partners", "recognised_on",
               "description")


def platform_list(request):
    require_perm(request.user, "orgs.view_platform")
    filters = {k: v for k, v in request.GET.items() if k in selectors.PLATFORM_FILTERS and v}
    qs = selectors.platform_list(user=request.user, filters=filters)
    host = None
    if str(filters.get("host", "")).isdigit():
        host = selectors.platform_hosts(user=request.user).filter(pk=filters["host"]).first()
    return list_page(request, "orgs/platform_list.html", PlatformTable(qs), qs, filters,
                     title=_("平台载体"), exporter="platforms",
                     export_perm="orgs.export_platform", add_url="orgs:platform_create",
                     add_perm="orgs.add_platform", kinds=PlatformKind.choices,
                     levels=PlatformLevel.choices, host=host,
                     region_widget=_region_filter(request.user, filters.get("region", "")))


def _region_filter(user, code: str) -> str:
    from wutong.core.forms import RegionField

    field = RegionField(required=False)
    field.limit_to(user)
    return field.widget.render("region", code)


def platform_detail(request, pk: int):
    platform = selectors.platform_detail(user=request.user, pk=pk)
    can_change = Platform.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return render(request, "orgs/platform_detail.html", {"p": platform,
                                                         "can_change": can_change})


def platform_edit(request, pk: int | None = None):
    platform = Platform.objects.get_restricted(request.user, "change", pk=pk) if pk else None
    if platform is None:
        require_perm(request.user, "orgs.add_platform")
        host = request.GET.get("host", "")
        initial = {"host": host if host.isdigit() else None}
    else:
        initial = {f: getattr(platform, f) for f in FORM_FIELDS}
    form = PlatformForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            platform = services.platform_save(user=request.user, platform=platform,
                                              **form.cleaned_data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("平台已保存。"))
            return redirect("orgs:platform_detail", pk=platform.pk)
    return render(request, "orgs/platform_form.html", {"form": form, "platform": platform})


@require_POST
def platform_set_active(request, pk: int):
    platform = Platform.objects.get_restricted(request.user, "change", pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.platform_set_active(user=request.user, platform=platform, active=active)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("平台已恢复为有效。") if active else _("平台已撤销。"))
    url = reverse("orgs:platform_detail", args=[platform.pk])
    if request.htmx:
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)
