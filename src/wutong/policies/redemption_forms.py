"""Forms of the redemption pages: they parse what people type; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wutong.policies.redemption_models import StepDecision
from wutong.talents.attachments import ACCEPT


class StartForm(forms.Form):
    """A talent applies for one benefit (an employer ticks its people too)."""

    benefit = forms.ModelChoiceField(label=_("申领事项"), queryset=None,
                                     empty_label=_("请选择事项"))
    note = forms.CharField(label=_("申报说明（选填）"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, benefits, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit"].queryset = benefits
        if people is not None:
            self.fields["talents"] = forms.ModelMultipleChoiceField(
                label=_("申报人员"), queryset=people, widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("请至少选择一名人员。")})


class UploadForm(forms.Form):
    name = forms.ChoiceField(label=_("材料"), choices=())
    file = forms.FileField(label=_("文件"), widget=forms.ClearableFileInput(
        attrs={"accept": ACCEPT}), error_messages={"required": _("请选择要上传的文件。")})

    def __init__(self, *args, names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(n, n) for n in names]


class ReviewForm(forms.Form):
    """A reviewer's decision; a return lists every item at once (ticked materials and one
    item per line of the text)."""

    decision = forms.ChoiceField(label=_("审核意见"), choices=StepDecision.choices,
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("理由/意见"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    materials = forms.MultipleChoiceField(label=_("需重新提交的材料"), required=False,
                                          choices=(), widget=forms.CheckboxSelectMultiple)
    other_items = forms.CharField(
        label=_("其他需补正的事项（每行一项）"), required=False, max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}))
    step = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, material_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = [(n, n) for n in material_names]

    def items(self) -> list[dict]:
        data = self.cleaned_data
        items = [{"text": _("请重新提交：%(m)s") % {"m": m}, "material": m}
                 for m in data.get("materials") or []]
        items += [{"text": line.strip(), "material": ""}
                  for line in (data.get("other_items") or "").splitlines() if line.strip()]
        return items


class NoticeForm(forms.Form):
    benefit = forms.IntegerField(widget=forms.HiddenInput)
    starts_on = forms.DateField(label=_("公示开始日期"), widget=forms.DateInput(
        attrs={"type": "date"}), initial=timezone.localdate)


class BatchForm(forms.Form):
    fund = forms.IntegerField(widget=forms.HiddenInput)
    due_by = forms.DateField(label=_("截至应发日期"), widget=forms.DateInput(
        attrs={"type": "date"}), initial=timezone.localdate)
