"""The ``liaison.problem`` source of ``core.links``: a suggestion or problem raised at a
contact becomes a service case in another app, which reports back how that case stands."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from wutong.core.links import SourceInfo


def describe(user, pk: int) -> SourceInfo:
    """What the case form is pre-filled with; ``NotFound`` outside the user's scope."""
    from wutong.liaison.selectors import item_get

    item = item_get(user=user, pk=pk)
    contact = item.contact
    talent_id = item.talent_id
    if talent_id is None:
        talent_id = contact.experts.order_by("pk").values_list("pk", flat=True).first()
    who = item.talent.name if item.talent_id else "、".join(
        contact.experts.order_by("pk").values_list("name", flat=True)[:5])
    said = _("反映的问题") if item.kind == "problem" else _("提出的意见建议")
    text = _("%(on)s，%(leader)s（%(post)s）%(form)s时，%(who)s%(said)s：%(text)s") % {
        "on": contact.on.isoformat(), "leader": contact.leader.name,
        "post": contact.leader.post, "form": contact.get_form_display(), "who": who,
        "said": said, "text": item.text}
    return SourceInfo(
        title=item.text[:60], text=text, talent_id=talent_id, region_id=item.region_id,
        url=reverse("liaison:item_detail", args=[item.pk]),
        extra={"kind": item.kind, "leader": contact.leader.name,
               "leader_id": contact.leader_id, "contact_on": contact.on.isoformat()})


def outcome(pk: int, *, status: str, closed: bool, url: str = "") -> None:
    from wutong.liaison.services import item_outcome

    item_outcome(pk=pk, status=status, closed=closed, url=url)
