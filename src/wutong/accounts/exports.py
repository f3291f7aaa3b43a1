"""Exporters of the accounts lists (masked, restricted on the starter's behalf)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wutong.accounts.models import Unit, User
from wutong.accounts.roles import Role
from wutong.core.exports import Column, Exporter, choice_label, register_exporter


def register() -> None:
    from wutong.accounts.models import UnitKind
    from wutong.accounts.selectors import unit_list, user_list

    kind_label, role_label = choice_label(UnitKind.choices), choice_label(Role.choices)

    register_exporter(Exporter(
        key="units", title=_("单位名单"), model=Unit,
        rows=lambda user, params: unit_list(user=user, action="export", filters=params),
        columns=(
            Column(_("单位名称"), lambda u: u.name),
            Column(_("类型"), lambda u: kind_label(u.kind)),
            Column(_("所属地区"), lambda u: u.region.name),
            Column(_("区划代码"), lambda u: u.region.code),
            Column(_("联系人"), lambda u: u.contact_name),
            Column(_("联系电话"), lambda u: u.contact_phone),
            Column(_("有效"), lambda u: u.is_active),
        ),
    ))
    register_exporter(Exporter(
        key="users", title=_("账号名单"), model=User,
        rows=lambda user, params: user_list(user=user, action="export", filters=params),
        columns=(
            Column(_("用户名"), lambda u: u.username),
            Column(_("姓名"), lambda u: u.full_name),
            Column(_("角色"), lambda u: role_label(u.role)),
            Column(_("所属地区"), lambda u: u.region.name if u.region else ""),
            Column(_("所属单位"), lambda u: u.unit.name if u.unit else ""),
            Column(_("手机号码"), lambda u: u.phone),
            Column(_("身份证号码"), lambda u: u.id_number),
            Column(_("启用"), lambda u: u.is_active),
        ),
    ))
