"""Importing a task list (任务清单导入) into a year's work plan: check every row first, report
every problem by row and column, then write all rows or none. Re-importing updates the tasks
of the same 序号 (or, without one, the same task text) instead of adding them twice.

Units are matched within the plan's region by full name, short name, the name without the
place (科学技术局 for 大庆市科学技术局) or the usual abbreviation (科技局, 人社局…).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from wutong.accounts.models import Unit
from wutong.assessment.models import Task, WorkPlan
from wutong.assessment.selectors import region_units
from wutong.core.audit import audit_log
from wutong.core.errors import NotFound
from wutong.core.imports import parsers
from wutong.core.imports.columns import Column, known_headers, match_headers, parse_rows
from wutong.core.imports.errors import CellError, ImportRefused
from wutong.core.imports.jobs import ImportResult, import_job_execute, import_job_start, table_notes
from wutong.core.imports.reader import read_table
from wutong.core.imports.report import Problem, write_problem_copy, write_template
from wutong.core.models import Job, Region
from wutong.core.models.audit import AuditAction

# The abbreviations offices write for member units (the full name's tail → short forms).
ABBREVIATIONS = {
    "组织部": ("组织部",), "宣传部": ("宣传部",), "统战部": ("统战部",),
    "发展和改革局": ("发改局", "发改委", "发展改革局"),
    "发展和改革委员会": ("发改委",),
    "教育局": ("教育局", "教体局"),
    "科学技术局": ("科技局",),
    "工业和信息化局": ("工信局", "工业信息化局"),
    "公安局": ("公安局",), "民政局": ("民政局",), "财政局": ("财政局",),
    "人力资源和社会保障局": ("人社局", "人力资源社会保障局", "人社部门"),
    "住房和城乡建设局": ("住建局", "住房城乡建设局"),
    "农业农村局": ("农业农村局", "农业局"),
    "商务局": ("商务局",),
    "卫生健康委员会": ("卫健委", "卫生健康局", "卫健局"),
    "卫生健康局": ("卫健局",),
    "国有资产监督管理委员会": ("国资委",),
    "市场监督管理局": ("市场监管局",),
    "医疗保障局": ("医保局",),
    "共青团委员会": ("团委", "共青团"),
    "科学技术协会": ("科协",),
    "人才工作领导小组办公室": ("人才办",),
}

_SPLIT = re.compile(r"[、,，;；/|\s]+")
_TARGET = re.compile(r"^(?:不少于|不低于|达到|≥|>=|>|约)?\s*([0-9]+(?:\.[0-9]+)?)\s*"
                     r"([^\d\s]{0,8})$")


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def unit_lookup(region: Region) -> Callable[[str], list[Unit]]:
    """Find units of ``region`` (and the talent offices of its districts) by any name
    people write for them."""
    index: dict[str, list[Unit]] = {}
    names = {r.pk: r.name for r in Region.objects.filter(
        pk__in={u.region_id for u in region_units(region)} | {region.pk})}

    def put(key: str, unit: Unit) -> None:
        key = _key(key)
        if key and unit not in index.setdefault(key, []):
            index[key].append(unit)

    for unit in region_units(region):
        put(unit.name, unit)
        if unit.short_name:
            put(unit.short_name, unit)
        place = names.get(unit.region_id, "")
        bare = unit.name[len(place):] if place and unit.name.startswith(place) else unit.name
        bare = re.sub(r"^中共.*?(委组织部|委)", "", bare) if bare.startswith("中共") else bare
        put(bare, unit)
        for tail, shorts in ABBREVIATIONS.items():
            if bare.endswith(tail) or unit.name.endswith(tail):
                for short in shorts:
                    if unit.region_id == region.pk:
                        put(short, unit)
                        put(place[-1:] + short if place else short, unit)
                    put(place + short, unit)

    def find(text: str) -> list[Unit]:
        key = _key(text)
        found = index.get(key) or index.get(re.sub(r"^[市区县]", "", key)) or []
        if len(found) > 1:
            own = [u for u in found if u.region_id == region.pk]
            return own or found
        return found

    return find


def _target(value: object) -> tuple[Decimal, str] | None:
    """100, 100人, 1.2亿元, 不少于50个 → (number, measure)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
        if number < 0:
            raise CellError(_("目标值不能为负数"))
        return number.quantize(Decimal("0.01")), ""
    text = _key(str(value))
    match = _TARGET.match(text)
    if not match:
        raise CellError(_("目标值「%(found)s」不是数字，请填如 100 或 100人；文字目标请填在"
                          "「目标要求」列") % {"found": str(value)[:30]})
    return Decimal(match.group(1)).quantize(Decimal("0.01")), match.group(2)


def _deadline_parser(year: int) -> Callable[[object], tuple[dt.date | None, str]]:
    """Dates as people type them (2025.6.30, 2025年6月底), and the usual phrases: 6月底前,
    年底前, 上半年, 三季度末, 长期坚持 (no date)."""
    quarters = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}

    def end_of(month: int) -> dt.date:
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    def parse(value: object) -> tuple[dt.date | None, str]:
        if value is None or value == "":
            return None, ""
        raw = _key(str(value)) if not isinstance(value, dt.date) else ""
        try:
            day = parsers.date(value)
        except CellError:
            day = None
        if day is not None:
            return day, ""
        text = raw.removesuffix("前").removesuffix("以前")
        if m := re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(?:底|末|份)?", text):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return (end_of(month) if not m.group(1) else
                        dt.date(int(m.group(1)), month,
                                calendar.monthrange(int(m.group(1)), month)[1])), raw
        if m := re.fullmatch(r"(?:第)?([一二三四1-4])季度(?:末|底)?", text):
            return end_of(quarters[m.group(1)]), raw
        if text in ("年底", "年末", "年内", "全年", "下半年", "12月底", "本年度"):
            return end_of(12), raw
        if text in ("上半年", "年中"):
            return end_of(6), raw
        if re.fullmatch(r"(长期|持续|常态化|长期坚持|持续推进|按要求|按时间节点).*", text):
            return None, raw[:40]
        raise CellError(_("无法识别时限「%(found)s」，请填日期（如 2025-06-30、2025年6月底）"
                          "或 6月底前、年底前、长期坚持") % {"found": str(value)[:30]})

    return parse


def columns(year: int) -> list[Column]:
    return [
        Column("seq", "序号", ("编号", "序"), parse=parsers.integer),
        Column("point", "工作要点", ("要点", "重点工作", "工作类别", "任务类别", "工作板块"),
               parse=parsers.text_parser(200)),
        Column("title", "任务内容", ("任务", "工作任务", "具体任务", "主要任务", "任务名称",
                                      "工作内容", "重点任务"),
               required=True, parse=parsers.text_parser(500)),
        Column("lead", "牵头单位", ("责任单位", "责任部门", "牵头部门", "主责单位", "牵头责任单位"),
               required=True, parse=parsers.text_parser(100)),
        Column("co", "配合单位", ("协同单位", "配合部门", "参与单位", "协办单位",
                                  "责任单位（配合）"),
               parse=parsers.text_parser(500)),
        Column("target_value", "目标值", ("量化目标", "目标数", "指标值", "目标数量"),
               parse=_target),
        Column("target_measure", "计量单位", ("数量单位", "单位名称（计量）"),
               parse=parsers.text_parser(20)),
        Column("target_text", "目标要求", ("工作目标", "目标任务", "预期目标", "完成标准"),
               parse=parsers.text_parser(300)),
        Column("deadline", "完成时限", ("时限", "完成时间", "时间节点", "截止时间", "完成时限要求"),
               parse=_deadline_parser(year)),
        Column("source", "来源文件", ("依据文件", "文件依据", "任务来源", "来源"),
               parse=parsers.text_parser(200)),
        Column("project", "项目化管理", ("是否项目化管理", "项目化", "列入项目"),
               parse=parsers.boolean),
    ]


def task_list_import(*, user, plan_id: int, path, filename: str, default_region=None,
                     problem_path: Path | None = None,
                     progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check every row of the sheet against the plan's region; write all rows or none."""
    if not user.has_perm("assessment.add_task"):
        raise ImportRefused(_("您没有导入任务清单的权限。"))
    plan = WorkPlan.objects.restrict(user, "change").filter(pk=plan_id).first()
    if plan is None:
        raise ImportRefused(_("该年度工作要点不存在，或不在您的数据范围内。"))
    cols = columns(plan.year)
    table = read_table(path, filename=filename, known_headers=known_headers(cols))
    match = match_headers(table.headers, cols)
    if match.missing:
        raise ImportRefused(_("缺少必填列：%(cols)s。请下载导入模板，对照列名后重新上传。") % {
            "cols": "、".join(c.label for c in match.missing)})
    parsed = parse_rows(table, cols, match)
    result = ImportResult(rows=len(parsed.records), problems=parsed.problems,
                          unknown_headers=match.unknown,
                          notes=table_notes(table))
    if progress:
        progress(0, result.rows)
    header_of = {key: table.headers[i] for key, i in match.index.items()}
    rows = [{"_row": row_no, **values} for row_no, values in parsed.records]
    _resolve(plan, rows, header_of, result)
    if not rows and not result.problems:
        raise ImportRefused(_("表格中没有任务。"))
    if result.problems:
        if problem_path is not None:
            write_problem_copy(table, result.problems, problem_path)
            result.problem_file = problem_path
        return result
    with transaction.atomic():
        result.created, result.updated = _write(plan, rows)
        audit_log(actor=user, action=AuditAction.CREATE, object_type="assessment.Task",
                  object_repr=_("任务清单导入：%(file)s") % {"file": filename[:100]},
                  region_id=plan.region_id,
                  extra={"plan": plan.pk, "file": filename[:200], "rows": result.rows,
                         "created": result.created, "updated": result.updated})
    if progress:
        progress(result.rows, result.rows)
    return result


def _unit_problem(name: str, region: Region) -> str:
    return _("「%(name)s」不是%(region)s的成员单位。请填写单位全称或简称（如 科技局、人社局），"
             "或先在「单位管理」中添加该单位。") % {"name": name[:30], "region": region.name}


def _resolve(plan: WorkPlan, rows: list[dict], header_of: dict, result: ImportResult) -> None:
    find = unit_lookup(plan.region)
    seqs: dict[int, int] = {}
    next_seq = (plan.tasks.order_by("-seq").values_list("seq", flat=True).first() or 0)
    existing = dict(plan.tasks.values_list("seq", "pk"))
    by_title = dict(plan.tasks.values_list("title", "pk"))
    for values in rows:
        row = values["_row"]
        name = values.get("lead")
        if name:
            found = find(name)
            if len(found) == 1:
                values["_lead"] = found[0]
            elif found:
                result.problems.append(Problem(row, header_of["lead"], _(
                    "「%(name)s」对应多个单位，请填写全称。") % {"name": name[:30]}))
            else:
                result.problems.append(Problem(row, header_of["lead"],
                                               _unit_problem(name, plan.region)))
        co_units = []
        for part in filter(None, _SPLIT.split(values.get("co") or "")):
            found = find(part)
            if len(found) == 1:
                if found[0] not in co_units and found[0] != values.get("_lead"):
                    co_units.append(found[0])
            else:
                message = (_("「%(name)s」对应多个单位，请填写全称。") % {"name": part[:30]}
                           if found else _unit_problem(part, plan.region))
                result.problems.append(Problem(row, header_of["co"], message))
        values["_co"] = co_units
        deadline = values.get("deadline")
        values["deadline"], values["deadline_text"] = deadline or (None, "")
        target = values.get("target_value")
        values["target_value"], measure = target or (None, "")
        values["target_measure"] = values.get("target_measure") or measure
        if values["target_value"] is None and not values.get("target_text"):
            where = header_of.get("target_value") or header_of.get("target_text")
            if not any(p.row == row and p.column == where for p in result.problems):
                result.problems.append(Problem(row, where,
                                               _("请填写目标值或目标要求（任务须可衡量）。")))
        seq = values.get("seq")
        if seq is not None:
            if seq <= 0:
                result.problems.append(Problem(row, header_of["seq"], _("序号须为正整数。")))
            elif seq in seqs:
                result.problems.append(Problem(row, header_of["seq"], _(
                    "与第 %(n)d 行的序号重复。") % {"n": seqs[seq]}))
            else:
                seqs[seq] = row
            values["_pk"] = existing.get(seq)
        elif values.get("title"):
            values["_pk"] = by_title.get(values["title"])
    taken = set(seqs) | set(existing)
    for values in rows:
        if values.get("seq") is None:
            if values.get("_pk"):
                values["seq"] = next(s for s, pk in existing.items() if pk == values["_pk"])
                continue
            next_seq += 1
            while next_seq in taken:
                next_seq += 1
            values["seq"] = next_seq
            taken.add(next_seq)


FIELDS = ("seq", "point", "title", "target_value", "target_measure", "target_text",
          "deadline", "deadline_text", "source_document", "is_project")


def _write(plan: WorkPlan, rows: list[dict]) -> tuple[int, int]:
    current = {t.pk: t for t in plan.tasks.all()}
    created, updated = [], []
    for values in rows:
        data = {"seq": values["seq"], "point": values.get("point") or "",
                "title": values["title"], "target_value": values["target_value"],
                "target_measure": values.get("target_measure") or "",
                "target_text": values.get("target_text") or "",
                "deadline": values["deadline"], "deadline_text": values["deadline_text"],
                "source_document": values.get("source") or plan.source_document,
                "is_project": bool(values.get("project"))}
        task = current.get(values.get("_pk"))
        if task is None:
            task = Task(plan=plan, region_id=plan.region_id, lead_unit=values["_lead"], **data)
            created.append((task, values["_co"]))
        else:
            for key, value in data.items():
                setattr(task, key, value)
            task.lead_unit = values["_lead"]
            updated.append((task, values["_co"]))
    Task.objects.bulk_create([t for t, _co in created], batch_size=500)
    Task.objects.bulk_update([t for t, _co in updated], [*FIELDS, "lead_unit"], batch_size=500)
    through = Task.co_units.through
    through.objects.filter(task_id__in=[t.pk for t, _co in updated]).delete()
    through.objects.bulk_create([through(task_id=t.pk, unit_id=u.pk)
                                 for t, co in created + updated for u in co])
    return len(created), len(updated)


TEMPLATE_NOTES = (
    "带 * 的列必填；列的顺序可以调整，列名也可用常见写法（如 责任单位、完成时间）。",
    "牵头单位、配合单位填本地区成员单位的全称或简称（如 科技局、人社局、卫健委）；"
    "配合单位可填多个，用顿号或逗号隔开。",
    "每项任务须可衡量：填目标值（数字，如 100 或 100人，计量单位也可单列），"
    "或在「目标要求」中写明完成标准。",
    "完成时限可填日期（2025-06-30、2025年6月底），或 6月底前、三季度末、年底前、长期坚持。",
    "同一序号再次导入时更新原任务，不会重复；任何一行有问题，整张表都不会写入，"
    "请下载问题清单修改后重新上传。",
    "项目化管理列填 是 / 否：列入项目化管理的任务年初确定、年中检查、年终评价。",
)


def task_template(path: Path) -> None:
    example = {"seq": "1", "point": "实施人才引进工程", "title": "组织开展“百名博士三年引才行动”，"
               "当年引进博士", "lead": "人社局", "co": "科技局、教育局",
               "target_value": "35", "target_measure": "人", "target_text": "",
               "deadline": "年底前", "source": "区委人才工作领导小组2025年工作要点",
               "project": "是"}
    write_template(path, sheet="任务清单", columns=columns(dt.date.today().year),
                   example=example, notes=TEMPLATE_NOTES, wide=("title", "point", "source"))


def import_start(*, user, upload, plan: WorkPlan) -> Job:
    """Keep the sheet and queue its import into ``plan``."""
    if not user.has_perm("assessment.add_task"):
        raise ImportRefused(_("您没有导入任务清单的权限。"))
    if not WorkPlan.objects.restrict(user, "change").filter(pk=plan.pk).exists():
        raise NotFound()
    from wutong.assessment.tasks import task_list_import_run

    # One transaction: the task (queued on commit) must find the plan on its job.
    with transaction.atomic():
        job = import_job_start(user=user, upload=upload, region=plan.region,
                               title=_("导入任务清单"), task=task_list_import_run)
        job.params = {**job.params, "plan_id": plan.pk}
        Job.objects.filter(pk=job.pk).update(params=job.params)
    return job


def _success(result: ImportResult) -> str:
    return _("导入完成：共 %(rows)d 项任务，新增 %(new)d 项，更新 %(upd)d 项。") % {
        "rows": result.rows, "new": result.created, "upd": result.updated}


def import_execute(*, job_id: str) -> str:
    plan_id = Job.objects.filter(pk=job_id).values_list("params", flat=True).first() or {}
    plan_id = plan_id.get("plan_id")

    def run(**kwargs):
        return task_list_import(plan_id=plan_id, **kwargs)

    return import_job_execute(job_id=job_id, run=run, success_message=_success)
