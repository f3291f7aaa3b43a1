"""Computed measures (计算口径): how an indicator's value comes from the platform's own data.

An app registers a measure in its ``AppConfig.ready()``::

    from wutong.assessment.measures import MeasureValue, register_measure

    def closed_in_time(unit, year):
        cases = Case.objects.filter(unit=unit, closed_at__year=year)
        return MeasureValue(value=..., records=cases)

    register_measure("cases_closed_in_time", _("按期办结率（%）"), closed_in_time,
                     many=closed_in_time_many)   # optional, set-based

``compute(unit, year)`` returns a ``MeasureValue`` (or a pair ``(value, records)``) whose
``records`` is a queryset of the rows behind the value (a restricted model's, so the page
showing them applies the viewer's scope) and/or ``url``, a list page that shows them.

``many(units, year)`` (optional) gives ``{unit_id: value}`` for many units at once, so a
year's scoring of 40 units is a few grouped queries instead of 40 times each measure; the
scoring run uses it when present and ``compute`` otherwise.

The floors below (``talents``, ``policies``, ``cases``, ``liaison``) are measured by
``builtin_measures`` and ``service_measures``; an app on assessment's own floor or above plugs
its measures in the same way (``assessment`` never imports it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass
class MeasureValue:
    """A measure's answer for one unit and year: the value and what it was counted from."""

    value: Decimal | int | float | None
    records: Any = None          # a queryset of the rows behind the value
    url: str = ""                # or a page that lists them
    detail: str = ""             # how it was counted, in words (e.g. "按期 12 / 应发 15")


@dataclass(frozen=True)
class Measure:
    key: str
    label: Any
    compute: Callable[[Any, int], MeasureValue | tuple]
    many: Callable[[list, int], dict[int, Any]] | None = None
    help: Any = ""

    def value_for(self, unit, year: int) -> MeasureValue:
        answer = self.compute(unit, year)
        if isinstance(answer, tuple):
            value, behind = (*answer, None)[:2]
            if isinstance(behind, str):
                return MeasureValue(value=value, url=behind)
            return MeasureValue(value=value, records=behind)
        return answer

    def values_for(self, units: Iterable, year: int) -> dict[int, Decimal | None]:
        units = list(units)
        if self.many is not None:
            raw = self.many(units, year)
            return {u.pk: _decimal(raw.get(u.pk)) for u in units}
        return {u.pk: _decimal(self.value_for(u, year).value) for u in units}


_MEASURES: dict[str, Measure] = {}


def register_measure(key: str, label, compute, *, many=None, help="") -> Measure:
    """Register (or replace) the measure ``key``; see the module docstring."""
    measure = Measure(key=key, label=label, compute=compute, many=many, help=help)
    _MEASURES[key] = measure
    return measure


def get_measure(key: str) -> Measure | None:
    return _MEASURES.get(key)


def measures() -> list[Measure]:
    return sorted(_MEASURES.values(), key=lambda m: m.key)


def measure_choices() -> list[tuple[str, str]]:
    return [(m.key, str(m.label)) for m in measures()]


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return Decimal(str(round(float(value), 2)))
