"""Pages of the 1+1+N grid. For the commissioner, phone first: "我的人才" with the last
contact, and logging a contact. For the office: the overview, assigning (ticked talents or every
talent of a filter), the workload with the handover form, the gaps, the talents nobody has
contacted, the assignment rules and the region rule. A fragment for the person page.
Thin: parse, call a service or selector, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wutong.cases import commissioner_selectors as sel
from wutong.cases import commissioner_services as svc
from wutong.cases.commissioner_models import CareRole, ContactForm
from wutong.core.errors import AppError, NotFound
from wutong.core.models import Region
from wutong.core.views.base import apply_app_error, require_perm

PAGE = 25
MANAGE = "cases.change_talentcare"
VIEW = "cases.view_talentcare"
ASSIGN_FILTERS = ("q", "category", "region", "employer", "uncovered")


def _page(request, qs):
    return Paginator(qs, PAGE).get_page(request.GET.get("page"))


class ContactLogForm(forms.Form):
    on = forms.DateField(label=_lazy("联系日期"),
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    form = forms.ChoiceField(label=_lazy("联系方式"), choices=ContactForm.choices,
                             widget=forms.RadioSelect)
    note = forms.CharField(label=_lazy("联系内容"), max_length=svc.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_lazy("谈了什么、有什么需求。请勿填写身份证号、手机号等个人信息"
                                           "（长串数字会被自动遮盖）。"))


# --- the commissioner ---------------------------------------------------------------------------
def grid_mine(request):
    user = request.user
    require_perm(user, "cases.add_contact")
    stale_only = request.GET.get("stale") == "1"
    page = _page(request, sel.my_talents(user=user, stale_only=stale_only))
    page.object_list = sel.annotate_contact_age(page.object_list)
    rule = sel.rule_for_region(user.region)
    return render(request, "cases/commissioner_mine.html", {
        "page": page, "stale_only": stale_only, "contact_days": rule.contact_days,
        "filters": {"stale": "1"} if stale_only else {}, "nav_active": "grid_mine"})


def contact_new(request, pk: int):
    user = request.user
    require_perm(user, "cases.add_contact")
    talent = sel.grid_talents(user=user).select_related("region", "employer").filter(
        pk=pk).first()
    if talent is None:
        raise NotFound()
    form = ContactLogForm(request.POST or None, initial={"on": timezone.localdate(),
                                                        "form": ContactForm.VISIT})
    if request.method == "POST" and form.is_valid():
        try:
            svc.contact_log(user=user, talent_id=talent.pk, on=form.cleaned_data["on"],
                            form=form.cleaned_data["form"], note=form.cleaned_data["note"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("已记录与 %(name)s 的联系。") % {"name": talent.name})
            return redirect("cases:grid_mine")
    return render(request, "cases/commissioner_contact.html", {
        "talent": talent, "form": form, "care": sel.care_of(user=user, talent=talent),
        "contacts": sel.contacts_of(user=user, talent=talent), "nav_active": "grid_mine"})


# --- the office ---------------------------------------------------------------------------------
def grid_overview(request):
    require_perm(request.user, VIEW)
    return render(request, "cases/commissioner_overview.html", {
        "figures": sel.overview(user=request.user), "can_manage": request.user.has_perm(MANAGE),
        "nav_active": "grid"})


def _assign_queryset(user, params):
    from wutong.talents.selectors import talent_list

    filters = {k: params.get(k) for k in ("q", "category", "region", "employer")
               if params.get(k)}
    qs = talent_list(user=user, filters=filters)
    uncovered = params.get("uncovered")
    if uncovered in CareRole.values:
        field = "secretary" if uncovered == CareRole.SECRETARY else "commissioner"
        qs = qs.filter(Q(**{f"care__{field}__isnull": True}))
        qs = qs.filter(sel.need_q(user, uncovered))
    return qs.select_related("care", "care__commissioner", "care__secretary")


def grid_assign(request):
    user = request.user
    require_perm(user, MANAGE)
    params = request.POST if request.method == "POST" else request.GET
    filters = {k: params.get(k) for k in ASSIGN_FILTERS if params.get(k)}
    if request.method == "POST":
        action = request.POST.get("action", "assign")
        role = request.POST.get("role", CareRole.COMMISSIONER)
        try:
            if action == "remove":
                result = svc.care_remove(user=user, talent_ids=request.POST.getlist("talent"),
                                         role=role)
                messages.success(request, _("已取消 %(n)d 名人才的%(role)s。") % {
                    "n": result.changed, "role": CareRole(role).label})
            else:
                everyone = request.POST.get("all_matching") == "1"
                result = svc.care_assign(
                    user=user, to_user_id=request.POST.get("to_user"), role=role,
                    talents=_assign_queryset(user, request.POST) if everyone else None,
                    talent_ids=None if everyone else request.POST.getlist("talent"))
                text = _("已为 %(n)d 名人才配备%(role)s。") % {"n": result.changed,
                                                         "role": CareRole(role).label}
                if result.out_of_reach:
                    text += _("另有 %(n)d 名人才不在该专员的地区范围内，未作调整。") % {
                        "n": result.out_of_reach}
                messages.success(request, text)
        except (AppError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        return redirect(f"{request.path}?{urlencode(filters)}")
    qs = _assign_queryset(user, params)
    return render(request, "cases/commissioner_assign.html", {
        "page": _page(request, qs.order_by("name_sort", "pk")), "filters": filters,
        "commissioners": sel.commissioners(user=user), "roles": CareRole.choices,
        "nav_active": "grid"})


def grid_workload(request):
    user = request.user
    require_perm(user, MANAGE)
    if request.method == "POST":
        try:
            out = svc.care_handover(user=user, from_user_id=request.POST.get("from_user"),
                                    to_user_id=request.POST.get("to_user"),
                                    reason=request.POST.get("reason", ""))
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            moved = sum(r.changed for r in out.values())
            left = sum(r.out_of_reach for r in out.values())
            text = _("已交接 %(n)d 个联系服务关系。") % {"n": moved}
            if left:
                text += _("%(n)d 名人才不在接手专员的地区范围内，仍由原专员联系，请另行指定。") % {
                    "n": left}
            messages.success(request, text)
        return redirect("cases:grid_workload")
    rows = sel.workload(user=user)
    return render(request, "cases/commissioner_workload.html", {
        "rows": rows, "commissioners": [r.user for r in rows], "nav_active": "grid"})


def grid_gaps(request):
    user = request.user
    require_perm(user, VIEW)
    role = request.GET.get("role") if request.GET.get("role") in CareRole.values \
        else CareRole.COMMISSIONER
    page = _page(request, sel.gaps(user=user, role=role))
    return render(request, "cases/commissioner_list.html", {
        "page": page, "kind": "gaps", "role": role, "roles": CareRole.choices,
        "filters": {"role": role}, "can_manage": user.has_perm(MANAGE),
        "exporter": "grid_gaps" if user.has_perm("cases.export_talentcare") else None,
        "title": _("未配备%(role)s的人才") % {"role": CareRole(role).label},
        "nav_active": "grid"})


def grid_stale(request):
    user = request.user
    require_perm(user, VIEW)
    page = _page(request, sel.stale(user=user))
    page.object_list = sel.annotate_contact_age(page.object_list)
    return render(request, "cases/commissioner_list.html", {
        "page": page, "kind": "stale", "filters": {}, "can_manage": user.has_perm(MANAGE),
        "exporter": "grid_stale" if user.has_perm("cases.export_talentcare") else None,
        "title": _("超过联系周期未联系的人才"), "nav_active": "grid"})


def _regions_of(user):
    return Region.objects.restrict(user, "view").order_by("path")[:500]


def grid_rules(request):
    user = request.user
    require_perm(user, VIEW)
    if request.method == "POST":
        require_perm(user, MANAGE)
        try:
            if request.POST.get("action") == "apply":
                n = svc.rules_apply(user=user)
                messages.success(request, _("已按规则为 %(n)d 名人才配备专员或秘书。") % {"n": n})
            elif request.POST.get("action") == "delete":
                svc.rule_delete(user=user, rule_id=int(request.POST.get("rule") or 0))
                messages.success(request, _("规则已删除。"))
            else:
                region = Region.objects.restrict(user, "view").filter(
                    code=request.POST.get("region", "")).first()
                if region is None:
                    raise NotFound(_("请选择您数据范围内的地区。"))
                employer = None
                if (request.POST.get("employer") or "").isdigit():
                    from wutong.orgs.models import Employer

                    employer = Employer.objects.restrict(user, "view").filter(
                        pk=int(request.POST["employer"])).first()
                    if employer is None:
                        raise NotFound(_("用人单位不存在或不在您的数据范围内。"))
                svc.rule_create(user=user, region=region, role=request.POST.get("role", ""),
                                to_user_id=request.POST.get("to_user"), employer=employer,
                                category=request.POST.get("category", "").strip())
                messages.success(request, _("规则已添加。点“按规则分配”为尚未配备的人才指定专员。"))
        except AppError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("提交的内容有误，请检查后重试。"))
        return redirect("cases:grid_rules")
    return render(request, "cases/commissioner_rules.html", {
        "rules": sel.rules(user=user), "can_manage": user.has_perm(MANAGE),
        "commissioners": sel.commissioners(user=user) if user.has_perm(MANAGE) else [],
        "regions": _regions_of(user), "roles": CareRole.choices, "nav_active": "grid"})


def grid_policy(request):
    user = request.user
    require_perm(user, VIEW)
    regions = list(_regions_of(user))
    code = request.POST.get("region") or request.GET.get("region") or (
        user.region.code if user.region else (regions[0].code if regions else ""))
    region = next((r for r in regions if r.code == code), None)
    if region is None:
        raise NotFound()
    if request.method == "POST":
        require_perm(user, MANAGE)
        try:
            days = int(request.POST.get("contact_days") or 0)
            svc.policy_save(user=user, region=region,
                            commissioner_categories=request.POST.getlist("commissioner"),
                            secretary_categories=request.POST.getlist("secretary"),
                            contact_days=days)
        except AppError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("联系周期应在 1 至 730 天之间。"))
        else:
            messages.success(request, _("%(region)s的联系服务规则已保存。") % {
                "region": region.name})
        return redirect(f"{request.path}?region={region.code}")
    rule = sel.rule_for_region(region)
    return render(request, "cases/commissioner_policy.html", {
        "region": region, "regions": regions, "rule": rule,
        "inherited": rule.source_region_id != region.pk,
        "categories": _categories_for(region), "policies": sel.policies(user=user),
        "can_manage": user.has_perm(MANAGE), "nav_active": "grid"})


def _categories_for(region) -> list[tuple[str, str]]:
    """The talent categories of the region's catalogue (or of a region above)."""
    from wutong.core.models import CodeItem

    ancestors = [region.path[:i + 1] for i, ch in enumerate(region.path) if ch == "/"]
    items = (CodeItem.objects.filter(table__key="talent_category", region__path__in=ancestors)
             .order_by("code", "-year").values_list("code", "name"))
    seen: dict[str, str] = {}
    for code, name in items:
        seen.setdefault(code, name)
    return sorted(seen.items()) or [(c, c) for c in "ABCDE"]


# --- the person page ----------------------------------------------------------------------------
def grid_person(request, pk: int):
    """The person page's 联系服务 section: commissioner, secretary, last contacts."""
    user = request.user
    require_perm(user, VIEW)
    from wutong.talents.models import Talent

    talent = Talent.objects.restrict(user, "view").select_related("region").filter(
        pk=pk).first()
    if talent is None:
        raise NotFound()
    return render(request, "cases/commissioner_person.html", {
        "talent": talent, "care": sel.care_of(user=user, talent=talent),
        "contacts": sel.contacts_of(user=user, talent=talent),
        "changes": sel.changes_of(user=user, talent=talent, limit=5),
        "rule": sel.rule_for_region(talent.region),
        "can_log": user.has_perm("cases.add_contact")})
