"""Template helpers shared by every app."""

from __future__ import annotations

from django import template

register = template.Library()

_CLASSES = {
    "checkbox": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "radioselect": "",
    "checkboxselectmultiple": "",
}


@register.filter
def bs(field):
    """Render a bound form field with the Bootstrap class of its widget (and is-invalid)."""
    widget_type = field.widget_type
    if widget_type in ("regionpicker", "hidden"):
        return field.as_widget()
    css = _CLASSES.get(widget_type, "form-control")
    existing = field.field.widget.attrs.get("class", "")
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def object_type_label(label: str) -> str:
    """"accounts.User" → "账号": the model's name in the user's language."""
    from django.apps import apps

    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@register.filter
def code(value: str, table_key: str) -> str:
    """A code's name in a national code table: {{ t.education|code:"education" }}."""
    from wutong.core.codes import code_label

    return code_label(table_key, value)
