"""The optimistic lock: a write goes through only from the version it was built on."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from core.versioning import STALE, check_version, update_versioned
from inspections.models import Visit
from inspections.tests.factories import PlanFactory, VisitFactory


@pytest.fixture
def visit(department, commune):
    return VisitFactory(plan=PlanFactory(issuing_unit=department), unit=commune, place="Hội trường")


def test_a_write_from_the_current_version_goes_through_and_bumps_it(visit):
    update_versioned(visit, visit.version, place="Phòng họp")
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.place, stored.version) == ("Phòng họp", 2)
    assert visit.version == 2


def test_a_write_from_an_old_version_is_refused_and_changes_nothing(visit):
    Visit.objects.filter(pk=visit.pk).update(version=7)
    with pytest.raises(ValidationError) as stale:
        update_versioned(visit, 1, place="Phòng họp")
    assert stale.value.code == "stale"
    assert stale.value.messages == [str(STALE)]
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.place, stored.version) == ("Hội trường", 7)


def test_audited_writes_reach_the_audit_log_and_plain_ones_do_not(visit):
    update_versioned(visit, audit=False, place="Phòng họp")
    assert not LogEntry.objects.get_for_object(visit).filter(action=LogEntry.Action.UPDATE).exists()
    update_versioned(visit, place="Phòng tiếp dân")
    entry = LogEntry.objects.get_for_object(visit).get(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict["place"] == ["Phòng họp", "Phòng tiếp dân"]


def test_check_version_compares_only_when_a_version_is_given(visit):
    check_version(visit, None)
    check_version(visit, visit.version)
    with pytest.raises(ValidationError) as stale:
        check_version(visit, visit.version + 1)
    assert stale.value.code == "stale"
