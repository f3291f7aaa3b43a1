"""Demo part of the redemption workflow: in each demo place, reviewer accounts for the units
of the benefits' review chains (``<place>.rsj``, ``<place>.czj``) and a few applications of
the employer's people (then others of the place) in different states — paid, on public
notice, waiting at the first unit, returned for correction, rejected, a draft — plus one of
the demo talent's own offers taken to the second step. Runs after the policies step (order 45 > 40);
a place that already has applications is left alone."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wutong.accounts.models import Unit, User
from wutong.accounts.roles import Role
from wutong.core.demo import DemoContext
from wutong.core.errors import AppError
from wutong.policies import redemption_services as svc
from wutong.policies.models import Entitlement, EntitlementStatus
from wutong.policies.redemption_basis import material_states
from wutong.policies.redemption_models import Application

PDF = b"%PDF-1.4\n% demo material\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REVIEWER_UNITS = (("rsj", "人力资源和社会保障局", "人社局审核员"),
                  ("czj", "财政局", "财政局审核员"))


def _reviewers(ctx: DemoContext, slug: str, region) -> dict[int, User]:
    """{unit id: reviewer account} for the chain units of a place."""
    out = {}
    for suffix, unit_name, title in REVIEWER_UNITS:
        unit = Unit.objects.filter(region=region, name=f"{region.name}{unit_name}").first()
        if unit is None:
            continue
        username = f"{slug}.{suffix}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=ctx.faker.name(), role=Role.MEMBER_UNIT,
                        region=region, unit=unit, title=title)
            user.set_password(ctx.password)
            user.save()
            ctx.accounts.append({"username": username, "role": str(Role.MEMBER_UNIT.label),
                                 "where": unit.name})
        out[unit.pk] = user
    return out


def _fill(user, application) -> None:
    for state in material_states(application):
        if state.missing:
            svc.application_material_upload(
                user=user, application=application, name=state.name,
                upload=SimpleUploadedFile(f"{state.name}.pdf", PDF, "application/pdf"))


def _approve_step(reviewers, application) -> Application:
    reviewer = reviewers[application.current_unit_id]
    return svc.application_review(user=reviewer, application=application, decision="approve",
                                  reason="材料齐全，符合条件。")


def _through_chain(reviewers, application) -> Application:
    while application.status in ("submitted", "in_review"):
        application = _approve_step(reviewers, application)
    return application


def _place(ctx: DemoContext, slug: str, region) -> None:
    employer = User.objects.filter(username=f"{slug}.employer").first()
    office = User.objects.filter(username=f"{slug}.office").first()
    if employer is None or office is None:
        return
    reviewers = _reviewers(ctx, slug, region)
    admin = User.objects.filter(username="admin").first()
    live = (EntitlementStatus.NEW, EntitlementStatus.OFFERED)
    # The employer's own people first (filed by the employer account), then others of the
    # place entered by the administrator (as an office keys in a paper application).
    offers = [(employer, e) for e in Entitlement.objects.restrict(employer, "view").filter(
        status__in=live, talent__account__isnull=True).select_related("talent", "benefit")
        .order_by("benefit_id", "-amount_fen", "id")[:50]]
    if admin is not None:
        offers += [(admin, e) for e in Entitlement.objects.filter(
            region__path__startswith=region.path, status__in=live,
            talent__account__isnull=True).select_related("talent", "benefit")
            .order_by("benefit_id", "-amount_fen", "id")[:400]]
    seen, picked = set(), []
    for filer, e in offers:  # one application per talent, to spread the demo over people
        if e.talent_id not in seen:
            seen.add(e.talent_id)
            picked.append((filer, e))
    plans = ["paid", "notice", "submitted", "returned", "rejected", "draft"]
    made = {}
    for plan, (filer, e) in zip(plans, picked, strict=False):
        try:
            app = svc.application_start(user=filer, talent=e.talent, benefit=e.benefit,
                                        note="代为申报（演示）")
            if plan != "draft":
                _fill(filer, app)
                app = svc.application_submit(user=filer, application=app)
            if plan == "returned":
                svc.application_review(
                    user=reviewers[app.current_unit_id], application=app, decision="return",
                    reason="材料不完整", items=[
                        {"text": f"请重新提交：{m}（缺少签字页）", "material": m}
                        for m in (app.benefit.materials or [])[:1]] + [
                        {"text": "请说明近12个月社保缴纳单位"}])
            elif plan == "rejected":
                svc.application_review(user=reviewers[app.current_unit_id], application=app,
                                       decision="reject", reason="经核查，引进时间已超过三年。")
            elif plan in ("notice", "paid"):
                made[plan] = _through_chain(reviewers, app)
        except (AppError, KeyError):
            continue  # a benefit whose chain has no demo reviewer: leave it as it is
    for plan, app in made.items():
        if app.status != "approved":
            continue
        starts = timezone.localdate() - dt.timedelta(days=(20 if plan == "paid" else 1))
        notice = svc.notice_publish(user=office, benefit=app.benefit, starts_on=starts,
                                    application_ids=[app.pk])
        if plan == "paid":
            svc.notice_close(user=office, notice=notice)
            batch = svc.payment_batch_create(user=office, fund=app.payments.first().fund)
            svc.payment_mark_paid(user=office, batch=batch)
    _own_offer(slug, reviewers)


def _own_offer(slug: str, reviewers) -> None:
    """One of the demo talent's own offers, accepted and approved at the first step."""
    talent_user = User.objects.filter(username=f"{slug}.talent").first()
    if talent_user is None:
        return
    offer = Entitlement.objects.restrict(talent_user, "view").filter(
        status=EntitlementStatus.OFFERED).order_by("amount_fen", "id").first()
    if offer is None:
        return
    try:
        app = svc.application_from_entitlement(user=talent_user, entitlement=offer)
        _fill(talent_user, app)
        app = svc.application_submit(user=talent_user, application=app)
        _approve_step(reviewers, app)
    except (AppError, KeyError):
        return


def seed(ctx: DemoContext) -> None:
    for slug, region in ctx.places.items():
        if Application.objects.filter(region__path__startswith=region.path).exists():
            continue
        _place(ctx, slug, region)
