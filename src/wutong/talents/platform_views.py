"""The member list of an innovation platform, served to the platform page (orgs) as an HTMX
fragment: who is on the platform, and for those who may change the platform, adding a talent
(found by name, pinyin, ID number or file number) and removing one."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wutong.core.errors import AppError, NotFound
from wutong.orgs.models import Platform
from wutong.talents import platform_services, selectors
from wutong.talents.models import PlatformMembership, Talent

MAX_SHOWN = 200
MAX_CANDIDATES = 10


class MemberAddForm(forms.Form):
    talent = forms.IntegerField(error_messages={"required": gettext_lazy(
        "请先搜索并选择一名人才。"), "invalid": gettext_lazy("请先搜索并选择一名人才。")})
    role = forms.CharField(max_length=60, required=False)
    joined_on = forms.DateField(required=False, error_messages={
        "invalid": gettext_lazy("加入时间格式不正确。")})


def _members(user, platform: Platform):
    visible = Talent.objects.restrict(user, "view").values("pk")
    return (PlatformMembership.objects.filter(platform=platform, talent__in=visible)
            .select_related("talent", "talent__employer")
            .order_by("talent__name_sort", "talent_id"))


def _render(request, platform: Platform, *, can_change: bool, error: str = "",
            notice: str = ""):
    # Errors are shown inside the fragment with a 200: htmx does not swap 4xx responses.
    members = _members(request.user, platform)
    count = members.count()
    return render(request, "talents/partials/platform_members.html", {
        "platform": platform, "members": members[:MAX_SHOWN], "count": count,
        "truncated": count > MAX_SHOWN, "can_change": can_change and platform.is_active,
        "error": error, "notice": notice})


def _changeable(request, platform_id: int) -> Platform:
    return Platform.objects.get_restricted(request.user, "change", pk=platform_id)


@require_GET
def platform_members(request, platform_id: int):
    platform = Platform.objects.get_restricted(request.user, "view", pk=platform_id)
    can_change = Platform.objects.restrict(request.user, "change").filter(
        pk=platform_id).exists()
    return _render(request, platform, can_change=can_change)


@require_GET
def platform_member_candidates(request, platform_id: int):
    """Talents in the user's scope matching the search, not yet on the platform."""
    platform = _changeable(request, platform_id)
    q = " ".join(request.GET.get("q", "").split())[:60]
    talents = []
    if q:
        if q.isdigit() and len(q) <= 9:  # a file number (档案编号)
            qs = Talent.objects.restrict(request.user, "view").filter(pk=int(q))
        else:
            qs = selectors.talent_list(user=request.user, filters={"q": q})
        members = PlatformMembership.objects.filter(platform=platform).values("talent_id")
        talents = list(qs.exclude(pk__in=members).select_related("employer")
                       [:MAX_CANDIDATES])
    return render(request, "talents/partials/platform_member_candidates.html",
                  {"talents": talents, "q": q})


@require_POST
def platform_member_add(request, platform_id: int):
    platform = _changeable(request, platform_id)
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return _render(request, platform, can_change=True, error=error)
    data = form.cleaned_data
    try:
        talent = Talent.objects.get_restricted(request.user, "view", pk=data["talent"])
        platform_services.platform_member_add(user=request.user, platform=platform,
                                              talent=talent, role=data["role"],
                                              joined_on=data["joined_on"])
    except AppError as exc:
        message = _("未找到该人才，或不在您的数据范围内。") if isinstance(exc, NotFound) \
            else exc.message
        return _render(request, platform, can_change=True, error=message)
    return _render(request, platform, can_change=True,
                   notice=_("已将 %(name)s 加入本平台。") % {"name": talent.name})


@require_POST
def platform_member_remove(request, platform_id: int, membership_id: int):
    platform = _changeable(request, platform_id)
    try:
        membership = _members(request.user, platform).get(pk=membership_id)
    except PlatformMembership.DoesNotExist as exc:
        raise NotFound() from exc
    name = membership.talent.name
    try:
        platform_services.platform_member_remove(user=request.user, membership=membership)
    except AppError as exc:
        return _render(request, platform, can_change=True, error=exc.message)
    return _render(request, platform, can_change=True,
                   notice=_("已将 %(name)s 移出本平台。") % {"name": name})
