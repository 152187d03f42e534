"""The demo shows the 2025 merger: xã Bình Tấn and xã Tân Mỹ became xã Bình Tân Mỹ on 01/07/2025,
applied through the service, and what the issue found broken works from the demo data."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from devtools.demo import merger as demo
from findings.models import RemediationAction, RemediationUpdate
from units.models import Unit, User

TODAY = date(2026, 11, 23)


@pytest.fixture
def loaded(demo_day):
    """The demo, loaded once for this module (devtools/tests/conftest.py), on 23/11/2026."""


def test_the_demo_merger_hands_the_communes_work_to_bình_tân_mỹ_and_its_liaison(loaded, client):
    ward = Unit.objects.get(code=demo.SUCCESSOR_CODE)
    assert ward.valid_from == date(2025, 7, 1)
    assert set(ward.predecessors.values_list("code", flat=True)) == {"DT-TB-BT", "DT-TB-TM"}
    assert set(Unit.objects.filter(code__in=demo.PREDECESSORS).values_list("valid_to", flat=True)) == {
        date(2025, 7, 1)
    }
    # The 5 actions the two communes still owed (4 overdue) are the new commune's, each saying why.
    actions = RemediationAction.objects.filter(unit=ward)
    assert actions.count() == 5 and actions.overdue(TODAY).count() == 4
    assert all(a.updates.filter(text__contains="sáp nhập ngày 01/07/2025").exists() for a in actions)

    client.force_login(User.objects.get(username="binhtanmy"))
    mine = client.get(reverse("findings:my_unit")).context["mine"]
    assert (mine.open_count, mine.overdue_count) == (5, 4)

    client.force_login(User.objects.get(username="truongdoan"))
    found = client.get(reverse("search:search"), {"q": "Bình Tân Mỹ", "kind": "visits"}).context["groups"][0]
    assert {v.unit.code for v in found["page"].object_list} >= {"DT-TB-BT", "DT-TB-TM"}


def test_loading_the_demo_merger_twice_moves_nothing_twice(loaded):
    before = (Unit.objects.count(), RemediationUpdate.objects.count())
    with time_machine.travel(TODAY, tick=False):
        demo.load()
    assert (Unit.objects.count(), RemediationUpdate.objects.count()) == before
