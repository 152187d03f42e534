"""The guided merger, split or rename of units (findings.views.unit_merger) through the pages,
with the role that keeps the unit tree (the scheduler), and its between-places: a double submit,
a second application, a reload of the preview, the unit form and the admin closing a unit with
work still open, and the liaisons on either side of the merger."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from findings.models import ActionState, RemediationAction, UpdateKind
from findings.tests.factories import ActionFactory, FindingFactory
from inspections.models import VisitStatus
from units.models import Unit, UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("findings:unit_merger")
MERGER = {"kind": "merger", "on": "01/07/2025", "new_name": "Xã Bình Tân Mỹ", "hand_over": "on"}


@pytest.fixture
def five_actions(action, other_action, visit, other_visit, leader):
    """Five actions the two communes still owe, four of them overdue."""
    today = timezone.localdate()
    extra = [
        ActionFactory(finding=FindingFactory(visit=visit, created_by=leader, approved=True)) for _ in range(3)
    ]
    actions = [action, other_action, *extra]
    for i, a in enumerate(actions):
        a.due_date = today - dt.timedelta(days=10 + i) if i < 4 else today + dt.timedelta(days=20)
        a.save(update_fields=["due_date"])
    return actions


def _post(client, data, commune, other_commune, step):
    return client.post(URL, {**data, "predecessors": [commune.pk, other_commune.pk], step: "1"})


def test_the_preview_warns_of_the_visits_in_progress_and_the_open_actions_and_writes_nothing(
    client, scheduler, commune, other_commune, five_actions, visit
):
    client.force_login(scheduler)
    # A third visit, not finished: the warning lists it.
    visit.status = VisitStatus.IN_PROGRESS
    visit.save(update_fields=["status"])
    response = _post(client, MERGER, commune, other_commune, "preview")
    assert response.status_code == 200
    page = response.content.decode()
    assert "merger-warning" in page and "5 hành động" in page.lower() or "5 " in page
    assert "Xã Bình Tân Mỹ" in page
    assert not Unit.objects.filter(name="Xã Bình Tân Mỹ").exists()
    commune.refresh_from_db()
    assert commune.valid_to is None


def test_confirming_merges_the_communes_and_hands_the_actions_to_the_new_one(
    client, scheduler, commune, other_commune, five_actions
):
    client.force_login(scheduler)
    preview = _post(client, MERGER, commune, other_commune, "preview")
    token = preview.context["token"]
    response = client.post(
        URL, {**MERGER, "predecessors": [commune.pk, other_commune.pk], "token": token, "confirm": "1"}
    )
    ward = Unit.objects.get(name="Xã Bình Tân Mỹ")
    assert response.status_code == 302 and response["Location"] == ward.get_absolute_url()
    assert ward.kind == UnitKind.COMMUNE and ward.valid_from == dt.date(2025, 7, 1)
    assert set(ward.predecessors.all()) == {commune, other_commune}
    commune.refresh_from_db()
    assert commune.valid_to == dt.date(2025, 7, 1)
    assert RemediationAction.objects.filter(unit=ward).count() == 5
    moved = RemediationAction.objects.get(pk=five_actions[0].pk)
    assert moved.updates.filter(kind=UpdateKind.PROGRESS, text__contains="Xã Bình Tân Mỹ").exists()
    # The remediation list shows them under the new commune, marked as from before the merger.
    listed = client.get(reverse("findings:action_list")).content.decode()
    assert listed.count("trước sắp xếp") == 5


def test_a_double_submit_of_the_confirmation_applies_the_merger_once(
    client, scheduler, commune, other_commune, five_actions
):
    client.force_login(scheduler)
    token = _post(client, MERGER, commune, other_commune, "preview").context["token"]
    data = {**MERGER, "predecessors": [commune.pk, other_commune.pk], "token": token, "confirm": "1"}
    first = client.post(URL, data)
    second = client.post(URL, data, follow=True)
    assert first.status_code == 302
    assert Unit.objects.filter(name="Xã Bình Tân Mỹ").count() == 1
    ward = Unit.objects.get(name="Xã Bình Tân Mỹ")
    assert second.redirect_chain[-1][0] == ward.get_absolute_url()
    assert "đã được thực hiện" in second.content.decode()
    # Each action moved once: one line in its record, not two.
    assert RemediationAction.objects.get(pk=five_actions[0].pk).updates.count() == 1


def test_a_second_application_of_the_merger_is_refused_next_to_the_predecessors(
    client, scheduler, commune, other_commune, province, administrator
):
    from findings.services.merger import unit_merge

    ward = UnitFactory(name="Xã Bình Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    unit_merge(
        predecessors=[commune, other_commune], successor=ward, on=dt.date(2025, 7, 1), actor=administrator
    )
    client.force_login(scheduler)
    data = {**MERGER, "new_name": "", "successor": ward.pk}
    response = _post(client, data, commune, other_commune, "preview")
    assert response.status_code == 200
    assert "đã được sáp nhập vào Xã Bình Tân Mỹ" in response.content.decode()
    assert "token" not in response.context


def test_a_liaison_cannot_open_the_merger_and_an_outsider_cannot_merge_our_units(
    client, liaison, outsider, commune, other_commune
):
    client.force_login(liaison)
    assert client.get(URL).status_code == 403
    client.force_login(outsider)
    response = _post(client, MERGER, commune, other_commune, "preview")
    # Units of another province are not even offered: the choice is refused, nothing happens.
    assert response.status_code == 200 and response.context["form"].errors.get("predecessors")
    commune.refresh_from_db()
    assert commune.valid_to is None


def test_a_rename_closes_the_unit_and_creates_it_under_its_new_name(client, scheduler, commune):
    client.force_login(scheduler)
    data = {"kind": "rename", "on": "01/07/2025", "new_name": "Phường Bình Tấn", "predecessors": [commune.pk]}
    token = client.post(URL, {**data, "preview": "1"}).context["token"]
    client.post(URL, {**data, "token": token, "confirm": "1"})
    renamed = Unit.objects.get(name="Phường Bình Tấn")
    assert renamed.parent_id == commune.parent_id and list(renamed.predecessors.all()) == [commune]


def test_a_split_records_the_unit_on_every_successor_and_hands_its_actions_to_the_first(
    client, scheduler, commune, district, action
):
    a = UnitFactory(name="Xã A", kind=UnitKind.COMMUNE, parent=district)
    b = UnitFactory(name="Xã B", kind=UnitKind.COMMUNE, parent=district)
    client.force_login(scheduler)
    data = {
        "kind": "split",
        "on": "01/07/2025",
        "successor": a.pk,
        "other_successors": [b.pk],
        "predecessors": [commune.pk],
        "hand_over": "on",
    }
    token = client.post(URL, {**data, "preview": "1"}).context["token"]
    client.post(URL, {**data, "token": token, "confirm": "1"})
    assert list(a.predecessors.all()) == [commune] and list(b.predecessors.all()) == [commune]
    assert RemediationAction.objects.get(pk=action.pk).unit == a


def test_closing_a_unit_in_its_form_with_open_work_warns_and_offers_the_hand_over(
    client, scheduler, commune, action
):
    client.force_login(scheduler)
    edit = reverse("units:edit", args=[commune.pk])
    data = {"name": commune.name, "kind": commune.kind, "parent": commune.parent_id, "valid_to": "01/07/2025"}
    response = client.post(edit, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="closing-warning"' in page and f"{URL}?predecessors={commune.pk}" in page
    commune.refresh_from_db()
    assert commune.valid_to is None
    # The offered hand-over opens the guided merger with the unit and the date filled in.
    guided = client.get(f"{URL}?predecessors={commune.pk}&on=01/07/2025")
    assert guided.status_code == 200
    assert guided.context["form"]["predecessors"].value() == [str(commune.pk)]
    assert 'value="01/07/2025"' in guided.content.decode()
    # Ticked on purpose: it closes, the action stays with it (an administrator can reassign it).
    response = client.post(edit, {**data, "close_anyway": "on"})
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.valid_to == dt.date(2025, 7, 1)
    assert RemediationAction.objects.get(pk=action.pk).unit == commune


def test_closing_a_unit_with_open_work_through_the_admin_is_refused(client, commune, action, db):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    url = reverse("admin:units_unit_change", args=[commune.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "name": commune.name,
        "short_name": "",
        "kind": commune.kind,
        "parent": commune.parent_id,
        "code": "",
        "address": "",
        "email": "",
        "phone": "",
        "head_name": "",
        "head_title": "",
        "valid_from": "",
        "valid_to": "01/07/2025",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Sáp nhập, chia tách" in response.content.decode()
    commune.refresh_from_db()
    assert commune.valid_to is None


def test_the_liaison_of_the_successor_sees_and_reports_on_the_predecessors_actions(
    client, scheduler, commune, other_commune, five_actions, province
):
    from findings.services.merger import unit_merge

    ward = UnitFactory(name="Xã Bình Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    unit_merge(predecessors=[commune, other_commune], successor=ward, on=dt.date(2025, 7, 1), actor=scheduler)
    new_liaison = UserFactory(username="ward_liaison", unit=ward, roles=[Role.LIAISON])
    client.force_login(new_liaison)
    page = client.get(reverse("findings:my_unit"))
    assert page.context["mine"].open_count == 5 and page.context["mine"].overdue_count == 4
    text = page.content.decode()
    assert "trước sắp xếp: Xã Bình Tấn" in text and "trước sắp xếp: Xã Tân Mỹ" in text
    action = five_actions[0]
    response = client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {"progress-text": "Đã giao công chức văn phòng thực hiện.", "progress-version": action.version + 1},
    )
    assert response.status_code == 302
    assert RemediationAction.objects.get(pk=action.pk).state == ActionState.IN_PROGRESS


def test_a_liaison_of_a_predecessor_after_the_merger_is_told_where_the_work_went(
    client, liaison, commune, other_commune, action, province, scheduler
):
    from findings.services.merger import unit_merge

    ward = UnitFactory(name="Xã Bình Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    unit_merge(predecessors=[commune, other_commune], successor=ward, on=dt.date(2025, 7, 1), actor=scheduler)
    client.force_login(liaison)
    page = client.get(reverse("findings:my_unit")).content.decode()
    assert 'id="merged-notice"' in page and "Xã Bình Tân Mỹ" in page
    # The action is no longer theirs to report on.
    response = client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {"progress-text": "Cập nhật.", "progress-version": 2},
    )
    assert response.status_code in {403, 404}
    assert RemediationAction.objects.get(pk=action.pk).state == ActionState.OPEN


def test_an_administrator_reassigns_an_action_a_closed_unit_kept(
    client, administrator, scheduler, commune, action, province
):
    Unit.objects.filter(pk=commune.pk).update(valid_to=dt.date(2025, 7, 1))
    ward = UnitFactory(name="Xã Bình Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    client.force_login(scheduler)
    listing = client.get(reverse("findings:closed_unit_actions"))
    assert action in [a for a, _form in listing.context["rows"]]
    response = client.post(
        reverse("findings:action_reassign", args=[action.pk]),
        {f"a{action.pk}-unit": ward.pk, f"a{action.pk}-reason": "Theo Nghị quyết sắp xếp."},
    )
    assert response.status_code == 302
    moved = RemediationAction.objects.get(pk=action.pk)
    assert moved.unit == ward
    line = moved.updates.get(kind=UpdateKind.PROGRESS)
    assert (
        "Xã Bình Tân Mỹ" in line.text and "Theo Nghị quyết sắp xếp." in line.text and line.actor == scheduler
    )
    # Audited: the change of unit is in the action's log with its author.
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(moved).filter(changes__icontains="unit").first()
    assert entry is not None and entry.actor == scheduler


def test_a_liaison_cannot_reassign_an_action(client, liaison, commune, action, province):
    Unit.objects.filter(pk=commune.pk).update(valid_to=dt.date(2025, 7, 1))
    ward = UnitFactory(name="Xã Bình Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    client.force_login(liaison)
    response = client.post(
        reverse("findings:action_reassign", args=[action.pk]), {f"a{action.pk}-unit": ward.pk}
    )
    assert response.status_code == 403
    assert RemediationAction.objects.get(pk=action.pk).unit == commune


def test_closing_a_unit_with_open_work_through_the_unit_import_is_refused_on_its_line(
    client, scheduler, commune, action
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    commune.code = "DT-TB-BT"
    commune.save(update_fields=["code"])
    text = "\ufeffcode,name,kind,valid_to\r\nDT-TB-BT,Xã Bình Tấn,xã,01/07/2025\r\n"
    client.force_login(scheduler)
    response = client.post(
        reverse("units:import"),
        {"file": SimpleUploadedFile("units.csv", text.encode(), content_type="text/csv")},
    )
    assert response.status_code == 200
    (error,) = response.context["result"].errors
    assert (error.line, error.column) == (2, "valid_to") and "Sáp nhập, chia tách" in error.message
    assert response.context["token"] == ""
    commune.refresh_from_db()
    assert commune.valid_to is None


def test_anonymous_visitors_are_sent_to_log_in_and_wrong_methods_are_refused(client, scheduler, action):
    for url in (URL, reverse("findings:closed_unit_actions")):
        assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(scheduler)
    assert client.post(reverse("findings:closed_unit_actions")).status_code == 405
    assert client.get(reverse("findings:action_reassign", args=[action.pk])).status_code == 405
    assert client.put(URL).status_code == 405
