"""Helpers every app's views share: permission checks and showing service errors on forms."""

from __future__ import annotations

from django import forms

from wutong.core.errors import AppError, PermissionDenied


def require_perm(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied()


def apply_app_error(form: forms.Form, exc: AppError, field_map: dict | None = None) -> None:
    """Put a service's error on the form: field messages on their fields, the rest on top."""
    field_map = field_map or {}
    if not exc.details:
        form.add_error(None, exc.message)
        return
    for detail in exc.details:
        name = field_map.get(detail.get("field"), detail.get("field"))
        form.add_error(name if name in form.fields else None, str(detail.get("message")))


def list_page(request, template: str, table, queryset, filters: dict, *, title,
              exporter: str | None = None, export_perm: str | None = None,
              add_url: str | None = None, add_perm: str | None = None,
              list_key: str | None = None, saved_filter=None, **extra):
    """Render a list page (``core/list_base.html``): table paginated, count, export and add
    buttons for those allowed.

    With ``list_key`` (a list registered in ``core.lists``) the page also offers the user's
    saved filters and their column choice, and shows the chosen columns; the view gets its
    filters from ``core.views.lists.list_filters`` and passes the applied ``saved_filter``.
    """
    from django.shortcuts import render
    from django.urls import reverse
    from django_tables2 import RequestConfig

    user = request.user
    prefs = _preferences(request, table, filters, list_key, saved_filter)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    filters = {k: v for k, v in filters.items() if k not in ("page", "sort")}
    return render(request, template, {"prefs": prefs,
        "table": table, "filters": filters, "count": queryset.count(), "list_title": title,
        "exporter": exporter if exporter and export_perm and user.has_perm(export_perm)
        else None,
        "add_url": reverse(add_url) if add_url and add_perm and user.has_perm(add_perm)
        else None, **extra})


def _preferences(request, table, filters: dict, list_key: str | None, saved_filter):
    """Apply the user's column choice to the table; the context of the preference panels."""
    from wutong.core.lists import get_list
    from wutong.core.selectors import list_columns_chosen
    from wutong.core.tables import apply_column_choice
    from wutong.core.views.lists import preferences_context

    spec = get_list(list_key) if list_key else None
    if spec is None or not spec.may_use(request.user):
        return None
    chosen = list_columns_chosen(user=request.user, list_key=spec.key)
    shown = spec.shown_keys(request.user, chosen)
    apply_column_choice(table, spec, shown, chosen=bool(chosen))
    return preferences_context(request, spec, filters, saved_filter, chosen, shown)
