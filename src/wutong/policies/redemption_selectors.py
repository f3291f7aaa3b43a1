"""Reads of the redemption workflow, always within the caller's data scope (the public
notice board alone reads without a user: it shows only masked names and ID numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum

from wutong.policies.models import Benefit, Entitlement, EntitlementStatus, Fund
from wutong.policies.redemption_basis import mask_name, review_chain
from wutong.policies.redemption_models import (
    REVIEWABLE,
    Application,
    ApplicationStatus,
    ApplicationStep,
    NoticeStatus,
    Payment,
    PaymentBatch,
    PublicNotice,
    ReturnRequest,
)
from wutong.policies.redemption_services import fund_totals, remaining_fen

LIST_RELATED = ("benefit", "talent", "talent__employer", "current_unit", "region")


def application_list(*, user, filters: dict | None = None):
    """Applications the user may see (office: region; member unit: those at its step;
    talent: own; employer: its people), newest first, filtered by status/benefit/name."""
    filters = filters or {}
    qs = Application.objects.restrict(user, "view").select_related(*LIST_RELATED)
    status = filters.get("status")
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    if str(filters.get("benefit") or "").isdigit():
        qs = qs.filter(benefit_id=int(filters["benefit"]))
    if filters.get("q"):
        qs = qs.filter(talent__name__startswith=str(filters["q"]).strip())
    return qs.order_by("-updated_at", "-id")


def review_queue(*, user):
    """What waits at the user's unit, oldest first (first come, first served)."""
    if not user.unit_id:
        return Application.objects.none()
    return Application.objects.restrict(user, "view").filter(
        current_unit_id=user.unit_id, status__in=REVIEWABLE).select_related(
        *LIST_RELATED).order_by("submitted_at", "id")


def status_counts(*, user) -> dict[str, int]:
    rows = Application.objects.restrict(user, "view").values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def _open_application(talent_field: str, benefit_field: str):
    return Exists(Application.objects.filter(
        talent_id=OuterRef(talent_field), benefit_id=OuterRef(benefit_field)).exclude(
        status=ApplicationStatus.REJECTED))


def startable_offers(*, user):
    """Offers (pushed or accepted) of the user's own file or people with no application
    open yet: one button each to start the application pre-filled."""
    return Entitlement.objects.restrict(user, "view").filter(
        status__in=(EntitlementStatus.OFFERED, EntitlementStatus.ACCEPTED)).annotate(
        has_application=_open_application("talent_id", "benefit_id")).filter(
        has_application=False).select_related("benefit", "talent").order_by("-amount_fen", "id")


def applicable_benefits(*, talent):
    """Published benefits whose region covers the talent, without an open application."""
    from wutong.policies.selectors import _ancestor_paths

    return Benefit.objects.filter(
        is_published=True, current_version__isnull=False,
        region__path__in=_ancestor_paths(talent.region.path)).exclude(
        pk__in=Application.objects.filter(talent=talent).exclude(
            status=ApplicationStatus.REJECTED).values("benefit_id")).select_related(
        "region").order_by("name")


def application_detail(*, user, pk: int, action: str = "view") -> Application:
    return Application.objects.select_related(
        "benefit", "benefit__region", "benefit__fund", "benefit__policy", "talent",
        "talent__region", "talent__employer", "current_unit", "rule_version", "region",
        "employer", "entitlement").prefetch_related(
        Prefetch("steps", ApplicationStep.objects.select_related("unit")),
        Prefetch("return_requests", ReturnRequest.objects.prefetch_related("materials")),
        "materials", Prefetch("payments", Payment.objects.select_related("fund", "batch")),
        "notices").get_restricted(user, action, pk=pk)


@dataclass
class ChainView:
    """One step of the chain as the applicant sees it: done, here now, or to come."""

    order: int
    unit: object
    state: str  # done | current | pending | stopped
    decisions: list


def chain_view(application: Application) -> list[ChainView]:
    steps = list(application.steps.all())
    out = []
    for step in review_chain(application.benefit):
        decisions = [s for s in steps if s.order == step.order]
        if any(d.decision == "approve" for d in decisions):
            state = "done"
        elif application.current_step == step.order and application.current_unit_id:
            state = "current"
        elif application.status == ApplicationStatus.REJECTED and decisions:
            state = "stopped"
        else:
            state = "pending"
        out.append(ChainView(step.order, step.unit, state, decisions))
    return out


def notice_list(*, user):
    return PublicNotice.objects.restrict(user, "view").select_related(
        "benefit", "region").annotate(n=Count("applications")).order_by("-starts_on", "-id")


def benefits_to_notice(*, user):
    """Benefits with approved applications waiting for their public notice."""
    return (Application.objects.restrict(user, "view")
            .filter(status=ApplicationStatus.APPROVED)
            .values("benefit_id", "benefit__name", "benefit__notice_days")
            .annotate(n=Count("id"), money=Sum("amount_fen")).order_by("benefit__name"))


def notice_detail(*, user, pk: int) -> PublicNotice:
    return PublicNotice.objects.select_related("benefit", "region").get_restricted(
        user, "view", pk=pk)


@dataclass
class NoticeRow:
    name: str
    id_number: str
    employer: str
    amount_fen: int
    application_id: int


def notice_rows(notice: PublicNotice) -> list[NoticeRow]:
    """The masked list: family name kept, ID 6+4 (the personal field's own mask)."""
    apps = notice.applications.select_related("talent", "talent__employer").order_by("id")
    return [NoticeRow(mask_name(a.talent.name), str(a.talent.id_number or "—"),
                      a.talent.employer.name if a.talent.employer else "", a.amount_fen, a.pk)
            for a in apps]


def public_notices():
    """The public board: notices open now and those closed within the last 90 days."""
    import datetime as dt

    from django.utils import timezone

    since = timezone.localdate() - dt.timedelta(days=90)
    return PublicNotice.objects.filter(Q(status=NoticeStatus.OPEN) | Q(ends_on__gte=since)) \
        .select_related("benefit", "region").annotate(n=Count("applications")) \
        .order_by("-starts_on", "-id")


@dataclass
class LedgerRow:
    """A fund's money: budget, committed (approved, not yet paid), held, paid, remaining."""

    fund: Fund
    committed: int
    held: int
    paid: int
    remaining: int
    held_applications: int

    @property
    def used_percent(self) -> str:
        """Share of the budget promised or paid, e.g. "12.5%" ("—" without a budget)."""
        if not self.fund.budget_fen:
            return "—"
        used = (self.committed + self.held + self.paid) * 1000 // self.fund.budget_fen
        return f"{used / 10:.1f}%"


def fund_ledger(*, user) -> list[LedgerRow]:
    funds = list(Fund.objects.restrict(user, "view").select_related("region"))
    totals = fund_totals([f.pk for f in funds])
    held_apps = dict(Application.objects.restrict(user, "view").filter(
        status=ApplicationStatus.HELD, benefit__fund__in=funds).values(
        "benefit__fund").annotate(n=Count("id")).values_list("benefit__fund", "n"))
    return [LedgerRow(f, totals[f.pk]["committed"], totals[f.pk]["held"], totals[f.pk]["paid"],
                      remaining_fen(f, totals[f.pk]), held_apps.get(f.pk, 0)) for f in funds]


def batch_list(*, user):
    return PaymentBatch.objects.restrict(user, "view").select_related("fund", "created_by")


def batch_detail(*, user, pk: int) -> PaymentBatch:
    return PaymentBatch.objects.select_related("fund", "created_by", "paid_by") \
        .get_restricted(user, "view", pk=pk)


def batch_payments(batch: PaymentBatch):
    return batch.payments.select_related("talent", "benefit", "application").order_by(
        "status", "id")
