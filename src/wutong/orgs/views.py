"""Pages of employers: list, detail (with its talents and platforms), form, import."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wutong.core.errors import AppError
from wutong.core.views.base import (
    apply_app_error,
    import_page,
    list_page,
    require_perm,
    template_download,
)
from wutong.orgs import selectors, services
from wutong.orgs.forms import EmployerForm
from wutong.orgs.models import Employer, EmployerLabel, EmployerType
from wutong.orgs.tables import EmployerTable

FILTERS = ("q", "type", "industry", "label", "region")


def employer_list(request):
    require_perm(request.user, "orgs.view_employer")
    filters = {k: v for k, v in request.GET.items() if k in FILTERS and v}
    qs = selectors.employer_list(user=request.user, filters=filters)
    return list_page(request, "orgs/employer_list.html", EmployerTable(qs), qs, filters,
                     title=_("用人单位"), exporter="employers",
                     export_perm="orgs.export_employer", add_url="orgs:employer_create",
                     add_perm="orgs.add_employer", types=EmployerType.choices,
                     labels=EmployerLabel.choices,
                     can_import=request.user.has_perm("orgs.add_employer")
                     and request.user.has_perm("orgs.change_employer"))


def employer_detail(request, pk: int):
    employer = selectors.employer_detail(user=request.user, pk=pk)
    return render(request, "orgs/employer_detail.html", {
        "e": employer, "platforms": selectors.platform_list(user=request.user,
                                                            employer=employer),
        "label_names": [EmployerLabel(lb).label for lb in employer.labels
                        if lb in EmployerLabel.values],
        "can_change": Employer.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        "can_add_platform": request.user.has_perm("orgs.add_platform")})


def employer_edit(request, pk: int | None = None):
    employer = Employer.objects.get_restricted(request.user, "change", pk=pk) if pk else None
    if employer is None:
        require_perm(request.user, "orgs.add_employer")
        initial = {"region": request.user.region}
    else:
        initial = {f: getattr(employer, f) for f in ("uscc", "name", "short_name", "type",
                                                     "ownership", "industry", "labels",
                                                     "address", "contact_name")}
        initial["region"] = employer.region
    form = EmployerForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            employer = services.employer_save(user=request.user, employer=employer, **data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("单位已保存。"))
            return redirect("orgs:employer_detail", pk=employer.pk)
    return render(request, "orgs/employer_form.html", {"form": form, "employer": employer})


def employer_import(request):
    """Upload an employer list; the import runs as a job whose page shows the outcome."""
    from wutong.orgs.imports import import_start

    require_perm(request.user, "orgs.add_employer")
    require_perm(request.user, "orgs.change_employer")
    return import_page(request, "orgs/employer_import.html", import_start)


def employer_import_template(request):
    from wutong.orgs.imports import employer_template

    require_perm(request.user, "orgs.add_employer")
    return template_download(employer_template, "用人单位导入模板.xlsx")
