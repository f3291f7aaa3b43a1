"""Forms of the policies app: they parse input (CNY to fen, lists of lines); services decide."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from wutong.core.forms import RegionField
from wutong.policies.models import Fund, PaymentKind, Policy


def cny_to_fen(value) -> int | None:
    """"1,500.5" → 150050; empty → None; raises ValidationError on anything else."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation as exc:
        raise forms.ValidationError(_("请填写金额（元），最多两位小数。")) from exc
    if amount != amount.quantize(Decimal("0.01")) or amount < 0 or amount > Decimal(10) ** 11:
        raise forms.ValidationError(_("请填写金额（元），最多两位小数。"))
    return int(amount * 100)


class CnyField(forms.CharField):
    """An amount in CNY typed with up to two decimals, cleaned to integer fen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "placeholder": "0.00"})

    def clean(self, value):
        value = super().clean(value)
        return cny_to_fen(value)


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("政策名称"), max_length=200)
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    issuer = forms.CharField(label=_("发文单位"), max_length=120, required=False)
    region = RegionField(label=_("所属地区"))
    effective_from = forms.DateField(label=_("生效日期"),
                                     widget=forms.DateInput(attrs={"type": "date"}))
    effective_to = forms.DateField(label=_("失效日期"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    parent = forms.ModelChoiceField(label=_("所属主政策（“1+N”中的“1”）"), required=False,
                                    queryset=Policy.objects.none(),
                                    empty_label=_("— 无（本身是主政策）—"))
    text = forms.CharField(label=_("政策原文"), required=False, widget=forms.Textarea(
        attrs={"rows": 6}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["parent"].queryset = Policy.objects.restrict(user, "view").filter(
            parent__isnull=True)


class FundForm(forms.Form):
    name = forms.CharField(label=_("资金名称"), max_length=120)
    region = RegionField(label=_("所属地区"))
    year = forms.IntegerField(label=_("预算年度"), min_value=2000, max_value=2100)
    budget = CnyField(label=_("年度预算（元）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)


class BenefitForm(forms.Form):
    name = forms.CharField(label=_("事项名称"), max_length=120)
    policy = forms.ModelChoiceField(label=_("政策文件"), queryset=Policy.objects.none(),
                                    empty_label=_("— 请选择 —"))
    region = RegionField(label=_("适用地区"))
    summary = forms.CharField(label=_("简介"), max_length=300, required=False)
    fund = forms.ModelChoiceField(label=_("资金来源"), required=False, queryset=Fund.objects.none(),
                                  empty_label=_("— 不从专项资金支付 —"))
    payment_kind = forms.ChoiceField(label=_("发放方式"), choices=PaymentKind.choices)
    periods = forms.IntegerField(label=_("期数（月数或年数）"), min_value=1, max_value=120,
                                 initial=1)
    cap = CnyField(label=_("每人封顶（元）"), required=False)
    exclusion_group = forms.CharField(label=_("互斥组代码（就高不重复）"), max_length=40,
                                      required=False)
    materials = forms.CharField(label=_("申报材料（每行一项）"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    review_units = forms.ModelMultipleChoiceField(
        label=_("审核单位（按所选顺序审核）"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple)
    notice_days = forms.IntegerField(label=_("公示天数"), min_value=0, max_value=30, initial=5)
    legal_reference = forms.CharField(label=_("政策依据"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        from wutong.accounts.models import Unit, UnitKind

        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["policy"].queryset = Policy.objects.restrict(user, "view")
        self.fields["fund"].queryset = Fund.objects.restrict(user, "view")
        self.fields["review_units"].queryset = Unit.objects.restrict(user, "view").filter(
            kind=UnitKind.MEMBER_UNIT).select_related("region")

    def clean_materials(self):
        return [line.strip() for line in self.cleaned_data["materials"].splitlines()
                if line.strip()]


class AmountForm(forms.Form):
    tier = forms.ChoiceField(label=_("人才类别"), required=False)
    effective_from = forms.DateField(label=_("起始日期"),
                                     widget=forms.DateInput(attrs={"type": "date"}))
    amount = CnyField(label=_("每期金额（元）"))

    def __init__(self, *args, **kwargs):
        from wutong.policies.facts import get_fact

        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", _("其他（全部类别）")),
                                       *get_fact("category").choices()]
