"""Reports upward (统计报表): the yearly statistical tables of a region, one xlsx with a sheet
per table, written as a background job on the starter's behalf (their scope: the region must
be theirs) and audited as an export, like every other export of the platform.

Text cells are written as text, never as formulas (XlsxWriter with ``strings_to_formulas``
off, as ``core.exports.write_xlsx``), so a fund or unit name typed as ``=HYPERLINK(…)`` stays
a string."""

from __future__ import annotations

import logging
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.core import context
from wutong.core.audit import audit_log
from wutong.core.errors import PermissionDenied
from wutong.core.models import Job, Region
from wutong.core.models.audit import AuditAction
from wutong.core.models.jobs import JobStatus
from wutong.stats.compute import AGE_BANDS, compute

logger = logging.getLogger(__name__)

SHEETS = ("人才总量及结构统计表", "引进人才月度统计表", "政策兑现资金统计表", "人才服务诉求统计表")
EDUCATION_GROUPS = (("研究生", ("1",)), ("大学本科", ("2",)), ("大学专科", ("3",)))
CATEGORIES = ("A", "B", "C", "D", "E")


@transaction.atomic
def report_start(*, user, region: Region, year: int) -> Job:
    if not user.has_perm("stats.export_figuresnapshot"):
        raise PermissionDenied(_("您没有导出统计报表的权限。"))
    if not Region.objects.restrict(user, "view").filter(pk=region.pk).exists():
        raise PermissionDenied(_("所选地区不在您的数据范围内。"))
    job = Job.objects.create(
        kind="stats_report", title=_("统计报表：%(place)s%(year)d年") % {
            "place": region.name, "year": year},
        created_by=user, region_id=region.pk,
        params={"region": region.code, "year": year,
                "request_id": context.current_request_id()})
    from wutong.stats.tasks import stats_report_run

    def _enqueue():
        result = stats_report_run.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=result.id)

    transaction.on_commit(_enqueue)
    return job


def report_execute(*, job_id: str) -> str:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job.status
    user = job.created_by
    with context.bound(job.params.get("request_id") or context.new_request_id()):
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
        try:
            region = Region.objects.restrict(user, "view").get(code=job.params["region"])
            if not user.has_perm("stats.export_figuresnapshot"):
                raise PermissionDenied()
            year = int(job.params["year"])
            out_dir = settings.WUTONG_EXPORT_DIR
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / f"{job.pk}.xlsx"
            rows = write_report(path, region=region, year=year)
            with transaction.atomic():
                Job.objects.filter(pk=job.pk).update(
                    status=JobStatus.SUCCEEDED, done=rows, total=rows,
                    finished_at=timezone.now(), result_file=str(path),
                    result_name=f"{region.name}{year}年人才工作统计报表.xlsx",
                    message=_("共 %(n)d 张表。") % {"n": len(SHEETS)})
                audit_log(actor=user, action=AuditAction.EXPORT, object_type="core.Job",
                          object_id=str(job.pk), object_repr=str(job.title),
                          region_id=region.pk,
                          extra={"report": "stats_yearly", "region": region.code,
                                 "year": year, "rows": rows})
            return JobStatus.SUCCEEDED
        except Exception:
            logger.exception("stats report job %s failed", job.pk)
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, finished_at=timezone.now(),
                message=_("统计报表生成失败，请稍后重试或联系管理员。"))
            return JobStatus.FAILED


def _places(region: Region, figures: dict) -> list[tuple[str, dict]]:
    """The region itself (合计) first, then its child regions that have figures."""
    root = figures[region.pk]
    by_code = {d["region"]["code"]: d for d in figures.values()}
    out = [(f"{region.name}（合计）", root)]
    for child in root["talents"]["by_region"]:
        if child.get("own"):
            continue
        if child["code"] in by_code:
            out.append((child["name"], by_code[child["code"]]))
    return out


def write_report(path: Path, *, region: Region, year: int) -> int:
    """Write the four tables; returns the number of data rows."""
    figures = compute(year=year, root=region, cases_in_year=True)
    places = _places(region, figures)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                         "strings_to_numbers": False, "strings_to_urls": False})
    title_fmt = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                          "text_wrap": True, "bg_color": "#E5F0EB"})
    cell = wb.add_format({"border": 1})
    money = wb.add_format({"border": 1, "num_format": "#,##0.00"})
    count = 0

    def sheet(name: str, headers: list[str], rows: list[list], money_cols=()):
        nonlocal count
        ws = wb.add_worksheet(name)
        ws.merge_range(0, 0, 0, len(headers) - 1, f"{region.name}{year}年{name}", title_fmt)
        ws.write_string(1, 0, f"数据时间：{stamp}　统计范围：{region.full_name}")
        for col, text in enumerate(headers):
            ws.write_string(2, col, text, head)
            ws.set_column(col, col, 16 if col == 0 else 11)
        for r, row in enumerate(rows, start=3):
            for col, value in enumerate(row):
                if value is None:
                    ws.write_blank(r, col, None, cell)
                elif isinstance(value, int | float):
                    ws.write_number(r, col, value, money if col in money_cols else cell)
                else:
                    ws.write_string(r, col, str(value), cell)
            count += 1
        ws.freeze_panes(3, 1)

    # 1. total and structure
    headers = ["地区", "人才总量", "常住人口", "占常住人口比例(%)",
               *[f"{c}类" for c in CATEGORIES], "未分类",
               *[g for g, _p in EDUCATION_GROUPS], "其他学历",
               "35岁及以下", "36-45岁", "46-55岁", "56岁及以上", "年龄不详"]
    rows = []
    for name, d in places:
        t = d["talents"]
        cats = {i["code"]: i["n"] for i in t["by_category"]}
        edu = [0] * (len(EDUCATION_GROUPS) + 1)
        for i in t["by_education"]:
            for k, (_g, prefixes) in enumerate(EDUCATION_GROUPS):
                if i["code"][:1] in prefixes:
                    edu[k] += i["n"]
                    break
            else:
                edu[-1] += i["n"]
        ages = {i["code"]: i["n"] for i in t["by_age"]}
        pop = d["population"]
        rows.append([name, t["total"], pop["population"] if pop else None,
                     pop["share"] if pop else None, *[cats.get(c, 0) for c in CATEGORIES],
                     t["total"] - sum(cats.get(c, 0) for c in CATEGORIES), *edu,
                     *[ages.get(k, 0) for k, _l, _h in AGE_BANDS], ages.get("", 0)])
    sheet(SHEETS[0], headers, rows)

    # 2. people brought in per month
    rows = []
    for name, d in places:
        i = d["intake"]
        rows.append([name, *i["months"], i["total"], i["target"] or None, i["percent"]])
    sheet(SHEETS[1], ["地区", *[f"{m}月" for m in range(1, 13)], "合计", "年度目标",
                      "完成率(%)"], rows)

    # 3. policy money per fund
    funds = figures[region.pk]["funds"]
    rows = [[f["name"], f["region"], f["budget"] / 1_000_000, f["committed"] / 1_000_000,
             f["paid"] / 1_000_000, f["remaining"] / 1_000_000,
             round((f["committed"] + f["paid"]) * 100 / f["budget"], 1) if f["budget"] else None]
            for f in funds["rows"]]
    rows.append(["合计", "", funds["budget"] / 1_000_000, funds["committed"] / 1_000_000,
                 funds["paid"] / 1_000_000, funds["remaining"] / 1_000_000, None])
    sheet(SHEETS[2], ["资金名称", "所属地区", "年度预算(万元)", "已承诺未发放(万元)",
                      "已发放(万元)", "预算结余(万元)", "执行率(%)"], rows,
          money_cols=(2, 3, 4, 5))

    # 4. service cases raised in the year
    rows = []
    for name, d in places:
        c = d["cases"]
        rows.append([name, c["total"], c["open"], c["closed"], c["overdue"],
                     c["closed_percent"], c["satisfaction"]])
    sheet(SHEETS[3], ["地区", "受理诉求", "办理中", "已办结", "超期未办结", "办结率(%)",
                      "平均满意度(1-5)"], rows)
    wb.close()
    return count
