"""The unit's self-assessment: the liaison scores their unit before the visit; the team sees it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.checklist.selectors import ChecklistLinks
from inspections.models import Answer, VisitStatus

from .answer_factories import AnswerFactory, criteria_of, start


@pytest.fixture
def criteria(visit):
    return criteria_of(visit)


def page_url(visit):
    return reverse("inspections:self_assessment", args=[visit.pk])


def save_url(visit, criterion):
    return reverse("inspections:self_answer_save", args=[visit.pk, criterion.pk])


def test_anonymous_visitor_is_sent_to_login_from_the_self_assessment(client, visit):
    assert client.get(page_url(visit))["Location"].startswith("/accounts/login/")


def test_the_liaison_fills_the_self_assessment_of_a_scheduled_visit(client, liaison, visit, criteria):
    client.force_login(liaison)

    page = client.get(page_url(visit))
    response = client.post(
        save_url(visit, criteria[0]), {"self_score": "1,5", "self_note": "Đã ban hành kế hoạch ngày 05/01."}
    )

    assert page.status_code == 200 and '<form class="answer-form"' in page.content.decode()
    assert response.status_code == 200 and response["X-Answer-Saved"] == "self"
    answer = Answer.objects.get(visit=visit, criterion=criteria[0])
    assert (answer.self_score, answer.self_note, answer.self_updated_by) == (
        Decimal("1.5"),
        "Đã ban hành kế hoạch ngày 05/01.",
        liaison,
    )
    assert answer.version == 0 and answer.result == ""


def test_a_self_score_above_the_maximum_gets_a_message_and_stores_nothing(client, liaison, visit, criteria):
    client.force_login(liaison)

    response = client.post(save_url(visit, criteria[0]), {"self_score": "7", "self_note": ""})

    assert response.status_code == 422
    assert "2" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("role", ["inspector", "leader", "head", "scheduler"])
def test_only_the_units_liaison_self_assesses(client, request, role, visit, criteria):
    client.force_login(request.getfixturevalue(role))

    assert client.get(page_url(visit)).status_code == 403
    assert client.post(save_url(visit, criteria[0]), {"self_score": "1"}).status_code == 403
    assert not Answer.objects.exists()


def test_a_liaison_of_another_unit_cannot_find_the_visit(client, other_commune, visit, criteria):
    from units.roles import Role
    from units.tests.factories import UserFactory

    client.force_login(UserFactory(unit=other_commune, roles=[Role.LIAISON]))

    assert client.get(page_url(visit)).status_code == 404


@pytest.mark.parametrize("status", [VisitStatus.SUBMITTED, VisitStatus.CONCLUDED])
def test_the_self_assessment_is_read_only_after_submission(client, liaison, visit, criteria, status):
    visit.status = status
    visit.save(update_fields=["status"])
    client.force_login(liaison)

    page = client.get(page_url(visit))
    response = client.post(save_url(visit, criteria[0]), {"self_score": "1"})

    assert page.status_code == 200 and '<form class="answer-form"' not in page.content.decode()
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_saving_the_self_assessment_is_post_only(client, liaison, visit, criteria):
    client.force_login(liaison)

    assert client.get(save_url(visit, criteria[0])).status_code == 405


def test_the_team_sees_the_units_self_score_beside_its_own_and_a_large_gap_stands_out(
    client, inspector, liaison, visit, criteria
):
    started = start(visit)
    AnswerFactory(
        visit=started,
        criterion=criteria[0],
        updated_by=inspector,
        score=Decimal("0.5"),
        result="partly",
        self_score=Decimal(2),
        self_note="Đơn vị tự chấm đủ điểm.",
    )
    AnswerFactory(
        visit=started, criterion=criteria[1], updated_by=inspector, score=Decimal(2), self_score=Decimal(2)
    )
    client.force_login(inspector)

    html = client.get(reverse("inspections:checklist", args=[started.pk])).content.decode()

    assert "Đơn vị tự chấm đủ điểm." in html
    assert html.count("self-assessment mt-1 differs") == 1
    assert html.count("self-assessment mt-1") == 2


def test_the_checklist_links_match_the_url_patterns(visit, inspector):
    links = ChecklistLinks.of(visit)

    assert links.checklist == reverse("inspections:checklist", args=[visit.pk])
    assert f"{links.evidence}7/" == reverse("inspections:evidence_download", args=[visit.pk, 7])
    assert f"{links.evidence}7/remove/" == reverse("inspections:evidence_remove", args=[visit.pk, 7])
    assert f"{links.checklist}3/save/" == reverse("inspections:answer_save", args=[visit.pk, 3])
    assert f"{links.checklist}3/evidence/" == reverse("inspections:evidence_upload", args=[visit.pk, 3])
    assert f"{links.self_assessment}3/save/" == reverse("inspections:self_answer_save", args=[visit.pk, 3])
