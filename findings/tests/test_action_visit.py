"""RemediationAction.visit is always its finding's visit, on every path that writes an action.

The remediation lists filter actions by their own visit (findings.selectors.actions_visible_to);
an action whose visit drifted from its finding's would be shown to the wrong people. The model
sets it (save, bulk_create) and PostgreSQL refuses any other (the foreign key
findings_action_visit_of_finding, migration 0008)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from findings import services
from findings.models import Finding, RemediationAction
from findings.services.merger import action_reassign, unit_merge
from inspections.models import VisitStatus
from units.models import UnitKind
from units.tests.factories import UnitFactory

from .factories import ActionFactory, FindingFactory, conclude

pytestmark = pytest.mark.django_db


def _visits_match() -> bool:
    return all(
        visit_id == finding_visit_id
        for visit_id, finding_visit_id in RemediationAction.objects.values_list(
            "visit_id", "finding__visit_id"
        )
    )


def test_concluding_a_visit_gives_each_action_the_visit(leader, visit):
    visit.status = VisitStatus.REVIEWED
    visit.save(update_fields=["status"])
    FindingFactory.create_batch(2, visit=visit, created_by=leader, approved=True)
    services.visit_conclude(
        visit=visit, actor=leader, version=None, date=dt.date(2027, 1, 20), signer_name="A", signer_title="B"
    )
    assert set(RemediationAction.objects.values_list("visit_id", flat=True)) == {visit.pk}
    assert RemediationAction.objects.count() == 2


def test_save_sets_the_visit_from_the_finding_and_follows_a_new_finding(leader, visit, other_visit, action):
    assert action.visit_id == visit.pk
    other = FindingFactory(visit=other_visit, created_by=leader, approved=True)
    # A second save naming the finding (as a form or a script would) carries its visit along.
    action.finding = other
    action.save(update_fields=["finding"])
    action.refresh_from_db()
    assert action.visit_id == other_visit.pk
    # A save given only the finding's id reads the finding's visit.
    action.finding_id = Finding.objects.filter(visit=visit).values_list("pk", flat=True).get()
    action.save()
    action.refresh_from_db()
    assert action.visit_id == visit.pk


def test_a_save_of_other_fields_asks_nothing_of_the_finding(action):
    action = RemediationAction.objects.get(pk=action.pk)
    with CaptureQueriesContext(connection) as queries:
        action.save(update_fields=["state", "updated_at"])
    assert not [q for q in queries.captured_queries if "findings_finding" in q["sql"]]
    assert '"visit_id"' not in queries.captured_queries[-1]["sql"]


def test_bulk_create_sets_each_visit_from_the_finding(leader, visit, other_visit):
    loaded = FindingFactory(visit=visit, created_by=leader, approved=True)
    by_id = FindingFactory(visit=other_visit, created_by=leader, approved=True)
    RemediationAction.objects.bulk_create(
        [
            RemediationAction(finding=loaded, unit=visit.unit, due_date=dt.date(2027, 2, 19)),
            # Only the id (a generator's way), and a wrong visit given by mistake: both corrected.
            RemediationAction(
                finding_id=by_id.pk, visit=visit, unit=other_visit.unit, due_date=dt.date(2027, 2, 19)
            ),
        ]
    )
    assert dict(RemediationAction.objects.values_list("finding_id", "visit_id")) == {
        loaded.pk: visit.pk,
        by_id.pk: other_visit.pk,
    }


def test_the_merger_moves_the_unit_not_the_visit(
    action, other_action, commune, other_commune, province, administrator
):
    ward = UnitFactory(name="Phường mới", kind=UnitKind.COMMUNE, parent=province)
    unit_merge(
        predecessors=[commune, other_commune], successor=ward, on=dt.date(2025, 7, 1), actor=administrator
    )
    moved = RemediationAction.objects.get(pk=action.pk)
    assert moved.unit == ward and moved.visit_id == action.finding.visit_id
    assert _visits_match()


def test_a_reassigned_action_keeps_its_visit(action, commune, province, administrator):
    successor = UnitFactory(name="Xã kế tục", kind=UnitKind.COMMUNE, parent=province)
    commune.valid_to = dt.date(2025, 7, 1)
    commune.save()
    action_reassign(action=action, unit=successor, actor=administrator)
    moved = RemediationAction.objects.get(pk=action.pk)
    assert moved.unit == successor and moved.visit_id == action.visit_id
    assert _visits_match()


@pytest.mark.postgres
def test_postgresql_refuses_an_action_whose_visit_is_not_its_findings(action, other_visit):
    if connection.vendor != "postgresql":
        pytest.skip("the (finding, visit) foreign key is PostgreSQL's (SQLite: the model keeps it)")
    with pytest.raises(IntegrityError), transaction.atomic():
        RemediationAction.objects.filter(pk=action.pk).update(visit=other_visit)
    with pytest.raises(IntegrityError), transaction.atomic():
        # Past the model (raw SQL, as a data migration or a console could write).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE findings_remediationaction SET visit_id = %s WHERE id = %s",
                [other_visit.pk, action.pk],
            )
    action.refresh_from_db()
    assert action.visit_id == action.finding.visit_id


@pytest.mark.postgres
def test_postgresql_carries_a_change_of_the_findings_visit_to_its_action(action, other_visit):
    if connection.vendor != "postgresql":
        pytest.skip("the (finding, visit) foreign key is PostgreSQL's (SQLite: the model keeps it)")
    Finding.objects.filter(pk=action.finding_id).update(visit=other_visit)
    action.refresh_from_db()
    assert action.visit_id == other_visit.pk


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_visit_of_existing_actions(plan, commune, leader, visit):
    finding = FindingFactory(visit=visit, created_by=leader, approved=True)
    conclude(visit, leader)
    action = ActionFactory(finding=finding)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("findings", "0006_stored_file_size_label")])
        old = executor.loader.project_state([("findings", "0006_stored_file_size_label")]).apps
        assert not any(f.name == "visit" for f in old.get_model("findings", "RemediationAction")._meta.fields)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert RemediationAction.objects.get(pk=action.pk).visit_id == visit.pk


def test_the_actions_of_no_visit_are_none(action):
    """The visible visit ids are compiled once (selectors._of_visits); a query Django knows to be
    empty gives no action rather than an error."""
    from findings.selectors import _of_visits
    from inspections.models import Visit

    assert not _of_visits(Visit.objects.none().values("pk")).exists()
    assert list(_of_visits(Visit.objects.filter(pk=action.visit_id).values("pk"))) == [action]
    assert list(_of_visits(Visit.objects.filter(pk=action.visit_id).values("pk"), walked=True)) == [action]
