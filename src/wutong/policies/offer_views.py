"""Pages of entitlements (免申即享): the office's list to push with counts per benefit and
scans; a talent's or an employer's own offers; the explanation of any talent × benefit."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wutong.core.errors import AppError
from wutong.core.views.base import require_perm
from wutong.policies import selectors, services
from wutong.policies.models import Benefit, Entitlement, EntitlementStatus, fen_to_cny
from wutong.policies.tables import EntitlementTable

OFFER_FILTERS = ("benefit", "status", "q")


def offer_list(request):
    from django_tables2 import RequestConfig

    require_perm(request.user, "policies.change_entitlement")
    filters = {k: v for k, v in request.GET.items() if k in OFFER_FILTERS and v}
    if filters.get("benefit") and not filters["benefit"].isdigit():
        filters.pop("benefit")
    qs = selectors.entitlement_list(user=request.user, filters=filters)
    table = EntitlementTable(qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "policies/offer_list.html", {
        "table": table, "filters": filters, "count": table.page.paginator.count,
        "counts": list(selectors.offer_counts(user=request.user)),
        "benefits": selectors.benefit_list(user=request.user, filters={}),
        "statuses": EntitlementStatus.choices, "fen": fen_to_cny,
        "runs": selectors.scan_runs(user=request.user)[:5],
        "can_scan": request.user.has_perm("policies.add_scanrun")})


def offer_push(request):
    require_perm(request.user, "policies.change_entitlement")
    if request.method == "POST":
        benefit = None
        if request.POST.get("benefit", "").isdigit():
            benefit = Benefit.objects.get_restricted(request.user, "view",
                                                     pk=int(request.POST["benefit"]))
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()] or None
        if benefit is None and ids is None:
            messages.error(request, _("请勾选要推送的待遇，或选择一个事项全部推送。"))
        else:
            count = services.entitlements_offer(user=request.user, benefit=benefit, ids=ids)
            messages.success(request, _("已推送 %(n)s 条待遇，人才和用人单位可在“我的待遇”中查看。")
                             % {"n": count})
    return redirect("policies:offer_list")


def scan_now(request):
    require_perm(request.user, "policies.add_scanrun")
    if request.method == "POST":
        job = services.scan_start(user=request.user)
        return redirect("core:job_detail", pk=job.pk)
    return redirect("policies:offer_list")


def scan_runs(request):
    require_perm(request.user, "policies.view_scanrun")
    return render(request, "policies/scan_runs.html", {
        "runs": selectors.scan_runs(user=request.user)[:50]})


def my_offers(request):
    """我的待遇: a talent's own offers (an employer: its people's), each with why."""
    require_perm(request.user, "policies.view_entitlement")
    rows = list(selectors.my_entitlements(user=request.user)[:200])
    explanations = {}
    if request.user.get_data_scope().kind == "self" and rows:
        _talent, results = selectors.explain_for(user=request.user,
                                                 talent_pk=rows[0].talent_id)
        explanations = {r.spec.pk: r for r in results}
    return render(request, "policies/my_offers.html", {
        "rows": rows, "explanations": explanations,
        "is_employer": request.user.get_data_scope().kind == "employer"})


def offer_decide(request, pk: int):
    entitlement = Entitlement.objects.get_restricted(request.user, "view", pk=pk)
    if request.method == "POST":
        accept = request.POST.get("accept") == "1"
        try:
            if accept:  # accepting opens the application, pre-filled from the offer
                from wutong.policies import redemption_services

                application = redemption_services.application_from_entitlement(
                    user=request.user, entitlement=entitlement)
            else:
                services.entitlement_decide(user=request.user, entitlement=entitlement,
                                            accept=False)
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            if accept:
                messages.success(request, _("已确认申领：请核对申请信息、补齐材料后提交审核。"))
                return redirect("policies:application_detail", pk=application.pk)
            messages.success(request, _("已放弃该待遇。"))
    return redirect("policies:my_offers")


def explain_person(request, talent_pk: int, benefit_pk: int | None = None):
    """Why a talent does or does not get each benefit, clause by clause."""
    require_perm(request.user, "policies.view_benefit")
    talent, results = selectors.explain_for(user=request.user, talent_pk=talent_pk,
                                            benefit_pk=benefit_pk)
    results.sort(key=lambda r: (not r.gets, r.spec.benefit.name))
    return render(request, "policies/explain.html", {
        "talent": talent, "results": results, "single": benefit_pk is not None})


def person_entitlements(request, pk: int):
    """The person page's section (an HTMX fragment): this talent's entitlements."""
    from wutong.talents.models import Talent

    talent = Talent.objects.get_restricted(request.user, "view", pk=pk)
    rows = selectors.entitlement_list(user=request.user, filters={}).filter(talent=talent)
    return render(request, "policies/partials/person_entitlements.html", {
        "talent": talent, "rows": rows[:50],
        "can_explain": request.user.has_perm("policies.view_benefit")})
