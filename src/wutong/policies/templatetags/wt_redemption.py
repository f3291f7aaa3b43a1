"""Template filters of the redemption pages: a colour for each status."""

from django import template

register = template.Library()

STATUS_CLASSES = {
    "draft": "text-bg-light border", "submitted": "text-bg-primary",
    "in_review": "text-bg-primary", "returned": "text-bg-warning", "rejected": "text-bg-danger",
    "held": "text-bg-warning", "approved": "text-bg-success", "notice": "text-bg-info",
    "payable": "text-bg-success", "paid": "text-bg-secondary",
    "scheduled": "text-bg-light border", "in_batch": "text-bg-info", "open": "text-bg-info",
    "closed": "text-bg-secondary",
}


@register.filter
def status_class(status) -> str:
    """The Bootstrap badge classes of an application, payment or notice status."""
    return STATUS_CLASSES.get(str(status), "text-bg-light border")
