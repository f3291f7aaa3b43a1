"""Importing the contact roster (联系名单导入): the list offices already keep, one row per
leader and expert — 领导姓名, 职务, 班子, 成员单位, 联系专家, 证件号码 or 工作单位, 开始日期.
Every row is checked first and every problem reported by row and column; then all rows are
written or none. Re-importing the same sheet adds nothing: leaders are matched by name and
post in the place, open assignments are kept.

The engine (safe reading, header synonyms, cell parsers, the problem copy, the background job)
is ``core.imports``; this module knows the roster's columns and rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.accounts.models import Unit, UnitKind
from wutong.core.audit import audit_log
from wutong.core.errors import OutOfScope
from wutong.core.imports import parsers
from wutong.core.imports.columns import Column, known_headers, match_headers, parse_rows
from wutong.core.imports.errors import ImportRefused
from wutong.core.imports.jobs import ImportResult, import_job_execute, import_job_start, table_notes
from wutong.core.imports.reader import read_table
from wutong.core.imports.report import Problem, write_problem_copy, write_template
from wutong.core.models import Job, Region
from wutong.core.models.audit import AuditAction
from wutong.core.security import crypto
from wutong.liaison.models import Assignment, Leader, LeaderBody

BODIES = {
    "党委": LeaderBody.PARTY, "市委": LeaderBody.PARTY, "区委": LeaderBody.PARTY,
    "县委": LeaderBody.PARTY, "党委班子": LeaderBody.PARTY, "党": LeaderBody.PARTY,
    "人大": LeaderBody.CONGRESS, "人大常委会": LeaderBody.CONGRESS,
    "政府": LeaderBody.GOVERNMENT, "市政府": LeaderBody.GOVERNMENT,
    "区政府": LeaderBody.GOVERNMENT, "县政府": LeaderBody.GOVERNMENT,
    "政协": LeaderBody.CPPCC,
    "成员单位": LeaderBody.UNIT, "部门": LeaderBody.UNIT, "成员单位主要负责人": LeaderBody.UNIT,
}


def columns() -> list[Column]:
    return [
        Column("name", "领导姓名", ("联系领导", "领导", "姓名"), required=True,
               parse=parsers.text_parser(50)),
        Column("post", "职务", ("领导职务", "现任职务"), required=True,
               parse=parsers.text_parser(100)),
        Column("body", "班子", ("所属班子", "领导类别", "类别"), parse=parsers.choice(BODIES)),
        Column("unit", "成员单位", ("所在单位", "单位名称"), parse=parsers.text_parser(100)),
        Column("expert", "联系专家", ("专家姓名", "专家", "联系人才", "人才姓名"),
               parse=parsers.text_parser(60)),
        Column("id_number", "专家证件号码", ("证件号码", "身份证号码", "身份证号",
                                           "专家身份证号码"), parse=parsers.id_number),
        Column("employer", "专家工作单位", ("工作单位", "专家单位"),
               parse=parsers.text_parser(120)),
        Column("started_on", "开始日期", ("联系开始日期", "确定日期"), parse=parsers.date),
    ]


def _body_of(post: str, unit) -> str | None:
    """班子 left blank: read from the post (市人大常委会副主任, 市政协主席, 副市长…)."""
    if unit is not None:
        return LeaderBody.UNIT
    if "人大" in post:
        return LeaderBody.CONGRESS
    if "政协" in post:
        return LeaderBody.CPPCC
    if post.rstrip("）)").endswith(("市长", "区长", "县长", "旗长", "州长")) or "政府" in post:
        return LeaderBody.GOVERNMENT
    if "委" in post or "书记" in post:
        return LeaderBody.PARTY
    return None


def roster_import(*, user, path, filename: str, default_region: Region,
                  problem_path: Path | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check every row; if all are good, write the leaders and assignments in one go."""
    if not user.has_perm("liaison.add_leader") or not user.has_perm("liaison.add_assignment"):
        raise ImportRefused(_("您没有导入联系名单的权限。"))
    if not Region.objects.restrict(user, "view").filter(pk=default_region.pk).exists():
        raise ImportRefused(_("所选地区不在您的数据范围内。"))
    cols = columns()
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
    _resolve(user, rows, default_region, header_of, result)
    if result.problems:
        if problem_path is not None:
            write_problem_copy(table, result.problems, problem_path)
            result.problem_file = problem_path
        return result
    with transaction.atomic():
        created, assigned = _write(user, rows, default_region)
        if Leader.objects.restrict(user, "change").filter(pk__in=created).count() \
                != len(created):
            raise OutOfScope()
        result.created, result.updated = len(created), assigned
        audit_log(actor=user, action=AuditAction.CREATE, object_type="liaison.Assignment",
                  object_repr=_("联系名单导入：%(file)s") % {"file": filename[:100]},
                  region_id=default_region.pk,
                  extra={"file": filename[:200], "rows": result.rows,
                         "leaders_created": created[:2000], "assignments": assigned})
    if progress:
        progress(result.rows, result.rows)
    return result


def _problem(result, values, header_of, key, message) -> None:
    result.problems.append(Problem(values["_row"], header_of.get(key), message))


def _resolve(user, rows: list[dict], region: Region, header_of: dict,
             result: ImportResult) -> None:
    """The member unit, the body and the expert of every row (within the user's scope)."""
    from wutong.talents.models import Talent

    units = {}
    for unit in Unit.objects.restrict(user, "view").filter(kind=UnitKind.MEMBER_UNIT,
                                                           region=region):
        units[unit.name] = unit
        units.setdefault(unit.name.removeprefix(region.name), unit)
    visible = Talent.objects.restrict(user, "view").filter(
        region__path__startswith=region.path, is_active=True)
    names = {v["expert"] for v in rows if v.get("expert") and not v.get("id_number")}
    by_name: dict[str, list] = {}
    for t in visible.filter(name__in=names).select_related("employer").only(
            "pk", "name", "employer__name"):
        by_name.setdefault(t.name, []).append(t)
    for values in rows:
        unit_name = values.get("unit")
        values["_unit"] = None
        if unit_name:
            values["_unit"] = units.get(unit_name) or units.get(
                unit_name.removeprefix(region.name))
            if values["_unit"] is None:
                _problem(result, values, header_of, "unit",
                         _("成员单位「%(name)s」不是本地区的成员单位。") % {"name": unit_name})
                continue
        body = values.get("body") or _body_of(values["post"], values["_unit"])
        if body is None:
            _problem(result, values, header_of, "body",
                     _("请填写班子（党委、人大、政府、政协或成员单位）。"))
        elif (body == LeaderBody.UNIT) != (values["_unit"] is not None):
            _problem(result, values, header_of, "unit" if body == LeaderBody.UNIT else "body",
                     _("成员单位主要负责人须填写其成员单位；其他领导不填成员单位。"))
        values["_body"] = body
        values["_talent"] = None
        if values.get("id_number"):
            bidx = crypto.blind_index("id_number", values["id_number"])
            found = list(visible.filter(id_number_bidx=bidx)[:2])
            if not found:
                _problem(result, values, header_of, "id_number",
                         _("人才库中（您的数据范围内）没有该证件号码的人才。"))
            else:
                values["_talent"] = found[0]
        elif values.get("expert"):
            found = by_name.get(values["expert"], [])
            if values.get("employer"):
                found = [t for t in found if t.employer_id and t.employer.name ==
                         values["employer"]]
            if not found:
                _problem(result, values, header_of, "expert",
                         _("人才库中（您的数据范围内）没有名为「%(name)s」的人才。") % {
                             "name": values["expert"]})
            elif len(found) > 1:
                _problem(result, values, header_of, "expert",
                         _("「%(name)s」有重名，请填写专家证件号码或工作单位。") % {
                             "name": values["expert"]})
            else:
                values["_talent"] = found[0]


def _write(user, rows: list[dict], region: Region) -> tuple[list[int], int]:
    """New leaders in one insert, then the assignments not already open in another."""
    today = timezone.localdate()
    leaders = {(lead.name, lead.post): lead for lead in Leader.objects.filter(region=region)}
    new = []
    for values in rows:
        key = (values["name"], values["post"])
        if key not in leaders:
            leaders[key] = Leader(region=region, name=key[0], post=key[1],
                                  body=values["_body"], unit=values["_unit"],
                                  sort_order=len(leaders))
            new.append(leaders[key])
    Leader.objects.bulk_create(new)  # primary keys come back (PostgreSQL, SQLite 3.35+)
    created = [lead.pk for lead in new]
    pairs: dict[tuple[int, int], dt.date] = {}
    for values in rows:
        if values["_talent"] is not None:
            leader = leaders[(values["name"], values["post"])]
            pairs.setdefault((leader.pk, values["_talent"].pk), values.get("started_on") or today)
    taken = set(Assignment.objects.filter(
        leader_id__in={lp for lp, _t in pairs}, ended_on__isnull=True).values_list(
        "leader_id", "talent_id"))
    Assignment.objects.bulk_create([
        Assignment(leader_id=lp, talent_id=tp, region_id=region.pk, started_on=on,
                   created_by=user)
        for (lp, tp), on in pairs.items() if (lp, tp) not in taken])
    return created, len([p for p in pairs if p not in taken])


TEMPLATE_NOTES = (
    "带 * 的列必填；一行一位领导和他联系的一位专家，联系多位专家就写多行（领导信息重复填写）。",
    "班子可填：党委、人大、政府、政协、成员单位；留空时按职务判断（如 市人大常委会副主任、"
    "市政协主席、副市长）。成员单位主要负责人须填写其成员单位名称。",
    "专家按证件号码查找；没有证件号码时按姓名查找，重名时请填写专家工作单位。",
    "同一名单再次导入不会重复：领导按姓名和职务对应，已在联系名单中的专家不会重复分配。",
    "请把证件号码列设为文本格式，以免 Excel 改写末几位。",
)


def roster_template(path: Path) -> None:
    example = {"name": "张明", "post": "市委常委、组织部部长", "body": "党委", "unit": "",
               "expert": "李华", "id_number": "230602199001011234（18 位）",
               "employer": "大庆油田有限责任公司", "started_on": "2026-01-01"}
    write_template(path, sheet="联系名单", columns=columns(), example=example,
                   notes=TEMPLATE_NOTES, wide=("post", "employer", "id_number"))


def import_start(*, user, upload, region: Region) -> Job:
    """Keep the uploaded roster (sealed: it holds ID numbers) and queue its import."""
    if not user.has_perm("liaison.add_leader") or not user.has_perm("liaison.add_assignment"):
        raise ImportRefused(_("您没有导入联系名单的权限。"))
    from wutong.liaison.tasks import roster_import_run

    return import_job_start(user=user, upload=upload, region=region,
                            title=_("导入联系名单"), task=roster_import_run)


def _success(result: ImportResult) -> str:
    return _("导入完成：共 %(rows)d 行，新增 %(new)d 位领导，新分配 %(n)d 对联系关系。") % {
        "rows": result.rows, "new": result.created, "n": result.updated}


def import_execute(*, job_id: str) -> str:
    return import_job_execute(job_id=job_id, run=roster_import, success_message=_success)
