"""Template context shared by every page: the navigation and who is looking."""

from __future__ import annotations

from wutong.core.navigation import nav_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = nav_for(user)
    active = None
    for item in items:
        if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"])):
            active = item["key"]
    return {"nav_items": items, "nav_active": active or "home"}
