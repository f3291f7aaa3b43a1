"""Working days (工作日) for case deadlines: the national calendar of ``chinese-calendar``
(holidays and make-up working days 调休), corrected by the office's own table
(``WorkdayOverride``) — which is also how a year the package does not know yet (it raises
``NotImplementedError`` past its data) is entered. Without either, such a year counts
weekends only, and ``unknown_years`` lets the office page say so.

A deadline of N working days from a day D is the N-th working day after D (D itself is not
counted: a case raised on a Tuesday with 1 working day is due on Wednesday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import chinese_calendar

MAX_SPAN = 3660  # days: a guard against a runaway count


@lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class Calendar:
    """Working days with the local overrides loaded once (``{date: is_workday}``)."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self.overrides = overrides or {}

    @classmethod
    def load(cls) -> Calendar:
        from wutong.cases.models import OverrideKind, WorkdayOverride

        return cls({day: kind == OverrideKind.WORKDAY
                    for day, kind in WorkdayOverride.objects.values_list("day", "kind")})

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if _package_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``days`` ≥ 0; 0 gives ``start``)."""
        day, left = start, days
        for _i in range(MAX_SPAN):
            if left <= 0:
                return day
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        raise ValueError("working-day span too long")

    def subtract(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day before ``start``."""
        day, left = start, days
        for _i in range(MAX_SPAN):
            if left <= 0:
                return day
            day -= dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        raise ValueError("working-day span too long")

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end is
        before start): what is left of a deadline ``end`` on day ``start``."""
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


def unknown_years(years: Iterable[int]) -> list[int]:
    """Years the package has no data for and the office has entered no holiday for."""
    from wutong.cases.models import OverrideKind, WorkdayOverride

    missing = [y for y in sorted(set(years)) if not _package_knows(y)]
    entered = set(WorkdayOverride.objects.filter(kind=OverrideKind.HOLIDAY).values_list(
        "day__year", flat=True).distinct())
    return [y for y in missing if y not in entered]


def add_workdays(start: dt.date, days: int) -> dt.date:
    return Calendar.load().add(start, days)
