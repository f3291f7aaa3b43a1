"""Pages of leaders' contact duty. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.core.errors import AppError
from wutong.core.views.base import apply_app_error, require_perm
from wutong.liaison import selectors as sel
from wutong.liaison import services as svc
from wutong.liaison.forms import (
    ContactLogForm,
    ItemResolveForm,
    LeaderForm,
    LedgerForm,
    RuleForm,
)
from wutong.liaison.models import Assignment, ItemKind, ItemStatus, LeaderBody

CASES_NEW = "/cases/new/"
CASE_ADD_PERM = "cases.add_case"


def case_link_base(user) -> str | None:
    """The case app's "new case" page, if that app is installed here and the user may raise
    a case there (else no "转为服务事项" button). Names only, no import of that app."""
    try:
        resolve(CASES_NEW)
    except Resolver404:
        return None
    return CASES_NEW if user.has_perm(CASE_ADD_PERM) else None


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _place(request):
    """The place a page is about: ``?region=`` within the user's scope, else their region."""
    from wutong.core.errors import NotFound
    from wutong.core.models import Region

    code = request.GET.get("region") or (request.user.region.code if request.user.region
                                         else "")
    region = Region.objects.restrict(request.user, "view").filter(code=code[:12]).first()
    if region is None:
        region = Region.objects.restrict(request.user, "view").order_by("path").first()
    if region is None and request.user.get_data_scope().kind == "unit":
        region = request.user.region  # a member unit's staff: their unit's place
    if region is None:
        raise NotFound()
    return region


# --- leaders ---------------------------------------------------------------------------------
def leader_list(request):
    user = request.user
    require_perm(user, "liaison.view_leader")
    year = _year(request)
    filters = {k: request.GET.get(k, "") for k in ("region", "body", "q", "short")}
    rows = sel.coverage(user=user, year=year, filters=filters)
    short = sum(1 for r in rows if r.falls_short)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    region = _place(request)
    rule = sel.rule_for(region=region, year=year)
    uncovered = sel.uncovered_experts(user=user, region=region, year=year).count() \
        if user.has_perm("talents.view_talent") else None
    mine = sel.own_leaders(user=user)
    return render(request, "liaison/leader_list.html", {
        "mine": mine, "page": page, "rows": page.object_list, "count": len(rows), "short": short,
        "year": year, "filters": filters, "rule": rule, "region": region,
        "uncovered": uncovered, "bodies": LeaderBody.choices,
        "can_add": user.has_perm("liaison.add_leader"),
        "can_rule": user.has_perm("liaison.change_dutyrule"), "nav_active": "liaison"})


def roster_import(request):
    """Upload the contact roster; the import runs as a job whose page shows the outcome."""
    from wutong.core.views.base import import_page
    from wutong.liaison.imports import import_start

    require_perm(request.user, "liaison.add_leader")
    require_perm(request.user, "liaison.add_assignment")
    return import_page(request, "liaison/roster_import.html", import_start)


def roster_template(request):
    from wutong.core.views.base import template_download
    from wutong.liaison.imports import roster_template as write

    require_perm(request.user, "liaison.add_leader")
    return template_download(write, "联系名单导入模板.xlsx")


def _leader_form_view(request, leader=None):
    user = request.user
    initial = {}
    if leader is not None:
        initial = {"region": leader.region, "name": leader.name, "post": leader.post,
                   "body": leader.body, "unit": leader.unit, "account": leader.account,
                   "sort_order": leader.sort_order}
    elif user.region is not None:
        initial = {"region": user.region}
    form = LeaderForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if leader is None:
                leader = svc.leader_create(user=user, region=d["region"], name=d["name"],
                                           post=d["post"], body=d["body"], unit=d["unit"],
                                           account=d["account"],
                                           sort_order=d["sort_order"] or 0)
            else:
                svc.leader_update(user=user, leader=leader, name=d["name"], post=d["post"],
                                  body=d["body"], unit=d["unit"], account=d["account"],
                                  sort_order=d["sort_order"] or 0)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("liaison:leader_detail", pk=leader.pk)
    return render(request, "liaison/form.html", {
        "form": form, "title": _("修改领导信息") if leader else _("新增联系领导"),
        "back": "liaison:leader_list", "nav_active": "liaison"},
        status=422 if form.errors else 200)


def leader_new(request):
    require_perm(request.user, "liaison.add_leader")
    return _leader_form_view(request)


def leader_edit(request, pk: int):
    require_perm(request.user, "liaison.change_leader")
    return _leader_form_view(request, sel.leader_get(user=request.user, pk=pk,
                                                     action="change"))


@require_POST
def leader_retire(request, pk: int):
    user = request.user
    require_perm(user, "liaison.change_leader")
    leader = sel.leader_get(user=user, pk=pk, action="change")
    try:
        ended = svc.leader_retire(user=user, leader=leader)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记离任，%(n)d 位专家待重新分配。") % {"n": ended})
    return redirect("liaison:leader_detail", pk=leader.pk)


def leader_detail(request, pk: int):
    user = request.user
    leader = sel.leader_get(user=user, pk=pk)
    year = _year(request)
    rule = sel.rule_for(region=leader.region, year=year)
    experts = sel.leader_experts(user=user, leader=leader, year=year)
    contacts = sel.contact_list(user=user, leader=leader, year=year)[:100]
    items = sel.item_list(user=user, filters={"leader": str(leader.pk),
                                              "year": str(year)})[:100]
    return render(request, "liaison/leader_detail.html", {
        "leader": leader, "year": year, "rule": rule, "experts": experts,
        "required": rule.required_experts(leader), "contacts": contacts, "items": items,
        "case_base": case_link_base(user), "can_log": svc.may_log_for(user, leader),
        "can_assign": user.has_perm("liaison.add_assignment") and leader.is_active,
        "can_edit": user.has_perm("liaison.change_leader"), "nav_active": "liaison"})


def leader_candidates(request, pk: int):
    """HTMX: experts matching a name, to assign to the leader one by one."""
    user = request.user
    require_perm(user, "liaison.add_assignment")
    leader = sel.leader_get(user=user, pk=pk)
    found = sel.expert_candidates(user=user, leader=leader, text=request.GET.get("q", ""))
    return render(request, "liaison/partials/candidates.html", {
        "leader": leader, "found": found, "q": request.GET.get("q", "")})


@require_POST
def assignment_add(request, pk: int):
    from wutong.talents.models import Talent

    user = request.user
    require_perm(user, "liaison.add_assignment")
    leader = sel.leader_get(user=user, pk=pk)
    raw = request.POST.get("talent", "")
    try:
        talent = Talent.objects.get_restricted(user, "view", pk=int(raw) if raw.isdigit()
                                               else 0)
        svc.assignment_add(user=user, leader=leader, talent=talent)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将 %(name)s 列为联系专家。") % {"name": talent.name})
    return redirect("liaison:leader_detail", pk=leader.pk)


@require_POST
def assignment_end(request, pk: int):
    user = request.user
    require_perm(user, "liaison.change_assignment")
    assignment = Assignment.objects.select_related("leader", "talent").get_restricted(
        user, "change", pk=pk)
    try:
        svc.assignment_end(user=user, assignment=assignment,
                           reason=request.POST.get("reason", ""))
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已结束与 %(name)s 的联系关系。") % {
            "name": assignment.talent.name})
    return redirect("liaison:leader_detail", pk=assignment.leader_id)


def uncovered_list(request):
    """Experts nobody looks after, with boxes to assign them to a leader in bulk."""
    user = request.user
    require_perm(user, "talents.view_talent")
    year = _year(request)
    region = _place(request)
    qs = sel.uncovered_experts(user=user, region=region, year=year)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    leaders = sel.leader_list(user=user, filters={"region": region.code}).order_by(
        "sort_order", "id")
    return render(request, "liaison/uncovered.html", {
        "page": page, "count": page.paginator.count, "region": region, "year": year,
        "rule": sel.rule_for(region=region, year=year), "leaders": leaders,
        "can_assign": user.has_perm("liaison.add_assignment"), "nav_active": "liaison"})


@require_POST
def assignment_bulk(request):
    from wutong.talents.models import Talent

    user = request.user
    require_perm(user, "liaison.add_assignment")
    raw = request.POST.get("leader", "")
    ids = [int(x) for x in request.POST.getlist("talent")[:500] if x.isdigit()]
    if not raw.isdigit() or not ids:
        messages.error(request, _("请选择领导并勾选至少一位专家。"))
        return redirect("liaison:uncovered")
    leader = sel.leader_get(user=user, pk=int(raw))
    talents = list(Talent.objects.restrict(user, "view").filter(pk__in=ids))
    try:
        added, skipped = svc.assignments_add_bulk(user=user, leader=leader, talents=talents)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("liaison:uncovered")
    messages.success(request, _("已为 %(leader)s 分配 %(n)d 位联系专家。") % {
        "leader": leader.name, "n": added} + (
        _("（%(m)d 位已在名单中，未重复分配）") % {"m": skipped} if skipped else ""))
    return redirect("liaison:leader_detail", pk=leader.pk)


# --- the rule --------------------------------------------------------------------------------
def rule_edit(request):
    user = request.user
    require_perm(user, "liaison.change_dutyrule")
    region = _place(request)
    year = _year(request)
    rule = sel.rule_for(region=region, year=year)
    initial = {"year": year, "experts_per_leader": rule.experts_per_leader,
               "experts_per_unit_head": rule.experts_per_unit_head,
               "contacts_per_expert": rule.contacts_per_expert,
               "expert_categories": ",".join(sel.expert_categories(rule)),
               "expert_pool": rule.expert_pool, "basis": rule.basis}
    form = RuleForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.rule_save(user=user, region=region, year=d["year"],
                          experts_per_leader=d["experts_per_leader"],
                          experts_per_unit_head=d["experts_per_unit_head"],
                          contacts_per_expert=d["contacts_per_expert"],
                          expert_categories=d["expert_categories"],
                          expert_pool=d["expert_pool"], basis=d["basis"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("联系服务规则已保存。"))
            return redirect(f"/liaison/?year={d['year']}&region={region.code}")
    return render(request, "liaison/form.html", {
        "form": form, "title": _("联系服务规则：%(place)s") % {"place": region.name},
        "back": "liaison:leader_list", "nav_active": "liaison"},
        status=422 if form.errors else 200)


# --- service logs ----------------------------------------------------------------------------
def contact_new(request, pk: int):
    """Log a contact for a leader (the leader themself, or a clerk for them); phone-sized."""
    user = request.user
    leader = sel.leader_get(user=user, pk=pk)
    if not svc.may_log_for(user, leader):
        messages.error(request, _("您不能为该领导记录服务日志。"))
        return redirect("liaison:leader_detail", pk=leader.pk)
    experts = sel.log_experts(user=user, leader=leader)
    form = ContactLogForm(request.POST or None, experts=experts)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contact = svc.contact_log(user=user, leader=leader, on=d["on"], form=d["form"],
                                      summary=d["summary"], experts=list(d["experts"]),
                                      place=d["place"], suggestions=d["suggestions"],
                                      problems=d["problems"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("服务日志已保存。"))
            return redirect("liaison:contact_detail", pk=contact.pk)
    return render(request, "liaison/contact_new.html", {
        "form": form, "leader": leader, "no_experts": not experts.exists(),
        "nav_active": "liaison"}, status=422 if form.errors else 200)


def contact_detail(request, pk: int):
    user = request.user
    contact = sel.contact_get(user=user, pk=pk)
    return render(request, "liaison/contact_detail.html", {
        "contact": contact, "experts": contact.experts.select_related("employer"),
        "items": contact.items.order_by("kind", "id"), "case_base": case_link_base(user),
        "can_withdraw": user.has_perm("liaison.delete_contact") and svc.may_log_for(
            user, contact.leader) and (user.role == "office" or
                                       contact.recorded_by_id == user.pk),
        "nav_active": "liaison"})


@require_POST
def contact_withdraw(request, pk: int):
    user = request.user
    contact = sel.contact_get(user=user, pk=pk)
    leader_id = contact.leader_id
    try:
        svc.contact_withdraw(user=user, contact=contact, reason=request.POST.get("reason", ""))
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("liaison:contact_detail", pk=pk)
    messages.success(request, _("服务日志已撤销。"))
    return redirect("liaison:leader_detail", pk=leader_id)


def item_list(request):
    user = request.user
    require_perm(user, "liaison.view_item")
    filters = {k: request.GET.get(k, "") for k in sel.ITEM_FILTERS}
    qs = sel.item_list(user=user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "liaison/item_list.html", {
        "page": page, "count": page.paginator.count, "filters": filters,
        "exporter": "liaison_items" if user.has_perm("liaison.export_item") else None,
        "export_filters": {k: v for k, v in filters.items() if v},
        "kinds": ItemKind.choices, "statuses": ItemStatus.choices,
        "case_base": case_link_base(user), "nav_active": "liaison"})


def item_detail(request, pk: int):
    user = request.user
    item = sel.item_get(user=user, pk=pk)
    can_resolve = user.has_perm("liaison.change_item") and not (
        item.case_url and not item.case_closed) and (
        user.role not in ("leader", "member_unit") or svc.may_log_for(user, item.contact.leader))
    form = ItemResolveForm(request.POST or None) if can_resolve else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            svc.item_resolve(user=user, item=item, status=form.cleaned_data["status"],
                             answer=form.cleaned_data["answer"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("办理情况已保存。"))
            return redirect("liaison:item_detail", pk=item.pk)
    return render(request, "liaison/item_detail.html", {
        "item": item, "form": form, "case_base": case_link_base(user), "nav_active": "liaison"},
        status=422 if form is not None and form.errors else 200)


# --- the ledger ------------------------------------------------------------------------------
def ledger(request):
    user = request.user
    require_perm(user, "liaison.export_contact")
    leaders = sel.leader_list(user=user, filters={"inactive": "1"}).order_by(
        "region__code", "sort_order", "id")
    initial = {"region": user.region} if user.region else {}
    if request.GET.get("leader", "").isdigit():
        initial.update(scope="leader", leader=int(request.GET["leader"]))
    form = LedgerForm(request.POST or None, user=user, leaders=leaders, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = svc.ledger_start(user=user, fmt=form.cleaned_data["format"],
                                   params=form.params())
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            return redirect("core:job_detail", pk=job.pk)
    region = _place(request)
    from wutong.core.models import Job
    from wutong.liaison.ledger import figure_lines

    recent = Job.objects.restrict(user, "view").filter(kind="ledger", created_by=user)[:5]
    year = timezone.localdate().year
    figures = figure_lines(sel.place_figures(user=user, region=region, year=year))
    return render(request, "liaison/ledger.html", {
        "form": form, "recent": recent, "figures": figures, "region": region, "year": year,
        "nav_active": "liaison"}, status=422 if form.errors else 200)


def person_section(request, pk: int):
    """The person page's section (HTMX fragment): leaders looking after this talent."""
    from wutong.talents.models import Talent

    user = request.user
    talent = Talent.objects.get_restricted(user, "view", pk=pk)
    return render(request, "liaison/partials/person_section.html", {
        "talent": talent, **sel.person_liaison(user=user, talent=talent)})
