"""The application's one error type, with a Chinese message for people and a code for programs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class AppError(Exception):
    """An error a user can act on; views and the API render ``message`` as it is."""

    code = "error"
    status = 400
    default_message = _("操作未能完成。")

    def __init__(self, message=None, *, details: list[dict] | None = None):
        self.message = str(message or self.default_message)
        self.details = details or []
        super().__init__(self.message)


class ValidationFailed(AppError):
    code = "invalid"
    status = 422
    default_message = _("提交的内容有误，请检查后重试。")


class NotFound(AppError):
    code = "not_found"
    status = 404
    default_message = _("记录不存在，或不在您的数据范围内。")


class OutOfScope(AppError):
    """A write would leave the caller's data scope."""

    code = "out_of_scope"
    status = 403
    default_message = _("无权操作：该记录不在您的数据范围内。")


class PermissionDenied(AppError):
    code = "forbidden"
    status = 403
    default_message = _("您没有执行此操作的权限。")


class Conflict(AppError):
    code = "conflict"
    status = 409
    default_message = _("记录已被他人修改或已存在，请刷新后重试。")
