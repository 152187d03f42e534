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
