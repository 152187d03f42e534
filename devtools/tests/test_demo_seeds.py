"""The demo is faithful to the seeds: the Sa Đéc 2022 story of its own (seed 003), the Bắc Ninh 2018
districts scored on a real checklist (seed 001), and the 2018 summary in the words of 2018."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from findings.models import Conclusion
from inspections.models import Answer, InspectionPlan, Visit, VisitDomainScore, VisitStatus
from reports.documents.conclusion import conclusion_pdf
from reports.documents.loaders import conclusion_notice_data, plan_summary_data
from reports.documents.summary import summary_docx
from reports.models import IssuedDocument, IssuedKind
from units.models import UnitKind, User

# Words of the 2025 reform that a document about 2018 must not print.
WORDS_OF_2025 = [
    "đặc khu",
    "sau sắp xếp",
    "huyện cũ",
    "trước 01/07/2025",
    "(trước đây)",
    "Phục vụ hành chính công",
]


@pytest.fixture
def loaded(demo_day):
    """The demo, loaded once for this module (devtools/tests/conftest.py), on 23/11/2026."""


def _docx_text(content) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_sa_dec_2022_is_a_story_of_its_own_city_plan_ward_visit_and_issued_notice(loaded, client):
    plan = InspectionPlan.objects.get(issuing_unit__code="DT-SD", year=2022)
    assert plan.issuing_unit.kind == UnitKind.DISTRICT and plan.issuing_unit.name == "UBND thành phố Sa Đéc"
    visit = plan.visits.get()
    assert visit.unit.name == "UBND Phường 1" and visit.status == VisitStatus.CONCLUDED
    figures = dict(Answer.objects.filter(visit=visit).values_list("criterion__code", "figures"))
    assert figures == {
        "3.4": {"received": 2264, "on_time": 2114, "late": 150},
        "7.2": {"received": 2264, "online": 1512},
    }
    # No score is invented: the article gives none.
    assert not Answer.objects.filter(visit=visit, score__isnull=False).exists()
    # The seed's figures are on this visit only.
    pasted = Answer.objects.filter(figures__received=2264).exclude(visit=visit)
    assert not pasted.exists()

    notice = IssuedDocument.objects.get(kind=IssuedKind.NOTICE, visit=visit)
    assert (notice.reference, notice.date) == ("1/TB-UBND", date(2022, 7, 4))
    text = _docx_text(notice.docx.open("rb").read())
    assert "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ SA ĐÉC" in text
    assert "Số: 01/TB-UBND" in text and "Sa Đéc, ngày 04 tháng 7 năm 2022" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text and "Nguyễn Văn Hon" in text
    assert "SỞ NỘI VỤ" not in text and "GIÁM ĐỐC" not in text
    assert "Tiếp nhận 2.264 hồ sơ, giải quyết đúng hạn 2.114 (93,4\u00a0%), trễ hạn 150." in text
    assert "Tiếp nhận trực tuyến 1.512 hồ sơ (66,8\u00a0%)." in text
    assert text.count("2.264") == 1
    assert "Ủy ban nhân dân thành phố Sa Đéc thông báo để UBND Phường 1 biết, thực hiện./." in text

    # The city's summary: the visit has no score ("-"), not 0.
    summary = plan_summary_data(plan=plan, today=date(2022, 12, 31))
    assert summary.visits[0].total is None and set(summary.visits[0].scores) == {None}
    # The demo's head of Sở Nội vụ Đồng Tháp reads the notice's page (it is in the province).
    client.force_login(User.objects.get(username="lanhdao"))
    assert client.get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 200


def test_bac_ninh_2018_districts_are_scored_and_the_summary_speaks_2018(loaded):
    plan = InspectionPlan.objects.get(decision_number="563/QĐ-SNV")
    districts = Visit.objects.filter(plan=plan, unit__kind=UnitKind.DISTRICT)
    assert districts.count() == 7
    for visit in districts:
        scores = VisitDomainScore.objects.filter(visit=visit)
        assert scores.count() == 9
        assert sum(s.applicable for s in scores) == 51
        assert all(s.answered == s.applicable > 0 for s in scores)
        assert sum((s.max_points for s in scores), Decimal(0)) == Decimal("94.5")
        assert Conclusion.objects.filter(visit=visit).exists()

    data = plan_summary_data(plan=plan, today=date(2018, 12, 20))
    rows = {r.unit_name: r for r in data.visits}
    for name in ["UBND huyện Quế Võ", "UBND thị xã Từ Sơn", "UBND thành phố Bắc Ninh"]:
        assert rows[name].total is not None and None not in rows[name].scores
        assert rows[name].percent is not None
    text = _docx_text(summary_docx(data))
    assert "UBND huyện Quế Võ" in text
    for word in WORDS_OF_2025:
        assert word.lower() not in text.lower(), word
    # The one-stop shop's limitation common to several units reads in 2018's words.
    assert any("Bộ phận Một cửa" in c.text for c in data.common_limitations)

    # A 2018 notice of a district prints the checklist's titles in 2018's words too.
    quevo = districts.get(unit__code="BN-QV")
    notice = conclusion_notice_data(visit=quevo)
    titles = " ".join(s.title for s in notice.results + notice.limitations)
    for word in WORDS_OF_2025:
        assert word.lower() not in titles.lower(), word
    assert conclusion_pdf(notice)[:4] == b"%PDF"
