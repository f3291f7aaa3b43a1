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


def import_page(request, template: str, start) -> object:
    """An importer's upload page: the file and the region the rows default to (within the
    user's scope); ``start(user=, upload=, region=)`` queues the job, whose page then shows
    the outcome. Refusals come back on the page in Chinese."""
    from django.shortcuts import redirect, render

    from wutong.core.forms import RegionField
    from wutong.core.imports.errors import ImportRefused

    field = RegionField()
    field.limit_to(request.user)
    user_region = request.user.region.code if request.user.region else ""
    error = None
    if request.method == "POST":
        try:
            region = field.clean(request.POST.get("region") or user_region)
            job = start(user=request.user, upload=request.FILES.get("file"), region=region)
        except ImportRefused as exc:
            error = exc.message
        except forms.ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("core:job_detail", pk=job.pk)
    return render(request, template, {"error": error,
                                      "region_widget": field.widget.render("region",
                                                                           user_region)})


def template_download(write, filename: str):
    """An importer's template, written by ``write(path)``, as a download."""
    import tempfile
    from pathlib import Path

    from django.http import FileResponse

    path = Path(tempfile.mkdtemp()) / "template.xlsx"
    write(path)
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
