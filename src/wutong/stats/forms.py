"""Forms of the stats app: the office's population and intake target, the report year."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wutong.core.forms import RegionField


def parse_people(raw: str) -> int | None:
    """A count of people as offices type it: "497000", "497,000", "４９７０００", "49.7万"."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(",", "")
    text = text.replace(" ", "").removesuffix("人")
    factor = 1
    if text.endswith("万"):
        text, factor = text[:-1], 10_000
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    try:
        value = Decimal(text) * factor
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else None


class PeopleField(forms.CharField):
    default_error_messages = {"invalid": _("请填写人数（整数，单位：人；可写“49.7万”）。")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update(maxlength="20", inputmode="numeric")

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", None):
            return None
        number = parse_people(value[:20])
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class PopulationForm(forms.Form):
    region = RegionField(label=_("地区"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, error_messages={
        "invalid": _("年度请填写四位数字。"), "required": _("请填写年度。"),
        "min_value": _("年度应在 2000 至 2100 之间。"),
        "max_value": _("年度应在 2000 至 2100 之间。")})
    population = PeopleField(label=_("常住人口（人）"),
                             error_messages={"required": _("请填写常住人口。")})
    intake_target = PeopleField(label=_("年度引进目标（人）"), required=False)
    note = forms.CharField(label=_("数据来源"), max_length=120, required=False,
                           help_text=_("如：2025年国民经济和社会发展统计公报"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["year"].initial = timezone.localdate().year


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("统计年度"), min_value=2000, max_value=2100,
                              error_messages={"invalid": _("年度请填写四位数字。"),
                                              "min_value": _("年度应在 2000 至 2100 之间。"),
                                              "max_value": _("年度应在 2000 至 2100 之间。")})
