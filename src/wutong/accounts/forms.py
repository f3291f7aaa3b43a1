"""Forms of the accounts pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wutong.accounts.models import Unit, UnitKind
from wutong.accounts.roles import Role
from wutong.core.forms import RegionField


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续输错 5 次，账号将锁定 15 分钟。"),
        "inactive": _("该账号已停用，请联系本地区人才办。"),
    }


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices)
    region = RegionField(label=_("所属地区"))
    duty = forms.CharField(label=_("人才工作职责"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        if editing:
            self.fields["contact_phone"].help_text = _("留空则保留原号码")


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=50)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = RegionField(label=_("所属地区"), required=False)
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=Unit.objects.none(),
                                  required=False)
    title = forms.CharField(label=_("职务"), max_length=60, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=20, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False),
                               help_text=_("至少 10 位，含大小写字母、数字、符号中的 3 类；"
                                           "首次登录须修改。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["unit"].queryset = Unit.objects.restrict(user, "view").select_related(
            "region")
        if user.role != Role.SYSADMIN:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.SYSADMIN]


class UserEditForm(UserCreateForm):
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["username"]
        del self.fields["password"]
        self.fields["phone"].help_text = _("留空则保留原号码")
        self.fields["id_number"].help_text = _("留空则保留原号码")


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=60,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    days = forms.TypedChoiceField(label=_("有效期"), coerce=int, initial=365,
                                  widget=forms.Select(attrs={"class": "form-select"}), choices=[
        (30, _("30 天")), (90, _("90 天")), (365, _("1 年"))])
