"""Turning a document's draft into files: Word through python-docx, PDF through LibreOffice.

PDF comes from converting the Word file with LibreOffice headless, so the PDF is the same
document the editor downloads as Word (one rendering, not two). The chart is drawn
server-side by matplotlib with the Noto CJK fonts the README installs.
"""

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .ledgers import render_certificates, render_ledger, render_signin

BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"
FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc")
PDF_TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed; the Word file is still produced."""


def _set_font(run_or_style, name, size=None, bold=None):
    font = run_or_style.font
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    # East Asian text takes the eastAsia font, not the Latin one Word shows in its menu.
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    _set_font(doc.styles["Normal"], BODY_FONT, 12)
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        _set_font(style, HEADING_FONT, {1: 16, 2: 14, 3: 12}[level], True)
        style.font.color.rgb = RGBColor(0, 0, 0)
    _set_font(doc.styles["Title"], HEADING_FONT, 20, True)
    doc.styles["Title"].font.color.rgb = RGBColor(0xC8, 0x10, 0x2E)
    return doc


def add_table(doc, rows, title=""):
    if title:
        doc.add_paragraph(title, style="Heading 3")
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    # Row by row: table.cell(i, j) rescans the whole table on each call (30 s for 200 rows).
    for i, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = str(value)
            if i == 0:
                for run in cell.paragraphs[0].runs:
                    run.font.bold = True
    return table


def trend_chart_png(trends) -> bytes:
    """The monthly trend as a PNG, labelled in Chinese."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    family = None
    for path in FONT_FILES:
        if os.path.exists(path):
            font_manager.fontManager.addfont(path)
            family = font_manager.FontProperties(fname=path).get_name()
            break
    fig, ax = plt.subplots(figsize=(7.2, 3.2), dpi=150)
    try:
        positions = range(len(trends["months"]))
        for series in trends["series"]:
            ax.plot(positions, series["values"], marker="o", linewidth=1.5, label=series["label"])
        ax.set_xticks(list(positions), trends["months"])
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(bottom=0)
        font = {"family": family} if family else {}
        ax.legend(prop=font_manager.FontProperties(family=family) if family else None, fontsize=7, ncol=3, loc="upper left")
        for label in ax.get_xticklabels():
            label.set(**font, fontsize=7)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_pdf(docx_data: bytes) -> bytes:
    """Convert with LibreOffice headless, in a private profile so conversions never share a lock."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise PdfUnavailable(_("PDF needs LibreOffice (apt-get install libreoffice-writer-nogui); the Word file is ready."))
    with tempfile.TemporaryDirectory(prefix="gj-pdf-") as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(docx_data)
        profile = Path(tmp) / "profile"
        subprocess.run(  # noqa: S603  (fixed argv of the LibreOffice binary, no shell)
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
            timeout=PDF_TIMEOUT_SECONDS,
        )
        return (Path(tmp) / "document.pdf").read_bytes()


def render_report(document, progress, drafter=None) -> dict:
    from gongjian.activities.models import ActivityPhoto

    from .figures import Figures
    from .models import GeneratedDocument
    from .periods import Period
    from .report import draft
    from .scope import InsightScope

    figures = Figures(InsightScope(document.organization), Period.parse(document.period_key))
    if not document.content.get("sections"):
        # First run: draft from the records; later runs render what the editor left.
        document.content = {**(drafter or draft)(figures, progress), "language": document.content.get("language", "")}
        document.count_facts()
        GeneratedDocument.objects.filter(pk=document.pk).update(
            content=document.content, facts_from_records=document.facts_from_records, facts_typed=document.facts_typed
        )
    content = document.content
    doc = new_document()
    doc.add_paragraph(content["title"], style="Title")
    subtitle = doc.add_paragraph(content.get("subtitle", ""))
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in content["sections"]:
        doc.add_heading(section["heading"], level=1)
        for block in section["blocks"]:
            kind = block["type"]
            if kind == "p":
                doc.add_paragraph(block["text"])
            elif kind == "list":
                for item in block["items"]:
                    doc.add_paragraph(item, style="List Bullet")
                if block.get("more"):
                    doc.add_paragraph(block["more"])
            elif kind == "table":
                add_table(doc, block["rows"], block.get("title", ""))
            elif kind == "chart":
                doc.add_paragraph(block.get("title", ""), style="Heading 3")
                doc.add_picture(io.BytesIO(trend_chart_png(figures.trends())), width=Cm(15.5))
            elif kind == "photos":
                photos = {p.pk: p for p in ActivityPhoto.objects.filter(pk__in=[p["id"] for p in block["photos"]])}
                for item in block["photos"]:
                    photo = photos.get(item["id"])
                    if photo is None:
                        continue
                    try:
                        with photo.image.open("rb") as handle:
                            doc.add_picture(io.BytesIO(handle.read()), width=Cm(12))
                    except (OSError, ValueError):
                        continue  # a lost or unreadable photo leaves the report without it, not without a report
                    caption = doc.add_paragraph(item["caption"])
                    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = doc.add_paragraph(
        _("Generated by Gongjian from the platform's records: %(records)s facts from records, %(typed)s typed.")
        % {"records": document.facts_from_records, "typed": document.facts_typed}
    )
    footer.runs[0].font.size = Pt(9)
    progress(75)
    data = docx_bytes(doc)
    files = {"docx": (f"{document.title}.docx", ContentFile(data))}
    progress(85)
    try:
        files["pdf"] = (f"{document.title}.pdf", ContentFile(to_pdf(data)))
    except PdfUnavailable:
        pass  # the page says PDF needs LibreOffice; the Word file is what editors use anyway
    return files


def render_publicity(document, progress) -> dict:
    from .publicity import draft_publicity

    return render_report(document, progress, drafter=draft_publicity)


RENDERERS = {
    "report": render_report,
    "publicity": render_publicity,
    "signin": render_signin,
    "certificates": render_certificates,
    "ledger": render_ledger,
}


def render(document, progress=lambda percent: None) -> dict:
    """{"docx"|"pdf"|"archive": (filename, ContentFile)} for the document's kind, in its language."""
    with translation.override(document.content.get("language") or settings.LANGUAGE_CODE):
        return RENDERERS[document.kind](document, progress)
