"""Reading national code tables quickly: labels and choices, cached per process."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=64)
def _table(table_key: str) -> tuple[tuple[str, str, str], ...]:
    from wutong.core.models import CodeItem

    return tuple(CodeItem.objects.filter(table__key=table_key, region__isnull=True,
                                         is_active=True)
                 .order_by("sort_order", "code").values_list("code", "name", "parent_code"))


def code_choices(table_key: str, *, leaves_only: bool = False) -> list[tuple[str, str]]:
    rows = _table(table_key)
    if leaves_only:
        parents = {p for _c, _n, p in rows if p}
        rows = tuple(r for r in rows if r[0] not in parents)
    return [(code, name) for code, name, _p in rows]


def code_label(table_key: str, code: str | None) -> str:
    if not code:
        return ""
    for c, name, _p in _table(table_key):
        if c == code:
            return name
    return code


def clear_cache() -> None:
    _table.cache_clear()
