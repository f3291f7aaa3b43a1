"""The work ledger (工作纪实台账) of leaders' contact duty: for a leader, a member unit or the
whole place, for a period (the year by default), as xlsx and as a printable PDF laid out like
the printed ledger (A4 landscape, title, period, the office's name, repeating table headers,
page numbers).

The data is read set-based on the starter's behalf (their scope): one query per part (leaders,
their experts, contacts, the experts of the contacts, the items) grouped in memory by the
leader or contact they belong to. Personal data never enters a ledger: names and employers of
experts only, no ID numbers or phones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from wutong.accounts.models import Unit, UnitKind
from wutong.core.errors import NotFound, ValidationFailed
from wutong.core.models import Region
from wutong.liaison import selectors
from wutong.liaison.models import (
    Assignment,
    Contact,
    ContactForm,
    Item,
    ItemKind,
    ItemStatus,
    LeaderBody,
)

TITLE = "领导干部联系服务专家工作纪实台账"


@dataclass(frozen=True)
class LedgerSpec:
    """What a ledger covers: a place (region subtree), optionally one leader or one unit's
    heads, and a period."""

    region: Region
    start: dt.date
    end: dt.date
    leader_id: int | None = None
    unit_id: int | None = None
    subject: str = ""
    office_name: str = ""

    def as_params(self) -> dict:
        return {"region": self.region.code, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "leader": self.leader_id or "",
                "unit": self.unit_id or ""}


def _date(value, default: dt.date) -> dt.date:
    if not value:
        return default
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValidationFailed(_("日期格式不正确。")) from exc


def office_name(region: Region) -> str:
    office = Unit.objects.filter(region=region, kind=UnitKind.TALENT_OFFICE).first()
    return office.name if office else f"{region.name}人才工作领导小组办公室"


def ledger_spec(*, user, params: dict) -> LedgerSpec:
    """Check what is asked against the user's scope: a leader or unit outside it is
    NotFound; the place defaults to the user's region."""
    from django.utils import timezone

    today = timezone.localdate()
    year = str(params.get("year") or "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        start, end = selectors.year_bounds(int(year))
    else:
        start = _date(params.get("start"), dt.date(today.year, 1, 1))
        end = _date(params.get("end"), dt.date(today.year, 12, 31))
    if end < start:
        raise ValidationFailed(_("结束日期不能早于开始日期。"))
    if (end - start).days > 366 * 5:
        raise ValidationFailed(_("台账期间最长五年。"))
    leader_id = str(params.get("leader") or "")
    unit_id = str(params.get("unit") or "")
    if not leader_id.isdigit() and user.get_data_scope().kind == "unit":
        unit_id = str(user.unit_id)  # a member unit's staff: their unit's heads
    if leader_id.isdigit():
        leader = selectors.leader_get(user=user, pk=int(leader_id))
        return LedgerSpec(region=leader.region, start=start, end=end, leader_id=leader.pk,
                          subject=f"{leader.name}（{leader.post}）",
                          office_name=office_name(leader.region))
    if unit_id.isdigit():
        unit = Unit.objects.select_related("region").get_restricted(user, "view",
                                                                    pk=int(unit_id))
        return LedgerSpec(region=unit.region, start=start, end=end, unit_id=unit.pk,
                          subject=unit.name, office_name=office_name(unit.region))
    code = str(params.get("region") or "")
    region = Region.objects.filter(code=code[:12]).first() if code else user.region
    if region is None:
        region = Region.objects.filter(
            pk__in=Region.objects.restrict(user, "view").values("pk")).order_by(
            "path").first()
    if region is None or not Region.objects.restrict(user, "view").filter(pk=region.pk).exists():
        raise NotFound()
    return LedgerSpec(region=region, start=start, end=end, subject=region.name,
                      office_name=office_name(region))


@dataclass
class LedgerData:
    spec: LedgerSpec
    figures: dict
    leaders: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    @property
    def period(self) -> str:
        return f"{_cn_date(self.spec.start)}至{_cn_date(self.spec.end)}"

    @property
    def file_stem(self) -> str:
        return f"工作纪实台账-{self.spec.subject}-{self.spec.start:%Y%m%d}-{self.spec.end:%Y%m%d}"


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def ledger_data(*, user, spec: LedgerSpec) -> LedgerData:
    leaders = selectors.leader_list(user=user, filters={"region": spec.region.code,
                                                        "inactive": "1"})
    if spec.leader_id:
        leaders = leaders.filter(pk=spec.leader_id)
    if spec.unit_id:
        leaders = leaders.filter(unit_id=spec.unit_id)
    period = (spec.start, spec.end)
    contacts = Contact.objects.restrict(user, "export").filter(
        leader__in=leaders.values("pk"), on__range=period)
    items = Item.objects.filter(contact__in=contacts.values("pk"))
    figures = selectors.figures(leaders=leaders.values("pk"), start=spec.start, end=spec.end,
                                contacts=contacts, items=items)

    # Per-leader counts: two grouped aggregates merged by leader (not a correlated
    # subquery per leader and figure, which costs a scan of the period's rows each).
    per_leader = defaultdict(dict)
    for row in contacts.order_by().values("leader_id").annotate(n=Count("id")):
        per_leader[row["leader_id"]]["n_contacts"] = row["n"]
    for row in items.order_by().values("contact__leader_id").annotate(
            s=Count("id", filter=Q(kind=ItemKind.SUGGESTION)),
            p=Count("id", filter=Q(kind=ItemKind.PROBLEM)),
            solved=Count("id", filter=Q(kind=ItemKind.PROBLEM, status=ItemStatus.SOLVED))):
        per_leader[row["contact__leader_id"]].update(
            n_suggestions=row["s"], n_problems=row["p"], n_solved=row["solved"])
    zero = {"n_contacts": 0, "n_suggestions": 0, "n_problems": 0, "n_solved": 0}
    rows = [{**r, **zero, **per_leader.get(r["pk"], {})} for r in leaders.order_by(
        "region__code", "sort_order", "id").values("pk", "name", "post", "body", "unit__name",
                                                   "region__name")]
    experts = defaultdict(list)
    for a in (Assignment.objects.filter(leader__in=leaders.values("pk"),
                                        started_on__lte=spec.end)
              .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=spec.start))
              .order_by("leader_id", "started_on", "id")
              .values("leader_id", "talent__name", "talent__employer__name")):
        experts[a["leader_id"]].append(_expert(a["talent__name"], a["talent__employer__name"]))
    bodies = dict(LeaderBody.choices)
    leader_rows = [{**r, "body": str(bodies.get(r["body"], r["body"])),
                    "experts": experts.get(r["pk"], [])} for r in rows]

    met = defaultdict(list)
    through = Contact.experts.through
    for t in (through.objects.filter(contact__in=contacts.values("pk"))
              .order_by("contact_id", "talent_id")
              .values("contact_id", "talent__name", "talent__employer__name")):
        met[t["contact_id"]].append(_expert(t["talent__name"], t["talent__employer__name"]))
    statuses = dict(ItemStatus.choices)
    kinds = dict(ItemKind.choices)
    by_contact = defaultdict(list)
    item_rows = []
    for i in (items.order_by("contact__on", "contact_id", "id")
              .values("pk", "contact_id", "contact__on", "contact__leader__name", "kind",
                      "text", "status", "answer", "case_status", "solved_on")):
        row = {**i, "kind_label": str(kinds.get(i["kind"], i["kind"])),
               "status_label": str(statuses.get(i["status"], i["status"]))}
        by_contact[i["contact_id"]].append(row)
        item_rows.append(row)
    forms = dict(ContactForm.choices)
    contact_rows = [
        {**c, "form": str(forms.get(c["form"], c["form"])), "experts": met.get(c["pk"], []),
         "items": by_contact.get(c["pk"], [])}
        for c in contacts.order_by("leader__region__code", "leader__sort_order", "leader_id",
                                   "on", "id")
        .values("pk", "on", "form", "place", "summary", "leader__name", "leader__post")]
    return LedgerData(spec=spec, figures=figures, leaders=leader_rows, contacts=contact_rows,
                      items=item_rows)


def _expert(name: str, employer: str | None) -> str:
    return f"{name}（{employer}）" if employer else name


def figure_lines(figures: dict) -> list[tuple[str, int]]:
    return [("联系领导（人）", figures["leaders"]),
            ("联系服务专家（人）", figures["experts_covered"]),
            ("联系服务（次）", figures["contacts"]),
            ("征集意见建议（条）", figures["suggestions"]),
            ("反映问题（个）", figures["problems"]),
            ("解决问题（个）", figures["problems_solved"])]


def _item_text(item: dict) -> str:
    text = f"{item['text']}【{item['status_label']}】"
    if item["answer"]:
        text += f"办理情况：{item['answer']}"
    return text


# --- xlsx ------------------------------------------------------------------------------------
def write_ledger_xlsx(path: Path, data: LedgerData) -> None:
    """Three sheets: the summary with the figures and one row per leader, the service log,
    and every suggestion and problem with its status. Text is written as text, never as a
    formula (``strings_to_formulas`` off and ``write_string`` for every text cell)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                         "strings_to_numbers": False,
                                         "strings_to_urls": False})
    title_f = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    head_f = wb.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE",
                            "text_wrap": True, "valign": "vcenter", "align": "center"})
    cell_f = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    num_f = wb.add_format({"border": 1, "valign": "top"})

    def put(ws, row, col, value, fmt=cell_f):
        if isinstance(value, int | float) and not isinstance(value, bool):
            ws.write_number(row, col, value, num_f)
        else:
            ws.write_string(row, col, "" if value is None else str(value), fmt)

    spec = data.spec
    ws = wb.add_worksheet("汇总")
    headers = ["序号", "姓名", "职务", "班子", "成员单位", "联系专家（工作单位）", "联系次数",
               "意见建议", "反映问题", "已解决"]
    ws.merge_range(0, 0, 0, len(headers) - 1, TITLE, title_f)
    ws.write_string(1, 0, f"范围：{spec.subject}")
    ws.write_string(2, 0, f"期间：{data.period}")
    ws.write_string(3, 0, f"填报单位：{spec.office_name}")
    row = 5
    for label, value in figure_lines(data.figures):
        ws.write_string(row, 0, label)
        ws.write_number(row, 1, value)
        row += 1
    row += 1
    for col, h in enumerate(headers):
        ws.write_string(row, col, h, head_f)
    for n, r in enumerate(data.leaders, start=1):
        row += 1
        for col, v in enumerate([n, r["name"], r["post"], r["body"], r["unit__name"] or "",
                                 "、".join(r["experts"]), r["n_contacts"], r["n_suggestions"],
                                 r["n_problems"], r["n_solved"]]):
            put(ws, row, col, v)
    for col, width in enumerate((6, 10, 24, 8, 16, 48, 9, 9, 9, 9)):
        ws.set_column(col, col, width)

    ws = wb.add_worksheet("服务日志")
    headers = ["序号", "联系日期", "联系领导", "职务", "联系方式", "地点", "联系专家",
               "交流内容", "意见建议", "问题及办理情况"]
    for col, h in enumerate(headers):
        ws.write_string(0, col, h, head_f)
    for n, c in enumerate(data.contacts, start=1):
        sug = [i["text"] for i in c["items"] if i["kind"] == ItemKind.SUGGESTION]
        prob = [_item_text(i) for i in c["items"] if i["kind"] == ItemKind.PROBLEM]
        for col, v in enumerate([n, c["on"].isoformat(), c["leader__name"], c["leader__post"],
                                 c["form"], c["place"], "、".join(c["experts"]), c["summary"],
                                 "\n".join(sug), "\n".join(prob)]):
            put(ws, n, col, v)
    for col, width in enumerate((6, 11, 10, 20, 8, 14, 30, 44, 30, 36)):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)

    ws = wb.add_worksheet("意见建议和问题")
    headers = ["序号", "联系日期", "联系领导", "类型", "内容", "状态", "办理情况",
               "服务事项状态", "解决日期"]
    for col, h in enumerate(headers):
        ws.write_string(0, col, h, head_f)
    for n, i in enumerate(data.items, start=1):
        for col, v in enumerate([n, i["contact__on"].isoformat(), i["contact__leader__name"],
                                 i["kind_label"], i["text"], i["status_label"], i["answer"],
                                 i["case_status"],
                                 i["solved_on"].isoformat() if i["solved_on"] else ""]):
            put(ws, n, col, v)
    for col, width in enumerate((6, 11, 10, 9, 50, 12, 36, 12, 11)):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    wb.close()


# --- PDF -------------------------------------------------------------------------------------
FONT = "STSong-Light"
ROWS_PER_TABLE = 30  # short tables split at most once: long ones make ReportLab quadratic


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _numbered_canvas(office: str, subject: str):
    """A canvas that writes "第 n 页 共 m 页" and the running head once every page is known."""
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.setFont(FONT, 8)
            self.setFillGray(0.35)
            self.drawString(36, height - 24, f"{TITLE}（{subject}）")
            self.drawRightString(width - 36, height - 24, office)
            self.drawCentredString(width / 2, 18, f"第 {self._pageNumber} 页  共 {total} 页")

    return NumberedCanvas


# STSong-Light (UniGB-UCS2-H) maps the Basic Multilingual Plane only: a name character of the
# CJK extensions beyond it (𠀀…) would print as two wrong characters, so it prints as □ (the
# xlsx keeps it). The Latin middle dot and no-break space have no glyph: the CJK middle dot
# (买买提・艾力) and a space stand in.
_PDF_CHARS = str.maketrans({"\u00b7": "\u30fb", "\u2022": "\u30fb", "\u2027": "\u30fb",
                            "\u00a0": " "})
_BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")


_NO_LINE_START = frozenset("，。、；：？！）》」』】〉”’…—%,.;:?!)]}")


def pdf_safe(text: str) -> str:
    return _BEYOND_BMP.sub("\u25a1", str(text).translate(_PDF_CHARS))


def _wrap(text: str, width: float, size: float, cache: dict) -> str:
    """Greedy line breaking by character widths (cached per character): lines joined with
    newlines, which a ReportLab table cell draws one under the other."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines = []
    for para in text.split("\n"):
        line, used = [], 0.0
        for ch in para:
            w = cache.get(ch)
            if w is None:
                w = cache[ch] = stringWidth(ch, FONT, size)
            # 禁则: closing punctuation never starts a line (it may run into the padding)
            if line and used + w > width and ch not in _NO_LINE_START:
                lines.append("".join(line))
                line, used = [], 0.0
            line.append(ch)
            used += w
        lines.append("".join(line))
    return "\n".join(lines)


def write_ledger_pdf(path: Path, data: LedgerData) -> None:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    _register_font()
    from dataclasses import replace

    spec = replace(data.spec, subject=pdf_safe(data.spec.subject),
                   office_name=pdf_safe(data.spec.office_name))
    base = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10.5, wordWrap="CJK")
    head = ParagraphStyle("head", parent=base, alignment=TA_CENTER)
    title = ParagraphStyle("title", fontName=FONT, fontSize=20, leading=28, alignment=TA_CENTER)
    sub = ParagraphStyle("sub", fontName=FONT, fontSize=10.5, leading=16, alignment=TA_CENTER)
    h2 = ParagraphStyle("h2", fontName=FONT, fontSize=12, leading=18, spaceBefore=8,
                        spaceAfter=4)
    grid = TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8, 10.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ])

    cell_width = {}

    def p(text, width: float) -> str:
        """The text broken into lines that fit ``width`` (Chinese breaks between any two
        characters): plain strings draw far faster than Paragraphs in big tables."""
        return _wrap(pdf_safe("" if text is None else text), width - 6, 8, cell_width)

    def tables(header: list[str], rows: list[list], widths: list[float],
               numeric=()) -> list:
        out = []
        head_row = [Paragraph(h, head) for h in header]
        if not rows:
            rows = [["—"] + [""] * (len(header) - 1)]
        style = TableStyle([*grid.getCommands(),
                            *(("ALIGN", (c, 1), (c, -1), "CENTER") for c in numeric)])
        for i in range(0, len(rows), ROWS_PER_TABLE):
            t = Table([head_row, *rows[i:i + ROWS_PER_TABLE]], colWidths=widths, repeatRows=1)
            t.setStyle(style)
            out.append(t)
        return out

    page = landscape(A4)
    doc = SimpleDocTemplate(str(path), pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=14 * mm, bottomMargin=12 * mm, title=TITLE,
                            author=spec.office_name, subject=spec.subject)
    usable = page[0] - 24 * mm
    story = [Paragraph(TITLE, title),
             Paragraph(escape(f"（{spec.subject}）"), sub),
             Paragraph(escape(f"期间：{data.period}　｜　填报单位：{spec.office_name}"), sub),
             Spacer(1, 6)]
    lines = figure_lines(data.figures)
    figs = Table([[label for label, _v in lines], [str(v) for _l, v in lines]],
                 colWidths=[usable / len(lines)] * len(lines))
    figs.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9), ("FONT", (0, 1), (-1, 1), FONT, 14),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("TOPPADDING", (0, 1), (-1, 1), 6), ("BOTTOMPADDING", (0, 1), (-1, 1), 6)]))
    story += [figs, Paragraph("一、联系服务情况汇总", h2)]
    w = usable / 100
    cols = [w * x for x in (5, 8, 16, 6, 12, 29, 6, 6, 6, 6)]
    leader_rows = [[str(n), p(r["name"], cols[1]), p(r["post"], cols[2]), r["body"],
                    p(r["unit__name"] or "", cols[4]), p("、".join(r["experts"]), cols[5]),
                    str(r["n_contacts"]), str(r["n_suggestions"]), str(r["n_problems"]),
                    str(r["n_solved"])]
                   for n, r in enumerate(data.leaders, start=1)]
    story += tables(["序号", "姓名", "职务", "班子", "成员单位", "联系专家（工作单位）",
                     "联系次数", "意见建议", "反映问题", "已解决"], leader_rows, cols,
                    numeric=(0, 6, 7, 8, 9))
    story.append(Paragraph("二、服务日志", h2))
    cols = [w * x for x in (5, 8, 8, 7, 16, 22, 16, 18)]
    contact_rows = []
    for n, c in enumerate(data.contacts, start=1):
        sug = [i["text"] for i in c["items"] if i["kind"] == ItemKind.SUGGESTION]
        prob = [_item_text(i) for i in c["items"] if i["kind"] == ItemKind.PROBLEM]
        contact_rows.append([
            str(n), c["on"].isoformat(), p(c["leader__name"], cols[2]),
            p(c["form"] + (f"\n{c['place']}" if c["place"] else ""), cols[3]),
            p("、".join(c["experts"]), cols[4]), p(c["summary"], cols[5]),
            p("\n".join(sug), cols[6]), p("\n".join(prob), cols[7])])
    story += tables(["序号", "日期", "联系领导", "方式", "联系专家", "交流内容", "意见建议",
                     "问题及办理情况"], contact_rows, cols, numeric=(0,))
    sign = Table([[f"填报单位（盖章）：{spec.office_name}", "填报人：", "审核人：",
                   "填报日期：        年    月    日"]],
                 colWidths=[usable * x for x in (.4, .18, .18, .24)])
    sign.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10)]))
    story.append(KeepTogether([Spacer(1, 16), sign]))
    doc.build(story, canvasmaker=_numbered_canvas(spec.office_name, spec.subject))
