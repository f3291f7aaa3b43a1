"""Authentication backend that answers permission questions from the user's role."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from wutong.accounts.roles import Role, role_permissions


class RoleBackend(ModelBackend):
    """Password login (argon2 via Django's hashers) and role-based permissions."""

    def user_can_authenticate(self, user) -> bool:
        return getattr(user, "is_active", False)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(role_permissions(user_obj.role))

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        if user_obj.role == Role.SYSADMIN:
            return True
        return perm in role_permissions(user_obj.role)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
