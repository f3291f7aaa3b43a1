"""Saved filters and column choice of list pages (issue 3): the forms on every registered list.

Writes go to ``core.services``; after a plain form post the user is sent back to the list
with a message. Moving a column up or down is answered with the re-rendered form (HTMX), and is
saved with the rest when the user presses 保存.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.core import selectors, services
from wutong.core.errors import AppError, NotFound
from wutong.core.lists import ListSpec, get_list
from wutong.core.models import SavedFilter


def _spec(request, list_key: str) -> ListSpec:
    spec = get_list(list_key)
    if spec is None or not spec.may_use(request.user):
        raise NotFound()
    return spec


def _error_text(exc: AppError) -> str:
    return " ".join(str(d.get("message")) for d in exc.details) or exc.message


def _back(request, spec: ListSpec, *, panel: str | None = None, query: dict | None = None):
    """Back to the list page the form was on (a local address only), a panel left open."""
    list_url = reverse(spec.url_name)
    target = request.POST.get("next") or ""
    if not target.startswith(list_url) or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = list_url
    if query is not None:
        target = f"{list_url}?{urlencode(query)}"
    if panel:
        target += ("&" if urlsplit(target).query else "?") + f"panel={panel}"
    return redirect(target)


# --- Saved filters ----------------------------------------------------------------------------
@require_POST
def saved_filter_create(request, list_key: str):
    spec = _spec(request, list_key)
    try:
        saved = services.saved_filter_create(
            user=request.user, list_key=spec.key, name=request.POST.get("name", ""),
            params={k[2:]: v for k, v in request.POST.items() if k.startswith("f_")},
            shared=request.POST.get("shared") == "on")
    except AppError as exc:
        messages.error(request, _error_text(exc))
        return _back(request, spec, panel="filters")
    messages.success(request, _("已保存筛选「%(name)s」。") % {"name": saved.name})
    return _back(request, spec, query={"saved": saved.pk})


@require_POST
def saved_filter_update(request, pk: int):
    saved = SavedFilter.objects.get_owned(request.user, pk=pk)
    spec = _spec(request, saved.list_key)
    try:
        services.saved_filter_update(user=request.user, saved_filter=saved,
                                     name=request.POST.get("name", ""),
                                     shared=request.POST.get("shared") == "on")
    except AppError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已更新筛选「%(name)s」。") % {"name": saved.name})
    return _back(request, spec, panel="filters")


@require_POST
def saved_filter_delete(request, pk: int):
    saved = SavedFilter.objects.get_owned(request.user, pk=pk)
    spec = _spec(request, saved.list_key)
    name = saved.name
    services.saved_filter_delete(user=request.user, saved_filter=saved)
    messages.success(request, _("已删除筛选「%(name)s」。") % {"name": name})
    return _back(request, spec, panel="filters")


# --- Columns ----------------------------------------------------------------------------------
def _moved(order: list[str], move: str, fixed: set[str]) -> list[str]:
    """``order`` with one key moved one place up or down (``"up:key"`` / ``"down:key"``);
    ``fixed`` keys (required columns) keep their place."""
    direction, _sep, key = move.partition(":")
    if key not in order:
        return order
    i = order.index(key)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(order) and not fixed & {order[i], order[j]}:
        order[i], order[j] = order[j], order[i]
    return order


@require_POST
def list_columns(request, list_key: str):
    """Save the column choice, reset it, or (HTMX) show the form with a column moved."""
    spec = _spec(request, list_key)
    if request.POST.get("action") == "reset":
        services.list_columns_reset(user=request.user, list_key=spec.key)
        messages.success(request, _("已恢复默认列。"))
        return _back(request, spec)
    order = [k for k in request.POST.getlist("order") if k]
    checked = request.POST.getlist("columns")
    if request.POST.get("move"):
        fixed = {c.key for c in spec.columns if c.required}
        order = _moved(order, request.POST["move"], fixed)
        if request.htmx:
            context = columns_context(request.user, spec, order=order, checked=set(checked))
            return render(request, "core/partials/list_columns.html",
                          {"prefs": {**context, "next": request.POST.get("next", ""),
                                     "moved": True}})
    chosen = [k for k in order if k in checked] + [k for k in checked if k not in order]
    try:
        services.list_columns_save(user=request.user, list_key=spec.key, columns=chosen)
    except AppError as exc:
        messages.error(request, _error_text(exc))
        return _back(request, spec, panel="columns")
    messages.success(request, _("列设置已保存，导出也按此列输出。"))
    return _back(request, spec)


# --- What a list page shows of them -----------------------------------------------------------
def columns_context(user, spec: ListSpec, *, order: list[str], checked: set[str]) -> dict:
    """The column form: the columns the user may choose, ``order`` first, ticks from
    ``checked``."""
    allowed = spec.columns_for(user)
    by_key = {c.key: c for c in allowed}
    required = [c.key for c in allowed if c.required]  # always first, never moved
    keys = required + [k for k in order if k in by_key and k not in required]
    keys += [c.key for c in allowed if c.key not in keys]
    movable = len(keys) - len(required)
    columns = []
    for i, k in enumerate(keys):
        rank = i - len(required)  # place among the movable columns
        columns.append({"key": k, "label": by_key[k].label, "required": by_key[k].required,
                        "shown": by_key[k].required or k in checked,
                        "can_up": rank > 0, "can_down": 0 <= rank < movable - 1})
    return {"spec": spec, "list_key": spec.key, "columns": columns}


def list_filters(request, list_key: str, filter_keys) -> tuple[dict, SavedFilter | None]:
    """The filters of a list request: a saved filter (``?saved=<id>``, 404 if it is not the
    user's to use) under what the request itself sets; a key sent empty clears it."""
    explicit = {k: v for k, v in request.GET.items() if k in filter_keys}
    saved_id = request.GET.get("saved")
    if not saved_id:
        return {k: v for k, v in explicit.items() if v != ""}, None
    saved = selectors.saved_filter_get(user=request.user, list_key=list_key, pk=saved_id)
    merged = {k: v for k, v in saved.filter_params.items() if k in filter_keys}
    merged.update(explicit)
    return {k: v for k, v in merged.items() if v != ""}, saved


def preferences_context(request, spec: ListSpec, filters: dict, saved: SavedFilter | None,
                        chosen: list[str], shown: list[str]) -> dict:
    user = request.user
    current = spec.clean_filters(filters)
    saved_filters = list(selectors.saved_filters_for(user=user, list_key=spec.key))
    for f in saved_filters:
        f.is_own = f.owner_id == user.pk
    return {
        **columns_context(user, spec, order=shown, checked=set(shown)),
        "chosen": bool(chosen),
        "saved_filters": saved_filters,
        "own_filters": [f for f in saved_filters if f.is_own],
        "active": saved,
        "modified": saved is not None and spec.clean_filters(saved.filter_params) != current,
        "current": current,
        "can_share": bool(getattr(user, "unit_id", None)),
        "panel": request.GET.get("panel", ""),
        "list_url": reverse(spec.url_name),
        "next": request.get_full_path(),
    }
