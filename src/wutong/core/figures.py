"""Figures that an app of the same floor as ``stats`` contributes to the figures page and the
dashboard, without ``stats`` importing it (``assessment`` stands beside ``stats``).

The owning app registers a provider in its ``AppConfig.ready()``::

    from wutong.core.figures import register_figures
    register_figures("unit_scores", provider)

``provider(*, year, region_path)`` returns an iterable of plain dicts, each with a
``region_id`` (the row's own region) and the provider's fields; it is called once per refresh
over the whole place (``region_path`` empty) or one subtree (``region_path`` a region's path),
and must be set-based (one or a few queries). ``stats`` rolls the rows up the region tree.
A provider that fails is logged and left out: the other figures still show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

_PROVIDERS: dict[str, Callable[..., Iterable[dict]]] = {}


def register_figures(name: str, provider: Callable[..., Iterable[dict]]) -> None:
    _PROVIDERS[name] = provider


def provided_figures(*, year: int, region_path: str = "") -> dict[str, list[dict]]:
    """Every provider's rows: ``{name: [row, …]}`` (a failing provider gives none)."""
    out: dict[str, list[dict]] = {}
    for name, provider in sorted(_PROVIDERS.items()):
        try:
            out[name] = list(provider(year=year, region_path=region_path))
        except Exception:
            log.exception("figures provider %s failed", name)
            out[name] = []
    return out
