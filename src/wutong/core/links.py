"""Links between apps of the same floor: a record in one app (a problem a leader heard, a
suggestion) becomes a service case in another, and learns how that case ends — without either
app importing the other.

The app that owns the source registers it in its ``AppConfig.ready()``::

    from wutong.core.links import register_source
    register_source("liaison.problem", describe=_describe_problem, outcome=_problem_outcome)

``describe(user, pk)`` returns a ``SourceInfo`` (title, text, talent, region, the URL of the
source) or raises ``core.errors.NotFound`` when the user may not see it: it applies the owner
app's data scope. ``outcome(pk, status=..., closed=..., url=...)`` is called by the app that
handles the source (cases) inside its transaction whenever the linked record changes state;
the owner keeps what it needs (the case's status and link) on its own row.

The handling app calls ``describe_source(user, key)`` to pre-fill its form from
``?source=liaison.problem:42`` and ``report_outcome(key, ...)`` afterwards. Unknown kinds are
refused with ``NotFound`` so a forged key reads nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wutong.core.errors import NotFound


@dataclass(frozen=True)
class SourceInfo:
    """What a source tells the app that takes it over."""

    title: str
    text: str = ""
    url: str = ""
    talent_id: int | None = None
    region_id: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Source:
    describe: Callable[..., SourceInfo]
    outcome: Callable[..., None] | None


_SOURCES: dict[str, _Source] = {}


def register_source(kind: str, *, describe: Callable[..., SourceInfo],
                    outcome: Callable[..., None] | None = None) -> None:
    _SOURCES[kind] = _Source(describe, outcome)


def split_key(key: str) -> tuple[str, int]:
    """``"liaison.problem:42"`` → ``("liaison.problem", 42)``; anything else is NotFound."""
    kind, _sep, raw = (key or "").rpartition(":")
    if kind not in _SOURCES or not raw.isdigit():
        raise NotFound()
    return kind, int(raw)


def describe_source(user, key: str) -> SourceInfo:
    kind, pk = split_key(key)
    return _SOURCES[kind].describe(user, pk)


def report_outcome(key: str, *, status: str, closed: bool, url: str = "") -> None:
    """Tell the source's owner how the record it became now stands (no-op if it does not ask)."""
    if not key:
        return
    kind, pk = split_key(key)
    handler = _SOURCES[kind].outcome
    if handler is not None:
        handler(pk, status=status, closed=closed, url=url)
