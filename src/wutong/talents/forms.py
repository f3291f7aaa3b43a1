"""The person-file form: parses input; ``services.talent_save`` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_choices
from wutong.core.forms import RegionField
from wutong.talents.models import IdType, IntroductionMode, Sex

DATE = forms.DateInput(attrs={"type": "date"})


def _coded(table: str, label, leaves_only: bool = False) -> forms.ChoiceField:
    field = forms.ChoiceField(label=label, required=False)
    field.table_key = table
    field.leaves_only = leaves_only
    return field


class TalentForm(forms.Form):
    region = RegionField(label=_("所属地区"))
    name = forms.CharField(label=_("姓名"), max_length=60)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices,
                                initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    nationality = forms.CharField(label=_("国籍"), max_length=40, required=False,
                                  initial="中国")
    sex = forms.ChoiceField(label=_("性别"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DATE,
                                 help_text=_("填写身份证号码时可不填，自动从号码读取"))
    ethnic_group = _coded("ethnic_group", _("民族"))
    political_status = _coded("political_status", _("政治面貌"))
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    education = _coded("education", _("最高学历"), leaves_only=True)
    degree = _coded("degree", _("最高学位"))
    title_level = _coded("title_level", _("职称级别"))
    skill_level = _coded("skill_level", _("技能等级"))
    employer = forms.ModelChoiceField(label=_("工作单位"), queryset=None, required=False)
    position = forms.CharField(label=_("职务/岗位"), max_length=80, required=False)
    industry = _coded("industry", _("所属行业"))
    introduced_on = forms.DateField(label=_("引进时间"), required=False, widget=DATE)
    introduction_mode = forms.ChoiceField(label=_("引进方式"), required=False,
                                          choices=[("", "—"), *IntroductionMode.choices])
    honours = forms.CharField(label=_("荣誉称号"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        from django.apps import apps

        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        employer_model = apps.get_model("orgs", "Employer")
        self.fields["employer"].queryset = employer_model.objects.restrict(user, "view")
        for field in self.fields.values():
            if hasattr(field, "table_key"):
                field.choices = [("", "—"), *code_choices(field.table_key,
                                                         leaves_only=field.leaves_only)]
        if editing:
            for name in ("id_number", "phone"):
                self.fields[name].help_text = _("留空则保留原号码")
