"""The visit's findings page and the team's edits: add, edit, remove, order, draft from an answer."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.versioning import STALE
from findings.models import Finding, FindingKind, ReviewState, Severity
from inspections.models import Answer, AnswerResult, Criterion, VisitStatus

from .factories import FindingFactory

pytestmark = pytest.mark.django_db


def _finding_data(**overrides):
    data = {
        "kind": FindingKind.LIMITATION,
        "criterion": "",
        "domain": "",
        "text": "Chưa ban hành kế hoạch tiếp xúc, đối thoại với Nhân dân.",
        "cause": "subjective",
        "cause_note": "",
        "severity": Severity.MEDIUM,
        "recommendation": "Ban hành kế hoạch tiếp xúc, đối thoại và tổ chức đối thoại theo quy định.",
    }
    data.update(overrides)
    return data


# --- the page ----------------------------------------------------------------------------------


def test_team_member_sees_the_findings_and_the_form(client, inspector, visit, leader):
    FindingFactory(visit=visit, created_by=leader, text="Niêm yết thủ tục hành chính đầy đủ.", strength=True)
    client.force_login(inspector)
    response = client.get(reverse("findings:visit_findings", args=[visit.pk]))
    assert response.status_code == 200
    assert "Niêm yết thủ tục hành chính đầy đủ." in response.content.decode()
    assert response.context["editing"] is True


def test_anonymous_visitor_is_sent_to_login(client, visit):
    response = client.get(reverse("findings:visit_findings", args=[visit.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_of_another_province_gets_404(client, outsider, visit):
    client.force_login(outsider)
    assert client.get(reverse("findings:visit_findings", args=[visit.pk])).status_code == 404


def test_inspector_not_on_the_team_gets_404(client, other_inspector, visit):
    client.force_login(other_inspector)
    assert client.get(reverse("findings:visit_findings", args=[visit.pk])).status_code == 404


def test_liaison_cannot_see_findings_before_the_visit_is_concluded(client, liaison, visit, leader):
    FindingFactory(visit=visit, created_by=leader)
    client.force_login(liaison)
    assert client.get(reverse("findings:visit_findings", args=[visit.pk])).status_code == 404


def test_head_reads_the_findings_but_has_no_form(client, head, visit):
    client.force_login(head)
    response = client.get(reverse("findings:visit_findings", args=[visit.pk]))
    assert response.status_code == 200
    assert response.context["editing"] is False


def test_findings_page_query_count_does_not_grow_with_findings(
    client, inspector, visit, leader, django_assert_max_num_queries
):
    for _ in range(5):
        FindingFactory(visit=visit, created_by=leader)
    client.force_login(inspector)
    client.get(reverse("findings:visit_findings", args=[visit.pk]))
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("findings:visit_findings", args=[visit.pk]))
    for _ in range(10):
        FindingFactory(visit=visit, created_by=leader)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("findings:visit_findings", args=[visit.pk]))


# --- add ---------------------------------------------------------------------------------------


def test_team_member_adds_a_limitation(client, inspector, visit):
    client.force_login(inspector)
    response = client.post(reverse("findings:finding_create", args=[visit.pk]), _finding_data())
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.visit == visit
    assert finding.created_by == inspector
    assert finding.review_state == ReviewState.DRAFT
    assert finding.recommendation.startswith("Ban hành kế hoạch")


def test_finding_tied_to_a_criterion_takes_its_domain(client, inspector, visit):
    criterion = Criterion.objects.filter(domain__template=visit.template).first()
    client.force_login(inspector)
    client.post(reverse("findings:finding_create", args=[visit.pk]), _finding_data(criterion=criterion.pk))
    finding = Finding.objects.get()
    assert finding.criterion == criterion
    assert finding.domain == criterion.domain


def test_strength_with_a_recommendation_is_refused(client, inspector, visit):
    client.force_login(inspector)
    response = client.post(
        reverse("findings:finding_create", args=[visit.pk]), _finding_data(kind=FindingKind.STRENGTH)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["recommendation"]
    assert not Finding.objects.exists()


def test_empty_finding_is_refused_with_errors(client, inspector, visit):
    client.force_login(inspector)
    response = client.post(reverse("findings:finding_create", args=[visit.pk]), _finding_data(text=""))
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not Finding.objects.exists()


def test_head_cannot_add_findings(client, head, visit):
    client.force_login(head)
    response = client.post(reverse("findings:finding_create", args=[visit.pk]), _finding_data())
    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_findings_are_not_added_once_the_visit_is_submitted(client, inspector, visit):
    visit.status = VisitStatus.SUBMITTED
    visit.save(update_fields=["status"])
    client.force_login(inspector)
    response = client.post(reverse("findings:finding_create", args=[visit.pk]), _finding_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Finding.objects.exists()


# --- edit, remove, order -------------------------------------------------------------------------


def test_editing_a_returned_finding_puts_it_back_to_draft(client, inspector, visit, leader):
    finding = FindingFactory(visit=visit, created_by=leader, review_state=ReviewState.RETURNED)
    client.force_login(inspector)
    data = _finding_data(
        text="Sổ đăng ký văn bản đi, đến chưa in và lưu theo quy định.", version=finding.version
    )
    response = client.post(reverse("findings:finding_edit", args=[finding.pk]), data)
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.text.startswith("Sổ đăng ký văn bản")
    assert finding.review_state == ReviewState.DRAFT
    assert finding.version == 2


def test_stale_edit_is_refused_with_a_message(client, inspector, visit, leader):
    finding = FindingFactory(visit=visit, created_by=leader)
    Finding.objects.filter(pk=finding.pk).update(version=5)
    client.force_login(inspector)
    response = client.post(
        reverse("findings:finding_edit", args=[finding.pk]), _finding_data(text="Khác", version=1)
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(STALE)]
    finding.refresh_from_db()
    assert finding.text != "Khác"


def test_htmx_edit_returns_the_card(client, inspector, visit, leader):
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(inspector)
    form = client.get(reverse("findings:finding_edit", args=[finding.pk]), headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert "<html" not in form.content.decode()
    saved = client.post(
        reverse("findings:finding_edit", args=[finding.pk]),
        _finding_data(text="Đã sửa qua htmx.", version=finding.version),
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    assert f'id="finding-{finding.pk}"' in saved.content.decode()
    assert "Đã sửa qua htmx." in saved.content.decode()


def test_team_member_removes_a_draft_finding(client, inspector, visit, leader):
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(inspector)
    response = client.post(
        reverse("findings:finding_delete", args=[finding.pk]), {"version": finding.version}
    )
    assert response.status_code == 302
    assert not Finding.objects.exists()


def test_remove_is_post_only(client, inspector, visit, leader):
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(inspector)
    assert client.get(reverse("findings:finding_delete", args=[finding.pk])).status_code == 405


def test_moving_a_finding_up_swaps_it_with_the_one_above(client, inspector, visit, leader):
    first = FindingFactory(visit=visit, created_by=leader, order=1)
    second = FindingFactory(visit=visit, created_by=leader, order=2)
    client.force_login(inspector)
    client.post(reverse("findings:finding_move", args=[second.pk]), {"direction": "up"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.order < first.order


# --- from an answer ----------------------------------------------------------------------------


def test_one_click_turns_a_not_met_answer_into_a_prefilled_limitation(client, inspector, visit):
    criterion = Criterion.objects.filter(domain__template=visit.template).first()
    Answer.objects.create(
        visit=visit, criterion=criterion, result=AnswerResult.NOT_MET, note="Chưa có kế hoạch."
    )
    client.force_login(inspector)
    page = client.get(reverse("findings:visit_findings", args=[visit.pk]))
    assert [a.criterion for a in page.context["data"].candidates] == [criterion]
    url = reverse("findings:finding_from_answer", args=[visit.pk, criterion.pk])
    response = client.post(url)
    finding = Finding.objects.get()
    assert response["Location"] == reverse("findings:finding_edit", args=[finding.pk])
    assert finding.kind == FindingKind.LIMITATION
    assert finding.criterion == criterion
    assert criterion.title in finding.text and "Chưa có kế hoạch." in finding.text
    client.post(url)
    assert Finding.objects.count() == 1


def test_a_met_answer_does_not_become_a_limitation(client, inspector, visit):
    criterion = Criterion.objects.filter(domain__template=visit.template).first()
    Answer.objects.create(visit=visit, criterion=criterion, result=AnswerResult.MET)
    client.force_login(inspector)
    response = client.post(
        reverse("findings:finding_from_answer", args=[visit.pk, criterion.pk]), follow=True
    )
    assert not Finding.objects.exists()
    assert list(response.context["messages"])


def test_finding_detail_shows_its_history(client, inspector, visit):
    client.force_login(inspector)
    client.post(reverse("findings:finding_create", args=[visit.pk]), _finding_data())
    finding = Finding.objects.get()
    client.post(
        reverse("findings:finding_edit", args=[finding.pk]),
        _finding_data(severity=Severity.HIGH, version=finding.version),
    )
    response = client.get(finding.get_absolute_url())
    history = response.context["history"]
    assert [e.action for e in history] == [1, 0]
    assert history[0].actor == inspector
    with translation.override("vi"):
        expected = (
            str(Finding._meta.get_field("severity").verbose_name),
            str(Severity.MEDIUM.label),
            str(Severity.HIGH.label),
        )
    assert [(c.label, c.old, c.new) for c in history[0].changes] == [expected]


def test_the_page_shows_a_return_until_the_finding_is_approved_and_reads_no_review_after(
    client, head, inspector, visit, leader, django_assert_max_num_queries
):
    """The head's return shows on the finding until it is approved again; once every finding is
    approved (a reviewed or concluded visit) the page reads no review at all."""
    from findings.models import ReviewDecision

    returned, kept = FindingFactory.create_batch(2, visit=visit, created_by=leader)
    Finding.objects.filter(visit=visit).update(review_state=ReviewState.SUBMITTED)
    visit.status = VisitStatus.SUBMITTED
    visit.save(update_fields=["status"])
    client.force_login(head)
    for finding, decision, comment in [
        (returned, ReviewDecision.RETURNED, "Ghi rõ <số> hồ sơ."),
        (kept, ReviewDecision.RETURNED, "Bổ sung."),
    ]:
        finding.refresh_from_db()
        client.post(
            reverse("findings:finding_review", args=[finding.pk]),
            {
                f"f{finding.pk}-version": finding.version,
                f"f{finding.pk}-decision": decision,
                f"f{finding.pk}-comment": comment,
            },
        )
    kept.refresh_from_db()
    client.post(
        reverse("findings:finding_review", args=[kept.pk]),
        {f"f{kept.pk}-version": kept.version, f"f{kept.pk}-decision": ReviewDecision.APPROVED},
    )
    url = reverse("findings:visit_findings", args=[visit.pk])
    client.force_login(inspector)
    body = client.get(url).content.decode()
    assert body.count('class="alert alert-warning py-1 px-2 mb-1 small"') == 1
    assert f"{head} trả lại: Ghi rõ &lt;số&gt; hồ sơ.</div>" in body and "Bổ sung." not in body
    Finding.objects.filter(pk=returned.pk).update(review_state=ReviewState.APPROVED)
    with django_assert_max_num_queries(30) as queries:
        body = client.get(url).content.decode()
    assert "alert alert-warning py-1 px-2 mb-1 small" not in body
    assert not any('"findings_findingreview"' in q["sql"] for q in queries.captured_queries)


def test_the_finding_cards_are_drawn_as_the_template_drew_them(client, head, inspector, visit, leader):
    """findings.finding_cards.finding_card_html against the partial the page drew each card with:
    every kind of card (strength, limitation, each badge, a cause in detail, a return, an action),
    the team's buttons or none, escaping, both languages."""
    from pathlib import Path

    from django.template import engines

    from findings import selectors
    from findings.finding_cards import finding_card_html
    from findings.models import FindingReview, ReviewDecision

    from .factories import ActionFactory

    reference = engines["django"].from_string(
        (Path(__file__).parent / "finding_card_reference.html").read_text(encoding="utf-8")
    )
    criterion = Criterion.objects.filter(domain__template=visit.template).first()
    FindingFactory(visit=visit, created_by=leader, strength=True, approved=True)
    returned = FindingFactory(
        visit=visit,
        created_by=leader,
        criterion=criterion,
        severity=Severity.HIGH,
        cause="subjective",
        cause_note='Thiếu <b>"người"</b> & máy',
        recommendation="Bổ sung <i>ngay</i>",
        review_state=ReviewState.RETURNED,
    )
    FindingReview.objects.create(
        finding=returned, decision=ReviewDecision.RETURNED, comment="Ghi rõ <số>", actor=head
    )
    with_action = FindingFactory(
        visit=visit, created_by=leader, domain=criterion.domain, severity=Severity.LOW, approved=True
    )
    ActionFactory(finding=with_action)
    FindingFactory(visit=visit, created_by=leader, review_state=ReviewState.SUBMITTED, severity="")
    for language in ("vi", "en"):
        with translation.override(language):
            for all_reviews in (True, False):
                data = selectors.visit_findings(visit=visit, reviews_of_approved=all_reviews)
                assert len(data.all) == 4
                for finding in data.all:
                    for editing in (True, False):
                        ours = finding_card_html(finding, editing=editing, csrf_token="tok<")
                        theirs = reference.render(
                            {"finding": finding, "editing": editing, "csrf_token": "tok<"}
                        )
                        assert ours == theirs, (language, finding.pk, editing)
    assert "Ghi rõ &lt;số&gt;" in finding_card_html(returned, editing=False)
    # The page and an htmx edit answer with these cards.
    client.force_login(inspector)
    body = client.get(reverse("findings:visit_findings", args=[visit.pk])).content.decode()
    assert body.count('class="card mb-2 finding-card"') == 4
    assert "Thiếu &lt;b&gt;&quot;người&quot;&lt;/b&gt; &amp; máy" in body
