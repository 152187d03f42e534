"""python-docx building blocks for documents in the format of Nghị định 30/2020 (see style.py).

Each function appends one part of the document (letterhead, title, heading, body paragraph,
table, signature block) with the decree's font, size and spacing set explicitly on the run or
paragraph, so the file looks the same whatever Normal style the opening program has.
"""

import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .blocks import recipient_lines
from .data import Letterhead, Signer
from .metrics import text_width_mm
from .style import (
    FONT,
    NATIONAL_MOTTO,
    SLOGAN,
    DocumentStyle,
    issuer_lines,
    number_line,
    place_date_line,
    upper,
)

BLACK = RGBColor(0, 0, 0)
# pPr children that must come after w:pBdr (the schema fixes the order; Word refuses others).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


# tblPr children that must come after each element we add (the schema fixes the order).
_TBLPR_AFTER = {
    "w:tblBorders": ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:tblCellMar": ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"),
}


def _table_property(table: Table, tag: str, edges: dict[str, dict[str, str]]) -> None:
    """Add ``<tag>`` (tblBorders or tblCellMar) with one child per edge, in schema order."""
    element = OxmlElement(tag)
    for edge, attributes in edges.items():
        child = OxmlElement(f"w:{edge}")
        for key, value in attributes.items():
            child.set(qn(key), value)
        element.append(child)
    table._tbl.tblPr.insert_element_before(element, *_TBLPR_AFTER[tag])


def _set_fonts(rpr_parent) -> None:
    rfonts = rpr_parent.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(slot), FONT)


def new_document(style: DocumentStyle, *, draft: bool = False) -> Document:
    """An empty A4 document: margins, Times New Roman body, page numbers from page 2."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(style.body_pt)
    normal.font.color.rgb = BLACK
    _set_fonts(normal.element)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(style.paragraph_after_pt)
    fmt.line_spacing = style.line_spacing
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # The default template's other styles (headers, tables) inherit from Normal except the
    # East Asian theme font; set it on the document defaults too.
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    default_fonts = defaults.find(qn("w:rFonts"))
    for key in list(default_fonts.attrib):
        del default_fonts.attrib[key]  # drop the theme fonts (Calibri, Cambria) Word would apply
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        default_fonts.set(qn(slot), FONT)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(style.page_width_mm), Mm(style.page_height_mm)
    section.top_margin, section.bottom_margin = Mm(style.margin_top_mm), Mm(style.margin_bottom_mm)
    section.left_margin, section.right_margin = Mm(style.margin_left_mm), Mm(style.margin_right_mm)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    # Page numbers: centred in the top margin, not on the first page.
    section.different_first_page_header_footer = True
    _page_number(section.header.paragraphs[0], style)
    first = section.first_page_header.paragraphs[0]
    if draft:
        # Marked on every page, not only the first: a page of a draft must not pass for issued.
        first.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run(first, "DỰ THẢO", size=style.number_pt, bold=True)
        later = section.header.add_paragraph()
        later.alignment = WD_ALIGN_PARAGRAPH.LEFT
        later.paragraph_format.space_after = Pt(0)
        run(later, "DỰ THẢO", size=style.number_pt, bold=True)
    return doc


def _page_number(paragraph: Paragraph, style: DocumentStyle) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    r = run(paragraph, "", size=style.page_number_pt)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            r._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            r._r.append(t)


def _run_element(text: str, *, size: float, bold=False, italic=False, underline=False):
    """A ``w:r`` in Times New Roman (every script slot) at ``size`` points, black.

    Built directly in schema order: python-docx's font setters search the run's properties on
    every call, which made a 30-finding notice take a third of a second.
    """
    r = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    r_pr.append(fonts)
    if bold:
        r_pr.append(OxmlElement("w:b"))
    if italic:
        r_pr.append(OxmlElement("w:i"))
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "000000")
    r_pr.append(color)
    half_points = str(round(size * 2))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), half_points)
        r_pr.append(el)
    if underline:
        u = OxmlElement("w:u")
        u.set(qn("w:val"), "single")
        r_pr.append(u)
    r.append(r_pr)
    if text:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
    return r


def run(paragraph: Paragraph, text: str, *, size: float, bold=False, italic=False, underline=False) -> Run:
    """Append a run in Times New Roman at ``size`` points, black, to ``paragraph``."""
    r = _run_element(text, size=size, bold=bold, italic=italic, underline=underline)
    paragraph._p.append(r)
    return Run(r, paragraph)


def _tight(paragraph: Paragraph, *, align=WD_ALIGN_PARAGRAPH.CENTER, after: float = 0) -> Paragraph:
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    fmt.first_line_indent = Cm(0)
    return paragraph


def bottom_rule(paragraph: Paragraph, *, width_mm: float, box_mm: float) -> None:
    """A solid line ``width_mm`` long, centred under ``paragraph`` in a box ``box_mm`` wide.

    Drawn as the paragraph's bottom border with indents that narrow the paragraph to the
    line's length (the decree asks for a drawn line, not underlined text).
    """
    side = max((box_mm - width_mm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.insert_element_before(border, *_AFTER_PBDR)


def _cell_paragraph(cell: _Cell, *, first: bool) -> Paragraph:
    return cell.paragraphs[0] if first else cell.add_paragraph()


def borderless_table(doc_or_cell, widths_mm: Sequence[float], rows: int = 1) -> Table:
    """A table with fixed column widths, no borders and no cell padding (layout only)."""
    table = doc_or_cell.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # also the fixed layout (w:tblLayout)
    edges = ("top", "left", "bottom", "right", "insideH", "insideV")
    _table_property(table, "w:tblBorders", {edge: {"w:val": "nil"} for edge in edges})
    _table_property(
        table, "w:tblCellMar", {edge: {"w:w": "0", "w:type": "dxa"} for edge in ("left", "right")}
    )
    for i, width in enumerate(widths_mm):
        table.columns[i].width = Mm(width)
        for cell in table.columns[i].cells:
            cell.width = Mm(width)
    return table


def letterhead(doc: Document, head: Letterhead, style: DocumentStyle) -> None:
    """Ô số 1-4: bodies and number on the left, motto, slogan and place/date on the right."""
    left_mm, right_mm = style.header_left_mm, style.header_right_mm
    table = borderless_table(doc, [left_mm, right_mm], rows=2)
    left, right = table.cell(0, 0), table.cell(0, 1)

    p = _tight(left.paragraphs[0])
    run(p, upper(head.parent_body), size=style.body_name_pt)
    p = _tight(left.add_paragraph())
    issuing = issuer_lines(head.issuing_body)
    for i, line in enumerate(issuing.splitlines() or [""]):
        if i:
            p.add_run().add_break()
        run(p, line, size=style.body_name_pt, bold=True)
    widest = max(text_width_mm(line, style.body_name_pt, bold=True) for line in issuing.splitlines() or [""])
    rule_paragraph(left.add_paragraph(), width_mm=widest * style.issuer_line_ratio, box_mm=left_mm)

    p = _tight(right.paragraphs[0])
    run(p, NATIONAL_MOTTO, size=style.motto_pt, bold=True)
    p = _tight(right.add_paragraph())
    run(p, SLOGAN, size=style.slogan_pt, bold=True)
    bottom_rule(p, width_mm=text_width_mm(SLOGAN, style.slogan_pt, bold=True) + 0.5, box_mm=right_mm)

    p = _tight(table.cell(1, 0).paragraphs[0])
    p.paragraph_format.space_before = Pt(6)
    run(p, number_line(head.number, head.symbol), size=style.number_pt)
    p = _tight(table.cell(1, 1).paragraphs[0])
    p.paragraph_format.space_before = Pt(6)
    run(p, place_date_line(head.place, head.issued_on, year=head.year), size=style.place_date_pt, italic=True)


def rule_paragraph(paragraph: Paragraph, *, width_mm: float, box_mm: float, after: float = 0) -> Paragraph:
    """Turn an empty ``paragraph`` into a centred solid line ``width_mm`` long.

    Used where the line must be shorter than the text above it (1/3-1/2 of the issuing body
    or of the subject): the text keeps the full width, the line gets its own thin paragraph.
    """
    _tight(paragraph, after=after)
    paragraph.paragraph_format.line_spacing = Pt(3)
    run(paragraph, "", size=2)
    bottom_rule(paragraph, width_mm=width_mm, box_mm=box_mm)
    return paragraph


def title_block(doc: Document, kind: str, subject: str, style: DocumentStyle) -> None:
    """Ô số 5a: the document type in capitals, the subject below it, a short line under both."""
    p = _tight(doc.add_paragraph())
    p.paragraph_format.space_before = Pt(18)
    run(p, upper(kind), size=style.title_pt, bold=True)
    lines = subject.splitlines() or [""]
    p = _tight(doc.add_paragraph())
    for i, line in enumerate(lines):
        r = run(p, line, size=style.title_pt, bold=True)
        if i < len(lines) - 1:
            r.add_break(WD_BREAK.LINE)
    widest = max(text_width_mm(line, style.title_pt, bold=True) for line in lines)
    width = min(widest, style.text_width_mm) * style.subject_line_ratio
    rule_paragraph(doc.add_paragraph(), width_mm=width, box_mm=style.text_width_mm, after=12)


def addressee(doc: Document, text: str, style: DocumentStyle) -> None:
    """Ô số 9a: "Kính gửi: ..." centred under the title."""
    p = _tight(doc.add_paragraph(), after=style.paragraph_after_pt)
    run(p, "Kính gửi: ", size=style.body_pt)
    run(p, text, size=style.body_pt)


def paragraph(
    doc: Document,
    text: str = "",
    style: DocumentStyle | None = None,
    *,
    bold=False,
    italic=False,
    indent=True,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    keep_with_next=False,
    size: float | None = None,
) -> Paragraph:
    """A body paragraph: justified, first line indented, 6 pt after (the Normal style's)."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(style.first_line_indent_cm) if (indent and style) else Cm(0)
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        run(p, text, size=size or style.body_pt, bold=bold, italic=italic)
    return p


def heading(doc: Document, text: str, style: DocumentStyle) -> Paragraph:
    """ "I. KẾT QUẢ ĐẠT ĐƯỢC" or "1. Công tác chỉ đạo...": bold, kept with what follows."""
    return paragraph(doc, text, style, bold=True, keep_with_next=True, size=style.heading_pt)


def rich_paragraph(doc: Document, parts: Iterable[tuple[str, dict]], style: DocumentStyle) -> Paragraph:
    """A body paragraph made of several runs, each (text, {"bold": True, ...})."""
    p = paragraph(doc, "", style)
    for text, fmt in parts:
        run(p, text, size=style.body_pt, **fmt)
    return p


def signature_block(doc: Document, recipients: Sequence[str], signer: Signer, style: DocumentStyle) -> None:
    """Ô số 7 and 9b: "Nơi nhận" on the left, authority, title and name on the right."""
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(0)
    left_mm = style.text_width_mm * 0.45
    table = borderless_table(doc, [left_mm, style.text_width_mm - left_mm])
    left, right = table.cell(0, 0), table.cell(0, 1)
    p = _tight(left.paragraphs[0], align=WD_ALIGN_PARAGRAPH.LEFT)
    run(p, "Nơi nhận:", size=style.recipients_heading_pt, bold=True, italic=True)
    for line in recipient_lines(recipients):
        p = _tight(left.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT)
        run(p, line, size=style.recipients_pt)

    first = True
    for line in (signer.authority_line, signer.title):
        if line:
            p = _tight(_cell_paragraph(right, first=first))
            run(p, upper(line), size=style.signer_pt, bold=True)
            first = False
    p = _tight(_cell_paragraph(right, first=first))
    # Room for the signature and the seal.
    p.paragraph_format.space_before = Pt(84)
    run(p, signer.name, size=style.signer_pt, bold=True)
    _keep_together(spacer, table)


def _keep_together(spacer, table: Table) -> None:
    """The signature block on one page, with the paragraph before it (Word's keep-with-next on
    every paragraph down to the block's last, and a row that cannot split)."""
    spacer.paragraph_format.keep_with_next = True
    for row in table.rows:
        properties = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        properties.append(cant_split)
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
                p.paragraph_format.keep_together = True


def data_table(
    doc: Document,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths_mm: Sequence[float],
    style: DocumentStyle,
    *,
    align: Sequence[str] | None = None,
    highlight: Iterable[bool] | None = None,
    size: float | None = None,
) -> Table:
    """A bordered table with a bold repeated header row, built straight in XML for speed.

    python-docx's cell API re-reads the whole table on every cell access, so a 500-row table
    built with it takes tens of seconds; here each row is made once. ``align`` is one of
    "left", "center", "right" per column; ``highlight`` marks rows printed bold and shaded
    (overdue actions).
    """
    size = size or style.table_pt
    half_points = str(int(size * 2))
    table = doc.add_table(rows=0, cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # also the fixed layout (w:tblLayout)
    tbl = table._tbl
    line = {"w:val": "single", "w:sz": "4", "w:space": "0", "w:color": "000000"}
    _table_property(
        table, "w:tblBorders", {e: line for e in ("top", "left", "bottom", "right", "insideH", "insideV")}
    )
    # 1 mm of padding instead of Word's 1.9 mm: a date in 12 pt fits a 22 mm column.
    _table_property(
        table, "w:tblCellMar", {edge: {"w:w": "57", "w:type": "dxa"} for edge in ("left", "right")}
    )
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(width * 56.6929)))
    align = align or ["left"] * len(header)
    jc = {"left": "left", "center": "center", "right": "right"}
    twips = [str(int(w * 56.6929)) for w in widths_mm]

    def make_row(cells: Sequence[str], *, is_header=False, marked=False):
        tr = OxmlElement("w:tr")
        tr_pr = OxmlElement("w:trPr")
        # A row moves whole to the next page; the header row repeats on every page.
        tr_pr.append(OxmlElement("w:cantSplit"))
        if is_header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        tr.append(tr_pr)
        for i, text in enumerate(cells):
            tc = OxmlElement("w:tc")
            tc_pr = OxmlElement("w:tcPr")
            tc_w = OxmlElement("w:tcW")
            tc_w.set(qn("w:w"), twips[i])
            tc_w.set(qn("w:type"), "dxa")
            tc_pr.append(tc_w)
            if is_header or marked:
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:color"), "auto")
                shd.set(qn("w:fill"), "E7E6E6" if is_header else "F8D7DA")
                tc_pr.append(shd)
            v_align = OxmlElement("w:vAlign")
            v_align.set(qn("w:val"), "center")
            tc_pr.append(v_align)
            tc.append(tc_pr)
            for line in str(text).split("\n"):
                p = OxmlElement("w:p")
                p_pr = OxmlElement("w:pPr")
                spacing = OxmlElement("w:spacing")
                for key, value in (
                    ("w:before", "20"),
                    ("w:after", "20"),
                    ("w:line", "240"),
                    ("w:lineRule", "auto"),
                ):
                    spacing.set(qn(key), value)
                p_pr.append(spacing)
                ind = OxmlElement("w:ind")
                ind.set(qn("w:firstLine"), "0")
                p_pr.append(ind)
                j = OxmlElement("w:jc")
                j.set(qn("w:val"), "center" if is_header else jc[align[i]])
                p_pr.append(j)
                p.append(p_pr)
                r = OxmlElement("w:r")
                r_pr = OxmlElement("w:rPr")
                fonts = OxmlElement("w:rFonts")
                for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                    fonts.set(qn(slot), FONT)
                r_pr.append(fonts)
                if is_header or marked:
                    r_pr.append(OxmlElement("w:b"))
                color = OxmlElement("w:color")
                color.set(qn("w:val"), "000000")
                r_pr.append(color)
                sz = OxmlElement("w:sz")
                sz.set(qn("w:val"), half_points)
                r_pr.append(sz)
                sz_cs = OxmlElement("w:szCs")
                sz_cs.set(qn("w:val"), half_points)
                r_pr.append(sz_cs)
                r.append(r_pr)
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = line
                r.append(t)
                p.append(r)
                tc.append(p)
            tr.append(tc)
        tbl.append(tr)

    make_row(header, is_header=True)
    marks = iter(highlight) if highlight is not None else None
    for cells in rows:
        make_row(cells, marked=bool(next(marks)) if marks is not None else False)
    return table


def landscape_section(doc: Document, style: DocumentStyle):
    """Start a landscape annex (tables too wide for portrait; the decree allows it).

    An annex is paginated on its own: numbering restarts at 1, and its first page shows none.
    """
    from docx.enum.section import WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(style.page_height_mm), Mm(style.page_width_mm)
    section.different_first_page_header_footer = True
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(
        numbering, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
        "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
    )  # fmt: skip
    return section


def to_bytes(doc: Document) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def body_blocks(doc: Document, blocks, style: DocumentStyle) -> None:
    """Render blocks.Block paragraphs: parts and sections bold, items and text justified."""
    for block in blocks:
        if block.kind in ("part", "section"):
            heading(doc, block.text, style)
        elif block.kind == "point":
            paragraph(doc, block.text, style, bold=True, italic=False, keep_with_next=True)
        elif block.kind == "closing":
            # The closing formula goes with the signature: the signature never stands alone.
            paragraph(doc, block.text, style, keep_with_next=True)
        else:
            paragraph(doc, block.text, style)
