"""The month's dispatch sheet (调度表) as xlsx (XlsxWriter, every text cell written as text,
never a formula) and as PDF (reportlab with the STSong-Light CID font, no font file needed)."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.assessment.selectors import is_expected

HEADERS = ("序号", "工作要点", "任务内容", "牵头单位", "配合单位", "目标", "完成时限",
           "累计完成值", "工作进展", "存在问题", "报送时间", "报送情况", "人才办意见")


def _status(report, owed: bool) -> str:
    if report is None:
        return _("未报送") if owed else _("已过完成时限")
    return _("逾期报送") if report.is_late else _("按时报送")


def _flagged(report, owed: bool) -> bool:
    """Marked red on the sheet: owed and missing, or late."""
    return (report is None and owed) or (report is not None and report.is_late)


def _cells(task, report, owed: bool = True) -> list[str]:
    value = "" if report is None or report.value_reached is None else \
        f"{report.value_reached.normalize():f}{task.target_measure}"
    return [str(task.seq), task.point, task.title, task.lead_unit.name,
            "、".join(u.name for u in task.co_units.all()), task.target_display,
            task.deadline.isoformat() if task.deadline else task.deadline_text,
            value, report.done if report else "", report.problems if report else "",
            timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M") if report else "",
            _status(report, owed), report.comment if report else ""]


def title_of(round_) -> str:
    return _("%(plan)s %(month)d月调度表") % {"plan": round_.plan.title, "month": round_.month}


def dispatch_xlsx(round_, rows) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False})
    ws = wb.add_worksheet(_("调度表"))
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = wb.add_format({"bold": True, "bg_color": "#E5F0EB", "border": 1, "text_wrap": True,
                          "valign": "vcenter", "align": "center"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    late = wb.add_format({"border": 1, "text_wrap": True, "valign": "top",
                          "font_color": "#9C0006", "bg_color": "#FFC7CE"})
    widths = (6, 18, 40, 16, 18, 12, 12, 10, 40, 24, 16, 10, 24)
    ws.merge_range(0, 0, 0, len(HEADERS) - 1, title_of(round_), title)
    ws.write_string(1, 0, _("报送截止：%(due)s　　导出时间：%(now)s") % {
        "due": round_.due_on.isoformat(),
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M")})
    for col, (header, width) in enumerate(zip(HEADERS, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(2, col, header, head)
    for row, (task, report) in enumerate(rows, start=3):
        owed = is_expected(task, round_)
        fmt = late if _flagged(report, owed) else cell
        for col, value in enumerate(_cells(task, report, owed)):
            ws.write_string(row, col, value or "", fmt if col == 11 else cell)
    ws.freeze_panes(3, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    wb.close()
    return out.getvalue()


PDF_COLUMNS = (0, 2, 3, 5, 6, 7, 8, 9, 11, 12)  # the columns that fit on A4 landscape


def dispatch_pdf(round_, rows) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=8)
    big = ParagraphStyle("title", fontName=font, fontSize=14, leading=18, alignment=1)

    def p(text, style=body):
        return Paragraph(escape(text or "").replace("\n", "<br/>"), style)

    data = [[p(HEADERS[i], head) for i in PDF_COLUMNS]]
    for task, report in rows:
        cells = _cells(task, report, is_expected(task, round_))
        data.append([p(cells[i]) for i in PDF_COLUMNS])
    widths = [m * mm for m in (9, 52, 26, 18, 18, 16, 52, 30, 15, 30)]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E5F0EB")),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for i, (task, report) in enumerate(rows, start=1):
        if _flagged(report, is_expected(task, round_)):
            style.append(("BACKGROUND", (8, i), (8, i), colors.HexColor("#FFC7CE")))
    table.setStyle(TableStyle(style))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=10 * mm,
                            rightMargin=10 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=title_of(round_))
    note = _("报送截止：%(due)s　　导出时间：%(now)s") % {
        "due": round_.due_on.isoformat(), "now": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    doc.build([p(title_of(round_), big), Spacer(1, 3 * mm), p(note), Spacer(1, 3 * mm), table])
    return out.getvalue()
