"""Pages of the stats app: the figures page (数据概览), the full-screen dashboard (数据大屏),
the office's population and targets, and the yearly report job. Thin: pick the region in the
reader's scope, read its figures (fresh, see ``selectors``), render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.core.errors import AppError
from wutong.core.views.base import apply_app_error, require_perm
from wutong.stats import assets, selectors, services
from wutong.stats.forms import PopulationForm, ReportForm
from wutong.stats.presenters import present


def _context(request) -> dict:
    user = request.user
    region = selectors.region_for(user=user, code=request.GET.get("region"))
    figures = selectors.figures_for(user=user, region=region)
    ctx = present(user=user, figures=figures)
    ctx.update(echarts_url=assets.echarts_url(),
               crumbs=selectors.breadcrumbs(user=user, region=region),
               can_report=user.has_perm("stats.export_figuresnapshot"),
               can_population=user.has_perm("stats.change_regionpopulation"))
    return ctx


def figures(request):
    ctx = _context(request)
    ctx["nav_active"] = "stats"
    return render(request, "stats/figures.html", ctx)


def dashboard(request):
    return render(request, "stats/dashboard.html", _context(request))


def population(request):
    user = request.user
    require_perm(user, "stats.view_regionpopulation")
    can_edit = user.has_perm("stats.change_regionpopulation")
    form = None
    if can_edit:
        initial = {"region": user.region} if user.region else {}
        form = PopulationForm(request.POST or None, user=user, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.population_save(
                    user=user, region=data["region"], year=data["year"],
                    population=data["population"], intake_target=data["intake_target"] or 0,
                    note=data["note"])
            except AppError as exc:
                apply_app_error(form, exc)
            else:
                messages.success(request, _("常住人口和引进目标已保存，数据概览将据此更新。"))
                return redirect("stats:population")
    elif request.method == "POST":
        require_perm(user, "stats.change_regionpopulation")
    return render(request, "stats/population.html", {
        "rows": selectors.population_list(user=user)[:200], "form": form,
        "nav_active": "stats"}, status=422 if form is not None and form.errors else 200)


def report(request):
    """Start the yearly statistical tables (xlsx) as a job; its page offers the download."""
    from wutong.core.models import Job
    from wutong.stats.reports import report_start

    user = request.user
    require_perm(user, "stats.export_figuresnapshot")
    region = selectors.region_for(user=user, code=request.GET.get("region")
                                  or request.POST.get("region"))
    form = ReportForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            job = report_start(user=user, region=region, year=form.cleaned_data["year"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            return redirect("core:job_detail", pk=job.pk)
    recent = Job.objects.restrict(user, "view").filter(kind="stats_report",
                                                       created_by=user)[:5]
    return render(request, "stats/report.html", {
        "form": form, "region": region, "recent": recent, "nav_active": "stats"},
        status=422 if form.errors else 200)
