"""Importing a talent roster sheet: check every row first, report every problem, then write
all rows or none. Re-importing the same sheet updates the same files, never duplicates.

Set-based: rows are parsed in one pass, existing files are found by blind index in bulk, and
new files, name keys and histories are written with bulk inserts.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log
from wutong.core.bulk import mapped_in_child, raw_insert, refresh_statistics
from wutong.core.imports import parsers
from wutong.core.imports.columns import (
    Column,
    FormulaError,
    formula_message,
    match_headers,
    memoized,
    normalize_header,
)
from wutong.core.imports.errors import CellError, ImportRefused
from wutong.core.imports.jobs import ImportResult, import_job_execute, import_job_start, table_notes
from wutong.core.imports.reader import read_table
from wutong.core.imports.report import Problem, write_problem_copy, write_template
from wutong.core.models import CodeItem, Job, Region
from wutong.core.models.audit import AuditAction
from wutong.core.security import crypto
from wutong.core.security.masking import normalize
from wutong.talents.models import (
    Education,
    Employment,
    IdType,
    IntroductionMode,
    Talent,
    TalentNameKey,
)
from wutong.talents.names import sort_key
from wutong.talents.rows import insert_talents, refresh_name_keys
from wutong.talents.services import identity_from_id_number

ID_TYPES = {"身份证": IdType.RESIDENT, "居民身份证": IdType.RESIDENT, "护照": IdType.PASSPORT,
            "港澳通行证": IdType.HK_MO, "港澳居民来往内地通行证": IdType.HK_MO,
            "台胞证": IdType.TW, "台湾居民来往大陆通行证": IdType.TW,
            "外国人永久居留身份证": IdType.FOREIGN_PR, "永久居留证": IdType.FOREIGN_PR}
SEXES = {"男": "M", "女": "F", "男性": "M", "女性": "F"}
MODES = {"刚性引进": IntroductionMode.FULL_TIME, "刚性": IntroductionMode.FULL_TIME,
         "全职": IntroductionMode.FULL_TIME, "全职引进": IntroductionMode.FULL_TIME,
         "柔性引进": IntroductionMode.FLEXIBLE, "柔性": IntroductionMode.FLEXIBLE,
         "兼职": IntroductionMode.FLEXIBLE, "本地培养": IntroductionMode.LOCAL,
         "本土培养": IntroductionMode.LOCAL}
POLITICAL = {"中共党员": "01", "党员": "01", "中国共产党党员": "01", "中共预备党员": "02",
             "预备党员": "02", "共青团员": "03", "团员": "03", "群众": "13", "无党派人士": "12",
             "无党派": "12", "民革党员": "04", "民盟盟员": "05", "民建会员": "06",
             "民进会员": "07", "农工党党员": "08", "致公党党员": "09", "九三学社社员": "10",
             "台盟盟员": "11"}


def _ethnic_groups() -> dict[str, str]:
    from wutong.core.codes import code_choices

    mapping = {}
    for code, name in code_choices("ethnic_group"):
        mapping[name] = code
        if name.endswith("族") and len(name) > 2:
            mapping[name[:-1]] = code
    return mapping


def columns() -> list[Column]:
    """The columns offices use, with the names they give them."""
    return [
        Column("name", "姓名", ("人员姓名", "名字", "人才姓名"), required=True,
               parse=parsers.person_name_parser(60)),
        Column("id_type", "证件类型", ("证件种类",), parse=parsers.choice(ID_TYPES)),
        Column("id_number", "身份证号码", ("身份证号", "公民身份号码", "公民身份证号码",
                                          "证件号码", "证件号", "身份证"), required=True),
        Column("nationality", "国籍", ("国家",), parse=lambda v: parsers.text(v, max_length=40)),
        Column("sex", "性别", (), parse=parsers.choice(SEXES)),
        Column("birth_date", "出生日期", ("出生年月", "出生时间", "生日"), parse=parsers.date),
        Column("ethnic_group", "民族", (), parse=parsers.choice(_ethnic_groups())),
        Column("political_status", "政治面貌", (), parse=parsers.choice(POLITICAL)),
        Column("phone", "手机号码", ("手机", "手机号", "联系电话", "联系方式", "电话"),
               parse=parsers.mobile),
        Column("email", "电子邮箱", ("邮箱", "email", "e-mail"),
               parse=lambda v: parsers.text(v, max_length=120)),
        Column("education", "最高学历", ("学历",), parse=parsers.choice(
            parsers.EDUCATION_SYNONYMS)),
        Column("degree", "最高学位", ("学位",), parse=parsers.choice(parsers.DEGREE_SYNONYMS)),
        Column("school", "毕业院校", ("毕业学校", "学校"),
               parse=lambda v: parsers.text(v, max_length=100)),
        Column("major", "所学专业", ("专业",), parse=lambda v: parsers.text(v, max_length=100)),
        Column("title_level", "职称级别", ("职称", "专业技术职称", "职称等级"),
               parse=parsers.choice(parsers.TITLE_LEVEL_SYNONYMS)),
        Column("employer_name", "工作单位", ("单位", "单位名称", "所在单位", "用人单位"),
               parse=lambda v: parsers.text(v, max_length=120)),
        Column("employer_uscc", "统一社会信用代码", ("单位信用代码", "信用代码"),
               parse=parsers.uscc),
        Column("position", "职务", ("岗位", "职务/岗位", "职务岗位"),
               parse=lambda v: parsers.text(v, max_length=80)),
        Column("introduced_on", "引进时间", ("引进日期", "来区时间", "来市时间"),
               parse=parsers.date),
        Column("introduction_mode", "引进方式", ("引进类型",), parse=parsers.choice(MODES)),
        Column("category", "人才类别", ("类别", "人才层次", "人才分类"),
               parse=lambda v: parsers.text(v, max_length=40)),
        Column("region", "所属地区", ("地区", "区县", "所在地区"),
               parse=lambda v: parsers.text(v, max_length=40)),
        Column("honours", "荣誉称号", ("荣誉", "获得荣誉"),
               parse=lambda v: parsers.text(v, max_length=500)),
    ]


def known_headers(cols: list[Column]) -> set[str]:
    return {normalize_header(n) for c in cols for n in (c.label, *c.synonyms)}


def talent_import(*, user, path, filename: str, default_region: Region,
                  problem_path: Path | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check every row; if all are good, write them all in one transaction."""
    if not user.has_perm("talents.add_talent") or not user.has_perm("talents.change_talent"):
        raise ImportRefused(_("您没有导入人才信息的权限。"))
    cols = columns()
    table = read_table(path, filename=filename, known_headers=known_headers(cols))
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects, none of them in a cycle
    try:
        return _check_and_write(user, table, cols, filename, default_region, problem_path,
                                progress)
    finally:
        if collecting:
            gc.enable()


def _check_and_write(user, table, cols, filename, default_region, problem_path,
                     progress) -> ImportResult:
    match = match_headers(table.headers, cols)
    if match.missing:
        raise ImportRefused(_("缺少必填列：%(cols)s。请下载导入模板，对照列名后重新上传。") % {
            "cols": "、".join(c.label for c in match.missing)})
    by_key = {c.key: c for c in cols}
    header_of = {key: table.headers[i] for key, i in match.index.items()}
    result = ImportResult(unknown_headers=match.unknown,
                          notes=table_notes(table), problems=list(table.problems))
    parsed: list[dict] = []
    cells = [(key, index,
              memoized(parsers.for_table(by_key[key].parse, table)) if by_key[key].parse
              else None, header_of[key])
             for key, index in match.index.items() if key != "id_number"]
    total = len(table.rows)
    for offset, raw in enumerate(table.rows):
        width = len(raw)
        if raw.count(None) == width:
            continue  # a blank line between groups of rows
        row_no = table.first_data_row + offset
        values: dict = {"_row": row_no}
        name_reported = False
        for key, index, parse, header in cells:
            cell = raw[index] if index < width else None
            if cell.__class__ is FormulaError:
                result.problems.append(Problem(row_no, header, formula_message(cell)))
                name_reported = name_reported or key == "name"
                continue
            try:
                values[key] = parse(cell) if parse else cell
            except CellError as exc:
                result.problems.append(Problem(row_no, header, str(exc.message)))
        values["id_number"] = _parse_identity(values, raw[match.index["id_number"]], row_no,
                                              header_of["id_number"], result)
        if not values.get("name") and not name_reported:
            result.problems.append(Problem(row_no, header_of["name"], _("姓名不能为空。")))
        parsed.append(values)
        if progress and offset % 5000 == 0:
            progress(offset, total * 2)
    result.rows = len(parsed)
    _check_sheet_duplicates(parsed, header_of, result)
    context = _resolve(user, parsed, default_region, header_of, result)
    if result.problems:
        if problem_path is not None:
            write_problem_copy(table, result.problems, problem_path)
            result.problem_file = problem_path
        return result
    with transaction.atomic():
        result.created, result.updated = _write(user, parsed, context, progress, total)
        refresh_statistics(Talent, TalentNameKey)
        audit_log(actor=user, action=AuditAction.CREATE, object_type="talents.Talent",
                  object_repr=_("批量导入：%(file)s") % {"file": filename[:100]},
                  region_id=default_region.pk,
                  extra={"file": filename[:200], "rows": result.rows, "created": result.created,
                         "updated": result.updated})
    return result


def _parse_identity(values: dict, cell, row_no: int, header: str, result: ImportResult) -> str:
    id_type = values.get("id_type") or IdType.RESIDENT
    values["id_type"] = id_type
    if cell.__class__ is FormulaError:
        result.problems.append(Problem(row_no, header, formula_message(cell)))
        return ""
    try:
        if id_type == IdType.RESIDENT:
            number = parsers.id_number(cell)
        else:
            number = parsers.text(cell, max_length=40)
            number = normalize("passport", number) if number else None
    except CellError as exc:
        result.problems.append(Problem(row_no, header, str(exc.message)))
        return ""
    if not number:
        result.problems.append(Problem(row_no, header, _("证件号码不能为空。")))
        return ""
    if id_type == IdType.RESIDENT:
        born, sex = identity_from_id_number(number)
        values["birth_date"] = values.get("birth_date") or born
        values["sex"] = values.get("sex") or sex
    return number


def _check_sheet_duplicates(parsed: list[dict], header_of: dict, result: ImportResult) -> None:
    seen: dict[tuple, int] = {}
    for values in parsed:
        if not values["id_number"]:
            continue
        key = (values["id_type"], values["id_number"])
        if key in seen:
            result.problems.append(Problem(values["_row"], header_of["id_number"],
                                           _("与第 %(n)d 行的证件号码重复。") % {"n": seen[key]}))
        else:
            seen[key] = values["_row"]


@dataclass
class _Context:
    regions: dict[int, Region]
    existing: dict[str, int]
    employers: dict[int, int | None]
    categories: dict[int, str]


def _resolve(user, parsed: list[dict], default_region: Region, header_of: dict,
             result: ImportResult) -> _Context:
    from django.apps import apps

    employer_model = apps.get_model("orgs", "Employer")
    scope_regions = {r.name: r for r in Region.objects.restrict(user, "view")}
    if default_region.name not in scope_regions and user.get_data_scope().kind != "all":
        raise ImportRefused(_("所选地区不在您的数据范围内。"))
    ctx = _Context(regions={}, existing={}, employers={}, categories={})
    # Regions named in the sheet must be in the user's scope.
    for values in parsed:
        name = values.get("region")
        region = scope_regions.get(name) if name else default_region
        if region is None:
            result.problems.append(Problem(values["_row"], header_of.get("region"),
                                           _("地区「%(name)s」不在您的数据范围内。") % {
                                               "name": name}))
        ctx.regions[values["_row"]] = region or default_region
    # Employers: by credit code, else by exact name, among those the user may see.
    visible = employer_model.objects.restrict(user, "view")
    codes = {v["employer_uscc"] for v in parsed if v.get("employer_uscc")}
    names = {v["employer_name"] for v in parsed if v.get("employer_name")}
    by_code = dict(visible.filter(uscc__in=codes).values_list("uscc", "pk")) if codes else {}
    by_name = dict(visible.filter(name__in=names).values_list("name", "pk")) if names else {}
    for values in parsed:
        code = values.get("employer_uscc")
        if code and code not in by_code:
            result.problems.append(Problem(values["_row"], header_of.get("employer_uscc"),
                                           _("单位信用代码未登记，请先在「用人单位」中登记该单位。")))
        ctx.employers[values["_row"]] = by_code.get(code) if code else by_name.get(
            values.get("employer_name"))
    # Categories: the local catalogue's codes or names, in the user's regions.
    catalogue = CodeItem.objects.restrict(user, "view").filter(table__key="talent_category")
    accepted = {}
    for code, name in catalogue.values_list("code", "name"):
        accepted[code.upper()] = code
        accepted[name] = code
    for values in parsed:
        value = values.get("category")
        if value:
            code = accepted.get(value) or accepted.get(value.upper())
            if code is None:
                result.problems.append(Problem(values["_row"], header_of.get("category"),
                                               _("人才类别「%(v)s」不在本地区目录中。") % {
                                                   "v": value}))
            ctx.categories[values["_row"]] = code or ""
    # Files already in the registry: updated, if the user may change them.
    for values in parsed:
        if values["id_number"]:
            values["_bidx"] = crypto.blind_index("id_number", values["id_number"])
    indexes = {v["_bidx"]: v for v in parsed if v["id_number"]}
    keys = list(indexes)
    for start in range(0, len(keys), 900):  # through the identity's unique index
        ctx.existing.update(Talent.objects.filter(id_number_bidx__in=keys[start:start + 900])
                            .values_list("id_number_bidx", "pk"))
    found = list(ctx.existing.values())
    changeable: set[int] = set()
    for start in range(0, len(found), 900):  # then by primary key, within the user's scope
        changeable.update(Talent.objects.restrict(user, "change").filter(
            pk__in=found[start:start + 900]).values_list("pk", flat=True))
    for bidx in [b for b, pk in ctx.existing.items() if pk not in changeable]:
        values = indexes[bidx]
        result.problems.append(Problem(values["_row"], header_of["id_number"],
                                       _("该人员已在其他地区建档，您无权修改。")))
    return ctx


UPDATABLE = ("name", "sex", "birth_date", "ethnic_group", "political_status", "email",
             "education", "degree", "title_level", "position", "introduced_on",
             "introduction_mode", "honours")


# Rosters at least this long have their personal data sealed by a worker process.
PARALLEL_SEAL_THRESHOLD = 20_000


def _seal(pairs: list[tuple[str, str | None]]) -> list[tuple[str, str | None, str | None]]:
    """(ID number, phone) → (ID ciphertext, phone ciphertext, phone blind index)."""
    encrypt, blind_index = crypto.encrypt, crypto.blind_index
    return [(encrypt(number, kind="id_number"),
             encrypt(phone, kind="phone") if phone else None,
             blind_index("phone", phone) if phone else None) for number, phone in pairs]


def _write(user, parsed, ctx: _Context, progress, total: int) -> tuple[int, int]:
    """New files go in as raw rows with their name keys and histories; their personal data
    is sealed by a worker process and the rows built by a worker thread while the database
    writes the rows before. Files already in the registry are updated through the ORM."""
    from django.utils import timezone

    now = timezone.now()
    updates = {ctx.existing[v["_bidx"]]: v for v in parsed if v["_bidx"] in ctx.existing}
    new_values = [v for v in parsed if v["_bidx"] not in ctx.existing]
    # In the order of the (region, name) indexes: their pages then fill one after another.
    new_values.sort(key=lambda v: (ctx.regions[v["_row"]].pk, sort_key(v["name"])))
    sealed = mapped_in_child(_seal, [(v["id_number"], v.get("phone")) for v in new_values],
                             threshold=PARALLEL_SEAL_THRESHOLD)

    def new_rows():
        for values, (id_token, phone_token, phone_bidx) in zip(new_values, sealed,
                                                               strict=True):
            get = values.get
            row_no = values["_row"]
            yield (
                ctx.regions[row_no].pk, values["name"], values["id_type"], id_token,
                values["_bidx"], get("nationality") or "中国", get("sex") or "",
                get("birth_date"), get("ethnic_group") or "", get("political_status") or "",
                phone_token, phone_bidx, get("email") or "",
                get("education") or "", get("degree") or "", get("title_level") or "", "",
                ctx.employers.get(row_no), get("position") or "", "",
                get("introduced_on"), get("introduction_mode") or "",
                ctx.categories.get(row_no, ""), get("honours") or "", [], True, now, now)

    ids = insert_talents(new_rows(), len(new_values), ahead=True)
    if progress:
        progress(total + total // 2, total * 2)
    _write_histories(ids, new_values)
    changed = _apply_updates(updates, ctx) if updates else []
    return len(new_values), len(changed)


def _write_histories(ids: list[int], new_values: list[dict]) -> None:
    """The education and employment a roster row tells of, for the new files."""
    raw_insert(Education, ("talent_id", "level", "degree", "school", "major", "graduated_on"),
               ((pk, v["education"], v.get("degree") or "", v.get("school") or "",
                 v.get("major") or "", None)
                for pk, v in zip(ids, new_values, strict=True)
                if v.get("education") and (v.get("school") or v.get("major"))))
    raw_insert(Employment, ("talent_id", "employer_id", "employer_name", "position", "mode",
                            "started_on", "ended_on"),
               ((pk, None, v["employer_name"], v.get("position") or "",
                 v.get("introduction_mode") or "", v.get("introduced_on"), None)
                for pk, v in zip(ids, new_values, strict=True) if v.get("employer_name")))


def _apply_updates(updates: dict[int, dict], ctx: _Context) -> list[int]:
    """Non-empty cells overwrite; empty cells keep what the file already holds. Rows are
    compared as plain values (the phone by its blind index), and only changed rows are
    loaded and saved, so re-importing an unchanged sheet writes nothing."""
    from django.utils import timezone

    tracked = (*UPDATABLE, "employer_id", "category")
    changed: list[int] = []
    now = timezone.now()
    pks = list(updates)
    for start in range(0, len(pks), 900):
        chunk = pks[start:start + 900]
        dirty: dict[int, dict] = {}
        for row in Talent.objects.filter(pk__in=chunk).values("pk", "phone_bidx", *tracked):
            values = updates[row["pk"]]
            wanted = {key: values[key] for key in UPDATABLE
                      if values.get(key) not in (None, "") and values[key] != row[key]}
            employer = ctx.employers.get(values["_row"])
            if employer and employer != row["employer_id"]:
                wanted["employer_id"] = employer
            category = ctx.categories.get(values["_row"])
            if category and category != row["category"]:
                wanted["category"] = category
            phone = values.get("phone")
            if phone and crypto.blind_index("phone", phone) != row["phone_bidx"]:
                wanted["phone"] = phone
            if wanted:
                dirty[row["pk"]] = wanted
        if not dirty:
            continue
        fields: set[str] = set()
        talents = list(Talent.objects.filter(pk__in=dirty))
        for talent in talents:
            for key, value in dirty[talent.pk].items():
                setattr(talent, key, value)
                fields.add(key)
            if "phone" in dirty[talent.pk]:
                talent.phone_bidx = talent.phone.blind_index
                fields.add("phone_bidx")
            talent.updated_at = now
        Talent.objects.bulk_update(talents, [*sorted(fields), "updated_at"], batch_size=1000)
        renamed = [t for t in talents if "name" in dirty[t.pk]]
        if renamed:
            refresh_name_keys(renamed)
        changed.extend(dirty)
    return changed


def talent_template(path: Path) -> None:
    """The import template: the columns in the usual order, one example row, and notes."""
    example = {"name": "张三", "id_type": "居民身份证", "id_number": "230602199001011238",
               "sex": "男", "birth_date": "1990-01-01", "ethnic_group": "汉族",
               "political_status": "中共党员", "phone": "13912345678", "education": "博士研究生",
               "degree": "博士", "school": "哈尔滨工业大学", "major": "化学工程与工艺",
               "title_level": "正高级", "employer_name": "（已登记的单位全称）",
               "position": "研发总监", "introduced_on": "2023.5", "introduction_mode": "刚性引进",
               "category": "C", "nationality": "中国"}
    write_template(path, sheet="人才信息", columns=columns(), example=example,
                   notes=TEMPLATE_NOTES)


TEMPLATE_NOTES = (
    "带 * 的列必填；列的顺序可以调整，列名也可用常见写法（如 身份证号、公民身份号码）。",
    "日期可写 2023-05-01、2023.5、2023年5月；15 位旧身份证号会自动升级为 18 位。",
    "同一证件号码再次导入时更新原档案，不会重复建档；空白单元格不会清除已有信息。",
    "请将身份证号码、手机号码列设为文本格式，避免 Excel 把它们变成科学计数法。",
)


def import_start(*, user, upload, region: Region) -> Job:
    """Keep the uploaded sheet (sealed) and queue its import; the job page follows it."""
    from wutong.talents.tasks import import_run

    if not user.has_perm("talents.add_talent"):
        raise ImportRefused(_("您没有导入人才信息的权限。"))
    return import_job_start(user=user, upload=upload, region=region, title=_("导入"),
                            task=import_run)


def import_execute(*, job_id: str) -> str:
    """Run a queued import on the starter's behalf and record the outcome on the job."""
    return import_job_execute(job_id=job_id, run=talent_import, success_message=_success)


def _success(result: ImportResult) -> str:
    return _("导入完成：共 %(rows)d 行，新建 %(new)d 人，更新 %(upd)d 人。") % {
        "rows": result.rows, "new": result.created, "upd": result.updated}
