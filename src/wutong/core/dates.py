"""Calendar arithmetic the apps share."""

from __future__ import annotations

import datetime as dt


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (earlier when negative); 29 February becomes 28 February
    in a common year — an age or a term counted from a leap day ends on the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
