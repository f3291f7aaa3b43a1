"""Forms of the case pages: they parse what people type; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wutong.cases.models import CaseType, OverrideKind

TEXT = {"rows": 3, "maxlength": 2000}


class RaiseForm(forms.Form):
    case_type = forms.ModelChoiceField(label=_("诉求类型"), queryset=CaseType.objects.none(),
                                       empty_label=_("请选择类型"))
    title = forms.CharField(label=_("诉求标题"), max_length=100,
                            widget=forms.TextInput(attrs={"placeholder": _("一句话说明您的需求")}))
    content = forms.CharField(label=_("具体情况"), max_length=2000,
                              widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, types, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = types
        self.fields["case_type"].label_from_instance = lambda t: (
            f"{t.name}（{t.deadline_days}个工作日）")
        if people is not None:
            self.fields["talent"] = forms.ModelChoiceField(
                label=_("为哪位人才提出"), queryset=people, empty_label=_("请选择人员"))
            self.order_fields(["talent", "case_type", "title", "content"])


def _text_form(name: str, label, *, required: bool = True, field: str = "text"):
    return type(name, (forms.Form,), {field: forms.CharField(
        label=label, max_length=2000, required=required, widget=forms.Textarea(attrs=TEXT))})


TextForm = _text_form("TextForm", _("内容"))
SuperviseForm = _text_form("SuperviseForm", _("督办意见"))
AnswerForm = _text_form("AnswerForm", _("答复意见"))
RequestInfoForm = _text_form("RequestInfoForm", _("需要补充的材料或情况"))
SupplyForm = _text_form("SupplyForm", _("补充说明"))
ReasonForm = _text_form("ReasonForm", _("理由"), field="reason")
DeclineForm = _text_form("DeclineForm", _("不予受理的理由"), field="reason")
ReopenForm = _text_form("ReopenForm", _("不满意的原因"), field="reason")
WithdrawForm = _text_form("WithdrawForm", _("撤回原因（选填）"), field="reason", required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("办理情况"), max_length=2000,
                           widget=forms.Textarea(attrs=TEXT))
    internal = forms.BooleanField(label=_("仅内部可见（不向诉求人展示）"), required=False)


class ConfirmForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"), coerce=int, widget=forms.RadioSelect,
        choices=[(5, _("非常满意")), (4, _("满意")), (3, _("基本满意")), (2, _("不太满意")),
                 (1, _("不满意"))], error_messages={"required": _("请选择满意度。")})
    comment = forms.CharField(label=_("评价（选填）"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}))


class UnitChoiceForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, empty_label=_("请选择单位"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AssignForm(UnitChoiceForm):
    handler = forms.ModelChoiceField(label=_("经办人（选填）"), queryset=None, required=False,
                                     empty_label=_("由承办单位确定"))
    note = forms.CharField(label=_("交办意见（选填）"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, handlers, **kwargs):
        super().__init__(*args, units=units, **kwargs)
        self.fields["unit"].label = _("承办单位")
        self.fields["handler"].queryset = handlers
        self.fields["handler"].label_from_instance = lambda u: f"{u.full_name}（{u.unit}）"


class CoHandleForm(UnitChoiceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("协办单位")


class TransferForm(UnitChoiceForm):
    reason = forms.CharField(label=_("转办理由"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CaseTypeForm(forms.ModelForm):
    class Meta:
        model = CaseType
        fields = ["name", "unit", "deadline_days", "warn_days", "description", "sort_order",
                  "is_active"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class OverrideForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=OverrideKind.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=60)
