"""The search's merged readings give what the plain ones give: the visible visits and the
findings' capped counts in one query (counted_with_visible_ids) as finding_visit_ids and
capped_counts, for every role."""

import pytest

from reports.search import selectors
from units.tests.factories import UserFactory

from . import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["mot cua", "ho so tre han", "khong-co-dau", "ho so", "tre"])
def test_the_visible_visits_and_counts_in_one_query_are_the_plain_readings(
    head, liaison, outsider, world, leader, query, monkeypatch
):
    monkeypatch.setattr(selectors, "RESULT_CAP", 3)
    for n in range(6):
        factories.limitation(
            visit=world.binh_tan_2026,
            code="1.2",
            creator=leader,
            text=f"Một cửa: hồ sơ trễ hạn {n}.",
            recommendation=f"Bộ phận một cửa trả hồ sơ {n}.",
        )
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
