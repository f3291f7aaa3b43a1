"""Pages of the registry: the list with search and filters, the person page, the form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.core.codes import code_choices
from wutong.core.errors import AppError, PermissionDenied
from wutong.core.models import CodeItem
from wutong.core.services import personal_data_reveal
from wutong.core.views.base import (
    apply_app_error,
    import_page,
    list_page,
    require_perm,
    template_download,
)
from wutong.talents import selectors, services
from wutong.talents.forms import TalentForm
from wutong.talents.models import IntroductionMode, Pool, Talent
from wutong.talents.tables import TalentTable

FORM_FIELDS = ("name", "id_type", "nationality", "sex", "birth_date", "ethnic_group",
               "political_status", "email", "education", "degree", "title_level", "skill_level",
               "employer", "position", "industry", "introduced_on", "introduction_mode",
               "honours")


def talent_list(request):
    from wutong.core.models import Region
    from wutong.core.views.lists import list_filters

    require_perm(request.user, "talents.view_talent")
    user = request.user
    # ?saved=<id> applies one of the user's saved filters; the selector scopes it as always.
    filters, saved = list_filters(request, "talents", selectors.FILTER_KEYS)
    qs = selectors.talent_list(user=user, filters=filters)
    regions = (Region.objects.restrict(user, "view").filter(parent_id=user.region_id,
                                                             is_active=True).order_by("code")
               if user.region_id and user.get_data_scope().kind == "regions" else [])
    return list_page(
        request, "talents/talent_list.html", TalentTable(qs), qs, filters, title=_("人才库"),
        exporter="talents", export_perm="talents.export_talent",
        add_url="talents:talent_create", add_perm="talents.add_talent",
        list_key="talents", saved_filter=saved,
        educations=code_choices("education", leaves_only=True),
        titles=code_choices("title_level"), modes=IntroductionMode.choices,
        regions=regions,
        pools=Pool.objects.restrict(user, "view"),
        change_pools=Pool.objects.restrict(user, "change"),
        categories=CodeItem.objects.restrict(user, "view").filter(
            table__key="talent_category", is_active=True).order_by("region__code", "code"),
        can_bulk=user.has_perm("talents.change_talent"))


def talent_detail(request, pk: int):
    from wutong.talents.person_views import person_page

    return person_page(request, pk)


def talent_edit(request, pk: int | None = None):
    talent = Talent.objects.get_restricted(request.user, "change", pk=pk) if pk else None
    if talent is None:
        require_perm(request.user, "talents.add_talent")
        initial = {"region": request.user.region}
    else:
        initial = {f: getattr(talent, f) for f in FORM_FIELDS}
        initial["region"] = talent.region
    form = TalentForm(request.POST or None, initial=initial, user=request.user,
                      editing=talent is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        region = data.pop("region")
        try:
            talent = services.talent_save(user=request.user, region=region, data=data,
                                          talent=talent)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("人才档案已保存。"))
            return redirect("talents:talent_detail", pk=talent.pk)
    return render(request, "talents/talent_form.html", {"form": form, "talent": talent})


@require_POST
def talent_reveal(request, pk: int, field: str):
    if field not in ("id_number", "phone"):
        raise PermissionDenied()
    talent = Talent.objects.get_restricted(request.user, "view", pk=pk)
    value = personal_data_reveal(user=request.user, obj=talent, field_name=field)
    return render(request, "core/partials/revealed.html", {"value": value})


def talent_import(request):
    """Upload a roster sheet; the import runs as a job whose page shows the outcome."""
    from wutong.talents.imports import import_start

    require_perm(request.user, "talents.add_talent")
    return import_page(request, "talents/talent_import.html", import_start)


def talent_import_template(request):
    from wutong.talents.imports import talent_template

    require_perm(request.user, "talents.add_talent")
    return template_download(talent_template, "人才信息导入模板.xlsx")


def _back(request) -> str:
    """The list page the bulk form came from, a local address only (never another site)."""
    back = request.POST.get("back") or ""
    if back.startswith("/") and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return reverse("talents:talent_list")


@require_POST
def talent_bulk(request):
    """Act on the people ticked in the list: add to a pool, recognise a category, export."""
    import datetime as dt

    from wutong.core.models import CodeItem
    from wutong.core.services import export_start

    ids = [int(x) for x in request.POST.getlist("selected")[:5000] if x.isdigit()]
    talents = list(Talent.objects.restrict(request.user, "view").filter(pk__in=ids))
    action = request.POST.get("action", "")
    if not talents:
        messages.error(request, _("请先勾选人员。"))
        return redirect(_back(request))
    try:
        if action == "export":
            job = export_start(user=request.user, exporter_key="talents", fmt="xlsx",
                               params={"ids": ",".join(str(t.pk) for t in talents)})
            return redirect("core:job_detail", pk=job.pk)
        if action == "pool":
            pool = Pool.objects.get_restricted(request.user, "change",
                                               pk=request.POST.get("pool") or 0)
            added = services.pool_add(user=request.user, pool=pool, talents=talents)
            messages.success(request, _("已加入「%(pool)s」%(n)d 人。") % {"pool": pool.name,
                                                                      "n": added})
        elif action == "category":
            category = CodeItem.objects.get_restricted(
                request.user, "view", pk=request.POST.get("category") or 0,
                table__key="talent_category")
            n = services.category_assign_bulk(user=request.user, talents=talents,
                                              category=category, recognised_on=dt.date.today(),
                                              basis=request.POST.get("basis", "")[:300])
            messages.success(request, _("已认定 %(n)d 人为 %(c)s。") % {"n": n, "c": category.name})
        else:
            messages.error(request, _("请选择要执行的操作。"))
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect(_back(request))


def talent_duplicates(request):
    require_perm(request.user, "talents.change_talent")
    groups = selectors.duplicate_groups(user=request.user)
    for group in groups:
        group["talents"] = list(Talent.objects.restrict(request.user, "view").filter(
            name=group["name"], birth_date=group["birth_date"]).select_related("employer"))
    return render(request, "talents/talent_duplicates.html", {"groups": groups})


@require_POST
def talent_merge(request):
    keep = Talent.objects.get_restricted(request.user, "change", pk=request.POST.get("keep") or 0)
    drop = Talent.objects.get_restricted(request.user, "change", pk=request.POST.get("drop") or 0)
    try:
        services.talent_merge(user=request.user, keep=keep, drop=drop)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("talents:talent_duplicates")
    messages.success(request, _("档案已合并。"))
    return redirect("talents:talent_detail", pk=keep.pk)
