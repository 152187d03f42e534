"""Concluding a reviewed visit: numbering, signature, deadlines, actions, e-mail; concurrency."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from findings import services
from findings.models import ActionState, Conclusion, RemediationAction
from inspections.models import VisitStatus
from inspections.tests.factories import VisitFactory, at
from units.tests.factories import UnitFactory

from .factories import FindingFactory

pytestmark = pytest.mark.django_db


def _reviewed(visit):
    visit.status = VisitStatus.REVIEWED
    visit.save(update_fields=["status"])
    return visit


def _conclude_data(visit, **overrides):
    data = {
        "version": visit.version,
        "date": "2027-01-20",
        "symbol": "TB-SNV",
        "authority_line": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer_name": "Đỗ Thị Thanh Trang",
        "due_date": "2027-02-19",
    }
    data.update(overrides)
    return data


def test_leader_concludes_with_the_next_number_and_one_action_per_recommendation(
    client, leader, liaison, visit, mailoutbox, django_capture_on_commit_callbacks
):
    _reviewed(visit)
    iso = FindingFactory(visit=visit, created_by=leader, approved=True)
    records = FindingFactory(visit=visit, created_by=leader, approved=True)
    FindingFactory(visit=visit, created_by=leader, approved=True, strength=True)
    FindingFactory(visit=visit, created_by=leader, approved=True, recommendation="")
    client.force_login(leader)
    page = client.get(reverse("findings:visit_conclude", args=[visit.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["symbol"] == "TB-SNV"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("findings:visit_conclude", args=[visit.pk]),
            _conclude_data(visit, **{f"due_{records.pk}": "2027-04-30"}),
        )
    assert response.status_code == 302
    conclusion = Conclusion.objects.get()
    assert conclusion.reference == "1/TB-SNV"
    assert (conclusion.year, conclusion.signer, conclusion.authority_line) == (2027, leader, "KT. GIÁM ĐỐC")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONCLUDED
    actions = {a.finding_id: a for a in RemediationAction.objects.all()}
    assert set(actions) == {iso.pk, records.pk}
    assert actions[iso.pk].due_date == dt.date(2027, 2, 19)
    assert actions[records.pk].due_date == dt.date(2027, 4, 30)
    assert all(a.unit == visit.unit and a.state == ActionState.OPEN for a in actions.values())
    assert len(mailoutbox) == 1
    assert liaison.email in mailoutbox[0].to
    assert "1/TB-SNV" in mailoutbox[0].subject


def test_numbers_follow_each_other_and_restart_each_year(leader, visit, other_visit, other_inspector, plan):
    for v in (visit, other_visit):
        _reviewed(v)
    first = services.visit_conclude(
        visit=visit, actor=leader, version=None, date=dt.date(2027, 1, 20), signer_name="A", signer_title="B"
    )
    second = services.visit_conclude(
        visit=other_visit,
        actor=other_inspector,
        version=None,
        date=dt.date(2027, 1, 21),
        signer_name="A",
        signer_title="B",
    )
    assert (first.number, second.number) == (1, 2)
    assert first.symbol == second.symbol == "TB-SNV"
    assert services.conclusion_number_next(issuing_unit=plan.issuing_unit, year=2028, symbol="TB-SNV") == 1


def test_a_number_taken_by_hand_is_skipped(leader, visit, plan):
    _reviewed(visit)
    other = VisitFactory(plan=plan, unit=UnitFactory(), status=VisitStatus.CONCLUDED)
    Conclusion.objects.create(
        visit=other,
        issuing_unit=plan.issuing_unit,
        year=2027,
        symbol="TB-SNV",
        number=1,
        date=dt.date(2027, 1, 2),
        signer=leader,
        signer_name="A",
        signer_title="B",
        due_date=dt.date(2027, 2, 2),
        created_by=leader,
    )
    conclusion = services.visit_conclude(
        visit=visit, actor=leader, version=None, date=dt.date(2027, 1, 20), signer_name="A", signer_title="B"
    )
    assert conclusion.number == 2


def test_member_who_is_not_leader_cannot_conclude(client, inspector, visit):
    _reviewed(visit)
    client.force_login(inspector)
    assert client.get(reverse("findings:visit_conclude", args=[visit.pk])).status_code == 403
    assert (
        client.post(reverse("findings:visit_conclude", args=[visit.pk]), _conclude_data(visit)).status_code
        == 403
    )
    assert not Conclusion.objects.exists()


def test_a_visit_not_yet_reviewed_is_not_concluded(client, leader, visit, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(leader)
    response = client.post(reverse("findings:visit_conclude", args=[visit.pk]), _conclude_data(visit))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Only a reviewed visit is concluded; this visit is In progress."
    ]
    assert "Only a reviewed visit is concluded" in response.content.decode()
    assert not Conclusion.objects.exists()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS


def test_deadline_before_the_notice_is_refused(client, leader, visit):
    _reviewed(visit)
    client.force_login(leader)
    response = client.post(
        reverse("findings:visit_conclude", args=[visit.pk]), _conclude_data(visit, due_date="2027-01-01")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"]
    assert not Conclusion.objects.exists()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REVIEWED


def test_default_deadline_comes_from_settings(settings):
    settings.REMEDIATION_DEFAULT_DAYS = 15
    assert services.default_due_date(dt.date(2027, 1, 20)) == dt.date(2027, 2, 4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_conclusions_never_share_a_number(plan, leader, district):
    """Eight leaders conclude eight visits of the same issuer at the same moment."""
    if connection.vendor != "postgresql":
        # The test database of SQLite is in memory with a shared cache, where a second writer
        # fails at once ("table is locked") instead of waiting as on the file in production.
        pytest.skip("needs PostgreSQL: concurrent writers on in-memory SQLite fail instead of waiting")
    visits = []
    for n in range(8):
        unit = UnitFactory(parent=district)
        plan.units.add(unit)
        day = plan.period_start.replace(day=2 + n)
        visits.append(
            VisitFactory(
                plan=plan,
                unit=unit,
                leader=leader,
                status=VisitStatus.REVIEWED,
                starts_at=at(day, 8),
                ends_at=at(day, 11),
            )
        )
    barrier = threading.Barrier(len(visits))
    errors = []

    def conclude(visit):
        try:
            barrier.wait()
            services.visit_conclude(
                visit=visit,
                actor=leader,
                version=None,
                date=dt.date(2027, 3, 1),
                signer_name="A",
                signer_title="B",
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=conclude, args=(v,)) for v in visits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Conclusion.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 9))
