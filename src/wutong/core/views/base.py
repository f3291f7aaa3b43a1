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
              add_url: str | None = None, add_perm: str | None = None, **extra):
    """Render a list page (``core/list_base.html``): table paginated, count, export and add
    buttons for those allowed."""
    from django.shortcuts import render
    from django.urls import reverse
    from django_tables2 import RequestConfig

    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    user = request.user
    filters = {k: v for k, v in filters.items() if k not in ("page", "sort")}
    return render(request, template, {
        "table": table, "filters": filters, "count": queryset.count(), "list_title": title,
        "exporter": exporter if exporter and export_perm and user.has_perm(export_perm)
        else None,
        "add_url": reverse(add_url) if add_url and add_perm and user.has_perm(add_perm)
        else None, **extra})
