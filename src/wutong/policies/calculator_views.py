"""政策计算器: anyone, without an account, answers a few questions and sees what they could
get and why. It reads only published benefits (no one's data) and writes nothing."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from wutong.policies.facts import get_fact


def _choices(key):
    return [("", _("未填写")), *get_fact(key).choices()]


class CalculatorForm(forms.Form):
    region = forms.ChoiceField(label=_("工作所在地"))
    education = forms.ChoiceField(label=_("最高学历"), required=False)
    degree_level = forms.ChoiceField(label=_("最高学位"), required=False)
    title_level = forms.ChoiceField(label=_("职称"), required=False)
    skill_level = forms.ChoiceField(label=_("职业技能等级"), required=False)
    category = forms.ChoiceField(label=_("已认定的人才类别"), required=False)
    age = forms.IntegerField(label=_("年龄（周岁）"), required=False, min_value=16,
                             max_value=100)
    years_since_introduced = forms.IntegerField(label=_("来本地工作年限（年）"),
                                                required=False, min_value=0, max_value=60)
    introduction_mode = forms.ChoiceField(label=_("引进方式"), required=False)
    employer_type = forms.ChoiceField(label=_("单位性质"), required=False)
    employer_labels = forms.MultipleChoiceField(label=_("单位标签"), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    social_insurance_months = forms.IntegerField(label=_("本地社保缴纳月数"), required=False,
                                                 min_value=0, max_value=600)
    owns_housing_locally = forms.ChoiceField(
        label=_("在本地是否已有自有住房"), required=False,
        choices=[("", _("未填写")), ("0", _("没有")), ("1", _("有"))])

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions
        for key in ("education", "degree_level", "title_level", "skill_level", "category",
                    "introduction_mode", "employer_type"):
            self.fields[key].choices = _choices(key)
        self.fields["education"].choices = [("", _("未填写")), *[
            (c, n) for c, n in get_fact("education").choices() if c[1:] in ("1", "4") or
            c in ("21", "31", "41")]]
        self.fields["employer_labels"].choices = get_fact("employer_labels").choices()

    def facts(self, region_path: str) -> dict:
        data = self.cleaned_data
        out = {key: (data.get(key) or None) for key in (
            "education", "degree_level", "title_level", "skill_level", "category",
            "introduction_mode", "employer_type")}
        out["age"] = data.get("age")
        out["years_since_introduced"] = data.get("years_since_introduced")
        out["social_insurance_months"] = data.get("social_insurance_months")
        out["employer_labels"] = list(data.get("employer_labels") or []) if \
            data.get("employer_type") else None
        housing = data.get("owns_housing_locally")
        out["owns_housing_locally"] = None if housing == "" or housing is None \
            else housing == "1"
        out["talent_region"] = out["employer_region"] = region_path
        return out


def calculator(request):
    from wutong.policies.calculator import calculate, calculator_regions

    regions = calculator_regions()
    form = CalculatorForm(request.GET or None, regions=[(c, n) for c, n, _p in regions])
    results = None
    if request.GET and form.is_valid():
        path = next(p for c, _n, p in regions if c == form.cleaned_data["region"])
        results = calculate(form.facts(path), region_code=form.cleaned_data["region"])
    return render(request, "policies/calculator.html", {
        "form": form, "results": results,
        "gets": [r for r in results or [] if r.gets],
        "not_gets": [r for r in results or [] if not r.gets]})
