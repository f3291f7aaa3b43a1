"""The person page's timeline (时间线): the talents app's own events, and sections that higher
apps (policies: benefits paid; cases; liaison contacts; awards) add without talents importing
them.

A higher app registers in its ``AppConfig.ready()``::

    from wutong.talents.timeline import register_person_section
    register_person_section("policies.payments", _("政策兑现"), "policies:person_payments",
                            order=10, permission="policies.view_payment")

The URL takes the talent's ``pk`` and answers an HTMX fragment; the person page loads it with
``hx-get`` on load. The higher app's view applies its own data scope (404 outside it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class PersonSection:
    key: str
    label: str
    url_name: str
    order: int = 50
    permission: str | None = None


_SECTIONS: dict[str, PersonSection] = {}


def register_person_section(key: str, label, url_name: str, order: int = 50,
                            permission: str | None = None) -> None:
    _SECTIONS[key] = PersonSection(key, label, url_name, order, permission)


def unregister_person_section(key: str) -> None:
    _SECTIONS.pop(key, None)


def sections_for(user, talent) -> list[dict]:
    """The registered sections the user may see, in order, with the URL of their fragment."""
    found = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if section.permission and not user.has_perm(section.permission):
            continue
        try:
            url = reverse(section.url_name, kwargs={"pk": talent.pk})
        except NoReverseMatch:
            continue
        found.append({"key": section.key, "label": section.label, "url": url})
    return found


@dataclass(frozen=True)
class Event:
    on: dt.date
    kind: str   # a CSS modifier and a test hook: created, education, title…
    label: str
    text: str


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def person_events(talent) -> list[Event]:
    """The file's story in time order, from what the person page already loaded (the
    prefetches of ``selectors.talent_file``): no query per event."""
    from wutong.core.codes import code_label

    events: list[Event] = []

    def add(on, kind: str, label, text: str) -> None:
        day = _day(on)
        if day is not None:
            events.append(Event(day, kind, str(label), text.strip()))

    add(talent.created_at, "created", _("建档"), _("建立人才档案"))
    add(talent.introduced_on, "introduced", _("引进"), talent.get_introduction_mode_display())
    for e in talent.educations.all():
        add(e.graduated_on, "education", _("毕业"),
            f"{e.school} {e.major} {code_label('education', e.level)}")
    for t in talent.titles.all():
        add(t.obtained_on, "title", _("取得职称"),
            f"{t.name or code_label('title_level', t.level)} {t.series}")
    for s in talent.skills.all():
        add(s.obtained_on, "skill", _("取得技能等级"),
            f"{s.occupation} {code_label('skill_level', s.level)}")
    for w in talent.employments.all():
        add(w.started_on, "employment", _("入职"),
            f"{w.employer_name} {w.position} {w.get_mode_display()}")
        add(w.ended_on, "employment", _("离职"), w.employer_name)
    for r in talent.recognitions.all():
        add(r.recognised_on, "recognition", _("人才类别认定"), r.category.name)
    for m in talent.poolmembership_set.all():
        add(m.joined_on, "pool", _("入库"), m.pool.name)
    for p in talent.platform_memberships.all():
        add(p.joined_on, "platform", _("加入平台"), f"{p.platform} {p.role}")
    for h in talent.honour_list.all():
        if h.year:
            add(dt.date(h.year, 1, 1), "honour", _("获得荣誉"), h.name)
    for a in talent.attachments.all():
        add(a.uploaded_at, "attachment", _("上传附件"),
            f"{a.get_kind_display()} {a.filename}")
    events.sort(key=lambda e: e.on)
    return events
