"""The employer form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_choices
from wutong.core.forms import RegionField
from wutong.orgs.models import EmployerLabel, EmployerType, Ownership


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
