"""Edits of a unit through its pages leave an audit entry: who, when, old -> new."""

from auditlog.models import LogEntry
from django.urls import reverse

from units.models import Unit, UnitKind

from .test_unit_views import _unit_data


def test_a_unit_edited_on_its_page_leaves_an_audit_entry_with_the_editor_and_old_and_new_name(
    client, scheduler, province, commune
):
    old_name = commune.name
    client.force_login(scheduler)

    response = client.post(
        reverse("units:edit", args=[commune.pk]),
        _unit_data(name="UBND xã Bình Tấn mới", kind=UnitKind.COMMUNE, parent=commune.parent_id),
    )

    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(commune).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == scheduler
    assert entry.changes_dict["name"] == [old_name, "UBND xã Bình Tấn mới"]
    # The derived columns (rewritten by the model) are no news to a reader of the history.
    assert not {"path", "depth", "search_text"} & set(entry.changes_dict)


def test_a_unit_created_on_the_pages_leaves_a_creation_entry(client, scheduler, province):
    client.force_login(scheduler)

    client.post(reverse("units:create"), _unit_data(parent=province.pk, code="29997"))

    unit = Unit.objects.get(code="29997")
    entry = LogEntry.objects.get_for_object(unit).get(action=LogEntry.Action.CREATE)
    assert entry.actor == scheduler and entry.changes_dict["code"][1] == "29997"
