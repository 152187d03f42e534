"""After the 2025 merger, the successor's page, the search, the visit list and the dashboards
include its predecessors' inspections, each marked as from before the reorganisation."""

from datetime import date

import pytest
from django.urls import reverse

from findings.services.merger import unit_merge
from inspections.models import VisitStatus
from inspections.tests.factories import PlanFactory, VisitFactory, at
from reports.dashboards.selectors.scope import scope_for
from units.models import UnitKind
from units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(province, department, commune, other_commune, administrator):
    """The 2020 visits of Bình Tấn and Tân Mỹ, merged into Bình Tân Mỹ on 01/07/2025."""
    plan = PlanFactory(
        year=2020,
        issuing_unit=department,
        units=[commune, other_commune],
        period_start=date(2020, 3, 1),
        period_end=date(2020, 11, 30),
        title="Kế hoạch kiểm tra CCHC năm 2020",
    )
    visits = [
        VisitFactory(
            plan=plan, unit=unit, starts_at=at(day, 8), ends_at=at(day, 11), status=VisitStatus.CONCLUDED
        )
        for unit, day in [(commune, date(2020, 5, 12)), (other_commune, date(2020, 5, 14))]
    ]
    ward = UnitFactory(name="Xã Bình Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    unit_merge(
        predecessors=[commune, other_commune], successor=ward, on=date(2025, 7, 1), actor=administrator
    )
    return ward, visits


def test_the_successors_page_shows_its_predecessors_inspections_marked_as_such(client, scheduler, merged):
    ward, visits = merged
    client.force_login(scheduler)
    page = client.get(ward.get_absolute_url()).content.decode()
    fragment_url = reverse("search:unit_visits", args=[ward.pk])
    assert f'hx-get="{fragment_url}"' in page

    response = client.get(fragment_url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.context["visits"] == [visits[1], visits[0]]
    text = response.content.decode()
    assert "trước sắp xếp: Xã Bình Tấn" in text and "trước sắp xếp: Xã Tân Mỹ" in text
    # Without JavaScript, the same list is a page of its own.
    assert "<html" in client.get(fragment_url).content.decode()


def test_the_inspections_of_a_unit_are_not_shown_to_someone_who_cannot_see_it(client, outsider, merged):
    ward, _visits = merged
    client.force_login(outsider)
    assert client.get(reverse("search:unit_visits", args=[ward.pk])).status_code == 404


def test_searching_visits_by_the_new_name_finds_the_predecessors_visits(client, scheduler, merged):
    ward, visits = merged
    client.force_login(scheduler)

    response = client.get(reverse("search:search"), {"q": "binh tan my", "kind": "visits"})

    (group,) = response.context["groups"]
    assert set(group["page"].object_list) == set(visits)
    text = response.content.decode()
    assert "trước sắp xếp: Xã Bình Tấn" in text and "Xã Bình Tân Mỹ" in text


def test_filtering_the_visit_list_by_the_new_name_finds_the_predecessors_visits(client, scheduler, merged):
    _ward, visits = merged
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_list"), {"q": "Bình Tân Mỹ"})

    assert set(response.context["page"]) == set(visits)
    # Each row of a predecessor's visit says it is from before the reorganisation.
    assert response.content.decode().count("trước sắp xếp") == len(visits)
    # A name matching neither the successor nor its predecessors finds nothing of theirs.
    assert not list(client.get(reverse("inspections:visit_list"), {"q": "Vô Tranh"}).context["page"])


def test_a_dashboard_narrowed_to_the_successor_counts_its_predecessors_visits(head, merged):
    ward, visits = merged
    scope = scope_for(user=head, unit=ward)
    assert set(scope.visits()) == set(visits)


def test_a_search_reaches_the_predecessors_of_predecessors_in_the_same_query(
    client, scheduler, merged, province, django_assert_max_num_queries
):
    """Bình Tấn itself replaced a commune of 2008: searching the 2025 name finds that commune's
    visits too (every merger back, as units.selectors.predecessor_ids), read within the visits'
    query: no query a generation."""
    from inspections.models import Visit
    from reports.search.selectors import replaced_units
    from units.selectors import predecessor_ids

    ward, visits = merged
    old = UnitFactory(name="Xã Bình Tấn cũ", kind=UnitKind.COMMUNE, parent=province)
    binh_tan = visits[0].unit
    binh_tan.predecessors.add(old)
    older = VisitFactory(
        plan=visits[0].plan, unit=old, starts_at=at(date(2020, 3, 2), 8), ends_at=at(date(2020, 3, 2), 11)
    )
    assert predecessor_ids([ward.pk]) == {binh_tan.pk, visits[1].unit_id, old.pk}
    found = set(Visit.objects.filter(replaced_units(user=scheduler, query="binh tan my")))
    assert found == {*visits, older}
    client.force_login(scheduler)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("search:search"), {"q": "binh tan my", "kind": "visits"})
    (group,) = response.context["groups"]
    assert set(group["page"].object_list) == {*visits, older}
