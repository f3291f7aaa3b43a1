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
