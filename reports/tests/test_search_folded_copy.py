"""The findings' stored folded copies (migration reports.0010: ``text_fold`` and
``recommendation_fold``, PostgreSQL generated columns) that the search compares with: right after
every way of writing a finding, refused when written directly, and the search through them finds
the same findings as folding the text at search time (on SQLite too, where there is no copy)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from core.search import matches_words
from findings.models import Finding, FindingKind
from findings.selectors import findings_visible_to
from findings.tests.factories import FindingFactory
from reports.search.selectors import search_findings, search_recommendations

pytestmark = pytest.mark.django_db

URL = reverse("search:search")

TEXT = "Hồ sơ TRỄ HẠN tại Bộ phận Một cửa; ĐẤT ĐAI"
FOLDED = "ho so tre han tai bo phan mot cua; dat dai"

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the folded copies are PostgreSQL generated columns"
)


def _copies(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text_fold, recommendation_fold FROM findings_finding WHERE id = %s", [pk])
        return cursor.fetchone()


def _all_copies_right() -> None:
    """Every finding's copies equal search_fold() of its text and recommendation."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM findings_finding WHERE text_fold IS DISTINCT FROM search_fold(text)"
            " OR recommendation_fold IS DISTINCT FROM search_fold(recommendation)"
        )
        assert cursor.fetchone() == (0,)


@pytest.fixture
def finding(world, leader):
    return FindingFactory(
        visit=world.binh_tan_2026, created_by=leader, text=TEXT, recommendation="Giải quyết ĐÚNG HẠN"
    )


@pytest.mark.postgres
@needs_postgresql
def test_create_and_save_keep_the_copies(finding):
    assert _copies(finding.pk) == (FOLDED, "giai quyet dung han")
    finding.text = "Chưa công khai địa chỉ tiếp nhận phản ánh"
    finding.save()
    assert _copies(finding.pk)[0] == "chua cong khai dia chi tiep nhan phan anh"
    finding.recommendation = ""
    finding.kind = FindingKind.LIMITATION
    finding.save(update_fields=["recommendation"])
    assert _copies(finding.pk)[1] == ""


@pytest.mark.postgres
@needs_postgresql
def test_bulk_create_update_bulk_update_and_sql_keep_the_copies(world, leader, finding):
    made = Finding.objects.bulk_create(
        [
            Finding(
                visit=world.binh_tan_2026,
                created_by=leader,
                kind=FindingKind.STRENGTH,
                text="Đổi mới Ứng dụng",
            ),
            Finding(visit=world.binh_tan_2026, created_by=leader, kind=FindingKind.LIMITATION, text=TEXT),
        ]
    )
    assert [_copies(f.pk)[0] for f in made] == ["doi moi ung dung", FOLDED]
    Finding.objects.filter(pk=finding.pk).update(text="Thiếu SỔ theo dõi", recommendation="Lập sổ")
    assert _copies(finding.pk) == ("thieu so theo doi", "lap so")
    made[0].text = "Điểm sáng"
    Finding.objects.bulk_update([made[0]], ["text"])
    assert _copies(made[0].pk)[0] == "diem sang"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE findings_finding SET text = %s WHERE id = %s", ["Ý KIẾN người dân", made[1].pk]
        )
    assert _copies(made[1].pk)[0] == "y kien nguoi dan"
    _all_copies_right()


@pytest.mark.postgres
@needs_postgresql
def test_a_copy_cannot_be_written_directly(finding):
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE findings_finding SET text_fold = 'x' WHERE id = %s", [finding.pk])
    assert _copies(finding.pk)[0] == FOLDED


@pytest.mark.postgres
@needs_postgresql
def test_the_admin_cannot_change_a_finding(client, admin_user, finding):
    """The admin shows findings read-only (changes go through the pages, which keep the copy as any
    ORM save does): a change posted there is refused and the copy stays the text's."""
    client.force_login(admin_user)
    url = reverse("admin:findings_finding_change", args=[finding.pk])
    response = client.post(url, {"text": "Đã sửa", "kind": FindingKind.LIMITATION})
    assert response.status_code == 403
    assert _copies(finding.pk)[0] == FOLDED


@pytest.mark.postgres
@needs_postgresql
def test_on_postgresql_the_search_compares_with_the_copies_and_folds_nothing(head, world):
    sql = str(search_findings(user=head, query="ho so tre han", visit_ids=[1, 2]).query)
    assert '"findings_finding"."text_fold" LIKE' in sql
    assert "search_fold(" not in sql and "unaccent(" not in sql
    sql = str(search_recommendations(user=head, query="mot cua", visit_ids=[1]).query)
    assert '"findings_finding"."recommendation_fold" LIKE' in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'findings_finding' AND indexname LIKE '%%trgm'"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "findings_finding_recommendation_folded_trgm",
            "findings_finding_text_folded_trgm",
        ]


def test_a_finding_changed_by_update_is_found_by_its_new_words_through_the_view(client, head, finding):
    """Through the page, as the department head: .update() (no save(), no signal) leaves nothing
    stale, on PostgreSQL (the generated column) as on SQLite (folded when searching)."""
    client.force_login(head)

    def found(q):
        response = client.get(URL, {"q": q, "kind": "findings"})
        assert response.status_code == 200
        return finding.pk in {_pk(row) for row in response.context["groups"][0]["page"]}

    assert found("tre han dat dai")
    Finding.objects.filter(pk=finding.pk).update(text="Chưa lập sổ theo dõi ý kiến")
    assert not found("tre han dat dai")
    assert found("so theo doi y kien")


@pytest.mark.parametrize(
    "query", ["mot cua", "ho so tre han", "Hồ sơ", "tre", "ISO 9001", "dat dai ho", "ke hoach cchc", "x"]
)
def test_the_search_through_the_copies_finds_what_folding_the_text_finds(
    head, liaison, world, finding, query
):
    """The same findings, for the head and for a liaison, as the plain reading: the text folded
    when searching (core.search.matches_words)."""
    for user in (head, liaison):
        visible = findings_visible_to(user)
        expected = set(visible.filter(matches_words(query, "text")).values_list("pk", flat=True))
        assert {f.pk for f in search_findings(user=user, query=query)} == expected
        expected = set(
            visible.filter(kind=FindingKind.LIMITATION)
            .exclude(recommendation="")
            .filter(matches_words(query, "recommendation"))
            .values_list("pk", flat=True)
        )
        assert {f.pk for f in search_recommendations(user=user, query=query)} == expected


def _pk(row) -> int:
    return row["id"] if isinstance(row, dict) else row.pk
