"""Form pieces shared by every app: the region picker field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wutong.core.models import Region


class RegionPickerWidget(forms.Widget):
    """Cascading selects (province → prefecture → county/zone) driven by HTMX, no inline JS.

    The chosen region's code is what the form receives.
    """

    template_name = "core/widgets/region_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.root_code: str | None = None

    def get_context(self, name, value, attrs):
        from wutong.core.views.regions import picker_levels

        context = super().get_context(name, value, attrs)
        code = value.code if isinstance(value, Region) else (value or "")
        if isinstance(value, int | str) and str(value).isdigit() and len(str(value)) < 6:
            region = Region.objects.filter(pk=value).first()
            code = region.code if region else ""
        context["widget"]["levels"] = picker_levels(code=str(code), root_code=self.root_code)
        context["widget"]["code"] = code
        context["widget"]["root_code"] = self.root_code or ""
        return context


class RegionField(forms.ModelChoiceField):
    """A region chosen by code, limited to the regions in the user's data scope."""

    widget = RegionPickerWidget
    default_error_messages = {"invalid_choice": _("请选择您数据范围内的有效地区。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Region.objects.filter(is_active=True))
        kwargs.setdefault("to_field_name", "code")
        super().__init__(**kwargs)

    def limit_to(self, user) -> None:
        self.queryset = Region.objects.restrict(user, "view").filter(is_active=True)
        scope = user.get_data_scope()
        if scope.kind != "all" and getattr(user, "region", None) is not None:
            self.widget.root_code = user.region.code

    def prepare_value(self, value):
        if isinstance(value, Region):
            return value.code
        return super().prepare_value(value)
