"""The follow-up report of a unit that succeeded others in the 2025 merger."""

from datetime import date

import pytest

from findings.models import ActionState, RemediationAction
from findings.services.merger import unit_merge
from reports.documents import loaders
from units.models import UnitKind
from units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_the_successors_follow_up_includes_its_predecessors_remediation_under_their_inspector(
    binh_tan_visit, commune, other_commune, province, administrator
):
    ward = UnitFactory(name="Xã Bình Tấn mới", kind=UnitKind.COMMUNE, parent=province)
    verified = RemediationAction.objects.order_by("due_date").first()
    RemediationAction.objects.filter(pk=verified.pk).update(state=ActionState.VERIFIED)
    unit_merge(
        predecessors=[commune, other_commune], successor=ward, on=date(2025, 7, 1), actor=administrator
    )

    data = loaders.follow_up_data(unit=ward)

    # The open action was handed over; the verified one stays with its unit and is still reported.
    assert len(data.rows) == 2
    # Each marked as coming from before the reorganisation.
    assert {r.unit_name for r in data.rows} == {
        "Xã Bình Tấn mới (trước sắp xếp: Xã Bình Tấn)",
        "Xã Bình Tấn (trước sắp xếp)",
    }
    # It goes out under the body that inspected the predecessors, never the new ward's own name.
    assert data.letterhead.issuing_body == "Sở Nội vụ"
