"""What a redemption decision stands on, without writing anything: the benefit's review
chain, the rule version and explanation for one talent on one date, which required materials
are already on file, the instalment schedule, the fund of each year, and masking for the
public notice."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wutong.accounts.models import Unit, UnitKind
from wutong.core.errors import ValidationFailed
from wutong.policies.models import Benefit, Fund, PaymentKind

# --- the review chain -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainStep:
    order: int
    unit: Unit


def review_chain(benefit: Benefit) -> list[ChainStep]:
    """The benefit's review steps in order; a benefit without any is reviewed by the talent
    office of its region (someone must decide, and the office owns the benefit)."""
    steps = [ChainStep(s.order, s.unit) for s in
             benefit.review_steps.select_related("unit").order_by("order")]
    if steps:
        return steps
    office = Unit.objects.filter(region_id=benefit.region_id,
                                 kind=UnitKind.TALENT_OFFICE).first()
    if office is None:
        raise ValidationFailed(_("该事项未设置审核单位，本地区也没有人才办，无法受理。"))
    return [ChainStep(1, office)]


def next_step(chain: list[ChainStep], order: int) -> ChainStep | None:
    return next((s for s in chain if s.order > order), None)


# --- the decision basis: rule version and explanation -----------------------------------------


@dataclass
class Basis:
    """The rule version, explanation snapshot, tier and amount one decision is made on."""

    version_id: int | None
    held: bool
    tier: str
    amount_fen: int | None
    snapshot: dict


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def decision_basis(talent, benefit: Benefit, on: dt.date) -> Basis:
    """Evaluate the benefit's current rule for the talent on ``on`` with the engine the
    explanation page uses (all benefits covering the talent, so exclusion groups apply), and
    keep what it said as JSON: every clause with its value read and legal reference."""
    from wutong.policies.engine import person_results, published_specs
    from wutong.policies.facts import read_facts

    candidates = Benefit.objects.filter(region__path__in=_ancestor_paths(talent.region.path))
    specs = published_specs(candidates, on)
    spec = next((s for s in specs if s.pk == benefit.pk), None)
    if spec is None:
        raise ValidationFailed(_("该事项未发布或尚无申领条件，暂不能申领。"))
    facts = read_facts([talent.pk], on)[talent.pk]
    results = person_results(specs, facts, on=on, region_id=talent.region_id)
    result = next(r for r in results if r.spec.pk == benefit.pk)
    tier, amount = result.tier, result.amount_fen
    if amount is None:
        fallback = spec.total_for(facts.get("category"))
        if fallback is not None:
            tier, amount = fallback
    lines = [{"depth": depth, "held": node.held, "text": node.text, "ref": node.ref,
              "kind": node.kind} for depth, node in (result.trace.lines() if result.trace
                                                    else [])]
    snapshot = {
        "on": on.isoformat(), "benefit": benefit.name, "held": bool(result.held),
        "gets": bool(result.gets), "tier": tier, "amount_fen": amount,
        "version": benefit.current_version.number if benefit.current_version else None,
        "legal_reference": benefit.legal_reference, "reasons": list(result.reasons),
        "excluded_by": result.excluded_by.benefit.name if result.excluded_by else "",
        "lines": lines,
    }
    return Basis(spec.version_id, bool(result.gets), tier, amount, snapshot)


# --- materials: only those not already on file ----------------------------------------------

# Words in a benefit's material name that say which kind of attachment of the talent's file
# (talents.AttachmentKind) already covers it.
MATERIAL_KIND_WORDS = (
    ("degree", ("学历", "学位", "毕业证")),
    ("title", ("职称",)),
    ("skill", ("技能等级", "职业资格")),
    ("award", ("获奖", "荣誉")),
    ("contract", ("劳动合同", "引进协议", "聘用合同")),
    ("identity", ("身份证",)),
)


def material_kind(name: str) -> str | None:
    """The attachment kind that covers a required material, or None (it must be uploaded)."""
    for kind, words in MATERIAL_KIND_WORDS:
        if any(w in name for w in words):
            return kind
    return None


@dataclass
class MaterialState:
    """One required material of an application: on file, uploaded, or still missing."""

    name: str
    on_file: list  # talents.Attachment rows that cover it
    uploaded: list  # ApplicationMaterial rows

    @property
    def missing(self) -> bool:
        return not self.on_file and not self.uploaded


def material_states(application, attachments=None, uploads=None) -> list[MaterialState]:
    """Each required material of the benefit with what covers it. ``attachments`` (the
    talent's file) and ``uploads`` may be given when already loaded."""
    from wutong.talents.models import Attachment

    if attachments is None:
        attachments = list(Attachment.objects.filter(talent_id=application.talent_id))
    if uploads is None:
        uploads = list(application.materials.all())
    states = []
    for name in application.benefit.materials or []:
        kind = material_kind(name)
        states.append(MaterialState(
            name, [a for a in attachments if kind and a.kind == kind],
            [u for u in uploads if u.name == name]))
    return states


# --- payments: instalments and the fund of each year -----------------------------------------


@dataclass(frozen=True)
class Instalment:
    seq: int
    period: str
    due_on: dt.date
    amount_fen: int


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def instalments(benefit: Benefit, total_fen: int, start: dt.date) -> list[Instalment]:
    """The schedule of a term's money from ``start`` on: once; monthly for N months (the
    first of each month from the start month, period "YYYY-MM"); yearly over N years (period
    "YYYY"). The rest of an uneven split goes to the first instalment, as
    ``engine.yearly_split`` counts it."""
    if benefit.payment_kind == PaymentKind.ONCE or benefit.periods <= 1:
        return [Instalment(1, "once", start, total_fen)]
    n = benefit.periods
    base, rest = divmod(total_fen, n)
    out = []
    for i in range(n):
        amount = base + (rest if i == 0 else 0)
        if benefit.payment_kind == PaymentKind.MONTHLY:
            due = start if i == 0 else _add_months(start.replace(day=1), i)
            out.append(Instalment(i + 1, f"{due:%Y-%m}", due, amount))
        else:
            due = start if i == 0 else _add_months(start.replace(day=1), 12 * i)
            out.append(Instalment(i + 1, f"{due:%Y}", due, amount))
    return out


def fund_for_year(fund: Fund, year: int) -> Fund:
    """The same special fund's budget of ``year`` (same region and name) when the office
    has set one up, else the fund the benefit names."""
    if fund.year == year:
        return fund
    return Fund.objects.filter(region_id=fund.region_id, name=fund.name, year=year).first() \
        or fund


# --- masking for the public notice ----------------------------------------------------------


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳明月 → 欧**月: the family name and, for three or more characters,
    the last one stay."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
