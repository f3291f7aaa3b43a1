"""Pages of the indicator system, the year-end scores and the leaders' reports (述职)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.accounts.models import Unit
from wutong.assessment import scoring
from wutong.assessment import selectors as sel
from wutong.assessment import services as svc
from wutong.assessment.forms import (
    AdjustForm,
    EntryForm,
    IndicatorForm,
    LeaderReportForm,
    SystemForm,
)
from wutong.assessment.measures import get_measure
from wutong.assessment.models import (
    Indicator,
    IndicatorEntry,
    IndicatorPart,
    IndicatorSystem,
    MeasureMethod,
    ScoreAdjustment,
    UnitScore,
)
from wutong.assessment.views import _need_region
from wutong.core.errors import AppError, NotFound
from wutong.core.views.base import apply_app_error, require_perm

NAV = "assessment_scoring"


def system_list(request):
    user = request.user
    require_perm(user, "assessment.view_indicatorsystem")
    return render(request, "assessment/system_list.html", {
        "systems": sel.systems_for(user=user).order_by("-year")[:100], "nav_active": NAV,
        "can_add": user.has_perm("assessment.add_indicatorsystem")})


def system_new(request):
    user = request.user
    require_perm(user, "assessment.add_indicatorsystem")
    _need_region(user)
    units = sel.region_units(user.region)
    form = SystemForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = {int(pk) for pk in data.pop("units")}
        try:
            system = scoring.system_create(user=user, region=user.region,
                                           units=[u for u in units if u.pk in chosen], **data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("指标体系已创建，请添加指标。"))
            return redirect("assessment:system_detail", pk=system.pk)
    return render(request, "assessment/form.html", {
        "form": form, "title": _("新建考核指标体系"), "nav_active": NAV,
        "back_href": reverse("assessment:system_list")})


def _system(user, pk) -> IndicatorSystem:
    return IndicatorSystem.objects.select_related("region").get_restricted(user, "view", pk=pk)


def system_detail(request, pk):
    user = request.user
    system = _system(user, pk)
    indicators = list(system.indicators.prefetch_related("units").order_by("seq", "id"))
    for indicator in indicators:
        measure = get_measure(indicator.measure_key) if indicator.measure_key else None
        indicator.measure_label = measure.label if measure else ""
    caps = {"basic": system.basic_points, "key": system.key_points, "bonus": system.bonus_cap,
            "deduction": system.deduction_cap}
    parts = [(value, label, sum((i.points for i in indicators if i.part == value), 0),
              caps.get(value)) for value, label in IndicatorPart.choices]
    return render(request, "assessment/system_detail.html", {
        "system": system, "indicators": indicators, "parts": parts,
        "scores": sel.scores_for(user=user, system=system), "units": system.units.all(),
        "can_change": user.has_perm("assessment.add_indicator"), "nav_active": NAV})


def indicator_new(request, pk):
    user = request.user
    require_perm(user, "assessment.add_indicator")
    system = _system(user, pk)
    units = list(system.units.all())
    form = IndicatorForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = {int(x) for x in data.pop("units")}
        try:
            scoring.indicator_add(user=user, system=system,
                                  units=[u for u in units if u.pk in chosen], **data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("指标已添加。"))
            return redirect("assessment:system_detail", pk=system.pk)
    return render(request, "assessment/form.html", {
        "form": form, "title": _("添加考核指标：%(s)s") % {"s": system.title},
        "nav_active": NAV, "back_href": reverse("assessment:system_detail", args=[system.pk])})


def entry_edit(request, pk):
    """Enter the values of a manual indicator, unit by unit, with proof."""
    user = request.user
    require_perm(user, "assessment.add_indicatorentry")
    indicator = Indicator.objects.select_related("system").get_restricted(user, "view", pk=pk)
    if indicator.method != MeasureMethod.MANUAL:
        raise NotFound()
    units = [u for u in indicator.system.units.all()
             if u.pk in set(scoring._applicable(indicator, list(indicator.system.units.all())))]
    form = EntryForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if str(u.pk) == data["unit"])
        try:
            scoring.entry_save(user=user, indicator=indicator, unit=unit, value=data["value"],
                               note=data["note"], upload=data.get("proof"))
        except AppError as exc:
            apply_app_error(form, exc, {"file": "proof"})
        else:
            messages.success(request, _("已录入：%(unit)s") % {"unit": unit.name})
            return redirect("assessment:entry_edit", pk=indicator.pk)
    entries = IndicatorEntry.objects.restrict(user, "view").filter(
        indicator=indicator).select_related("unit", "entered_by")
    return render(request, "assessment/entry_form.html", {
        "form": form, "indicator": indicator, "entries": entries, "nav_active": NAV})


def entry_proof(request, pk):
    """The proof of a manual value (audited, like a report's proof)."""
    from wutong.core.audit import audit_log
    from wutong.core.models.audit import AuditAction
    from wutong.talents.attachments import blob_load, content_type

    user = request.user
    entry = IndicatorEntry.objects.get_restricted(user, "view", pk=pk)
    if not entry.proof_key:
        raise NotFound()
    try:
        data = blob_load(entry.proof_key)
    except FileNotFoundError as exc:
        raise NotFound() from exc
    audit_log(actor=user, action=AuditAction.EXPORT, obj=entry,
              extra={"proof_downloaded": entry.proof_name})
    response = HttpResponse(data, content_type=content_type(entry.proof_type))
    response["Content-Disposition"] = content_disposition_header(True, entry.proof_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def system_run(request, pk):
    user = request.user
    system = _system(user, pk)
    try:
        scores = scoring.system_score(user=user, system=system)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已完成计分：%(n)d 个单位。") % {"n": len(scores)})
    return redirect("assessment:system_detail", pk=system.pk)


@require_POST
def system_copy(request, pk):
    user = request.user
    system = _system(user, pk)
    try:
        new = scoring.system_copy_forward(user=user, system=system)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("assessment:system_detail", pk=system.pk)
    messages.success(request, _("已复制为 %(year)d 年指标体系，请核对调整。") % {"year": new.year})
    return redirect("assessment:system_detail", pk=new.pk)


def score_detail(request, pk):
    user = request.user
    score = UnitScore.objects.select_related("system", "unit").get_restricted(user, "view",
                                                                              pk=pk)
    lines = score.lines.select_related("indicator").order_by("indicator__seq")
    adjustments = ScoreAdjustment.objects.restrict(user, "view").filter(
        system=score.system, unit=score.unit).select_related("made_by")
    can_adjust = user.has_perm("assessment.add_scoreadjustment") and \
        not sel.is_unit_user(user)
    form = AdjustForm(request.POST or None) if can_adjust else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            scoring.score_adjust(user=user, system=score.system, unit=score.unit,
                                 **form.cleaned_data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("调整已记录，排名已更新。"))
            return redirect("assessment:score_detail", pk=score.pk)
    return render(request, "assessment/score_detail.html", {
        "score": score, "lines": lines, "adjustments": adjustments, "form": form,
        "nav_active": NAV})


def measure_records(request, pk, indicator_pk):
    """The records behind a computed value (within the viewer's scope)."""
    user = request.user
    score = UnitScore.objects.select_related("system", "unit", "unit__region").get_restricted(
        user, "view", pk=pk)
    indicator = Indicator.objects.filter(system=score.system, pk=indicator_pk,
                                         method=MeasureMethod.COMPUTED).first()
    if indicator is None:
        raise NotFound()
    answer, records = scoring.measure_records(user=user, indicator=indicator, unit=score.unit,
                                              year=score.system.year)
    total = records.count() if records is not None else 0
    items = []
    if records is not None:
        view = _RECORDS.get(records.model._meta.label_lower)
        if view:
            records = records.select_related(*view[0])
        items = [(_describe(item), _link(item)) for item in records[:200]]
    return render(request, "assessment/measure_records.html", {
        "score": score, "indicator": indicator, "answer": answer, "total": total,
        "items": items, "nav_active": NAV, "measure": get_measure(indicator.measure_key)})


def _report_text(r) -> str:
    state = _("逾期报送") if r.is_late else _("按时报送")
    return f"{r.round.month}月 · {r.task.seq}. {r.task.title[:40]} · {state}"


def _chase_text(c) -> str:
    return _("%(m)d月 · %(t)s 催报 · %(who)s") % {
        "m": c.round.month, "t": timezone.localtime(c.chased_at).strftime("%Y-%m-%d"),
        "who": c.chased_by.full_name if c.chased_by else ""}


def _payment_text(p) -> str:
    paid = p.paid_at.date().isoformat() if p.paid_at else _("未发放")
    return _("%(name)s · %(benefit)s · 应发 %(due)s · 发放 %(paid)s") % {
        "name": p.talent.name, "benefit": p.benefit.name, "due": p.due_on.isoformat(),
        "paid": paid}


# How the records behind the built-in measures are shown: related rows to load, the line,
# and the page a line opens. A higher app's records show their str() and absolute URL.
_RECORDS = {
    "assessment.progressreport": (("round", "task"), _report_text,
                                  ("assessment:round_detail", "round_id")),
    "assessment.task": ((), lambda t: f"{t.seq}. {t.title[:60]} · {t.target_display}",
                        ("assessment:task_detail", "pk")),
    "talents.talent": ((), lambda t: f"{t.name} · {t.introduced_on or ''}",
                       ("talents:talent_detail", "pk")),
    "assessment.chase": (("round", "chased_by"), lambda c: _chase_text(c),
                         ("assessment:round_detail", "round_id")),
    "policies.payment": (("talent", "benefit"), _payment_text,
                         ("policies:application_detail", "application_id")),
}


def _describe(item) -> str:
    view = _RECORDS.get(item._meta.label_lower)
    return view[1](item) if view else str(item)


def _link(item) -> str:
    """Where a record behind a value opens (its own page, when it has one)."""
    from django.urls import NoReverseMatch

    getter = getattr(item, "get_absolute_url", None)
    if getter:
        return getter()
    view = _RECORDS.get(item._meta.label_lower)
    if not view:
        return ""
    try:
        return reverse(view[2][0], args=[getattr(item, view[2][1])])
    except NoReverseMatch:
        return ""


def ranking_xlsx(request, pk):
    import io

    import xlsxwriter

    user = request.user
    require_perm(user, "assessment.view_unitscore")
    system = _system(user, pk)
    scores = list(sel.scores_for(user=user, system=system))
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False})
    ws = wb.add_worksheet(_("考核得分"))
    heads = (_("排名"), _("单位"), _("基础指标"), _("重点任务"), _("加分"), _("减分"), _("调整"),
             _("总分"))
    for col, head in enumerate(heads):
        ws.write_string(0, col, str(head))
    ws.set_column(1, 1, 30)
    for row, s in enumerate(scores, start=1):
        ws.write_number(row, 0, s.rank)
        ws.write_string(row, 1, s.unit.name)
        for col, value in enumerate((s.basic, s.key, s.bonus, s.deduction, s.adjustment,
                                     s.total), start=2):
            ws.write_number(row, col, float(value))
    wb.close()
    from wutong.core.audit import audit_log
    from wutong.core.models.audit import AuditAction

    audit_log(actor=user, action=AuditAction.EXPORT, obj=system, extra={"rows": len(scores)})
    response = HttpResponse(out.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = content_disposition_header(True, f"{system.title}.xlsx")
    return response


# --- leaders' reports (述职) -----------------------------------------------------------------

def leader_report_list(request):
    user = request.user
    require_perm(user, "assessment.view_leaderreport")
    year = request.GET.get("year")
    items = sel.leader_reports_for(user=user, year=int(year) if year and year.isdigit()
                                   else None)[:200]
    form = None
    if user.has_perm("assessment.add_leaderreport") and user.region_id:
        units = sel.region_units(user.region)
        form = LeaderReportForm(request.POST or None, units=units)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            unit_pk = data.pop("unit")
            unit = Unit.objects.restrict(user, "view").filter(pk=unit_pk).first() \
                if unit_pk else None
            try:
                svc.leader_report_save(user=user, region=user.region, unit=unit, **data)
            except AppError as exc:
                apply_app_error(form, exc)
            else:
                messages.success(request, _("述职记录已保存。"))
                return redirect("assessment:leader_report_list")
    return render(request, "assessment/leader_reports.html", {
        "items": items, "form": form, "year": year or "", "nav_active": NAV})
