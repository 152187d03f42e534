"""Document wording that follows the document: the issuer it names, the words of its time."""

from dataclasses import replace
from datetime import date

from reports.documents import samples
from reports.documents.blocks import follow_up_blocks
from reports.documents.style import issuer_lines
from reports.documents.terms import as_of


def test_the_follow_up_asks_for_reports_to_its_own_issuer():
    data = samples.follow_up()
    assert data.overdue_count
    city = replace(data, letterhead=replace(data.letterhead, issuing_body="Ủy ban nhân dân thành phố Sa Đéc"))

    _before, after = follow_up_blocks(city)

    text = " ".join(b.text for b in after)
    assert (
        "báo cáo kết quả về Ủy ban nhân dân thành phố Sa Đéc; Ủy ban nhân dân thành phố Sa Đéc sẽ tổng hợp"
        in text
    )
    assert "Sở Nội vụ" not in text


def test_the_checklists_words_follow_the_time_the_document_speaks_of():
    title = "Tổ chức, hoạt động của Bộ phận Một cửa (Trung tâm Hành chính công, Trung tâm Phục vụ hành chính công)"
    assert (
        as_of(title, date(2018, 10, 8))
        == "Tổ chức, hoạt động của Bộ phận Một cửa (Trung tâm Hành chính công)"
    )
    assert as_of(title, date(2026, 3, 1)) == title
    assert as_of("Thực hiện dân chủ ở xã, phường, đặc khu", date(2020, 1, 1)) == (
        "Thực hiện dân chủ ở xã, phường, thị trấn"
    )
    assert as_of("Thực hiện dân chủ ở xã, phường, thị trấn", date(2025, 7, 1)) == (
        "Thực hiện dân chủ ở xã, phường, đặc khu"
    )
    assert as_of("UBND cấp huyện (trước 01/07/2025)", date(2018, 1, 1)) == "UBND cấp huyện"
    assert as_of("Kế hoạch CCHC", None) == "Kế hoạch CCHC"


def test_a_peoples_committee_heads_its_documents_on_two_lines():
    assert issuer_lines("Ủy ban nhân dân thành phố Sa Đéc") == "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ SA ĐÉC"
    assert issuer_lines("Sở Nội vụ") == "SỞ NỘI VỤ"
    assert issuer_lines("Đoàn kiểm tra\ncông tác CCHC") == "ĐOÀN KIỂM TRA\nCÔNG TÁC CCHC"
