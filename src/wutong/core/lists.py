"""Lists whose users may save filters and choose columns (issue 3: 保存的筛选, 列设置).

An app registers a ``ListSpec`` for its list page in ``ready()``: the query parameters its
selector knows, the columns a user may choose from and the permission that opens the list.
``core.services`` (saving), ``core.selectors`` (reading) and ``core.views.base.list_page``
(rendering) then work for every registered list the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_FILTER_VALUE = 100  # as in export_start: a filter value is a word or a code, never a text


@dataclass(frozen=True)
class ListColumn:
    """One column a user may show or hide.

    ``required`` columns (the name that links to the record) are always shown, first;
    ``permission`` keeps a column away from roles that may not see its content in bulk.
    """

    key: str
    label: Any
    default: bool = True
    required: bool = False
    permission: str | None = None


@dataclass(frozen=True)
class ListSpec:
    """A list page that keeps saved filters and a column choice per user."""

    key: str
    title: Any
    url_name: str
    permission: str
    filter_keys: tuple[str, ...]
    columns: tuple[ListColumn, ...] = ()
    exporter: str | None = None

    def may_use(self, user) -> bool:
        return bool(user and user.is_authenticated and user.has_perm(self.permission))

    def columns_for(self, user) -> list[ListColumn]:
        """The columns this user may choose from (their role may see every one of them)."""
        return [c for c in self.columns if not c.permission or user.has_perm(c.permission)]

    def default_keys(self, user) -> list[str]:
        return [c.key for c in self.columns_for(user) if c.default or c.required]

    def shown_keys(self, user, chosen: list[str] | None) -> list[str]:
        """The columns to show, in order: the user's choice (what is still allowed of it,
        required columns first) or the default."""
        allowed = {c.key: c for c in self.columns_for(user)}
        if not chosen:
            return self.default_keys(user)
        required = [k for k, c in allowed.items() if c.required]
        return required + [k for k in chosen if k in allowed and k not in required]

    def clean_filters(self, params) -> dict[str, str]:
        """Only the keys the list knows, non-empty, cut to a sane length."""
        return {k: str(params[k]).strip()[:MAX_FILTER_VALUE] for k in self.filter_keys
                if k in params and str(params[k]).strip()}


_LISTS: dict[str, ListSpec] = {}


def register_list(spec: ListSpec) -> None:
    _LISTS[spec.key] = spec


def get_list(key: str) -> ListSpec | None:
    return _LISTS.get(key)
