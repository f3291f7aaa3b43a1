"""Error pages in Chinese; 404 never says whether the record exists elsewhere."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _


def error_page(request, status: int, message: str = ""):
    titles = {400: _("请求有误"), 403: _("无权访问"), 404: _("页面或记录不存在"),
              409: _("操作冲突"), 422: _("内容有误")}
    defaults = {400: _("提交的内容无法处理，请检查后重试。"),
                403: _("您没有执行此操作的权限。"),
                404: _("您要找的记录不存在，或不在您的数据范围内。")}
    if request.headers.get("HX-Request"):
        return render(request, "errors/fragment.html",
                      {"message": message or defaults.get(status, "")}, status=status)
    return render(request, "errors/error.html", {
        "title": titles.get(status, _("出错了")),
        "text": message or defaults.get(status, _("操作未能完成。"))}, status=status)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def permission_denied(request, exception=None):
    return error_page(request, 403, getattr(exception, "message", ""))


def bad_request(request, exception=None):
    return error_page(request, 400)


def server_error(request):
    return render(request, "errors/500.html", status=500)
