"""Browsing the audit log by object, user and time."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from wutong.core.models.audit import AuditAction
from wutong.core.selectors import audit_records
from wutong.core.views.base import require_perm


def audit_list(request):
    require_perm(request.user, "core.view_auditrecord")
    filters = {k: v for k, v in request.GET.items() if k in
               ("object_type", "object_id", "actor", "action", "start", "end") and v}
    qs = audit_records(user=request.user, filters=filters)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {
        "page": page, "filters": filters, "actions": AuditAction.choices,
        "can_export": request.user.has_perm("core.export_auditrecord")})


def audit_detail(request, pk: int):
    require_perm(request.user, "core.view_auditrecord")
    record = audit_records(user=request.user).get_restricted(request.user, "view", pk=pk)
    return render(request, "core/audit_detail.html", {"record": record})
