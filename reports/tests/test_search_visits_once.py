"""The visits kind's one array (search_visits on PostgreSQL, words of three letters or more): the
visible visits matching the words or of a unit the named units replaced, the visibility rule
compiled once, give what the plain reading gives (the visible visits filtered by the words OR the
replaced units), for every role."""

import pytest
from django.db.models import Q
from django.urls import reverse

from core.search import matches_words
from inspections.models import Visit
from inspections.selectors import visits_visible_to
from reports.search import selectors
from units.tests.factories import UserFactory

from .test_merger_search import merged  # noqa: F401  the fixture

pytestmark = pytest.mark.django_db

QUERIES = ["binh tan my", "binh tan", "tan", "ke hoach 2020", "hoach", "khong-co-dau", "ke hoach", "binh xa"]


def _plain(user, query):
    """The plain reading: every visible visit, its unit name, plan title and place joined and
    folded, OR of a replaced unit."""
    return set(
        visits_visible_to(user)
        .filter(
            Q(matches_words(query, "unit__name", "plan__title", "place"))
            | selectors.replaced_units(user=user, query=query)
        )
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize("query", QUERIES)
def test_the_visits_kind_gives_the_plain_reading_for_every_role(
    head,
    scheduler,
    liaison,
    outsider,
    world,
    merged,  # noqa: F811
    query,
):
    Visit.objects.filter(pk=world.binh_tan_2026.pk).update(place="Hội trường UBND xã")
    nobody = UserFactory(username="nobody")
    for user in (head, scheduler, liaison, outsider, nobody):
        found = [visit.pk for visit in selectors.search_visits(user=user, query=query)]
        assert len(found) == len(set(found)), (user, query)
        assert set(found) == _plain(user, query), (user, query)
        assert set(found) <= set(visits_visible_to(user).values_list("pk", flat=True))


def test_the_visits_kind_compiles_the_visibility_rule_once_on_postgresql(head, world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the one array is PostgreSQL's")
    sql = str(selectors.search_visits(user=head, query="binh tan").query)
    assert sql.count("inspections_teammember") == 1
    assert "OR unit_id = ANY(ARRAY(WITH RECURSIVE replaced" in sql


def test_the_head_searching_the_new_name_sees_the_predecessors_visits_and_the_outsider_none(
    client,
    head,
    outsider,
    merged,  # noqa: F811
):
    ward, visits = merged
    client.force_login(head)
    response = client.get(reverse("search:search"), {"q": "binh tan my"})
    (group,) = [g for g in response.context["groups"] if g["kind"].key == "visits"]
    assert set(group["page"].object_list) == set(visits)
    assert "Bình Tân Mỹ" in response.content.decode()
    client.force_login(outsider)
    response = client.get(reverse("search:search"), {"q": "binh tan my", "kind": "visits"})
    (group,) = response.context["groups"]
    assert list(group["page"].object_list) == []
