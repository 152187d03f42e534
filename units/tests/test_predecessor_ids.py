"""units.selectors.predecessor_ids: every unit replaced, through each merger back, in one query."""

import pytest

from units.models import UnitKind
from units.selectors import predecessor_ids, unit_with_predecessors_ids
from units.tests.factories import ProvinceFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def generations():
    """A ward of 2025 that replaced two communes of 2020, one of which replaced one of 2008."""
    province = ProvinceFactory()
    ward, a, b, old, other = (UnitFactory(kind=UnitKind.COMMUNE, parent=province) for _ in range(5))
    ward.predecessors.add(a, b)
    a.predecessors.add(old)
    return ward, a, b, old, other


def test_every_generation_is_read_in_one_query(generations, django_assert_num_queries):
    ward, a, b, old, other = generations
    with django_assert_num_queries(1):
        assert predecessor_ids([ward.pk]) == {a.pk, b.pk, old.pk}
    with django_assert_num_queries(1):
        assert unit_with_predecessors_ids(ward) == [ward.pk, *sorted([a.pk, b.pk, old.pk])]
    assert predecessor_ids([a.pk]) == {old.pk}
    assert predecessor_ids([old.pk]) == set()
    assert predecessor_ids([other.pk]) == set()


def test_the_given_units_are_left_out_and_several_are_read_together(generations):
    ward, a, b, old, other = generations
    assert predecessor_ids([ward.pk, a.pk]) == {b.pk, old.pk}
    assert predecessor_ids([a.pk, other.pk, None]) == {old.pk}


def test_no_unit_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert predecessor_ids([]) == set()
        assert predecessor_ids([None]) == set()


def test_a_cycle_of_mergers_ends(generations):
    ward, a, b, old, other = generations
    old.predecessors.add(ward)  # data entered wrong: the query still ends
    assert predecessor_ids([ward.pk]) == {a.pk, b.pk, old.pk}
    assert predecessor_ids([a.pk]) == {old.pk, ward.pk, b.pk}
