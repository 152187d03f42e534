from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.urls import reverse

from findings.tests.factories import PDF

from ..evidence_html import evidence_html
from ..models import CardStatus, CriterionScore, IndexEvidence, Scorecard


def _rows(card, domain_code="1"):
    return list(
        CriterionScore.objects.filter(scorecard=card, criterion__domain__code=domain_code)
        .select_related("criterion__domain")
        .order_by("criterion__order")
    )


def _score_url(card, rows):
    return reverse("reform_index:card_score", args=[card.pk, rows[0].criterion.domain_id])


def _form(rows, **overrides):
    data = {}
    for r in rows:
        data[f"version_{r.pk}"] = r.version
        data[f"score_{r.pk}"] = "1.5"
        data[f"explanation_{r.pk}"] = ""
        data[f"document_{r.pk}"] = ""
    data.update(overrides)
    return data


def test_the_liaison_scores_a_domain_with_a_file_and_an_explanation(client, liaison, card):
    rows = _rows(card)
    client.force_login(liaison)
    assert client.get(_score_url(card, rows)).status_code == 200
    upload = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    data = _form(rows, **{f"file_{rows[0].pk}": upload, f"explanation_{rows[2].pk}": "Không phát sinh"})
    response = client.post(_score_url(card, rows), data)
    assert response.status_code == 302
    saved = _rows(card)
    assert [r.self_score for r in saved] == [Decimal("1.5")] * 3
    assert saved[2].explanation == "Không phát sinh"
    evidence = IndexEvidence.objects.get()
    assert evidence.score == saved[0] and evidence.original_name == "ke-hoach.pdf"
    # The evidence is downloadable by the unit and the appraisers only.
    assert client.get(evidence.get_absolute_url()).status_code == 200
    # Its list on the scorecard, drawn in Python, is the reference template's markup.
    page = client.get(card.get_absolute_url()).content.decode()
    assert evidence.get_absolute_url() in page and "Không phát sinh" in page
    for row in (
        CriterionScore.objects.filter(scorecard=card).select_related("document").prefetch_related("files")
    ):
        reference = render_to_string("reform_index/_evidence.html", {"row": row})
        assert parse_html(evidence_html(row)) == parse_html(reference)


def test_a_score_above_the_maximum_is_refused_next_to_the_field(client, liaison, card):
    rows = _rows(card)
    client.force_login(liaison)
    response = client.post(_score_url(card, rows), _form(rows, **{f"score_{rows[0].pk}": "5"}))
    assert response.status_code == 200
    assert response.context["form"].errors[f"score_{rows[0].pk}"]
    assert _rows(card)[0].self_score is None


def test_a_renamed_executable_is_refused_with_a_message(client, liaison, card):
    rows = _rows(card)
    client.force_login(liaison)
    upload = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(_score_url(card, rows), _form(rows, **{f"file_{rows[0].pk}": upload}))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not IndexEvidence.objects.exists()
    assert _rows(card)[0].self_score is None  # nothing of the save is kept


def test_a_stale_form_from_a_second_device_is_not_silently_saved(client, liaison, card):
    rows = _rows(card)
    client.force_login(liaison)
    first = _form(rows)
    second = _form(rows, **{f"score_{r.pk}": "0.5" for r in rows})
    assert client.post(_score_url(card, rows), first).status_code == 302
    response = client.post(_score_url(card, rows), second)
    assert response.status_code == 200
    assert (
        "Reload" in str(response.context["form"].non_field_errors())
        or response.context["form"].non_field_errors()
    )
    assert [r.self_score for r in _rows(card)] == [Decimal("1.5")] * 3


def test_the_same_post_twice_changes_nothing_the_second_time(client, liaison, card):
    rows = _rows(card)
    client.force_login(liaison)
    data = _form(rows)
    client.post(_score_url(card, rows), data)
    response = client.post(_score_url(card, rows), data)  # a double click: same versions, same values
    assert response.status_code == 302
    assert [r.version for r in _rows(card)] == [2, 2, 2]


def test_submit_lists_what_is_missing_then_locks_the_scorecard(client, liaison, card):
    client.force_login(liaison)
    submit = reverse("reform_index:card_submit", args=[card.pk])
    client.post(submit, {"version": card.version})
    card.refresh_from_db()
    assert card.status == CardStatus.DRAFT
    for code in ("1", "2"):
        rows = _rows(card, code)
        client.post(_score_url(card, rows), _form(rows))
    # Criteria x.1 and x.3 need evidence: still refused.
    response = client.post(submit, {"version": card.version}, follow=True)
    assert "1.1" in response.content.decode()
    assert Scorecard.objects.get(pk=card.pk).status == CardStatus.DRAFT
    CriterionScore.objects.filter(scorecard=card).update(explanation="Không có văn bản trong năm")
    client.post(submit, {"version": card.version})
    card.refresh_from_db()
    assert card.status == CardStatus.SUBMITTED and card.submitted_by == liaison
    # Locked: a save after submission changes nothing.
    rows = _rows(card)
    response = client.post(_score_url(card, rows), _form(rows, **{f"score_{r.pk}": "0" for r in rows}))
    assert response.status_code == 302
    assert [r.self_score for r in _rows(card)] == [Decimal("1.5")] * 3


def test_another_units_liaison_gets_404_and_staff_get_403_on_scoring(
    client, card, other_commune, inspector, head
):
    from units.roles import Role
    from units.tests.factories import UserFactory

    other = UserFactory(username="tanmy", unit=other_commune, roles=[Role.LIAISON])
    rows = _rows(card)
    client.force_login(other)
    assert client.get(card.get_absolute_url()).status_code == 404
    assert client.post(_score_url(card, rows), _form(rows)).status_code == 404
    for user in (inspector, head):
        client.force_login(user)
        assert client.get(card.get_absolute_url()).status_code == 200
        assert client.post(_score_url(card, rows), _form(rows)).status_code == 403
    assert _rows(card)[0].self_score is None


@pytest.mark.parametrize("name", ["card_submit", "card_send", "card_respond", "card_approve"])
def test_actions_refuse_get(client, liaison, card, name):
    client.force_login(liaison)
    assert client.get(reverse(f"reform_index:{name}", args=[card.pk])).status_code == 405


def test_a_domain_is_saved_in_one_statement_every_row_or_none(client, liaison, card):
    """The changed rows of a domain go in one UPDATE (the totals and ranks move once); a row that
    another device changed meanwhile makes the save fail before anything is written."""
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    rows = _rows(card)
    client.force_login(liaison)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(_score_url(card, rows), _form(rows)).status_code == 302
    updates = [q for q in queries if 'UPDATE "reform_index_criterionscore"' in q["sql"]]
    assert len(updates) == 1
    assert [(r.self_score, r.version) for r in _rows(card)] == [(Decimal("1.5"), 2)] * 3
    rows = _rows(card)
    CriterionScore.objects.filter(pk=rows[2].pk).update(version=F("version") + 1, self_score=Decimal(2))
    response = client.post(_score_url(card, rows), _form(rows, **{f"score_{r.pk}": "0.5" for r in rows}))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert [r.self_score for r in _rows(card)] == [Decimal("1.5"), Decimal("1.5"), Decimal(2)]


def test_scores_set_then_all_cleared_are_written_with_their_types(card, liaison):
    """The one statement's list of values: decimals, texts, and a column of nothing but NULLs
    (every score of the domain cleared) keep their columns' types; versions and times move."""
    from ..services import SelfRow, card_self_save

    rows = _rows(card)
    before = rows[0].updated_at
    card_self_save(
        card=card, actor=liaison, rows=[SelfRow(r.pk, r.version, Decimal("1.25"), "Có", None) for r in rows]
    )
    assert [(r.self_score, r.explanation, r.version) for r in _rows(card)] == [(Decimal("1.25"), "Có", 2)] * 3
    assert card.totals.get(domain=rows[0].criterion.domain).points == Decimal("3.75")
    rows = _rows(card)
    card_self_save(card=card, actor=liaison, rows=[SelfRow(r.pk, r.version, None, "", None) for r in rows])
    after = _rows(card)
    assert [(r.self_score, r.explanation, r.document_id, r.version) for r in after] == [
        (None, "", None, 3)
    ] * 3
    assert after[0].updated_at > before
    assert card.totals.get(domain=rows[0].criterion.domain).points == 0
