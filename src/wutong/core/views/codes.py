"""Code tables: national standards (read-only) and local catalogues (editable per region)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wutong.core import selectors, services
from wutong.core.errors import AppError
from wutong.core.forms import RegionField
from wutong.core.models import CodeItem, CodeTable
from wutong.core.views.base import apply_app_error, require_perm


class CodeItemForm(forms.Form):
    region = RegionField(label=gettext_lazy("地区"))
    year = forms.IntegerField(label=gettext_lazy("年度"), required=False, min_value=2000,
                              max_value=2100)
    code = forms.CharField(label=gettext_lazy("代码"), max_length=20)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=120)
    description = forms.CharField(label=gettext_lazy("说明（认定条件等）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    sort_order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, initial=0,
                                    required=False)
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)


def code_tables(request):
    require_perm(request.user, "core.view_codeitem")
    return render(request, "core/code_tables.html", {"tables": selectors.code_tables()})


def code_table(request, key: str):
    require_perm(request.user, "core.view_codeitem")
    table = get_object_or_404(CodeTable, key=key)
    items = selectors.code_items(user=request.user, table=table)
    can_edit = table.is_local and request.user.has_perm("core.add_codeitem")
    return render(request, "core/code_table.html", {"table": table, "items": items[:1000],
                                                    "can_edit": can_edit})


def code_item_edit(request, key: str, pk: int | None = None):
    table = get_object_or_404(CodeTable, key=key, is_local=True)
    item = CodeItem.objects.get_restricted(request.user, "change", pk=pk, table=table) if pk \
        else None
    if item is None:
        require_perm(request.user, "core.add_codeitem")
    initial = {"region": request.user.region}
    if item:
        initial = {"region": item.region, "year": item.year, "code": item.code,
                   "name": item.name, "description": item.description,
                   "sort_order": item.sort_order, "is_active": item.is_active}
    form = CodeItemForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.code_item_save(user=request.user, table=table, item=item, region=d["region"],
                                    year=d["year"], code=d["code"], name=d["name"],
                                    description=d["description"], sort_order=d["sort_order"] or 0,
                                    is_active=d["is_active"])
        except AppError as exc:
            apply_app_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("core:code_table", key=key)
    return render(request, "core/code_item_form.html", {"form": form, "table": table,
                                                        "item": item})
