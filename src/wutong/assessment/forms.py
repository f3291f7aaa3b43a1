"""Forms of the assessment pages (the services validate again and have the last word)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from wutong.assessment.measures import measure_choices
from wutong.assessment.models import IndicatorPart, MeasureMethod, ProjectStage, Scoring
from wutong.talents.attachments import ACCEPT


def _year_default() -> int:
    return dt.date.today().year


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              initial=_year_default)
    title = forms.CharField(label=_("名称"), max_length=120,
                            help_text=_("如：区委人才工作领导小组2025年工作要点"))
    source_document = forms.CharField(label=_("来源文件"), max_length=200, required=False)
    report_day = forms.IntegerField(label=_("每月报送日"), min_value=1, max_value=31, initial=25)


class TaskForm(forms.Form):
    seq = forms.IntegerField(label=_("序号"), min_value=1)
    point = forms.CharField(label=_("工作要点"), max_length=200, required=False)
    title = forms.CharField(label=_("任务内容"), max_length=500,
                            widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = forms.ChoiceField(label=_("牵头单位"))
    co_units = forms.MultipleChoiceField(label=_("配合单位"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    target_value = forms.DecimalField(label=_("目标值"), required=False, min_value=0,
                                      max_digits=14, decimal_places=2)
    target_measure = forms.CharField(label=_("计量单位"), max_length=20, required=False)
    target_text = forms.CharField(label=_("目标要求"), max_length=300, required=False)
    deadline = forms.DateField(label=_("完成时限"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    deadline_text = forms.CharField(label=_("时限说明"), max_length=40, required=False,
                                    help_text=_("如：长期坚持"))
    source_document = forms.CharField(label=_("来源文件"), max_length=200, required=False)
    is_project = forms.BooleanField(label=_("项目化管理"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(u.pk), u.name) for u in units]
        self.fields["lead_unit"].choices = [("", "—"), *choices]
        self.fields["co_units"].choices = choices


class RoundForm(forms.Form):
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    due_on = forms.DateField(label=_("报送截止"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}),
                             help_text=_("留空按每月报送日计算。"))


class ReportForm(forms.Form):
    value_reached = forms.DecimalField(label=_("累计完成值"), required=False, min_value=0,
                                       max_digits=14, decimal_places=2)
    done = forms.CharField(label=_("工作进展"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("存在问题"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    proof = forms.FileField(label=_("佐证材料"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                            help_text=_("PDF、图片、Word 或 Excel，单个文件不超过 20 MB。"))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("人才办意见"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ChaseForm(forms.Form):
    note = forms.CharField(label=_("催报说明"), max_length=300, required=False)


class ProjectCheckForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=ProjectStage.choices)
    content = forms.CharField(label=_("内容"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    score = forms.DecimalField(label=_("评分"), required=False, min_value=0, max_value=100,
                               decimal_places=2)
    checked_on = forms.DateField(label=_("日期"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))


class SystemForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              initial=_year_default)
    title = forms.CharField(label=_("名称"), max_length=120,
                            help_text=_("如：2025年人才工作目标责任制考核指标体系"))
    basic_points = forms.DecimalField(label=_("基础指标分值"), initial=80, min_value=0)
    key_points = forms.DecimalField(label=_("重点任务分值"), initial=20, min_value=0)
    bonus_cap = forms.DecimalField(label=_("加分上限"), initial=5, min_value=0)
    deduction_cap = forms.DecimalField(label=_("减分上限"), initial=10, min_value=0)
    units = forms.MultipleChoiceField(label=_("被考核单位"),
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]
        self.fields["units"].initial = [str(u.pk) for u in units]


class IndicatorForm(forms.Form):
    part = forms.ChoiceField(label=_("类别"), choices=IndicatorPart.choices)
    name = forms.CharField(label=_("指标名称"), max_length=120)
    description = forms.CharField(label=_("评分标准"), max_length=300, required=False)
    points = forms.DecimalField(label=_("分值"), min_value=0)
    method = forms.ChoiceField(label=_("计量方式"), choices=MeasureMethod.choices)
    measure_key = forms.ChoiceField(label=_("计算口径"), required=False)
    scoring = forms.ChoiceField(label=_("计分方法"), choices=Scoring.choices)
    target = forms.DecimalField(label=_("目标值"), required=False, min_value=0,
                                help_text=_("按完成比例计分：完成值达到目标值得满分。"))
    per_item = forms.DecimalField(label=_("每件分值"), required=False, min_value=0,
                                  help_text=_("按件计分：每件得（或扣）的分，封顶为分值。"))
    units = forms.MultipleChoiceField(label=_("适用单位"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("不选则适用于全部被考核单位。"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_key"].choices = [("", "—"), *measure_choices()]
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]


class EntryForm(forms.Form):
    unit = forms.ChoiceField(label=_("单位"))
    value = forms.DecimalField(label=_("完成值"), min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    proof = forms.FileField(label=_("佐证材料"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]


class AdjustForm(forms.Form):
    points = forms.DecimalField(label=_("调整分值"), max_digits=7, decimal_places=2,
                                help_text=_("加分填正数，扣分填负数。"))
    reason = forms.CharField(label=_("调整理由"), max_length=300)


class LeaderReportForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              initial=_year_default)
    leader_name = forms.CharField(label=_("述职人"), max_length=50)
    post = forms.CharField(label=_("职务"), max_length=100,
                           help_text=_("如：县委书记、市科技局党组书记"))
    unit = forms.ChoiceField(label=_("所在单位"), required=False)
    reported_on = forms.DateField(label=_("述职日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    report = forms.CharField(label=_("述职报告"), widget=forms.Textarea(attrs={"rows": 6}))
    score = forms.DecimalField(label=_("评议得分"), required=False, min_value=0, max_value=100)
    comments = forms.CharField(label=_("点评意见"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *((str(u.pk), u.name) for u in units)]
