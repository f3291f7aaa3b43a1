"""The indicator system and the year-end scoring (目标责任制考核).

A scoring run reads every indicator's values for every unit at once (each computed measure
once, through its set-based ``many``; manual entries in one query), turns them into points,
caps each part at its points (basic, key tasks, bonus, deduction), adds the office's
adjustments, ranks, and rewrites the scores in bulk. Adjustments never change the computed
lines: they are recorded with a reason and summed on top.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.accounts.models import Unit
from wutong.assessment.measures import get_measure
from wutong.assessment.models import (
    Indicator,
    IndicatorEntry,
    IndicatorPart,
    IndicatorScore,
    IndicatorSystem,
    MeasureMethod,
    ScoreAdjustment,
    Scoring,
    UnitScore,
)
from wutong.assessment.services import Problems, _need
from wutong.core.audit import audit_log, snapshot
from wutong.core.errors import Conflict, ValidationFailed
from wutong.core.models.audit import AuditAction
from wutong.core.scope import ensure_in_scope, require_region

CENT = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def system_create(*, user, region, year: int, title: str, units, basic_points=80,
                  key_points=20, bonus_cap=5, deduction_cap=10) -> IndicatorSystem:
    """An indicator system for a region's year and the units it assesses."""
    _need(user, "assessment.add_indicatorsystem")
    require_region(user, region)
    check = Problems()
    title = check.text("title", title, 120, required=True)
    points = {name: check.number(name, value, required=True) for name, value in (
        ("basic_points", basic_points), ("key_points", key_points),
        ("bonus_cap", bonus_cap), ("deduction_cap", deduction_cap))}
    units = list(units)
    if not units:
        check.add("units", _("请选择被考核单位。"))
    elif any(u.region_id != region.pk and u.region.parent_id != region.pk for u in units):
        check.add("units", _("被考核单位须为本地区的单位或下辖地区的人才办。"))
    check.raise_if_any()
    if IndicatorSystem.objects.filter(region=region, year=year).exists():
        raise Conflict(_("%(year)d 年的考核指标体系已存在。") % {"year": year})
    system = IndicatorSystem.objects.create(region=region, year=year, title=title,
                                            created_by=user, **points)
    system.units.set(units)
    ensure_in_scope(user, system, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=system, after=snapshot(system),
              extra={"units": [u.pk for u in units]})
    return system


@transaction.atomic
def system_copy_forward(*, user, system: IndicatorSystem) -> IndicatorSystem:
    """Next year's indicator system from this one: the same parts, units and indicators
    (their measures, targets and units); no values, scores or adjustments."""
    _need(user, "assessment.add_indicatorsystem")
    ensure_in_scope(user, system, "view")
    year = system.year + 1
    if IndicatorSystem.objects.filter(region=system.region_id, year=year).exists():
        raise Conflict(_("%(year)d 年的考核指标体系已存在。") % {"year": year})
    title = system.title.replace(str(system.year), str(year))
    new = IndicatorSystem.objects.create(
        region_id=system.region_id, year=year, created_by=user,
        title=title if title != system.title else f"{year}年{system.title}"[:120],
        basic_points=system.basic_points, key_points=system.key_points,
        bonus_cap=system.bonus_cap, deduction_cap=system.deduction_cap)
    new.units.set(system.units.all())
    for indicator in system.indicators.prefetch_related("units").order_by("seq", "id"):
        units = list(indicator.units.all())
        indicator.pk, indicator.system = None, new
        indicator._prefetched_objects_cache = {}  # the copy's units are its own
        indicator.save()
        indicator.units.set(units)
    ensure_in_scope(user, new, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=new, after=snapshot(new),
              extra={"copied_from": system.pk})
    return new


@transaction.atomic
def indicator_add(*, user, system: IndicatorSystem, part: str, name: str, points,
                  method: str = MeasureMethod.MANUAL, measure_key: str = "",
                  scoring: str = Scoring.RATIO, target=None, per_item=None,
                  description: str = "", units=(), seq: int | None = None) -> Indicator:
    """Add an indicator; a computed one names a registered measure."""
    _need(user, "assessment.add_indicator")
    ensure_in_scope(user, system, "change")
    check = Problems()
    name = check.text("name", name, 120, required=True)
    description = check.text("description", description, 300)
    weight = check.number("points", points, required=True)
    if weight is not None and weight <= 0:
        check.add("points", _("分值须大于 0。"))
    if part not in IndicatorPart.values:
        check.add("part", _("请选择类别。"))
    if method not in MeasureMethod.values:
        check.add("method", _("请选择计量方式。"))
    if method == MeasureMethod.COMPUTED and get_measure(measure_key) is None:
        check.add("measure_key", _("请选择平台数据的计算口径。"))
    target_value = check.number("target", target)
    item_points = check.number("per_item", per_item)
    if scoring == Scoring.RATIO and not target_value:
        check.add("target", _("按完成比例计分须填写大于 0 的目标值。"))
    elif scoring == Scoring.PER_ITEM and not item_points:
        check.add("per_item", _("按件计分须填写每件分值。"))
    elif scoring not in Scoring.values:
        check.add("scoring", _("请选择计分方法。"))
    units = list(units)
    allowed = set(system.units.values_list("pk", flat=True))
    if any(u.pk not in allowed for u in units):
        check.add("units", _("适用单位须为本指标体系的被考核单位。"))
    check.raise_if_any()
    if seq is None:
        seq = (system.indicators.order_by("-seq").values_list("seq", flat=True).first()
               or 0) + 1
    indicator = Indicator.objects.create(
        system=system, region_id=system.region_id, seq=seq, part=part, name=name,
        description=description, points=weight, method=method,
        measure_key=measure_key if method == MeasureMethod.COMPUTED else "",
        scoring=scoring, target=target_value if scoring == Scoring.RATIO else None,
        per_item=item_points if scoring == Scoring.PER_ITEM else None)
    indicator.units.set(units)
    ensure_in_scope(user, indicator, "add")
    audit_log(actor=user, action=AuditAction.CREATE, obj=indicator, after=snapshot(indicator))
    return indicator


@transaction.atomic
def entry_save(*, user, indicator: Indicator, unit: Unit, value, note: str = "",
               upload=None) -> IndicatorEntry:
    """A value entered by hand for a unit on a manual indicator, with its proof."""
    from wutong.talents import attachments

    _need(user, "assessment.add_indicatorentry")
    ensure_in_scope(user, indicator, "change")
    check = Problems()
    number = check.number("value", value, required=True)
    note = check.text("note", note, 300)
    if indicator.method != MeasureMethod.MANUAL:
        check.add("value", _("该指标由平台数据自动计算，无需录入。"))
    if unit.pk not in set(_applicable(indicator, list(indicator.system.units.all()))):
        check.add("unit", _("该指标不适用于所选单位。"))
    check.raise_if_any()
    entry = IndicatorEntry.objects.filter(indicator=indicator, unit=unit).first()
    before = snapshot(entry) if entry else None
    if entry is None:
        entry = IndicatorEntry(indicator=indicator, unit=unit, region_id=indicator.region_id)
    entry.value, entry.note, entry.entered_by = number, note, user
    key = None
    if upload is not None:
        data, file_type, filename = attachments.read_upload(upload)
        key = attachments.blob_store(data)
        entry.proof_name, entry.proof_type, entry.proof_key = filename, file_type, key
    try:
        entry.save()
        ensure_in_scope(user, entry, "add")
        audit_log(actor=user, action=AuditAction.UPDATE if before else AuditAction.CREATE,
                  obj=entry, before=before, after=snapshot(entry))
    except BaseException:
        if key:
            attachments.blob_delete(key)
        raise
    return entry


def _applicable(indicator: Indicator, units: list[Unit]) -> list[int]:
    chosen = {u.pk for u in indicator.units.all()}
    return [u.pk for u in units if not chosen or u.pk in chosen]


def indicator_points(indicator: Indicator, value: Decimal | None) -> Decimal:
    """The points a value earns: a share of the points up to the target, or points per item
    up to the indicator's points."""
    if value is None:
        return Decimal(0)
    if indicator.scoring == Scoring.PER_ITEM:
        return _q(min(value * indicator.per_item, indicator.points))
    share = min(value / indicator.target, Decimal(1))
    return _q(indicator.points * share)


@transaction.atomic
def system_score(*, user, system: IndicatorSystem) -> list[UnitScore]:
    """Score every unit of the system for its year and rank them (see the module doc)."""
    _need(user, "assessment.change_unitscore")
    ensure_in_scope(user, system, "change")
    # One run at a time per system (a second waits here, then rewrites the same rows).
    system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    units = list(system.units.select_related("region").order_by("sort_order", "name"))
    indicators = list(system.indicators.prefetch_related("units").order_by("seq", "id"))
    computed: dict[str, dict[int, Decimal | None]] = {}
    manual = defaultdict(dict)
    for indicator_id, unit_id, value in IndicatorEntry.objects.filter(
            indicator__system=system).values_list("indicator_id", "unit_id", "value"):
        manual[indicator_id][unit_id] = value
    now = timezone.now()
    parts: dict[int, dict[str, Decimal]] = {u.pk: defaultdict(Decimal) for u in units}
    lines: dict[int, list[IndicatorScore]] = defaultdict(list)
    for indicator in indicators:
        applies = _applicable(indicator, units)
        if indicator.method == MeasureMethod.COMPUTED:
            if indicator.measure_key not in computed:
                measure = get_measure(indicator.measure_key)
                computed[indicator.measure_key] = (
                    measure.values_for(units, system.year) if measure else {})
            values, source = computed[indicator.measure_key], "computed"
        else:
            values, source = manual[indicator.pk], "manual"
        for unit_id in applies:
            value = values.get(unit_id)
            points = indicator_points(indicator, value)
            parts[unit_id][indicator.part] += points
            lines[unit_id].append(IndicatorScore(
                indicator=indicator, value=value, points=points,
                source=source if value is not None else "missing"))
    adjustments = dict(ScoreAdjustment.objects.filter(system=system).values(
        "unit_id").annotate(total=Sum("points")).values_list("unit_id", "total"))
    caps = {IndicatorPart.BASIC: system.basic_points, IndicatorPart.KEY: system.key_points,
            IndicatorPart.BONUS: system.bonus_cap, IndicatorPart.DEDUCTION: system.deduction_cap}
    scores = []
    for unit in units:
        got = {part: min(parts[unit.pk][part], cap) for part, cap in caps.items()}
        score = UnitScore(system=system, region_id=system.region_id, unit=unit,
                          basic=got["basic"], key=got["key"], bonus=got["bonus"],
                          deduction=got["deduction"],
                          adjustment=adjustments.get(unit.pk) or Decimal(0), computed_at=now)
        scores.append(score)
    _rank(scores)
    UnitScore.objects.filter(system=system).delete()
    UnitScore.objects.bulk_create(scores, batch_size=500)
    for score in scores:
        for line in lines[score.unit_id]:
            line.score = score
    IndicatorScore.objects.bulk_create([line for s in scores for line in lines[s.unit_id]],
                                       batch_size=1000)
    system.scored_at = now
    system.save(update_fields=["scored_at"])
    audit_log(actor=user, action=AuditAction.UPDATE, obj=system,
              extra={"scored": len(scores), "indicators": len(indicators)})
    return scores


def _rank(scores: list[UnitScore]) -> None:
    """Totals and competition ranks (1, 2, 2, 4)."""
    for score in scores:
        score.total = _q(score.basic + score.key + score.bonus - score.deduction
                         + score.adjustment)
    ordered = sorted(scores, key=lambda s: -s.total)
    for i, score in enumerate(ordered):
        score.rank = 1 if i == 0 else (ordered[i - 1].rank if score.total == ordered[i - 1].total
                                       else i + 1)


@transaction.atomic
def score_adjust(*, user, system: IndicatorSystem, unit: Unit, points, reason: str
                 ) -> ScoreAdjustment:
    """Record the office's adjustment of a unit's score, with its reason, and re-rank."""
    _need(user, "assessment.add_scoreadjustment")
    ensure_in_scope(user, system, "change")
    system = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    check = Problems()
    reason = check.text("reason", reason, 300, required=True)
    try:
        value = _q(Decimal(str(points).strip()))
    except Exception:  # noqa: BLE001 - any unreadable number is the same mistake
        value = None
    if value is None or not value.is_finite() or value == 0 or abs(value) > 100:
        check.add("points", _("请填写非零的调整分值（可为负数，绝对值不超过 100）。"))
    if not system.units.filter(pk=unit.pk).exists():
        check.add("unit", _("该单位不在本指标体系的被考核单位中。"))
    check.raise_if_any()
    item = ScoreAdjustment.objects.create(system=system, region_id=system.region_id, unit=unit,
                                          points=value, reason=reason, made_by=user)
    ensure_in_scope(user, item, "add")
    scores = list(UnitScore.objects.select_for_update().filter(system=system))
    if scores:
        totals = dict(ScoreAdjustment.objects.filter(system=system).values("unit_id").annotate(
            total=Sum("points")).values_list("unit_id", "total"))
        for score in scores:
            score.adjustment = totals.get(score.unit_id) or Decimal(0)
        _rank(scores)
        UnitScore.objects.bulk_update(scores, ["adjustment", "total", "rank"])
    audit_log(actor=user, action=AuditAction.CREATE, obj=item, after=snapshot(item))
    return item


def measure_records(*, user, indicator: Indicator, unit: Unit, year: int):
    """A computed value for one unit and the records behind it, within the viewer's scope."""
    measure = get_measure(indicator.measure_key)
    if measure is None:
        raise ValidationFailed(_("计算口径「%(key)s」未注册。") % {"key": indicator.measure_key})
    answer = measure.value_for(unit, year)
    records = answer.records
    if records is not None and hasattr(records, "restrict"):
        records = records.restrict(user, "view")
    return answer, records
