"""The employer and platform forms: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_choices
from wutong.core.forms import RegionField
from wutong.orgs.models import (
    EmployerLabel,
    EmployerType,
    Ownership,
    PlatformKind,
    PlatformLevel,
)


class EmployerForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    name = forms.CharField(label=_("单位名称"), max_length=120)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    type = forms.ChoiceField(label=_("单位性质"), choices=EmployerType.choices)
    ownership = forms.ChoiceField(label=_("所有制"), choices=Ownership.choices, required=False)
    industry = forms.ChoiceField(label=_("所属行业"), required=False)
    region = RegionField(label=_("所在地区"))
    labels = forms.MultipleChoiceField(label=_("标签"), choices=EmployerLabel.choices,
                                       required=False, widget=forms.CheckboxSelectMultiple)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["industry"].choices = [("", "—"), *code_choices("industry")]


def _required(message) -> dict:
    return {"required": message}


class PlatformForm(forms.Form):
    name = forms.CharField(label=_("平台名称"), max_length=150,
                           error_messages=_required(_("请填写平台名称。")))
    kind = forms.ChoiceField(label=_("平台类型"), choices=[("", "—"), *PlatformKind.choices],
                             error_messages={"required": _("请选择平台类型。"),
                                             "invalid_choice": _("请选择平台类型。")})
    level = forms.ChoiceField(label=_("级别"), choices=[("", "—"), *PlatformLevel.choices],
                              error_messages={"required": _("请选择平台级别。"),
                                              "invalid_choice": _("请选择平台级别。")})
    host = forms.ModelChoiceField(label=_("依托单位"), queryset=None,
                                  empty_label=_("— 请选择 —"),
                                  help_text=_("限您数据范围内已登记的单位"),
                                  error_messages={
                                      "required": _("请选择依托单位。"),
                                      "invalid_choice": _("请选择您数据范围内的依托单位。")})
    region = RegionField(label=_("所在地区"), required=False,
                         help_text=_("不选则与依托单位相同"))
    partners = forms.CharField(label=_("合作院校/机构"), max_length=300, required=False,
                               help_text=_("多个用顿号隔开，如 哈尔滨工业大学、东北石油大学"))
    recognised_on = forms.DateField(label=_("认定时间"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}),
                                    error_messages={"invalid": _("认定时间格式不正确。")})
    description = forms.CharField(label=_("简介"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        from wutong.orgs.selectors import platform_hosts

        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = platform_hosts(user=user)
        self.fields["region"].limit_to(user)

    def clean_recognised_on(self):
        value = self.cleaned_data.get("recognised_on")
        if value and value > dt.date.today():
            raise forms.ValidationError(_("认定时间不能晚于今天。"))
        return value
