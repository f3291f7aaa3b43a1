"""The person-file form: parses input; ``services.talent_save`` decides."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from wutong.core.codes import code_choices
from wutong.core.forms import RegionField
from wutong.talents.models import AttachmentKind, HonourLevel, IdType, IntroductionMode, Sex

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


# --- The person page's forms: each parses input; the matching service decides -----------------

class _CodedForm(forms.Form):
    """Fills the choices of coded fields from their code tables."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("user", None)
        kwargs.pop("talent", None)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if hasattr(field, "table_key"):
                field.choices = [("", "—"), *code_choices(field.table_key,
                                                         leaves_only=field.leaves_only)]


def _required_coded(table: str, label, leaves_only: bool = False) -> forms.ChoiceField:
    field = _coded(table, label, leaves_only)
    field.required = True
    return field


class EducationForm(_CodedForm):
    level = _required_coded("education", _("学历"), leaves_only=True)
    degree = _coded("degree", _("学位"))
    school = forms.CharField(label=_("毕业院校"), max_length=100, required=False)
    major = forms.CharField(label=_("专业"), max_length=100, required=False)
    graduated_on = forms.DateField(label=_("毕业时间"), required=False, widget=DATE)


class TitleForm(_CodedForm):
    level = _required_coded("title_level", _("职称级别"))
    series = forms.CharField(label=_("职称系列"), max_length=60, required=False,
                             help_text=_("如：工程技术、卫生、教师、农业、经济"))
    name = forms.CharField(label=_("职称名称"), max_length=60, required=False,
                           help_text=_("如：高级工程师、主任医师"))
    obtained_on = forms.DateField(label=_("取得时间"), required=False, widget=DATE)


class SkillForm(_CodedForm):
    level = _required_coded("skill_level", _("技能等级"))
    occupation = forms.CharField(label=_("职业（工种）"), max_length=80, required=False,
                                 help_text=_("如：电工、焊工、化工总控工"))
    certificate_no = forms.CharField(label=_("证书编号"), max_length=60, required=False)
    issuer = forms.CharField(label=_("发证（认定）机构"), max_length=100, required=False)
    obtained_on = forms.DateField(label=_("取得时间"), required=False, widget=DATE)


class EmploymentForm(_CodedForm):
    employer = forms.ModelChoiceField(label=_("已登记单位"), queryset=None, required=False,
                                      empty_label="—",
                                      help_text=_("单位未登记时留空，在下面填写单位名称"))
    employer_name = forms.CharField(label=_("单位名称"), max_length=120, required=False)
    position = forms.CharField(label=_("职务/岗位"), max_length=80, required=False)
    mode = forms.ChoiceField(label=_("方式"), required=False, choices=[
        ("", "—"), (IntroductionMode.FULL_TIME, _("全职（刚性）")),
        (IntroductionMode.FLEXIBLE, _("柔性（兼职、顾问等）")),
        (IntroductionMode.LOCAL, IntroductionMode.LOCAL.label)])
    started_on = forms.DateField(label=_("开始时间"), required=False, widget=DATE)
    ended_on = forms.DateField(label=_("结束时间"), required=False, widget=DATE,
                               help_text=_("仍在职留空"))

    def __init__(self, *args, user, **kwargs):
        from django.apps import apps

        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = apps.get_model("orgs", "Employer").objects.restrict(
            user, "view").order_by("name")


class RecognitionForm(forms.Form):
    category = forms.ModelChoiceField(label=_("人才类别"), queryset=None, empty_label="—")
    recognised_on = forms.DateField(label=_("认定日期"), widget=DATE, initial=dt.date.today)
    basis = forms.CharField(label=_("认定依据"), max_length=300, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("如：符合《人才分类目录》C类第3条，入选省级人才工程"))
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DATE)

    def __init__(self, *args, talent, user=None, **kwargs):
        from wutong.talents.services import category_choices

        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = category_choices(talent)
        field.label_from_instance = lambda item: (
            f"{item.name}（{item.region.name}{'·' + str(item.year) if item.year else ''}）")


class HonourForm(forms.Form):
    name = forms.CharField(label=_("荣誉名称"), max_length=100)
    level = forms.ChoiceField(label=_("级别"), required=False,
                              choices=[("", "—"), *HonourLevel.choices])
    year = forms.IntegerField(label=_("获得年份"), required=False, min_value=1949,
                              max_value=2100)

    def __init__(self, *args, user=None, talent=None, **kwargs):
        super().__init__(*args, **kwargs)


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("标签"), required=False, max_length=500,
                           help_text=_("多个标签用逗号或空格分开，如：返乡人才 乡贤"))


class PoolMemberForm(forms.Form):
    """Pool, date and the chosen pool's extra fields (named ``extra__<key>``)."""

    pool = forms.ModelChoiceField(label=_("人才库"), queryset=None, empty_label="—")
    joined_on = forms.DateField(label=_("入库日期"), required=False, widget=DATE)

    def __init__(self, *args, user, pool=None, reload_url: str = "", **kwargs):
        from wutong.talents.models import Pool

        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = Pool.objects.restrict(user, "change").order_by("name")
        if reload_url:  # choosing a pool reloads the form with that pool's fields
            self.fields["pool"].widget.attrs.update({
                "hx-get": reload_url, "hx-trigger": "change",
                "hx-target": "closest .wt-inline-form", "hx-swap": "outerHTML"})
        for spec in (pool.extra_fields if pool else None) or []:
            if isinstance(spec, dict) and spec.get("key"):
                self.fields[f"extra__{spec['key']}"] = forms.CharField(
                    label=spec.get("label") or spec["key"], max_length=200, required=False)

    def extra_values(self) -> dict[str, str]:
        """Every ``extra__`` value posted, declared or not: the service refuses unknown
        keys with a message rather than dropping them unseen."""
        posted = {k[len("extra__"):]: v for k, v in self.data.items()
                  if k.startswith("extra__")}
        return {k: str(v)[:1000] for k, v in posted.items()}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPG、PNG、Word（.docx）或 "
                                                     "Excel（.xlsx），最大 %(mb)s MB"))
    kind = forms.ChoiceField(label=_("附件类型"), choices=[("", "—"), *AttachmentKind.choices])
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user=None, talent=None, **kwargs):
        from django.conf import settings

        from wutong.talents.attachments import ACCEPT, megabytes

        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.widget.attrs["accept"] = ACCEPT
        field.help_text = field.help_text % {
            "mb": megabytes(settings.WUTONG_ATTACHMENT_MAX_BYTES)}
