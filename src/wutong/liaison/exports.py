"""Exports of liaison: the list of suggestions and problems (xlsx/csv through core.exports),
as the user sees it. Names only: no ID number or phone of anyone."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wutong.core.exports import Column, Exporter, choice_label, register_exporter
from wutong.liaison.models import ContactForm, Item, ItemKind, ItemStatus


def register() -> None:
    from wutong.liaison.selectors import item_list

    kind, status, form = (choice_label(ItemKind.choices), choice_label(ItemStatus.choices),
                          choice_label(ContactForm.choices))
    register_exporter(Exporter(
        key="liaison_items", title=_("意见建议和问题"), model=Item,
        rows=lambda user, params: item_list(user=user, filters=params, action="export"),
        columns=(
            Column(_("联系日期"), lambda i: i.contact.on.isoformat()),
            Column(_("联系领导"), lambda i: i.contact.leader.name),
            Column(_("联系方式"), lambda i: form(i.contact.form)),
            Column(_("类型"), lambda i: kind(i.kind)),
            Column(_("内容"), lambda i: i.text),
            Column(_("提出人"), lambda i: i.talent.name if i.talent_id else ""),
            Column(_("状态"), lambda i: status(i.status)),
            Column(_("办理情况"), lambda i: i.answer),
            Column(_("服务事项状态"), lambda i: i.case_status),
            Column(_("解决日期"), lambda i: i.solved_on.isoformat() if i.solved_on else ""),
        )))
