"""Importing an employer list (用人单位导入): check every row first, report every problem by
row and column, then write all rows or none. Re-importing the same sheet updates the same
employers (by unified social credit code), never duplicates; blank cells never erase.

The engine (safe reading, header synonyms, cell parsers, the problem copy, the background job)
is ``core.imports``; this module knows the employer's columns and rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.core.audit import audit_log
from wutong.core.errors import OutOfScope
from wutong.core.imports import parsers
from wutong.core.imports.columns import Column, known_headers, match_headers, parse_rows
from wutong.core.imports.errors import CellError, ImportRefused
from wutong.core.imports.jobs import ImportResult, import_job_execute, import_job_start, table_notes
from wutong.core.imports.reader import read_table
from wutong.core.imports.report import Problem, write_problem_copy, write_template
from wutong.core.models import CodeItem, Job, Region
from wutong.core.models.audit import AuditAction
from wutong.core.security import crypto
from wutong.orgs.models import Employer, EmployerLabel, EmployerType, Ownership

TYPES = {
    "企业": EmployerType.ENTERPRISE, "公司": EmployerType.ENTERPRISE,
    "企业单位": EmployerType.ENTERPRISE, "国有企业": EmployerType.ENTERPRISE,
    "民营企业": EmployerType.ENTERPRISE, "私营企业": EmployerType.ENTERPRISE,
    "外资企业": EmployerType.ENTERPRISE,
    "事业单位": EmployerType.PUBLIC_INSTITUTION, "事业": EmployerType.PUBLIC_INSTITUTION,
    "高等院校": EmployerType.UNIVERSITY, "高校": EmployerType.UNIVERSITY,
    "高等学校": EmployerType.UNIVERSITY, "大学": EmployerType.UNIVERSITY,
    "高职院校": EmployerType.UNIVERSITY,
    "科研院所": EmployerType.RESEARCH_INSTITUTE, "科研机构": EmployerType.RESEARCH_INSTITUTE,
    "科研单位": EmployerType.RESEARCH_INSTITUTE, "研究院所": EmployerType.RESEARCH_INSTITUTE,
    "医疗卫生机构": EmployerType.HOSPITAL, "医院": EmployerType.HOSPITAL,
    "医疗机构": EmployerType.HOSPITAL, "卫生机构": EmployerType.HOSPITAL,
    "医疗卫生单位": EmployerType.HOSPITAL,
    "中小学校": EmployerType.SCHOOL, "中小学": EmployerType.SCHOOL,
    "学校": EmployerType.SCHOOL, "中学": EmployerType.SCHOOL, "小学": EmployerType.SCHOOL,
    "社会组织": EmployerType.SOCIAL_ORG, "社会团体": EmployerType.SOCIAL_ORG,
    "社团": EmployerType.SOCIAL_ORG, "民办非企业单位": EmployerType.SOCIAL_ORG,
    "基金会": EmployerType.SOCIAL_ORG,
    "党政机关": EmployerType.GOVERNMENT, "机关": EmployerType.GOVERNMENT,
    "机关单位": EmployerType.GOVERNMENT, "政府机关": EmployerType.GOVERNMENT,
    "行政机关": EmployerType.GOVERNMENT,
    "其他": EmployerType.OTHER,
}
# "不适用" is a real choice (its code is empty); a sentinel keeps it apart from a blank cell.
NOT_APPLICABLE = "-"
OWNERSHIPS = {
    "国有": Ownership.STATE, "国有企业": Ownership.STATE, "国企": Ownership.STATE,
    "国有控股": Ownership.STATE, "国有独资": Ownership.STATE, "全民所有制": Ownership.STATE,
    "集体": Ownership.COLLECTIVE, "集体所有制": Ownership.COLLECTIVE,
    "集体企业": Ownership.COLLECTIVE,
    "民营": Ownership.PRIVATE, "私营": Ownership.PRIVATE, "民营企业": Ownership.PRIVATE,
    "私营企业": Ownership.PRIVATE, "民企": Ownership.PRIVATE, "非公": Ownership.PRIVATE,
    "外资": Ownership.FOREIGN, "外商投资": Ownership.FOREIGN, "外商独资": Ownership.FOREIGN,
    "中外合资": Ownership.FOREIGN,
    "港澳台资": Ownership.HK_MO_TW, "港澳台": Ownership.HK_MO_TW,
    "港澳台投资": Ownership.HK_MO_TW, "港澳台商投资": Ownership.HK_MO_TW,
    "混合所有制": Ownership.MIXED, "混合": Ownership.MIXED, "混改": Ownership.MIXED,
    "不适用": NOT_APPLICABLE, "无": NOT_APPLICABLE,
}
LABELS = {
    "高新技术企业": EmployerLabel.HIGH_TECH, "高新企业": EmployerLabel.HIGH_TECH,
    "国家高新技术企业": EmployerLabel.HIGH_TECH, "高企": EmployerLabel.HIGH_TECH,
    "专精特新": EmployerLabel.SPECIALIZED, "专精特新企业": EmployerLabel.SPECIALIZED,
    "专精特新中小企业": EmployerLabel.SPECIALIZED,
    "专精特新小巨人": EmployerLabel.LITTLE_GIANT, "小巨人": EmployerLabel.LITTLE_GIANT,
    "专精特新小巨人企业": EmployerLabel.LITTLE_GIANT, "小巨人企业": EmployerLabel.LITTLE_GIANT,
    "科技型中小企业": EmployerLabel.TECH_SME, "科技型企业": EmployerLabel.TECH_SME,
    "科小": EmployerLabel.TECH_SME,
    "上市企业": EmployerLabel.LISTED, "上市公司": EmployerLabel.LISTED,
    "上市": EmployerLabel.LISTED,
    "重点企业": EmployerLabel.KEY_ENTERPRISE,
}
# GB 32100: the first character names the registering authority, the second the kind.
TYPE_BY_USCC_PREFIX = {"11": EmployerType.GOVERNMENT, "12": EmployerType.PUBLIC_INSTITUTION,
                       "13": EmployerType.SOCIAL_ORG, "51": EmployerType.SOCIAL_ORG,
                       "52": EmployerType.SOCIAL_ORG, "53": EmployerType.SOCIAL_ORG,
                       "91": EmployerType.ENTERPRISE, "92": EmployerType.ENTERPRISE,
                       "93": EmployerType.ENTERPRISE}

_LABEL_SPLIT = re.compile(r"[、,，;；/|\s]+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」《》")
_INDUSTRY_CODE = re.compile(r"([A-T])?\s*(\d{1,4})?", re.ASCII)


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


_LABEL_KEYS = {_key(k.translate(_QUOTES)): code for k, code in LABELS.items()}


def _labels(value: object) -> list[str] | None:
    """高新技术企业、专精特新 (separated by 、 , ， ; ； or spaces) -> label codes."""
    text = parsers.text(value)
    if not text:
        return None
    found, unknown = [], []
    for part in filter(None, _LABEL_SPLIT.split(text)):
        code = _LABEL_KEYS.get(_key(part.translate(_QUOTES)))
        if code is None:
            unknown.append(part)
        elif code not in found:
            found.append(code)
    if unknown:
        raise CellError(_("无法识别标签「%(found)s」，可填：%(options)s") % {
            "found": "、".join(unknown)[:30],
            "options": "、".join(str(label) for label in EmployerLabel.labels)})
    return found


def _industry_parser() -> Callable[[object], str | None]:
    """A GB/T 4754-2017 section letter, division code (two digits; longer codes are cut to
    their division), either with the name, or the name alone."""
    rows = list(CodeItem.objects.filter(table__key="industry", region__isnull=True)
                .values_list("code", "name", "parent_code"))
    parent_of = {code: parent for code, _name, parent in rows}
    by_name = {_key(name): code for code, name, _parent in rows}

    def parse(value: object) -> str | None:
        text = parsers.text(value)
        if not text:
            return None
        code = by_name.get(_key(re.sub(r"[(（].*[)）]$", "", text)))
        if code:
            return code
        match = _INDUSTRY_CODE.match(text.upper())
        letter, digits = match.group(1), match.group(2)
        rest = text[match.end():].strip(" -—:：、.")
        if digits:
            division = digits.zfill(2)[:2]
            ok = division in parent_of and (letter is None or parent_of[division] == letter)
            code = division if ok else None
        elif letter in parent_of:
            code = letter
        named = by_name.get(_key(rest)) if rest else None
        if code and (not rest or named == code):
            return code
        raise CellError(_("无法识别行业「%(found)s」，请填国民经济行业分类（GB/T 4754-2017）的"
                          "门类字母、大类代码或名称，如 C、26、化学原料和化学制品制造业")
                        % {"found": text[:30]})

    return parse


def columns() -> list[Column]:
    """The columns offices use, with the names they give them."""
    return [
        Column("name", "单位名称", ("单位全称", "企业名称", "单位", "用人单位", "机构名称"),
               required=True, parse=parsers.text_parser(120)),
        Column("uscc", "统一社会信用代码", ("信用代码", "社会信用代码", "统一信用代码",
                                          "社会统一信用代码", "组织机构代码", "机构代码",
                                          "统一代码"),
               required=True, parse=parsers.uscc),
        Column("short_name", "单位简称", ("简称",), parse=parsers.text_parser(40)),
        Column("type", "单位性质", ("单位类型", "单位类别", "性质"),
               parse=parsers.choice(TYPES)),
        Column("ownership", "所有制", ("所有制性质", "所有制形式", "经济类型", "经济性质"),
               parse=parsers.choice(OWNERSHIPS)),
        Column("industry", "所属行业", ("行业", "行业类别", "行业分类", "行业代码",
                                        "国民经济行业"), parse=_industry_parser()),
        Column("region", "所在地区", ("地区", "所属地区", "区县", "所在区县", "行政区划"),
               parse=parsers.text_parser(60)),
        Column("labels", "标签", ("单位标签", "企业标签", "资质", "企业资质", "认定资质"),
               parse=_labels),
        Column("address", "地址", ("单位地址", "详细地址", "注册地址", "通讯地址", "办公地址"),
               parse=parsers.text_parser(200)),
        Column("contact_name", "联系人", ("联系人姓名",), parse=parsers.person_name_parser(50)),
        Column("contact_phone", "联系电话", ("联系人电话", "联系人手机", "联系方式", "手机",
                                            "手机号码", "电话"), parse=parsers.mobile),
    ]


def employer_import(*, user, path, filename: str, default_region: Region,
                    problem_path: Path | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check every row; if all are good, write them all in one transaction."""
    if not user.has_perm("orgs.add_employer") or not user.has_perm("orgs.change_employer"):
        raise ImportRefused(_("您没有导入用人单位的权限。"))
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
    _check_sheet_duplicates(rows, header_of, result)
    existing = _resolve(user, rows, default_region, header_of, result)
    if result.problems:
        if problem_path is not None:
            write_problem_copy(table, result.problems, problem_path)
            result.problem_file = problem_path
        return result
    with transaction.atomic():
        created, updated = _write(rows, existing, default_region)
        touched = [r["uscc"] for r in rows]
        if Employer.objects.restrict(user, "change").filter(uscc__in=touched).count() \
                != len(set(touched)):
            raise OutOfScope()
        result.created, result.updated = len(created), len(updated)
        audit_log(actor=user, action=AuditAction.CREATE, object_type="orgs.Employer",
                  object_repr=_("批量导入：%(file)s") % {"file": filename[:100]},
                  region_id=default_region.pk,
                  extra={"file": filename[:200], "rows": result.rows,
                         "created": created[:2000], "updated": updated[:2000]})
    if progress:
        progress(result.rows, result.rows)
    return result


def _check_sheet_duplicates(rows: list[dict], header_of: dict, result: ImportResult) -> None:
    seen: dict[str, int] = {}
    for values in rows:
        code = values.get("uscc")
        if not code:
            continue
        if code in seen:
            result.problems.append(Problem(values["_row"], header_of["uscc"],
                                           _("与第 %(n)d 行的统一社会信用代码重复。") % {
                                               "n": seen[code]}))
        else:
            seen[code] = values["_row"]


def _region_lookup(user, default_region: Region) -> Callable[[str], list[Region]]:
    """Regions in the user's scope by code, name or full name (大庆市萨尔图区, with or without
    the province); a name is looked for under the default region first."""
    scope = list(Region.objects.restrict(user, "view").filter(is_active=True))
    ancestor_codes = {c for r in scope for c in r.path.strip("/").split("/")}
    names = dict(Region.objects.filter(code__in=ancestor_codes).values_list("code", "name"))
    index: dict[str, list[Region]] = {}
    for region in scope:
        chain = [names.get(c, "") for c in region.path.strip("/").split("/") if c]
        keys = {region.code, region.name, "".join(chain), "".join(chain[1:])}
        for key in filter(None, keys):
            index.setdefault(key, []).append(region)

    def find(text: str) -> list[Region]:
        found = index.get(text.replace(" ", ""), [])
        if len(found) > 1:
            near = [r for r in found if r.path.startswith(default_region.path)]
            return near or found
        return found

    return find


def _resolve(user, rows: list[dict], default_region: Region, header_of: dict,
             result: ImportResult) -> dict[str, Employer]:
    """Regions in scope, a type for every new employer, and the registered employers the
    sheet names (which the user must be allowed to change)."""
    if not Region.objects.restrict(user, "view").filter(pk=default_region.pk).exists():
        raise ImportRefused(_("所选地区不在您的数据范围内。"))
    find_region = _region_lookup(user, default_region)
    for values in rows:
        name = values.get("region")
        if not name:
            continue
        found = find_region(name)
        if not found:
            result.problems.append(Problem(values["_row"], header_of["region"],
                                           _("地区「%(name)s」不在您的数据范围内。") % {
                                               "name": name}))
        elif len(found) > 1:
            result.problems.append(Problem(values["_row"], header_of["region"],
                                           _("地区「%(name)s」有重名，请填写区划代码或带上级"
                                             "的全称。") % {"name": name}))
        else:
            values["_region"] = found[0]
    codes = [v["uscc"] for v in rows if v.get("uscc")]
    existing: dict[str, Employer] = {}
    changeable: set[str] = set()
    for start in range(0, len(codes), 900):
        chunk = codes[start:start + 900]
        existing.update({e.uscc: e for e in Employer.objects.filter(uscc__in=chunk)})
        changeable |= set(Employer.objects.restrict(user, "change").filter(
            uscc__in=chunk).values_list("uscc", flat=True))
    for values in rows:
        code = values.get("uscc")
        if not code:
            continue
        if code in existing and code not in changeable:
            result.problems.append(Problem(values["_row"], header_of["uscc"],
                                           _("该单位已在其他地区登记，您无权修改。")))
        elif code not in existing and not values.get("type"):
            values["type"] = TYPE_BY_USCC_PREFIX.get(code[:2])
            if values["type"] is None:
                result.problems.append(Problem(
                    values["_row"], header_of.get("type"),
                    _("请填写单位性质（无法从信用代码判断）。")))
    return existing


UPDATABLE = ("name", "short_name", "type", "ownership", "industry", "labels", "address",
             "contact_name")


def _plain(values: dict) -> dict:
    """The row's values as they go on an employer: sentinels resolved, blanks dropped."""
    out = {key: values[key] for key in UPDATABLE if values.get(key) not in (None, "", [])}
    if out.get("ownership") == NOT_APPLICABLE:
        out["ownership"] = ""
    if values.get("_region") is not None:
        out["region"] = values["_region"]
    return out


def _write(rows: list[dict], existing: dict[str, Employer],
           default_region: Region) -> tuple[list[str], list[str]]:
    """New employers in one bulk insert; registered ones updated where a cell is not empty
    and differs, so re-importing an unchanged sheet writes nothing."""
    now = timezone.now()
    new, changed = [], []
    for values in rows:
        wanted = _plain(values)
        phone = values.get("contact_phone")
        employer = existing.get(values["uscc"])
        if employer is None:
            region = wanted.pop("region", default_region)
            employer = Employer(uscc=values["uscc"], region=region, **wanted)
            if phone:
                employer.contact_phone = phone
            new.append(employer)
            continue
        dirty = {k: v for k, v in wanted.items() if getattr(employer, k) != v}
        if phone and crypto.blind_index("phone", phone) != employer.contact_phone_bidx:
            dirty["contact_phone"] = phone
        if not dirty:
            continue
        for key, value in dirty.items():
            setattr(employer, key, value)
        if "contact_phone" in dirty:
            employer.contact_phone_bidx = employer.contact_phone.blind_index
        employer.updated_at = now
        changed.append(employer)
    Employer.objects.bulk_create(new, batch_size=500)
    fields = ["updated_at", "contact_phone", "contact_phone_bidx", "region", *UPDATABLE]
    Employer.objects.bulk_update(changed, fields, batch_size=500)
    return [e.uscc for e in new], [e.uscc for e in changed]


TEMPLATE_NOTES = (
    "带 * 的列必填；列的顺序可以调整，列名也可用常见写法（如 信用代码、社会信用代码）。",
    "同一统一社会信用代码再次导入时更新原单位，不会重复登记；空白单元格不会清除已有信息。",
    "单位性质可填：企业、事业单位、高校、科研院所、医院、中小学、社会组织、党政机关、其他；"
    "留空时按信用代码推断（91 企业、12 事业单位、11 党政机关、51/52/53 社会组织）。",
    "所属行业填国民经济行业分类（GB/T 4754-2017）的门类字母、大类代码或名称，如 C、26、"
    "化学原料和化学制品制造业。",
    "所在地区填您数据范围内的区县名称或区划代码；留空时新单位登记在页面上选的地区。",
    "标签可填多个，用顿号、逗号或分号隔开：高新技术企业、专精特新、专精特新小巨人、"
    "科技型中小企业、上市企业、重点企业。",
    "联系电话须为 11 位手机号码；请把信用代码、电话列设为文本格式。",
)


def employer_template(path: Path) -> None:
    """The import template: the columns in the usual order, one example row, and notes."""
    example = {"name": "大庆华鑫石化有限公司", "uscc": "91230602MA1BXXXXXX（18 位）",
               "short_name": "华鑫石化", "type": "企业", "ownership": "民营",
               "industry": "25", "region": "萨尔图区", "labels": "高新技术企业、专精特新",
               "address": "大庆市萨尔图区世纪大道 1 号", "contact_name": "王经理",
               "contact_phone": "13912345678"}
    write_template(path, sheet="用人单位", columns=columns(), example=example,
                   notes=TEMPLATE_NOTES, wide=("name", "uscc", "address"))


def import_start(*, user, upload, region: Region) -> Job:
    """Keep the uploaded sheet (sealed: it holds contact phones) and queue its import."""
    if not user.has_perm("orgs.add_employer") or not user.has_perm("orgs.change_employer"):
        raise ImportRefused(_("您没有导入用人单位的权限。"))
    from wutong.orgs.tasks import employer_import_run

    return import_job_start(user=user, upload=upload, region=region,
                            title=_("导入用人单位"), task=employer_import_run)


def _success(result: ImportResult) -> str:
    return _("导入完成：共 %(rows)d 行，新登记 %(new)d 家单位，更新 %(upd)d 家。") % {
        "rows": result.rows, "new": result.created, "upd": result.updated}


def import_execute(*, job_id: str) -> str:
    """Run a queued import on the starter's behalf and record the outcome on the job."""
    return import_job_execute(job_id=job_id, run=employer_import, success_message=_success)
