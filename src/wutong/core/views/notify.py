"""The message inbox (站内消息): the user's own messages, the unread badge, marking read.

Every lookup goes through ``Message.objects.owned_by``: another user's message is a 404.
The badge is polled by HTMX with the ``X-Wutong-Poll`` header, which the idle-timeout
middleware does not count as activity (an unattended screen still times out).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from wutong.core import notify

PER_PAGE = 30


@require_GET
def inbox(request):
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(notify.messages_for(user=request.user, unread_only=unread_only),
                     PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {
        "page": page, "unread_only": unread_only,
        "unread": notify.unread_count(user=request.user),
        "filters": {"show": "unread"} if unread_only else {}, "nav_active": "inbox"})


@require_GET
def badge(request):
    return render(request, "core/partials/inbox_badge.html",
                  {"unread": notify.unread_count(user=request.user)})


@require_POST
def message_open(request, pk: int):
    """Mark the message read and go to what it is about (a path on this site only)."""
    message = notify.message_mark_read(user=request.user, message_id=pk)
    target = message.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("core:inbox")


@require_POST
def message_read(request, pk: int):
    message = notify.message_mark_read(user=request.user, message_id=pk)
    if request.htmx:
        response = render(request, "core/partials/inbox_item.html", {"message": message})
        response["HX-Trigger"] = "wt-inbox-changed"
        return response
    return redirect("core:inbox")


@require_POST
def message_read_all(request):
    notify.message_mark_all_read(user=request.user)
    return redirect("core:inbox")
