"""Roles and what each may do. Later apps add their grants with ``grant()`` in ``ready()``.

A permission is "<app>.<action>_<model>" with the actions of ``core.scope.ACTIONS``; *where*
a role may do it is the data scope (``User.get_data_scope``), never a second rule here.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("系统管理员")
    OFFICE = "office", _("人才办工作人员")
    MEMBER_UNIT = "member_unit", _("成员单位工作人员")
    LEADER = "leader", _("领导干部")
    COMMISSIONER = "commissioner", _("人才服务专员")
    TALENT = "talent", _("人才")
    EMPLOYER = "employer", _("用人单位")


# The kind of data scope each role has (see core.scope.DataScope).
SCOPE_KIND = {
    Role.SYSADMIN: "all",
    Role.OFFICE: "regions",
    Role.LEADER: "regions",
    Role.COMMISSIONER: "regions",
    Role.MEMBER_UNIT: "unit",
    Role.TALENT: "self",
    Role.EMPLOYER: "employer",
}

_GRANTS: dict[str, set[str]] = defaultdict(set)


def grant(role: str, *perms: str) -> None:
    _GRANTS[role].update(perms)


def role_permissions(role: str) -> frozenset[str]:
    return frozenset(_GRANTS.get(role, ()))


EVERYONE = tuple(Role.values)
STAFF = (Role.OFFICE, Role.MEMBER_UNIT, Role.LEADER, Role.COMMISSIONER)

for _role in EVERYONE:
    grant(_role, "core.view_job", "core.view_region", "accounts.view_apitoken")
for _role in STAFF:
    grant(_role, "accounts.view_unit", "core.view_codeitem")
grant(
    Role.OFFICE,
    "core.add_region", "core.add_codeitem", "core.change_codeitem",
    "core.view_auditrecord", "core.export_auditrecord",
    "accounts.add_unit", "accounts.change_unit", "accounts.export_unit",
    "accounts.view_user", "accounts.add_user", "accounts.change_user", "accounts.export_user",
    "accounts.reveal_user", "accounts.reveal_unit",
)
grant(Role.MEMBER_UNIT, "accounts.view_user")
grant(Role.TALENT, "accounts.view_user")
grant(Role.EMPLOYER, "accounts.view_user")
