"""Pages of the registry: the list with search and filters, the person page, the form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from wutong.core.codes import code_choices
from wutong.core.errors import AppError, PermissionDenied
from wutong.core.services import personal_data_reveal
from wutong.core.views.base import apply_app_error, require_perm
from wutong.talents import selectors, services
from wutong.talents.forms import TalentForm
from wutong.talents.models import IntroductionMode, Pool, Talent
from wutong.talents.tables import TalentTable

FORM_FIELDS = ("name", "id_type", "nationality", "sex", "birth_date", "ethnic_group",
               "political_status", "email", "education", "degree", "title_level", "skill_level",
               "employer", "position", "industry", "introduced_on", "introduction_mode",
               "honours")


def talent_list(request):
    require_perm(request.user, "talents.view_talent")
    filters = {k: v for k, v in request.GET.items() if k in selectors.FILTER_KEYS}
    qs = selectors.talent_list(user=request.user, filters=filters)
    table = TalentTable(qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    user = request.user
    return render(request, "talents/talent_list.html", {
        "table": table, "filters": filters, "count": qs.count(), "list_title": _("人才库"),
        "exporter": "talents" if user.has_perm("talents.export_talent") else None,
        "add_url": reverse("talents:talent_create") if user.has_perm("talents.add_talent")
        else None,
        "educations": code_choices("education", leaves_only=True),
        "titles": code_choices("title_level"), "modes": IntroductionMode.choices,
        "pools": Pool.objects.restrict(user, "view")})


def talent_detail(request, pk: int):
    talent = selectors.talent_file(user=request.user, pk=pk)
    can = {action: Talent.objects.restrict(request.user, action).filter(pk=pk).exists()
           for action in ("change", "reveal")}
    return render(request, "talents/talent_detail.html", {"t": talent, "can": can})


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
