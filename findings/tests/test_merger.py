"""Units across the 2025 merger: predecessors close, the successor records them, and the
remediation they still owe moves to the successor with its history kept."""

from datetime import date

import pytest

from findings.models import ActionState, RemediationAction, UpdateKind
from findings.services.merger import unit_merge, unit_merger_check
from inspections.models import VisitStatus
from units.models import Unit, UnitKind
from units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

MERGED_ON = date(2025, 7, 1)


def test_merging_two_communes_closes_them_and_hands_their_open_actions_to_the_new_one(
    action, other_action, commune, other_commune, province, administrator
):
    RemediationAction.objects.filter(pk=other_action.pk).update(state=ActionState.VERIFIED)
    ward = UnitFactory(name="Xã Bình Tấn mới", kind=UnitKind.COMMUNE, parent=province)

    check = unit_merge(
        predecessors=[commune, other_commune], successor=ward, on=MERGED_ON, actor=administrator
    )

    assert [a.pk for a in check.actions] == [action.pk]
    commune.refresh_from_db()
    ward.refresh_from_db()
    assert commune.valid_to == MERGED_ON and ward.valid_from == MERGED_ON
    assert set(ward.predecessors.all()) == {commune, other_commune}
    assert commune not in Unit.objects.current(date(2025, 7, 2))
    moved = RemediationAction.objects.get(pk=action.pk)
    assert moved.unit == ward and moved.finding.visit.unit == commune
    line = moved.updates.get(kind=UpdateKind.PROGRESS)
    assert "Xã Bình Tấn mới" in line.text and "01/07/2025" in line.text and line.actor == administrator
    # A verified action is history: it stays with the unit that did it.
    assert RemediationAction.objects.get(pk=other_action.pk).unit == other_commune


def test_the_merger_warns_of_visits_not_finished_and_leaves_them_with_their_unit(
    visit, commune, province, administrator
):
    assert visit.status == VisitStatus.IN_PROGRESS
    check = unit_merger_check(predecessors=[commune])
    assert check.needs_attention and check.visits == [visit]
    ward = UnitFactory(name="Phường mới", kind=UnitKind.COMMUNE, parent=province)
    unit_merge(predecessors=[commune], successor=ward, on=MERGED_ON, actor=administrator, hand_over=False)
    visit.refresh_from_db()
    assert visit.unit == commune


def test_a_new_successor_goes_under_the_province_when_the_district_is_dissolved_the_same_day(
    commune, other_commune, district, province, administrator
):
    from findings.services.merger import ReorganisationKind, unit_reorganise

    Unit.objects.filter(pk=district.pk).update(valid_to=MERGED_ON)
    commune.refresh_from_db()
    ward, _check = unit_reorganise(
        kind=ReorganisationKind.MERGER,
        predecessors=[commune, other_commune],
        on=MERGED_ON,
        actor=administrator,
        new_name="Xã Bình Tân Mỹ",
    )
    assert ward.parent == province and ward.kind == UnitKind.COMMUNE and ward.valid_from == MERGED_ON


def test_applying_the_same_merger_twice_is_refused_and_moves_nothing_twice(
    action, commune, other_commune, province, administrator
):
    from django.core.exceptions import ValidationError

    from findings.services.merger import ReorganisationKind, unit_reorganise

    args = {
        "kind": ReorganisationKind.MERGER,
        "predecessors": [commune, other_commune],
        "on": MERGED_ON,
        "actor": administrator,
        "new_name": "Xã Bình Tân Mỹ",
    }
    unit_reorganise(**args)
    with pytest.raises(ValidationError) as refused:
        unit_reorganise(**args)
    assert refused.value.code == "already_applied"
    assert Unit.objects.filter(name="Xã Bình Tân Mỹ").count() == 1
    assert RemediationAction.objects.get(pk=action.pk).updates.count() == 1
