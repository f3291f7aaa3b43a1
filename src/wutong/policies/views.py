"""Office pages of benefits, policies and funds: lists, detail with the rule editor and
dated amounts, forms, publishing, simulation."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wutong.core.errors import AppError, ValidationFailed
from wutong.core.views.base import apply_app_error, require_perm
from wutong.policies import ruleform, selectors, services
from wutong.policies.facts import REGION
from wutong.policies.forms import AmountForm, BenefitForm, FundForm, PolicyForm, cny_to_fen
from wutong.policies.models import Benefit, BenefitAmount, Fund, Policy, fen_to_cny
from wutong.policies.rules import EMPTY_RULE


def benefit_list(request):
    require_perm(request.user, "policies.view_benefit")
    filters = {k: v for k, v in request.GET.items() if k in ("q", "published") and v}
    benefits = list(selectors.benefit_list(user=request.user, filters=filters))
    return render(request, "policies/benefit_list.html", {
        "benefits": benefits, "filters": filters,
        "can_add": request.user.has_perm("policies.add_benefit")})


def benefit_detail(request, pk: int):
    benefit = selectors.benefit_detail(user=request.user, pk=pk)
    return render(request, "policies/benefit_detail.html", _detail_context(request, benefit))


def _detail_context(request, benefit, **extra):
    can_change = Benefit.objects.restrict(request.user, "change").filter(pk=benefit.pk).exists()
    amounts = sorted(benefit.amounts.all(), key=lambda a: (a.tier or "~", a.effective_from))
    ctx = {"b": benefit, "can_change": can_change, "amounts": amounts,
           "fen": fen_to_cny, "versions": benefit.versions.select_related("published_by")[:5],
           "amount_form": AmountForm(), "steps": benefit.review_steps.all(),
           "editor": can_change}
    editor = extra.pop("editor_context", None)
    if can_change:
        ctx.update(editor or _editor_context(request, benefit))
    ctx.update(extra)
    return ctx


def _editor_context(request, benefit, *, top=None, rows=None, error=None, json_text=None,
                    notice=None):
    from wutong.core.models import Region

    rule = benefit.current_version.rule if benefit.current_version else EMPTY_RULE
    if rows is None:
        shown = ruleform.rows_from_tree(rule)
        top, rows = shown if shown else ("all", [])
        if shown is None:
            error = error or _("该规则较复杂，表格无法完整显示，请在下方 JSON 中编辑。")
    regions = [(r.code, r.name) for r in Region.objects.restrict(request.user, "view")
               .filter(is_active=True).order_by("path")[:200]]
    return {"top": top, "rows": rows, "facts": ruleform.facts_menu(), "error": error,
            "regions": regions, "groups": range(ruleform.GROUPS + 1), "REGION": REGION,
            "json_text": json_text if json_text is not None else ruleform.rule_json(rule),
            "notice": notice, "b": benefit}


def rule_editor(request, pk: int):
    """The HTMX rule editor: redraw (a fact or operator changed), add or remove a row,
    publish the rows or the JSON as the next version."""
    benefit = selectors.benefit_detail(user=request.user, pk=pk, action="change")
    if request.method != "POST":
        return _render_editor(request, benefit, _editor_context(request, benefit))
    top, rows = ruleform.rows_from_post(request.POST)
    action = request.POST.get("action", "redraw")
    error = notice = None
    json_text = None
    if action == "add" and len(rows) < ruleform.MAX_ROWS:
        rows.append(ruleform.Row(fact="education", op="in"))
    elif action.startswith("remove-"):
        index = int(action.split("-", 1)[1]) if action.split("-", 1)[1].isdigit() else -1
        rows = [r for i, r in enumerate(rows) if i != index]
    elif action in ("publish", "publish_json"):
        try:
            rule = ruleform.parse_json(request.POST.get("rule_json", "")) \
                if action == "publish_json" else ruleform.tree_from_rows(top, rows)
            version = services.benefit_rule_publish(user=request.user, benefit=benefit,
                                                    rule=rule,
                                                    note=request.POST.get("note", ""))
        except ValidationFailed as exc:
            error = exc.message
            if exc.details:
                error = "；".join(str(d["message"]) for d in exc.details[:6])
            json_text = request.POST.get("rule_json") if action == "publish_json" else None
        else:
            benefit.refresh_from_db()
            notice = _("已发布第 %(n)s 版规则。") % {"n": version.number}
            return _render_editor(request, benefit, _editor_context(request, benefit,
                                                                    notice=notice))
    if json_text is None:
        json_text = ruleform.rule_json(ruleform.tree_from_rows(top, rows))
    return _render_editor(request, benefit, _editor_context(
        request, benefit, top=top, rows=rows, error=error, json_text=json_text))


def _render_editor(request, benefit, editor: dict):
    """The editor alone for HTMX; without JavaScript the whole benefit page around it."""
    if request.htmx:
        return render(request, "policies/partials/rule_editor.html", editor)
    benefit = selectors.benefit_detail(user=request.user, pk=benefit.pk)
    return render(request, "policies/benefit_detail.html",
                  _detail_context(request, benefit, editor_context=editor))


def amount_add(request, pk: int):
    benefit = selectors.benefit_detail(user=request.user, pk=pk, action="change")
    form = AmountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.benefit_amount_add(user=request.user, benefit=benefit,
                                        tier=form.cleaned_data["tier"],
                                        effective_from=form.cleaned_data["effective_from"],
                                        amount_fen=form.cleaned_data["amount"])
        except AppError as exc:
            apply_app_error(form, exc, {"amount": "amount"})
        else:
            messages.success(request, _("金额已添加。"))
            return redirect("policies:benefit_detail", pk=pk)
    benefit = selectors.benefit_detail(user=request.user, pk=pk)
    return render(request, "policies/benefit_detail.html",
                  _detail_context(request, benefit, amount_form=form), status=422
                  if request.method == "POST" else 200)


def amount_delete(request, pk: int, amount_pk: int):
    benefit = selectors.benefit_detail(user=request.user, pk=pk, action="change")
    if request.method == "POST":
        amount = BenefitAmount.objects.filter(benefit=benefit, pk=amount_pk).first()
        if amount is not None:
            services.benefit_amount_delete(user=request.user, amount=amount)
            messages.success(request, _("金额已删除。"))
    return redirect("policies:benefit_detail", pk=pk)


def benefit_publish(request, pk: int):
    benefit = selectors.benefit_detail(user=request.user, pk=pk, action="change")
    if request.method == "POST":
        publish = request.POST.get("published") == "1"
        try:
            services.benefit_set_published(user=request.user, benefit=benefit,
                                           published=publish)
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("事项已发布，下次扫描起生效。") if publish
                             else _("事项已停止发布。"))
    return redirect("policies:benefit_detail", pk=pk)


def benefit_edit(request, pk: int | None = None):
    benefit = selectors.benefit_detail(user=request.user, pk=pk, action="change") if pk \
        else None
    if benefit is None:
        require_perm(request.user, "policies.add_benefit")
        initial = {"region": request.user.region, "payment_kind": "once", "periods": 1,
                   "notice_days": 5}
    else:
        initial = {f: getattr(benefit, f) for f in ("name", "policy", "region", "summary",
                                                    "fund", "payment_kind", "periods",
                                                    "exclusion_group", "notice_days",
                                                    "legal_reference")}
        initial["cap"] = "" if benefit.cap_fen is None else fen_to_cny(benefit.cap_fen) \
            .replace(",", "")
        initial["materials"] = "\n".join(benefit.materials)
        initial["review_units"] = [s.unit_id for s in benefit.review_steps.all()]
    form = BenefitForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = list(data.pop("review_units") or [])
        order = [int(x) for x in request.POST.getlist("review_units") if x.isdigit()]
        units.sort(key=lambda u: order.index(u.pk) if u.pk in order else 0)
        try:
            benefit = services.benefit_save(
                user=request.user, benefit=benefit, policy=data["policy"],
                region=data["region"], name=data["name"], fund=data["fund"],
                payment_kind=data["payment_kind"], periods=data["periods"],
                cap_fen=data["cap"], exclusion_group=data["exclusion_group"],
                materials=data["materials"], review_units=units,
                notice_days=data["notice_days"], legal_reference=data["legal_reference"],
                summary=data["summary"])
        except AppError as exc:
            apply_app_error(form, exc, {"cap_fen": "cap"})
        else:
            messages.success(request, _("事项已保存。"))
            return redirect("policies:benefit_detail", pk=benefit.pk)
    return render(request, "policies/form.html", {
        "form": form, "title": _("编辑政策事项") if benefit else _("新增政策事项"),
        "back": f"/policies/benefits/{benefit.pk}/" if benefit else "/policies/"})


def policy_list(request):
    require_perm(request.user, "policies.view_policy")
    return render(request, "policies/policy_list.html", {
        "policies": selectors.policy_list(user=request.user),
        "can_add": request.user.has_perm("policies.add_policy")})


def policy_edit(request, pk: int | None = None):
    policy = Policy.objects.get_restricted(request.user, "change", pk=pk) if pk else None
    if policy is None:
        require_perm(request.user, "policies.add_policy")
        initial = {"region": request.user.region}
    else:
        initial = {f: getattr(policy, f) for f in ("title", "doc_number", "issuer", "region",
                                                   "effective_from", "effective_to",
                                                   "parent", "text")}
    form = PolicyForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(user=request.user, policy=policy, **form.cleaned_data)
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("政策文件已保存。"))
            return redirect("policies:policy_list")
    return render(request, "policies/form.html", {
        "form": form, "title": _("编辑政策文件") if policy else _("新增政策文件"),
        "back": "/policies/policies/"})


def fund_list(request):
    require_perm(request.user, "policies.view_fund")
    return render(request, "policies/fund_list.html", {
        "funds": selectors.fund_list(user=request.user), "fen": fen_to_cny,
        "can_add": request.user.has_perm("policies.add_fund")})


def fund_edit(request, pk: int | None = None):
    fund = Fund.objects.get_restricted(request.user, "change", pk=pk) if pk else None
    if fund is None:
        require_perm(request.user, "policies.add_fund")
        initial = {"region": request.user.region, "year": dt.date.today().year}
    else:
        initial = {"name": fund.name, "region": fund.region, "year": fund.year,
                   "budget": fen_to_cny(fund.budget_fen).replace(",", ""), "note": fund.note}
    form = FundForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.fund_save(user=request.user, fund=fund, region=data["region"],
                               name=data["name"], year=data["year"],
                               budget_fen=data["budget"], note=data["note"])
        except AppError as exc:
            apply_app_error(form, exc, {"budget_fen": "budget"})
        else:
            messages.success(request, _("专项资金已保存。"))
            return redirect("policies:fund_list")
    return render(request, "policies/form.html", {
        "form": form, "title": _("编辑专项资金") if fund else _("新增专项资金"),
        "back": "/policies/funds/"})


def simulate(request, pk: int):
    """Run a changed amount or rule beside the current one (nothing is written)."""
    from wutong.policies.scan import today
    from wutong.policies.simulate import simulate as run

    benefit = selectors.benefit_detail(user=request.user, pk=pk, action="change")
    on = today()
    rule = amount_rows = None
    error = None
    source = request.POST if request.method == "POST" else request.GET
    try:
        if source.get("date"):
            on = dt.date.fromisoformat(source["date"])
        if source.get("rule_json"):
            from wutong.policies.rules import validate_rule

            rule = validate_rule(ruleform.parse_json(source["rule_json"]))
        elif source.get("rows"):
            from wutong.policies.rules import validate_rule

            rule = validate_rule(ruleform.tree_from_rows(*ruleform.rows_from_post(source)))
        tier = source.get("tier")
        if source.get("amount"):
            fen = cny_to_fen(source["amount"])
            amount_rows = [(a.tier, a.effective_from, a.amount_fen)
                           for a in benefit.amounts.all()] + [(tier or "", on, fen)]
    except (ValidationFailed, ValueError) as exc:
        error = getattr(exc, "message", None) or _("请检查填写的内容。")
        if isinstance(exc, ValidationFailed) and exc.details:
            error = "；".join(str(d["message"]) for d in exc.details[:6])
    except forms.ValidationError as exc:
        error = " ".join(exc.messages)
    result = None
    if error is None and (rule is not None or amount_rows is not None):
        result = run(benefit=benefit, on=on, rule=rule, amount_rows=amount_rows)
    template = "policies/partials/simulation.html" if request.htmx else \
        "policies/simulation.html"
    return render(request, template, {
        "b": benefit, "result": result, "error": error, "fen": fen_to_cny, "on": on,
        "tiers": AmountForm().fields["tier"].choices, "source": source})
