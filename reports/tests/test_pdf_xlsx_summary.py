"""PDF text and layout, XLSX cells, and the plan summary's Word file (chart, annex)."""

import datetime as dt
import io
import unicodedata

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.documents import samples
from reports.documents.conclusion import conclusion_pdf
from reports.documents.followup import follow_up_docx, follow_up_pdf, follow_up_xlsx
from reports.documents.summary import summary_docx, summary_xlsx

A4_POINTS = (595, 842)


def pdf_pages(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


@pytest.fixture(scope="module")
def notice_pdf():
    return conclusion_pdf(samples.conclusion_notice())


def test_the_notice_pdf_is_a4_and_carries_the_vietnamese_text(notice_pdf):
    reader = PdfReader(io.BytesIO(notice_pdf))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4_POINTS
    text = "\n".join(pdf_pages(notice_pdf))
    for expected in [
        "UBND TỈNH ĐỒNG THÁP",
        "SỞ NỘI VỤ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/TB-SNV",
        "Đồng Tháp, ngày 20 tháng 3 năm 2020",
        "THÔNG BÁO",
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "III. KIẾN NGHỊ, YÊU CẦU",
        "Tiếp nhận 2.264 hồ sơ",
        "Nơi nhận:",
        "- Lưu: VT, Phòng CCHC và XDCQ.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Đỗ Thị Thanh Trang",
        "biết, thực hiện./.",
    ]:
        assert expected in text, expected


def test_the_notice_pdf_embeds_a_times_metric_font(notice_pdf):
    reader = PdfReader(io.BytesIO(notice_pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts
    assert all(
        any(name in f for name in ("Tinos", "LiberationSerif", "TimesNewRoman", "Times")) for f in fonts
    ), fonts


def test_pages_after_the_first_are_numbered_at_the_top(notice_pdf):
    # The margin box's text comes last in the extracted text of a page.
    lines = [[line.strip() for line in page.splitlines()] for page in pdf_pages(notice_pdf)]
    assert len(lines) >= 2
    assert "1" not in lines[0]
    assert lines[1][-1] == "2"


def test_a_draft_pdf_says_so_on_every_page():
    pages = pdf_pages(conclusion_pdf(samples.conclusion_notice(findings=30, draft=True)))
    assert len(pages) >= 2
    assert all("DỰ THẢO" in page for page in pages)
    assert "12/TB-SNV" not in pages[0]


def test_an_issued_pdf_has_no_draft_mark():
    assert not any(
        "DỰ THẢO" in page for page in pdf_pages(conclusion_pdf(samples.conclusion_notice(findings=30)))
    )


def test_the_follow_up_pdf_lists_actions_and_marks_the_overdue():
    data = samples.follow_up()
    text = " ".join(" ".join(pdf_pages(follow_up_pdf(data))).split())
    assert "BÁO CÁO" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh Đồng Tháp" in text
    assert "Quá hạn 14 ngày" in text
    assert f"quá thời hạn khắc phục mà chưa hoàn thành: {data.overdue_count}" in text


def test_the_follow_up_docx_shades_overdue_rows():
    data = samples.follow_up()
    doc = Document(io.BytesIO(follow_up_docx(data)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    assert len(table.rows) == len(data.rows) + 1
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    for row, source in zip(table.rows[1:], data.rows, strict=True):
        shaded = row.cells[0]._tc.tcPr.find(qn("w:shd")) is not None
        assert shaded == source.is_overdue


def test_the_follow_up_xlsx_has_real_dates_and_red_overdue_rows():
    data = samples.follow_up()
    book = load_workbook(io.BytesIO(follow_up_xlsx(data)))
    assert book.sheetnames == ["Khắc phục", "Tổng hợp"]
    sheet = book["Khắc phục"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "STT")
    assert [c.value for c in sheet[header_row]] == [
        "STT",
        "Đơn vị thực hiện",
        "Kiến nghị",
        "Thời hạn",
        "Tình trạng",
        "Quá hạn (ngày)",
        "Cập nhật gần nhất",
        "Ngày cập nhật",
    ]
    first = header_row + 1
    assert sheet.cell(first, 2).value == "UBND xã Bình Tấn"
    assert sheet.cell(first, 4).value.date() == dt.date(2020, 4, 20)
    assert sheet.cell(first, 4).number_format == "DD/MM/YYYY"
    assert sheet.cell(first, 6).value == 14
    assert sheet.cell(first, 1).fill.fgColor.rgb.endswith("F8D7DA")
    not_overdue = first + 2  # the third action is reported done
    assert sheet.cell(not_overdue, 6).value is None
    assert sheet.cell(not_overdue, 1).fill.fill_type is None
    assert sheet.freeze_panes == f"A{first}"
    totals = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert totals["Quá hạn chưa hoàn thành"] == data.overdue_count


@pytest.fixture(scope="module")
def summary():
    return samples.plan_summary(visits=12)


def test_the_summary_docx_has_the_chart_and_a_landscape_annex(summary):
    doc = Document(io.BytesIO(summary_docx(summary)))
    assert len(doc.inline_shapes) == 1
    assert doc.inline_shapes[0].width.mm == pytest.approx(150, abs=1)
    portrait, annex = doc.sections
    assert portrait.orientation == WD_ORIENT.PORTRAIT
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    assert annex._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    scores = doc.tables[-1]
    assert len(scores.rows) == 13
    assert [c.text for c in scores.rows[0].cells][:3] == ["STT", "Cơ quan, đơn vị", "Ngày kiểm tra"]
    texts = [p.text for p in doc.paragraphs]
    assert "Phụ lục" in texts
    assert "I. KẾT QUẢ KIỂM TRA" in texts
    assert "(Kèm theo Báo cáo số 45/BC-SNV ngày 15 tháng 12 năm 2020 của Sở Nội vụ)" in texts


def test_the_summary_xlsx_has_scores_and_a_native_chart(summary):
    book = load_workbook(io.BytesIO(summary_xlsx(summary)))
    assert book.sheetnames == ["Điểm theo đơn vị", "Lĩnh vực", "Số liệu", "Ưu điểm - hạn chế", "Khắc phục"]
    scores = book["Điểm theo đơn vị"]
    header = next(r for r in range(1, 10) if scores.cell(r, 1).value == "STT")
    assert scores.cell(header, 4).value == "LV 1"
    row = summary.visits[0]
    assert scores.cell(header + 1, 2).value == row.unit_name
    assert scores.cell(header + 1, 4).value == float(row.scores[0])
    assert scores.max_row == header + len(summary.visits)
    assert len(book["Lĩnh vực"]._charts) == 1


def test_five_hundred_visits_fit_in_the_summary():
    data = samples.plan_summary(visits=500)
    doc = Document(io.BytesIO(summary_docx(data)))
    assert len(doc.tables[-1].rows) == 501
