"""The search's merged readings give what the plain ones give: the visible visits and the
findings' capped counts in one query (counted_with_visible_ids) as finding_visit_ids and
capped_counts, for every role."""

import pytest

from findings.models import ReviewState
from findings.tests.factories import FindingFactory
from reports.search import selectors
from units.tests.factories import UserFactory

from . import factories
from .test_merger_search import merged  # noqa: F401  the fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["mot cua", "ho so tre han", "khong-co-dau", "ho so", "tre"])
def test_the_visible_visits_and_counts_in_one_query_are_the_plain_readings(
    head, liaison, outsider, world, leader, query, monkeypatch
):
    monkeypatch.setattr(selectors, "RESULT_CAP", 3)
    factories.one_stop_limitations(visit=world.binh_tan_2026, creator=leader, count=6)
    nobody = UserFactory(username="nobody")
    for user in (head, liaison, outsider, nobody):
        for fields in (["text", "recommendation"], ["text"], ["recommendation"]):
            ids, counts = selectors.counted_with_visible_ids(user=user, query=query, fields=fields)
            plain_ids = selectors.finding_visit_ids(user=user)
            sources = [
                selectors._capped_count_source(field=field, user=user, query=query, visit_ids=plain_ids)
                for field in fields
            ]
            assert sorted(ids) == sorted(plain_ids), user
            assert counts == dict(zip(fields, selectors.capped_counts(sources), strict=True)), (user, fields)
            assert isinstance(ids, selectors.IdList)
            assert selectors.array_literal(ids) == "{" + ",".join(str(pk) for pk in ids) + "}"


def _many(world, leader, n):
    """``n`` limitations across three visits, half without a criterion, every fourth without a
    recommendation."""
    visits = [world.binh_tan_2026, world.binh_tan_2025, world.tan_my_2026]
    for i in range(n):
        if i % 2:
            factories.limitation(
                visit=visits[i % 3], code="1.2", creator=leader, text=f"Sổ một cửa số {i} ghi chép thiếu."
            )
        else:
            FindingFactory(
                visit=visits[i % 3],
                created_by=leader,
                review_state=ReviewState.APPROVED,
                text=f"Sổ một cửa số {i} ghi chép thiếu.",
                recommendation=f"Bộ phận một cửa bổ sung sổ {i}." if i % 4 else "",
            )


def _shown(finding):
    return (
        finding.pk,
        finding.kind,
        finding.text,
        finding.recommendation,
        finding.visit.starts_at,
        finding.visit.unit.name,
        finding.criterion.code if finding.criterion else None,
    )


@pytest.mark.parametrize("sparse", [1000, 3])
@pytest.mark.parametrize("query", ["mot cua", "so ghi chep", "khong-co-dau"])
def test_the_pages_of_both_kinds_read_together_are_the_plain_pages(
    head, liaison, world, leader, query, sparse, monkeypatch
):
    """FindingPages: the findings' and recommendations' pages in one query hold the rows, in the
    order and with the values, that each kind's own query reads (walked past SPARSE or sorted)."""
    monkeypatch.setattr(selectors, "SPARSE", sparse)
    _many(world, leader, 24)
    for user in (head, liaison):
        ids, counts = selectors.counted_with_visible_ids(
            user=user, query=query, fields=["text", "recommendation"]
        )
        pages = selectors.FindingPages()
        together, alone = [], []
        for field in ("text", "recommendation"):
            for start, stop in ((0, 5), (5, 12)):
                _count, rows = selectors.findings_page_reader(
                    field=field, user=user, query=query, visit_ids=ids, count=counts[field], pages=pages
                )
                together.append(rows(start, stop))
                _count, rows = selectors.findings_page_reader(
                    field=field, user=user, query=query, visit_ids=ids, count=counts[field]
                )
                alone.append(rows(start, stop))
        pages.load()
        assert [[_shown(f) for f in rows] for rows in together] == [
            [_shown(f) for f in rows] for rows in alone
        ]
        if user == head:
            assert any(alone) == (query != "khong-co-dau")


def _successor_queries(client, user, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("search:search"), {"q": query, "kind": "visits"})
    assert response.status_code == 200
    return response, [q for q in queries.captured_queries if "_prefetch_related_val" in q["sql"]]


def test_no_successors_are_read_for_a_page_without_a_dissolved_unit(client, liaison, world):
    """with_successors: no query for the successors when no visit of the page is of a dissolved
    unit (the liaison's own commune, before any merger)."""
    response, queries = _successor_queries(client, liaison, "ke hoach")
    assert response.context["groups"][0]["page"].paginator.count
    assert not queries


def test_the_successors_of_a_dissolved_unit_are_read_in_one_query(client, head, world, merged):  # noqa: F811
    response, queries = _successor_queries(client, head, "binh tan")
    assert len(queries) == 1
    assert "Xã Bình Tân Mỹ" in response.content.decode()
