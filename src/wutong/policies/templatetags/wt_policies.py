"""Template filters of the policies pages: money in fen shown as CNY."""

from django import template

from wutong.policies.models import fen_to_cny

register = template.Library()


@register.filter
def cny(fen) -> str:
    """12345678 → "123,456.78"."""
    return fen_to_cny(fen)


@register.filter
def indent(depth) -> str:
    """A Bootstrap margin class for a depth in an explanation tree (ms-0 … ms-5)."""
    return f"ms-{min(int(depth) * 2, 5)}"


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if mapping else None
