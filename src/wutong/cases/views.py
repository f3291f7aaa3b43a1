"""Pages of the service-case loop: the requester's "我的诉求" (phone first), raising a case,
one case with its progress and the actions the viewer may take, the office's list with
filters and export, a unit's queue, the overdue lists, the catalogue and the calendar.
Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from wutong.cases import forms as f
from wutong.cases import selectors as sel
from wutong.cases import services as svc
from wutong.cases.models import OPEN, RUNNING, CaseStatus, CaseType, WorkdayOverride
from wutong.core.errors import AppError, NotFound
from wutong.core.views.base import apply_app_error, require_perm

PAGE = 25


def _page(request, qs):
    return sel.page_of(qs, request.GET.get("page"), PAGE)


# --- the requester ---------------------------------------------------------------------------


def my_cases(request):
    """A talent's cases (also those raised for them); an employer's people's; the cases a
    commissioner, leader or officer raised on someone's behalf."""
    user = request.user
    require_perm(user, "cases.add_case")
    return render(request, "cases/mine.html", {
        "page": _page(request, sel.my_cases(user=user)), "today": timezone.localdate(),
        "is_employer": user.get_data_scope().kind == "employer", "nav_active": "cases_mine"})


def _own_talent(user):
    from wutong.talents.models import Talent

    return Talent.objects.select_related("region").restrict(user, "view").filter(
        account_id=user.pk).first()


def _pick_talent(request, user, kind: str, source):
    """(talent, people queryset for a choice or None, search results)."""
    from wutong.talents.models import Talent

    if kind == "self":
        return _own_talent(user), None, []
    people = Talent.objects.restrict(user, "view").filter(is_active=True).select_related(
        "region")
    raw = request.POST.get("talent") or request.GET.get("talent") or (
        str(source.talent_id) if source and source.talent_id else "")
    if kind == "employer":
        return None, people.order_by("name_sort", "id"), []
    if raw.isdigit():
        talent = people.filter(pk=int(raw)).first()
        if talent is None:
            raise NotFound()
        return talent, None, []
    q = (request.GET.get("q") or "").strip()
    found = list(people.filter(name__startswith=q).order_by("name_sort", "id")[:20]) if q else []
    return None, None, found


def case_new(request):
    """Raise a case: a talent for themself, an employer for one of its people, a
    commissioner, leader or officer on a talent's behalf (``?talent=`` or a search by name;
    ``?source=kind:pk`` pre-fills from the record it comes from)."""
    from wutong.core.links import describe_source

    user = request.user
    require_perm(user, "cases.add_case")
    kind = user.get_data_scope().kind
    source_key = request.POST.get("source") or request.GET.get("source") or ""
    source = describe_source(user, source_key) if source_key else None
    talent, people, found = _pick_talent(request, user, kind, source)
    if kind == "self" and talent is None:
        messages.error(request, _("您的账号尚未关联人才档案，请联系人才办。"))
        return redirect("cases:my_cases")
    if talent is None and people is None:
        return render(request, "cases/pick_talent.html", {
            "found": found, "q": request.GET.get("q", ""), "source": source_key,
            "nav_active": "cases_mine"})
    if people is not None:
        types = CaseType.objects.filter(is_active=True, region__in=_employer_regions(people)) \
            .select_related("unit").order_by("sort_order", "name")
    else:
        types = svc.types_for_region(talent.region)
    initial = {"title": source.title[:100], "content": source.text} if source else {}
    form = f.RaiseForm(request.POST or None, types=types, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("talent") or talent
        try:
            case = svc.case_raise(user=user, talent=chosen,
                                  case_type=form.cleaned_data["case_type"],
                                  title=form.cleaned_data["title"],
                                  content=form.cleaned_data["content"], source_key=source_key)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("诉求已提交，办理期限 %(d)s。") % {
                "d": case.due_on.isoformat()})
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/new.html", {
        "form": form, "talent": talent, "source": source_key, "source_info": source,
        "nav_active": "cases_mine"}, status=422 if form.errors else 200)


def _employer_regions(people):
    from wutong.core.models import Region

    paths = set(Region.objects.filter(pk__in=people.values("region_id")).values_list(
        "path", flat=True)[:50])
    ancestors = {p for path in paths for p in svc._ancestor_paths(path)}
    return Region.objects.filter(path__in=ancestors)


# --- one case --------------------------------------------------------------------------------


def _roles(user, case) -> dict:
    from wutong.cases.models import Case, CaseCoUnit

    is_office = user.has_perm("cases.manage_case") and \
        Case.objects.restrict(user, "change").filter(pk=case.pk).exists()
    is_unit = bool(user.unit_id) and user.unit_id == case.unit_id and \
        user.has_perm("cases.change_case")
    is_co = bool(user.unit_id) and not is_unit and user.has_perm("cases.change_case") and \
        CaseCoUnit.objects.filter(case=case, unit_id=user.unit_id).exists()
    is_requester = user.pk in (case.requester_id, case.talent.account_id)
    return {"is_office": is_office, "is_unit": is_unit, "is_co": is_co,
            "is_requester": is_requester,
            "is_staff": user.get_data_scope().kind not in ("self", "employer")}


def _unit_choices(case):
    from wutong.accounts.models import Unit

    paths = svc._ancestor_paths(case.region.path)
    return Unit.objects.filter(is_active=True, region__path__in=paths).select_related(
        "region").order_by("-region__path", "kind", "sort_order", "name")


FORM_OF = {
    "accept": None, "claim": None, "decline": f.DeclineForm, "assign": f.AssignForm,
    "cohandle": f.CoHandleForm, "supervise": f.SuperviseForm, "note": f.NoteForm,
    "request_info": f.RequestInfoForm, "answer": f.AnswerForm, "transfer": f.TransferForm,
    "supply": f.SupplyForm, "confirm": f.ConfirmForm, "reopen": f.ReopenForm,
    "withdraw": f.WithdrawForm,
}


def _form(action: str, case, data=None):
    """The form of one action, its ids prefixed by the action (several forms share a page)."""
    from wutong.accounts.models import User

    form_class = FORM_OF[action]
    if form_class is None:
        return None
    kwargs = {"auto_id": f"{action}_%s"}
    if form_class in (f.AssignForm, f.CoHandleForm, f.TransferForm):
        units = _unit_choices(case)
        if form_class is f.TransferForm:
            units = units.exclude(pk=case.unit_id)
        kwargs["units"] = units
        if form_class is f.AssignForm:
            kwargs["handlers"] = User.objects.filter(unit__in=units, is_active=True) \
                .select_related("unit").order_by("unit_id", "full_name")
            kwargs["initial"] = {"unit": case.case_type.unit_id}
    return form_class(data, **kwargs)


def _context(request, case, **extra) -> dict:
    user = request.user
    roles = _roles(user, case)
    status = case.status
    failed = extra.get("failed")
    forms = {action: (extra["failed_form"] if action == failed else _form(action, case))
             for action in FORM_OF}
    ctx = {
        "c": case, **roles, "today": timezone.localdate(), "forms": forms,
        "steps": sel.case_steps(case=case, internal=roles["is_staff"]),
        "co_units": list(case.co_units.select_related("unit")),
        "overdue": status in RUNNING and case.due_on < timezone.localdate(),
        "can_accept": roles["is_office"] and status == CaseStatus.RAISED,
        "can_assign": roles["is_office"] and status in (CaseStatus.RAISED,
                                                         CaseStatus.ACCEPTED),
        "can_decline": roles["is_office"] and status in (CaseStatus.RAISED,
                                                          CaseStatus.ACCEPTED),
        "can_manage_open": roles["is_office"] and status in OPEN and case.unit_id,
        "can_handle": roles["is_unit"] and status in (CaseStatus.ASSIGNED,
                                                       CaseStatus.HANDLING),
        "can_note": (roles["is_unit"] or roles["is_co"]) and status in (
            CaseStatus.ASSIGNED, CaseStatus.HANDLING, CaseStatus.WAITING),
        "can_confirm": svc.may_confirm(user, case),
        "can_reopen": svc.may_reopen(user, case),
        "can_supply": svc.may_supply(user, case),
        "can_withdraw": roles["is_requester"] and status in (
            CaseStatus.RAISED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.HANDLING,
            CaseStatus.WAITING),
        "nav_active": "cases" if roles["is_office"] else (
            "cases_queue" if roles["is_unit"] or roles["is_co"] else "cases_mine"),
    }
    ctx.update(extra)
    return ctx


def case_detail(request, pk: int):
    case = sel.case_detail(user=request.user, pk=pk)
    return render(request, "cases/detail.html", _context(request, case))


# Each action: the service, its arguments from the form, the message when done.
ACTIONS = {
    "accept": (svc.case_accept, lambda d: {}, _lazy("已受理。")),
    "decline": (svc.case_decline, lambda d: {"reason": d["reason"]},
                _lazy("已不予受理，并告知诉求人。")),
    "assign": (svc.case_assign, lambda d: {"unit": d["unit"], "handler": d.get("handler"),
                                           "note": d.get("note", "")}, _lazy("已交办。")),
    "cohandle": (svc.case_add_cohandler, lambda d: {"unit": d["unit"]},
                 _lazy("已增加协办单位。")),
    "supervise": (svc.case_supervise, lambda d: {"text": d["text"]},
                  _lazy("已督办，承办单位已收到提醒。")),
    "claim": (svc.case_claim, lambda d: {}, _lazy("您已接办此诉求。")),
    "note": (svc.case_note, lambda d: {"text": d["text"], "internal": d.get("internal", False)},
             _lazy("已记录办理情况。")),
    "request_info": (svc.case_request_info, lambda d: {"text": d["text"]},
                     _lazy("已请诉求人补充材料，办理时限暂停计算。")),
    "answer": (svc.case_answer, lambda d: {"text": d["text"]}, _lazy("已答复，等待诉求人确认。")),
    "transfer": (svc.case_transfer, lambda d: {"unit": d["unit"], "reason": d["reason"]},
                 _lazy("已转办。")),
    "supply": (svc.case_supply, lambda d: {"text": d["text"]},
               _lazy("已补充，办理时限继续计算。")),
    "confirm": (svc.case_confirm,
                lambda d: {"satisfaction": d["satisfaction"], "comment": d.get("comment", "")},
                _lazy("感谢您的评价，诉求已办结。")),
    "reopen": (svc.case_reopen, lambda d: {"reason": d["reason"]}, _lazy("已要求重新办理。")),
    "withdraw": (svc.case_withdraw, lambda d: {"reason": d.get("reason", "")},
                 _lazy("诉求已撤回。")),
}


@require_POST
def case_act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise NotFound()
    case = sel.case_detail(user=request.user, pk=pk)
    service, args, done = ACTIONS[action]
    form = _form(action, case, request.POST)
    if form is not None and not form.is_valid():
        return render(request, "cases/detail.html",
                      _context(request, case, failed=action, failed_form=form), status=422)
    try:
        service(user=request.user, case=case, **args(form.cleaned_data if form else {}))
    except AppError as exc:
        if form is None:
            messages.error(request, exc.message)
            return redirect("cases:case_detail", pk=pk)
        apply_app_error(form, exc)
        return render(request, "cases/detail.html",
                      _context(request, case, failed=action, failed_form=form),
                      status=exc.status if exc.status != 404 else 422)
    messages.success(request, done)
    if action == "withdraw":
        return redirect("cases:my_cases")
    if action == "transfer" and not request.user.has_perm("cases.manage_case"):
        return redirect("cases:unit_queue")
    return redirect("cases:case_detail", pk=pk)


# --- the office and the units ----------------------------------------------------------------


def _filters(request) -> dict:
    keys = ("status", "type", "unit", "overdue", "supervised", "q")
    return {k: request.GET.get(k, "") for k in keys if request.GET.get(k)}


def case_list(request):
    user = request.user
    require_perm(user, "cases.manage_case")
    filters = _filters(request)
    from wutong.accounts.models import Unit

    return render(request, "cases/list.html", {
        "page": _page(request, sel.case_list(user=user, filters=filters)),
        "filters": filters, "statuses": CaseStatus.choices, "today": timezone.localdate(),
        "types": sel.types_for_filter(user=user),
        "units": Unit.objects.restrict(user, "view").filter(is_active=True).order_by(
            "region__code", "kind", "sort_order")[:200],
        "exporter": "cases" if user.has_perm("cases.export_case") else None,
        "calendar_gap": _calendar_gap(), "nav_active": "cases"})


def case_summary(request):
    """The office's headline figures (HTMX fragment of the list: counts over the whole
    scope, kept off the list's own response)."""
    require_perm(request.user, "cases.manage_case")
    return render(request, "cases/partials/summary.html",
                  {"summary": sel.summary(user=request.user)})


def _calendar_gap() -> list[int]:
    """Years that deadlines reach and neither the package nor the office's table covers."""
    from wutong.cases.workdays import unknown_years

    year = timezone.localdate().year
    return unknown_years([year, year + 1])


def unit_queue(request):
    user = request.user
    require_perm(user, "cases.change_case")
    return render(request, "cases/queue.html", {
        "page": _page(request, sel.unit_queue(user=user)), "today": timezone.localdate(),
        "nav_active": "cases_queue"})


def overdue(request):
    user = request.user
    require_perm(user, "cases.change_case")
    unit_id = request.GET.get("unit")
    unit_id = int(unit_id) if (unit_id or "").isdigit() else None
    return render(request, "cases/overdue.html", {
        "page": _page(request, sel.overdue_list(user=user, unit_id=unit_id)),
        "filters": {"unit": unit_id} if unit_id else {},
        "show_units": user.has_perm("cases.manage_case") and not unit_id,
        "today": timezone.localdate(), "unit_id": unit_id, "nav_active": "cases_overdue"})


def overdue_units(request):
    """The office's overdue figures per unit (HTMX fragment of the overdue page: a grouped
    count over every running case, kept off the list's own response)."""
    require_perm(request.user, "cases.manage_case")
    return render(request, "cases/partials/overdue_units.html",
                  {"by_unit": sel.overdue_by_unit(user=request.user)})


def person_cases(request, pk: int):
    """The person page's section: the talent's cases (HTMX fragment, scope applied)."""
    from wutong.talents.models import Talent

    Talent.objects.get_restricted(request.user, "view", pk=pk)
    return render(request, "cases/partials/person_cases.html", {
        "cases": sel.talent_cases(user=request.user, talent_id=pk)[:20],
        "talent_id": pk, "today": timezone.localdate(),
        "can_raise": request.user.has_perm("cases.add_case") and
        request.user.get_data_scope().kind in ("regions", "all")})


# --- catalogue and calendar ------------------------------------------------------------------


def type_list(request):
    user = request.user
    require_perm(user, "cases.change_casetype")
    return render(request, "cases/types.html", {"types": sel.type_list(user=user),
                                                "nav_active": "cases"})


def type_edit(request, pk: int | None = None):
    from wutong.accounts.models import Unit

    user = request.user
    require_perm(user, "cases.change_casetype")
    case_type = CaseType.objects.get_restricted(user, "change", pk=pk) if pk else None
    region = case_type.region if case_type else user.region
    if region is None:
        raise NotFound()
    units = Unit.objects.restrict(user, "view").filter(
        is_active=True, region__path__in=svc._ancestor_paths(region.path)).order_by(
        "kind", "sort_order")
    form = f.CaseTypeForm(request.POST or None, instance=case_type, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            svc.casetype_save(user=user, region=region, case_type=case_type,
                              **{k: form.cleaned_data[k] for k in svc.TYPE_FIELDS})
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("cases:type_list")
    if case_type is not None:
        case_type.refresh_from_db()
    return render(request, "cases/type_form.html", {"form": form, "case_type": case_type,
                                                    "region": region, "nav_active": "cases"},
                  status=422 if form.errors else 200)


def calendar(request):
    """Holidays and make-up working days the package does not know: offices see them, the
    system administrator enters them (one calendar for the whole deployment)."""
    from wutong.cases.workdays import unknown_years

    user = request.user
    require_perm(user, "cases.view_workdayoverride")
    can_edit = user.has_perm("cases.change_workdayoverride")
    if request.method == "POST":
        require_perm(user, "cases.change_workdayoverride")
    form = f.OverrideForm(request.POST or None) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        svc.workday_override_save(user=user, **form.cleaned_data)
        messages.success(request, _("已保存。"))
        return redirect("cases:calendar")
    year = timezone.localdate().year
    return render(request, "cases/calendar.html", {
        "form": form, "can_edit": can_edit, "overrides": sel.override_list(),
        "unknown": unknown_years([year, year + 1]), "nav_active": "cases"})


@require_POST
def calendar_delete(request, pk: int):
    override = WorkdayOverride.objects.filter(pk=pk).first()
    if override is None:
        raise NotFound()
    svc.workday_override_delete(user=request.user, override=override)
    return redirect("cases:calendar")
