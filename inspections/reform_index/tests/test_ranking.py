import dataclasses
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports.models import ImmutableRecordError, IssuedDocument, IssuedKind
from units.roles import Role
from units.tests.factories import UserFactory

from ..models import CardStatus, CriterionScore, IndexRound, RoundStatus, Scorecard
from ..publishing import ranking_issue
from ..ranking import ranking_compute, ranking_fill_cells
from .factories import open_round


def _approve_all(index_round, scores: dict):
    """Every scorecard approved with final score ``scores[unit]`` on every criterion."""
    for card in Scorecard.objects.filter(round=index_round).select_related("unit"):
        CriterionScore.objects.filter(scorecard=card).update(
            self_score=scores[card.unit.name], explanation="x"
        )
    Scorecard.objects.filter(round=index_round).update(status=CardStatus.APPROVED)


@pytest.fixture
def approved(index_round, department, commune, other_commune):
    _approve_all(
        index_round,
        {department.name: Decimal("1.5"), commune.name: Decimal("2"), other_commune.name: Decimal("1")},
    )
    return index_round


def test_ranks_are_within_each_unit_kind(approved):
    ranking = ranking_compute(index_round=approved)
    kinds = [g.kind for g in ranking.groups]
    assert kinds == ["department", "commune"]
    communes = ranking.groups[1].rows
    assert [(r.unit_name, r.rank, r.percent) for r in communes] == [
        ("Xã Bình Tấn", 1, "100.00"),
        ("Xã Tân Mỹ", 2, "50.00"),
    ]
    assert communes[0].domains == ["6.00", "6.00"]
    assert ranking.groups[0].rows[0].rank == 1


def test_the_appraised_score_counts_over_the_self_score(approved, commune):
    CriterionScore.objects.filter(scorecard__unit=commune, criterion__code="1.1").update(appraised_score=0)
    row = ranking_compute(index_round=approved).groups[1].rows
    assert row[0].unit_name == "Xã Bình Tấn" and row[0].total == "10.00"


def test_change_from_last_year(approved, administrator, province, commune, other_commune, department):
    last = open_round(
        actor=administrator,
        province=province,
        units=[commune, other_commune],
        year=2025,
        template=approved.template,
    )
    _approve_all(last, {commune.name: Decimal("1"), other_commune.name: Decimal("2")})
    communes = ranking_compute(index_round=approved).groups[1].rows
    binh_tan = next(r for r in communes if r.unit_name == "Xã Bình Tấn")
    assert binh_tan.last_rank == 2 and binh_tan.change == "+50.00"
    assert ranking_compute(index_round=approved).groups[0].rows[0].change is None


def test_publishing_waits_until_every_scorecard_is_approved(client, head, index_round):
    client.force_login(head)
    response = client.post(
        reverse("reform_index:round_publish", args=[index_round.pk]),
        {"version": index_round.version, "signer_title": "GIÁM ĐỐC", "signer_name": "Nguyễn Văn A"},
        follow=True,
    )
    assert "Xã Bình Tấn" in response.content.decode()
    assert IndexRound.objects.get(pk=index_round.pk).status == RoundStatus.OPEN


def test_the_preview_draws_every_unit_row_with_its_change_and_own_unit(
    client, approved, administrator, province, commune, other_commune, head
):
    last = open_round(
        actor=administrator,
        province=province,
        units=[commune, other_commune],
        year=2025,
        template=approved.template,
    )
    _approve_all(last, {commune.name: Decimal("1"), other_commune.name: Decimal("2")})
    ranking = ranking_compute(index_round=approved)
    assert ranking.as_dict() == dataclasses.asdict(ranking)
    head.unit = commune
    head.save()
    client.force_login(head)
    html = client.get(reverse("reform_index:ranking", args=[approved.pk])).content.decode()
    own = html.split('<tr class="ri-own">', 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td><td>Xã Bình Tấn</td>" in own
    assert '<td class="text-end">6,00</td>' in own and "100,00" in own
    assert "+50,00 (năm trước hạng 2)" in own
    assert "<td>2</td><td>Xã Tân Mỹ</td>" in html and html.count('<tr class="ri-own">') == 1


def test_the_head_publishes_and_the_worker_issues_a_frozen_numbered_document(
    client, head, approved, liaison, other_commune, django_capture_on_commit_callbacks
):
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reform_index:round_publish", args=[approved.pk]),
            {
                "version": approved.version,
                "authority_line": "KT. GIÁM ĐỐC",
                "signer_title": "PHÓ GIÁM ĐỐC",
                "signer_name": "Đỗ Thị Thanh Trang",
            },
        )
    approved.refresh_from_db()
    assert approved.status == RoundStatus.PUBLISHED
    doc = approved.issued_document
    assert doc.kind == IssuedKind.INDEX_RANKING and doc.number == 1 and doc.symbol.startswith("BC")
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(doc.docx.read())).tables
        for row in table.rows
        for cell in row.cells
    )
    for name in ("Sở Nội vụ tỉnh Đồng Tháp", "Xã Bình Tấn", "Xã Tân Mỹ"):
        assert name in text
    assert doc.pdf.read().startswith(b"%PDF")
    book = load_workbook(io.BytesIO(approved.ranking_xlsx.read()))
    names = {row[1] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)}
    assert {"Sở Nội vụ tỉnh Đồng Tháp", "Xã Bình Tấn", "Xã Tân Mỹ"} <= names
    # Issued once: the task again does nothing, the document never changes.
    assert ranking_issue(round_id=approved.pk) == doc
    assert IssuedDocument.objects.count() == 1
    with pytest.raises(ImmutableRecordError):
        doc.save()
    # Every unit of the province sees the published ranking, and its downloads.
    other = UserFactory(username="tanmy", unit=other_commune, roles=[Role.LIAISON])
    for user in (liaison, other):
        client.force_login(user)
        page = client.get(reverse("reform_index:ranking", args=[approved.pk]))
        assert page.status_code == 200 and "Xã Tân Mỹ" in page.content.decode()
        for fmt in ("docx", "pdf", "xlsx"):
            assert (
                client.get(reverse("reform_index:ranking_download", args=[approved.pk, fmt])).status_code
                == 200
            )


def test_before_publication_a_unit_sees_no_ranking(client, liaison, outsider, index_round):
    client.force_login(liaison)
    assert client.get(reverse("reform_index:ranking", args=[index_round.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("reform_index:ranking", args=[index_round.pk])).status_code == 404


def test_a_unit_sees_its_own_scorecard_only(client, liaison, index_round, other_commune):
    client.force_login(liaison)
    other = Scorecard.objects.get(round=index_round, unit=other_commune)
    assert client.get(other.get_absolute_url()).status_code == 404


def test_only_the_head_publishes(client, inspector, liaison, approved):
    for user in (inspector,):
        client.force_login(user)
        assert client.post(reverse("reform_index:round_publish", args=[approved.pk]), {}).status_code == 403
    client.force_login(liaison)
    assert client.post(reverse("reform_index:round_publish", args=[approved.pk]), {}).status_code == 404
    assert IndexRound.objects.get(pk=approved.pk).status == RoundStatus.OPEN


def test_a_worker_crash_halfway_leaves_no_number_taken_and_the_retry_issues_once(
    head, approved, monkeypatch, django_capture_on_commit_callbacks
):
    from .. import publishing

    def broken(*args, **kwargs):
        raise RuntimeError("worker killed while printing")

    with monkeypatch.context() as patched:
        patched.setattr(publishing, "ranking_pdf", broken)
        with django_capture_on_commit_callbacks(execute=True):
            publishing.round_publish_request(
                index_round=approved,
                actor=head,
                version=approved.version,
                signer_name="A",
                signer_title="GIÁM ĐỐC",
            )
    approved.refresh_from_db()
    assert approved.status == RoundStatus.PUBLISHING and not IssuedDocument.objects.exists()
    doc = ranking_issue(round_id=approved.pk)  # the outbox sweep's retry
    assert doc.number == 1
    assert ranking_issue(round_id=approved.pk) == doc
    assert IssuedDocument.objects.count() == 1


def test_the_issued_register_shows_the_ranking_document(
    client, head, approved, django_capture_on_commit_callbacks
):
    from .. import publishing

    with django_capture_on_commit_callbacks(execute=True):
        publishing.round_publish_request(
            index_round=approved,
            actor=head,
            version=approved.version,
            signer_name="A",
            signer_title="GIÁM ĐỐC",
        )
    approved.refresh_from_db()
    client.force_login(head)
    response = client.get(reverse("reports:issued_detail", args=[approved.issued_document.pk]))
    assert response.status_code == 200


def test_the_cells_read_for_some_rows_equal_the_full_ranking(
    approved, administrator, province, commune, other_commune
):
    """The preview ranks every card without its points per domain, then reads those of the rows
    it shows: the same rows as the full ranking (the snapshot's)."""
    last = open_round(
        actor=administrator,
        province=province,
        units=[commune, other_commune],
        year=2025,
        template=approved.template,
    )
    _approve_all(last, {commune.name: Decimal("1"), other_commune.name: Decimal("2")})
    CriterionScore.objects.filter(scorecard__unit=commune, criterion__code="1.1").update(
        appraised_score=Decimal("0.5")
    )
    full = ranking_compute(index_round=approved)
    bare = ranking_compute(index_round=approved, cells=False)
    assert all(r.domains == [] for g in bare.groups for r in g.rows)
    shown = [bare.groups[1].rows[1]]
    ranking_fill_cells(approved, bare, shown)
    assert dataclasses.asdict(shown[0]) == dataclasses.asdict(full.groups[1].rows[1])
    ranking_fill_cells(approved, bare, [r for g in bare.groups for r in g.rows])
    assert dataclasses.asdict(bare) == dataclasses.asdict(full)
    assert full.groups[1].rows[0].domains == ["4.50", "6.00"]


def test_the_preview_shows_a_page_of_each_kind_and_the_way_to_the_own_unit(
    client, approved, head, commune, other_commune, monkeypatch
):
    from .. import views

    monkeypatch.setattr(views, "RANKING_PAGE_SIZE", 1)
    head.unit = other_commune  # ranked 2nd of the communes: on their page 2
    head.save()
    client.force_login(head)
    url = reverse("reform_index:ranking", args=[approved.pk])
    html = client.get(url).content.decode()
    section = html.split('id="ranking-commune"', 1)[1]
    assert "<td>1</td><td>Xã Bình Tấn</td>" in section and "Xã Tân Mỹ</td>" not in section
    assert "(2 đơn vị)" in section and "Trang 1/2" in section
    assert "Đơn vị của bạn xếp hạng 2, ở trang 2." in section
    assert 'href="?commune_page=2"' in section
    html = client.get(url, {"commune_page": "2"}).content.decode()
    section = html.split('id="ranking-commune"', 1)[1]
    assert '<tr class="ri-own">\n          <td>2</td><td>Xã Tân Mỹ</td>' in section
    assert "Xã Bình Tấn</td>" not in section and "Đơn vị của bạn" not in section
    assert '<td class="text-end">3,00</td>' in section  # its points per domain, read for the page
    # The department's own table keeps its first page while the communes turn.
    assert (
        "Sở Nội vụ tỉnh Đồng Tháp</td>" in html.split('id="ranking-department"', 1)[1].split("</section>")[0]
    )


def test_the_published_ranking_is_shown_by_pages_too(
    client, approved, head, liaison, monkeypatch, django_capture_on_commit_callbacks
):
    from .. import publishing, views

    with django_capture_on_commit_callbacks(execute=True):
        publishing.round_publish_request(
            index_round=approved,
            actor=head,
            version=approved.version,
            signer_name="A",
            signer_title="GIÁM ĐỐC",
        )
    monkeypatch.setattr(views, "RANKING_PAGE_SIZE", 1)
    client.force_login(liaison)  # Xã Bình Tấn, ranked first
    url = reverse("reform_index:ranking", args=[approved.pk])
    html = client.get(url).content.decode()
    assert (
        '<tr class="ri-own">\n          <td>1</td><td>Xã Bình Tấn</td>' in html
        and "Xã Tân Mỹ</td>" not in html
    )
    assert "Đơn vị của bạn" not in html
    html = client.get(url, {"commune_page": "2"}).content.decode()
    assert "<td>2</td><td>Xã Tân Mỹ</td>" in html
    assert "Đơn vị của bạn xếp hạng 1, ở trang 1." in html
