"""Pages of the accounts app: login, units, users, own profile and API tokens. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wutong.accounts import selectors, services
from wutong.accounts.forms import ApiTokenForm, LoginForm, UnitForm, UserCreateForm, UserEditForm
from wutong.accounts.models import ApiToken, Unit, UnitKind, User
from wutong.accounts.roles import Role
from wutong.accounts.tables import UnitTable, UserTable
from wutong.core.errors import AppError, PermissionDenied
from wutong.core.views.base import apply_app_error, list_page, require_perm


class WutongLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_record(user=form.get_user(), success=True)
        if form.get_user().must_change_password:
            messages.info(self.request, _("首次登录或密码已被重置，请先修改密码。"))
            return redirect("accounts:password_change")
        return response

    def form_invalid(self, form):
        services.login_record(user=None, success=False,
                              username=self.request.POST.get("username", ""))
        return super().form_invalid(form)


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes calls this when an account is locked after repeated failures."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    message = _("登录失败次数过多，该账号已被锁定 %(n)d 分钟，请稍后再试或联系管理员解锁。") % {
        "n": minutes}
    return render(request, "accounts/login.html", {"form": LoginForm(request),
                                                   "locked_message": message}, status=429)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_record(user=request.user)
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")


def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_set(actor=request.user, user=request.user,
                                       password=form.cleaned_data["new_password1"])
        except AppError as exc:
            apply_app_error(form, exc, field_map={"password": "new_password1"})
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


def profile(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            form = ApiTokenForm()
    return render(request, "accounts/profile.html", {
        "form": form, "new_key": new_key, "tokens": selectors.tokens_of(user=request.user)})


@require_POST
def token_revoke(request, pk: int):
    token = ApiToken.objects.get_restricted(request.user, "view", pk=pk)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("令牌已停用。"))
    return redirect("accounts:profile")


# --- Units ------------------------------------------------------------------------------------
def unit_list(request):
    require_perm(request.user, "accounts.view_unit")
    filters = request.GET.dict()
    qs = selectors.unit_list(user=request.user, filters=filters)
    return list_page(request, "accounts/unit_list.html", UnitTable(qs), qs, filters,
                      title=_("单位管理"), exporter="units", add_perm="accounts.add_unit",
                      export_perm="accounts.export_unit", add_url="accounts:unit_create",
                      kinds=UnitKind.choices)


def unit_detail(request, pk: int):
    unit = Unit.objects.get_restricted(request.user, "view", pk=pk)
    users = selectors.user_list(user=request.user).filter(unit=unit)
    return render(request, "accounts/unit_detail.html", {
        "unit": unit, "users": users,
        "can_change": Unit.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        "can_reveal": Unit.objects.restrict(request.user, "reveal").filter(pk=pk).exists()})


def unit_edit(request, pk: int | None = None):
    unit = Unit.objects.get_restricted(request.user, "change", pk=pk) if pk else None
    if unit is None:
        require_perm(request.user, "accounts.add_unit")
    initial = {"region": request.user.region, "kind": UnitKind.MEMBER_UNIT}
    if unit:
        initial = {f: getattr(unit, f) for f in ("name", "short_name", "kind", "duty",
                                                 "contact_name", "sort_order", "is_active")}
        initial["region"] = unit.region
    form = UnitForm(request.POST or None, initial=initial, user=request.user,
                    editing=unit is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_save(
                user=request.user, unit=unit, region=data["region"], name=data["name"],
                kind=data["kind"], short_name=data["short_name"], duty=data["duty"],
                contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                sort_order=data["sort_order"] or 0, is_active=data["is_active"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("单位已保存。"))
            return redirect("accounts:unit_detail", pk=unit.pk)
    return render(request, "accounts/unit_form.html", {"form": form, "unit": unit})


# --- Users ------------------------------------------------------------------------------------
def user_list(request):
    require_perm(request.user, "accounts.view_user")
    filters = request.GET.dict()
    qs = selectors.user_list(user=request.user, filters=filters)
    return list_page(request, "accounts/user_list.html", UserTable(qs), qs, filters,
                      title=_("账号管理"), exporter="users", add_perm="accounts.add_user",
                      export_perm="accounts.export_user", add_url="accounts:user_create",
                      roles=Role.choices)


def user_detail(request, pk: int):
    target = User.objects.select_related("region", "unit").get_restricted(
        request.user, "view", pk=pk)
    return render(request, "accounts/user_detail.html", {
        "target": target,
        "can_change": User.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        "can_reveal": User.objects.restrict(request.user, "reveal").filter(pk=pk).exists()})


def user_create(request):
    require_perm(request.user, "accounts.add_user")
    form = UserCreateForm(request.POST or None, user=request.user,
                          initial={"region": request.user.region})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.user_create(
                actor=request.user, username=data["username"], full_name=data["full_name"],
                role=data["role"], password=data["password"], region=data["region"],
                unit=data["unit"], title=data["title"], phone=data["phone"],
                id_number=data["id_number"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("账号已创建，首次登录须修改密码。"))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def user_edit(request, pk: int):
    target = User.objects.get_restricted(request.user, "change", pk=pk)
    initial = {"full_name": target.full_name, "role": target.role, "region": target.region,
               "unit": target.unit, "title": target.title, "is_active": target.is_active}
    form = UserEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user, user=target, full_name=data["full_name"], role=data["role"],
                region=data["region"], unit=data["unit"], title=data["title"],
                phone=data["phone"], id_number=data["id_number"], is_active=data["is_active"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("账号已保存。"))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


def _reveal_target(request, model, pk: int):
    obj = model.objects.get_restricted(request.user, "view", pk=pk)
    if not model.objects.restrict(request.user, "reveal").filter(pk=pk).exists():
        raise PermissionDenied(_("您没有查看完整个人信息的权限。"))
    return obj


@require_POST
def user_reveal(request, pk: int, field: str):
    from wutong.core.services import personal_data_reveal

    if field not in ("phone", "id_number"):
        raise PermissionDenied()
    target = _reveal_target(request, User, pk)
    value = personal_data_reveal(user=request.user, obj=target, field_name=field)
    return render(request, "core/partials/revealed.html", {"value": value})


@require_POST
def unit_reveal(request, pk: int):
    from wutong.core.services import personal_data_reveal

    unit = _reveal_target(request, Unit, pk)
    value = personal_data_reveal(user=request.user, obj=unit, field_name="contact_phone")
    return render(request, "core/partials/revealed.html", {"value": value})
