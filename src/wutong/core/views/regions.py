"""The region picker's HTMX endpoint and the list of regions in scope."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.core import selectors, services
from wutong.core.errors import AppError
from wutong.core.models import Region
from wutong.core.views.base import require_perm


def picker_levels(*, code: str, root_code: str | None) -> list[dict]:
    """The selects to show for a chosen code: one per level from the root down, plus children."""
    region = Region.objects.filter(code=code).select_related("parent").first() if code else None
    root = Region.objects.filter(code=root_code).first() if root_code else None
    chain = region.ancestors() if region else []
    if root is not None:
        if region is None or not region.path.startswith(root.path):
            chain = [root]
        chain = [r for r in chain if r.path.startswith(root.path)]
    levels = []
    parent_code = None
    if root is not None:
        levels.append({"options": [root], "selected": root.code, "locked": True})
        parent_code = root.code
        chain = chain[1:]
    for node in chain:
        options = list(selectors.region_children(parent_code=parent_code))
        levels.append({"options": options, "selected": node.code, "locked": False})
        parent_code = node.code
    children = list(selectors.region_children(parent_code=parent_code))
    if children:
        levels.append({"options": children, "selected": "", "locked": False})
    return levels


def region_picker(request):
    name = request.GET.get("name", "region")[:40]
    root_code = request.GET.get("root", "")[:12] or None
    code = ""
    for key in sorted(k for k in request.GET if k.startswith("level_")):
        if request.GET[key]:
            code = request.GET[key][:12]
        if key == request.GET.get("changed"):
            break
    levels = picker_levels(code=code, root_code=root_code)
    return render(request, "core/widgets/region_picker_inner.html", {
        "widget": {"name": name, "levels": levels, "code": code, "root_code": root_code or ""}})


def region_list(request):
    require_perm(request.user, "core.view_region")
    regions = selectors.regions_in_scope(user=request.user).select_related("parent")
    return render(request, "core/region_list.html", {
        "regions": regions[:500], "can_add": request.user.has_perm("core.add_region")})


@require_POST
def zone_create(request):
    require_perm(request.user, "core.add_region")
    parent = Region.objects.get_restricted(request.user, "view",
                                           code=request.POST.get("parent", "")[:12])
    try:
        zone = services.zone_create(user=request.user, parent=parent,
                                    name=request.POST.get("name", ""))
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已添加功能区：%(name)s") % {"name": zone.name})
    return redirect("core:region_list")
