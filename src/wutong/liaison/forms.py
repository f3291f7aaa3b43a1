"""Forms of leaders' contact duty: they parse what people type; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wutong.core.forms import RegionField
from wutong.liaison.models import ContactForm, ItemStatus, LeaderBody


class DateInput(forms.DateInput):
    """A native date picker (phones show their own); its value must be ISO."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LeaderForm(forms.Form):
    region = RegionField(label=_("所属地区"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    post = forms.CharField(label=_("职务"), max_length=100,
                           help_text=_("如：市委常委、组织部部长；市人大常委会副主任"))
    body = forms.ChoiceField(label=_("班子"), choices=LeaderBody.choices)
    unit = forms.ModelChoiceField(label=_("成员单位（成员单位主要负责人填写）"), queryset=None,
                                  required=False)
    account = forms.ModelChoiceField(label=_("平台账号（选填）"), queryset=None, required=False,
                                     help_text=_("领导本人登录后可自行记录服务日志"))
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)

    def __init__(self, *args, user, **kwargs):
        from wutong.accounts.models import Unit, UnitKind, User
        from wutong.accounts.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["unit"].queryset = Unit.objects.restrict(user, "view").filter(
            kind=UnitKind.MEMBER_UNIT, is_active=True).order_by("region__code", "sort_order")
        self.fields["account"].queryset = User.objects.restrict(user, "view").filter(
            role=Role.LEADER, is_active=True)


class RuleForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    experts_per_leader = forms.IntegerField(label=_("每位领导至少联系专家（人）"), min_value=0,
                                            max_value=50, initial=2)
    experts_per_unit_head = forms.IntegerField(
        label=_("每位成员单位主要负责人至少联系专家（人）"), min_value=0, max_value=50, initial=1)
    contacts_per_expert = forms.IntegerField(label=_("每位专家每年至少联系（次）"), min_value=0,
                                             max_value=52, initial=2)
    expert_categories = forms.CharField(label=_("视为专家的人才类别"), required=False,
                                        max_length=60, initial="A,B,C",
                                        help_text=_("类别代码，用逗号分隔；另含专家库成员"))
    expert_pool = forms.ModelChoiceField(label=_("专家库"), queryset=None, required=False)
    basis = forms.CharField(label=_("依据"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        from wutong.talents.models import Pool

        super().__init__(*args, **kwargs)
        self.fields["expert_pool"].queryset = Pool.objects.restrict(user, "view")

    def clean_expert_categories(self) -> list[str]:
        raw = self.cleaned_data["expert_categories"].replace("，", ",")
        return [c.strip().upper() for c in raw.split(",") if c.strip()]


class ContactLogForm(forms.Form):
    """One contact, as a leader or a clerk types it on a phone: date, form, the experts met,
    what was discussed, and suggestions and problems one per line."""

    on = forms.DateField(label=_("联系日期"), widget=DateInput)
    form = forms.ChoiceField(label=_("联系方式"), choices=ContactForm.choices,
                             widget=forms.RadioSelect)
    experts = forms.ModelMultipleChoiceField(
        label=_("联系的专家"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一位联系的专家。")})
    place = forms.CharField(label=_("地点（选填）"), required=False, max_length=100)
    summary = forms.CharField(label=_("交流内容"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    suggestions = forms.CharField(label=_("意见建议（每行一条，选填）"), required=False,
                                  max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    problems = forms.CharField(label=_("反映的问题（每行一个，选填）"), required=False,
                               max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts
        self.fields["experts"].label_from_instance = lambda t: (
            f"{t.name}（{t.employer.name}）" if t.employer_id else t.name)
        self.fields["on"].initial = timezone.localdate()


class ItemResolveForm(forms.Form):
    status = forms.ChoiceField(label=_("办理结果"), choices=[
        (ItemStatus.SOLVED, _("已解决/已采纳")), (ItemStatus.DECLINED, _("暂不采纳")),
        (ItemStatus.OPEN, _("重新打开"))], widget=forms.RadioSelect)
    answer = forms.CharField(label=_("办理情况"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class LedgerForm(forms.Form):
    SCOPES = (("place", _("全地区")), ("leader", _("一位领导")), ("unit", _("一个成员单位")))
    scope = forms.ChoiceField(label=_("范围"), choices=SCOPES, initial="place",
                              widget=forms.RadioSelect)
    region = RegionField(label=_("地区"), required=False)
    leader = forms.ModelChoiceField(label=_("领导"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("成员单位"), queryset=None, required=False)
    start = forms.DateField(label=_("开始日期"), widget=DateInput)
    end = forms.DateField(label=_("结束日期"), widget=DateInput)
    format = forms.ChoiceField(label=_("格式"), choices=(("pdf", _("PDF（打印）")),
                                                         ("xlsx", "Excel (xlsx)")),
                               initial="pdf", widget=forms.RadioSelect)

    def __init__(self, *args, user, leaders, **kwargs):
        from wutong.accounts.models import Unit, UnitKind

        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["leader"].queryset = leaders
        self.fields["unit"].queryset = Unit.objects.restrict(user, "view").filter(
            kind=UnitKind.MEMBER_UNIT).order_by("region__code", "sort_order")
        today = timezone.localdate()
        self.fields["start"].initial = today.replace(month=1, day=1)
        self.fields["end"].initial = today.replace(month=12, day=31)

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == "leader" and not data.get("leader"):
            self.add_error("leader", _("请选择领导。"))
        if scope == "unit" and not data.get("unit"):
            self.add_error("unit", _("请选择成员单位。"))
        return data

    def params(self) -> dict:
        data = self.cleaned_data
        params = {"start": data["start"].isoformat(), "end": data["end"].isoformat()}
        if data["scope"] == "leader":
            params["leader"] = data["leader"].pk
        elif data["scope"] == "unit":
            params["unit"] = data["unit"].pk
        elif data.get("region"):
            params["region"] = data["region"].code
        return params
