"""Submitting for review, the head's queue and decisions, finishing the review."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from findings.models import FindingReview, ReviewDecision, ReviewState
from inspections.models import Answer, AnswerResult, Criterion, VisitStatus
from inspections.tests.factories import VisitFactory, at
from units.tests.factories import UnitFactory

from .factories import FindingFactory

pytestmark = pytest.mark.django_db


def _answer_everything(visit):
    for criterion in Criterion.objects.filter(domain__template=visit.template):
        Answer.objects.create(visit=visit, criterion=criterion, result=AnswerResult.MET)


def _submitted(visit, *findings):
    visit.status = VisitStatus.SUBMITTED
    visit.save(update_fields=["status"])
    return visit


# --- submit ------------------------------------------------------------------------------------


def test_leader_submits_the_findings_and_the_heads_are_emailed(
    client, leader, head, visit, mailoutbox, django_capture_on_commit_callbacks
):
    _answer_everything(visit)
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("findings:findings_submit", args=[visit.pk]), {"version": visit.version}
        )
    assert response.status_code == 302
    visit.refresh_from_db()
    finding.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED
    assert finding.review_state == ReviewState.SUBMITTED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [head.email]
    assert reverse("findings:visit_review", args=[visit.pk]) in mailoutbox[0].body


def test_member_who_is_not_leader_cannot_submit(client, inspector, visit):
    client.force_login(inspector)
    response = client.post(reverse("findings:findings_submit", args=[visit.pk]))
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS


def test_submitting_with_unanswered_criteria_is_refused_with_a_message(client, leader, visit):
    client.force_login(leader)
    response = client.post(reverse("findings:findings_submit", args=[visit.pk]), follow=True)
    assert list(response.context["messages"])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS


def test_submit_is_post_only(client, leader, visit):
    client.force_login(leader)
    assert client.get(reverse("findings:findings_submit", args=[visit.pk])).status_code == 405


# --- the queue ---------------------------------------------------------------------------------


def test_head_sees_submitted_visits_of_the_province_only(client, head, visit, leader, foreign_commune):
    _submitted(visit)
    FindingFactory(visit=visit, created_by=leader)
    client.force_login(head)
    response = client.get(reverse("findings:review_queue"))
    assert response.status_code == 200
    assert [v.pk for v in response.context["visits"]] == [visit.pk]
    assert response.context["visits"][0].pending_count == 1


def test_review_queue_rows_show_each_visit_escaped_with_its_counts_and_link(
    client, head, visit, leader, commune
):
    """The rows drawn in Python (findings/queue_rows.py): unit and plan escaped, dd/mm/yyyy, the
    leader, findings with the limitations in words, badges for what waits, the review link."""
    from django.utils.html import escape

    from findings.models import FindingKind
    from inspections.templatetags.inspections_tags import local_day

    commune.name = "Xã <b>Bình Tấn</b>"
    commune.save(update_fields=["name"])
    _submitted(visit)
    FindingFactory(visit=visit, created_by=leader, kind=FindingKind.LIMITATION)
    FindingFactory(visit=visit, created_by=leader, review_state=ReviewState.RETURNED)
    client.force_login(head)
    body = client.get(reverse("findings:review_queue")).content.decode()
    assert "<b>Bình" not in body and escape(commune.name) in body
    assert (
        f'data-label="Date">{local_day(visit.starts_at)}</td>' in body or local_day(visit.starts_at) in body
    )
    assert escape(visit.plan.title) in body and escape(str(leader)) in body
    assert '">2 <span class="text-muted small">(' in body
    assert '<span class="badge text-bg-warning">1</span>' in body
    assert f'href="{reverse("findings:visit_review", args=[visit.pk])}"' in body


def test_inspector_cannot_open_the_review_queue(client, inspector):
    client.force_login(inspector)
    assert client.get(reverse("findings:review_queue")).status_code == 403


def _submitted_visit(plan, district, leader, day, *, findings: int):
    """A visit of a new commune of ``plan`` on ``day``, submitted for review with ``findings``."""
    unit = UnitFactory(parent=district)
    plan.units.add(unit)
    visit = VisitFactory(
        plan=plan,
        unit=unit,
        leader=leader,
        status=VisitStatus.SUBMITTED,
        starts_at=at(day, 8),
        ends_at=at(day, 11),
    )
    FindingFactory.create_batch(findings, visit=visit, created_by=leader)
    return visit


def test_review_queue_query_count_does_not_grow_with_visits(
    client, head, plan, leader, district, django_assert_max_num_queries
):
    def add_visits(count, offset):
        for n in range(count):
            _submitted_visit(
                plan, district, leader, plan.period_start.replace(day=2 + offset + n), findings=2
            )

    add_visits(3, 0)
    client.force_login(head)
    client.get(reverse("findings:review_queue"))
    with django_assert_max_num_queries(20) as few:
        response = client.get(reverse("findings:review_queue"))
    assert len(response.context["visits"]) == 3
    add_visits(5, 3)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("findings:review_queue"))
    assert len(response.context["visits"]) == 8
    # The counts come from a query of the page's findings: each visit its own two.
    assert {(v.finding_count, v.returned_count) for v in response.context["visits"]} == {(2, 0)}
    assert response.context["visits"].paginator.count == 8


def test_review_queue_rows_in_one_query_match_the_visits_read_plainly(client, head, plan, leader, district):
    """The queue's one query (the leader through the team's leader row, each count a subquery of
    the visit's findings) gives what the visits, their teams and their findings say read one by
    one: a visit without a leader or without findings included."""
    from findings.models import Finding, FindingKind
    from inspections.models import Visit

    visits = [
        _submitted_visit(plan, district, leader, plan.period_start + timedelta(days=n + 1), findings=n)
        for n in range(3)
    ]
    Finding.objects.filter(visit=visits[2]).update(review_state=ReviewState.RETURNED)
    FindingFactory(visit=visits[1], created_by=leader, kind=FindingKind.STRENGTH, recommendation="")
    leaderless = VisitFactory(
        plan=plan,
        unit=UnitFactory(parent=district),
        status=VisitStatus.SUBMITTED,
        starts_at=at(plan.period_start + timedelta(days=9), 8),
        ends_at=at(plan.period_start + timedelta(days=9), 11),
    )
    client.force_login(head)
    rows = client.get(reverse("findings:review_queue")).context["visits"].object_list
    assert [row.pk for row in rows] == [v.pk for v in [*visits, leaderless]]
    for row in rows:
        visit = Visit.objects.get(pk=row.pk)
        findings = list(visit.findings.all())
        assert (row.unit_name, row.plan_title, row.starts_at, row.ends_at) == (
            visit.unit.name,
            visit.plan.title,
            visit.starts_at,
            visit.ends_at,
        )
        assert row.leader == (str(visit.leader) if visit.leader else None)
        assert (row.finding_count, row.pending_count, row.returned_count, row.limitation_count) == (
            len(findings),
            sum(f.review_state in {ReviewState.DRAFT, ReviewState.SUBMITTED} for f in findings),
            sum(f.review_state == ReviewState.RETURNED for f in findings),
            sum(f.kind == FindingKind.LIMITATION for f in findings),
        )
    assert rows[0].leader == str(leader) and rows[-1].leader is None
    body = client.get(reverse("findings:review_queue")).content.decode()
    assert body.count('data-label="Trưởng đoàn">—</td>') == 1 or body.count(">—</td>") == 1


def test_review_queue_pages_keep_the_total_and_the_counts(client, head, plan, leader, district):
    """27 visits: the first page 25 oldest first with the total of all, the second the last two
    (a page past the end shows the last), each with its finding counts."""
    for n in range(27):
        _submitted_visit(plan, district, leader, plan.period_start + timedelta(days=n + 1), findings=n % 3)
    client.force_login(head)
    url = reverse("findings:review_queue")
    first = client.get(url).context["visits"]
    assert first.paginator.count == 27 and len(first) == 25
    assert [v.ends_at for v in first] == sorted(v.ends_at for v in first)
    assert [v.finding_count for v in first] == [n % 3 for n in range(25)]
    for page in ("2", "9"):
        last = client.get(url, {"page": page}).context["visits"]
        assert last.number == 2 and [v.finding_count for v in last] == [25 % 3, 26 % 3]
    body = client.get(url).content.decode()
    assert 'rel="next" class="page-link" href="?page=2"' in body


# --- decisions ---------------------------------------------------------------------------------


def _decide(client, finding, decision, **extra):
    data = {f"f{finding.pk}-version": finding.version, f"f{finding.pk}-decision": decision}
    data.update({f"f{finding.pk}-{k}": v for k, v in extra.items()})
    return client.post(reverse("findings:finding_review", args=[finding.pk]), data)


def test_head_approves_a_finding(client, head, visit, leader):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader, review_state=ReviewState.SUBMITTED)
    client.force_login(head)
    response = _decide(client, finding, ReviewDecision.APPROVED)
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.review_state == ReviewState.APPROVED
    review = FindingReview.objects.get()
    assert (review.decision, review.actor) == (ReviewDecision.APPROVED, head)


def test_head_rewords_a_finding_and_the_old_wording_stays_on_record(client, head, visit, leader):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader, text="Sổ văn bản sai.")
    client.force_login(head)
    _decide(
        client,
        finding,
        ReviewDecision.EDITED,
        text="Mở sổ quản lý văn bản chưa đúng quy định.",
        recommendation=finding.recommendation,
    )
    finding.refresh_from_db()
    assert finding.text == "Mở sổ quản lý văn bản chưa đúng quy định."
    assert finding.review_state == ReviewState.APPROVED
    review = FindingReview.objects.get()
    assert review.decision == ReviewDecision.EDITED
    assert review.before["text"] == "Sổ văn bản sai."


def test_returning_a_finding_needs_a_comment(client, head, visit, leader):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(head)
    response = _decide(client, finding, ReviewDecision.RETURNED)
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.review_state == ReviewState.DRAFT
    assert not FindingReview.objects.exists()


def test_team_member_cannot_review(client, inspector, visit, leader):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(inspector)
    assert _decide(client, finding, ReviewDecision.APPROVED).status_code == 403
    finding.refresh_from_db()
    assert finding.review_state == ReviewState.DRAFT
    assert not finding.reviews.exists()


def test_head_of_another_province_gets_404(client, outsider, visit, leader):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(outsider)
    assert _decide(client, finding, ReviewDecision.APPROVED).status_code == 404


def test_a_visit_in_progress_is_not_reviewed(client, head, visit, leader):
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(head)
    response = _decide(client, finding, ReviewDecision.APPROVED)
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.review_state == ReviewState.DRAFT


# --- finishing ---------------------------------------------------------------------------------


def test_review_is_not_finished_while_a_finding_waits(client, head, visit, leader):
    _submitted(visit)
    FindingFactory(visit=visit, created_by=leader, review_state=ReviewState.SUBMITTED)
    client.force_login(head)
    response = client.post(reverse("findings:review_finish", args=[visit.pk]), follow=True)
    assert list(response.context["messages"])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED


def test_approving_the_review_makes_the_visit_reviewed(client, head, visit, leader):
    _submitted(visit)
    FindingFactory(visit=visit, created_by=leader, approved=True)
    client.force_login(head)
    client.post(reverse("findings:review_finish", args=[visit.pk]), {"version": visit.version})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REVIEWED


def test_returned_findings_send_the_visit_back_and_the_team_is_emailed(
    client, head, visit, leader, inspector, mailoutbox, django_capture_on_commit_callbacks
):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader)
    FindingFactory(visit=visit, created_by=leader, approved=True)
    client.force_login(head)
    _decide(client, finding, ReviewDecision.RETURNED, comment="Ghi rõ số hồ sơ trễ hạn.")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("findings:review_finish", args=[visit.pk]), {"version": visit.version})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {leader.email, inspector.email}
    assert "Ghi rõ số hồ sơ trễ hạn." in mailoutbox[0].body
    # The team fixes it; editing puts it back to draft, resubmitting to submitted.
    finding.refresh_from_db()
    assert finding.review_state == ReviewState.RETURNED
    assert finding.last_review.comment == "Ghi rõ số hồ sơ trễ hạn."


def test_review_page_lists_every_finding_with_a_form(client, head, visit, leader):
    _submitted(visit)
    FindingFactory.create_batch(3, visit=visit, created_by=leader)
    client.force_login(head)
    response = client.get(reverse("findings:visit_review", args=[visit.pk]))
    assert response.status_code == 200
    findings = response.context["data"].all
    assert all(f'name="f{f.pk}-decision"' in f.card for f in findings)
    assert response.content.decode().count('name="f') >= 3


def test_htmx_decision_returns_the_card_and_the_updated_counts(client, head, visit, leader):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader)
    FindingFactory(visit=visit, created_by=leader)
    client.force_login(head)
    response = client.post(
        reverse("findings:finding_review", args=[finding.pk]),
        {f"f{finding.pk}-version": finding.version, f"f{finding.pk}-decision": ReviewDecision.APPROVED},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="finding-{finding.pk}"' in body
    assert 'id="finish-review" hx-swap-oob="true"' in body
    finding.refresh_from_db()
    assert finding.review_state == ReviewState.APPROVED


# --- the review page, drawn in Python (findings/review_cards.py) ------------------------------


def test_a_refused_decision_comes_back_with_what_was_typed_and_the_message_by_its_field(
    client, head, visit, leader
):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(head)
    response = _decide(client, finding, ReviewDecision.RETURNED, text="Lời văn <mới> của lãnh đạo")
    body = response.content.decode()
    assert response.status_code == 200
    prefix = f"id_f{finding.pk}"
    # The radio the head chose stays chosen, the reworded text stays typed (escaped).
    assert f'value="returned" class="form-check-input" id="{prefix}-decision_2" required checked>' in body
    assert "\nLời văn &lt;mới&gt; của lãnh đạo</textarea>" in body
    # The message sits under the comment field, which points at it.
    comment = body.index(f'id="{prefix}-comment"')
    message = body.index(f'id="{prefix}-comment_error"')
    assert comment < message < body.index("</form>", comment)
    assert f'aria-invalid="true" aria-describedby="{prefix}-comment_error" id="{prefix}-comment"' in body
    assert "Say what the team should change." in body or "Nêu rõ nội dung" in body


def test_a_rewording_refused_opens_its_fold(client, head, visit, leader):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader)
    client.force_login(head)
    body = _decide(client, finding, ReviewDecision.EDITED, text="").content.decode()
    assert '<details class="mb-2" open>' in body
    assert f'id="id_f{finding.pk}-text_error"' in body


def test_review_cards_escape_what_the_team_wrote(client, head, visit, leader):
    _submitted(visit)
    FindingFactory(visit=visit, created_by=leader, text="<script>alert(1)</script>", recommendation="a & <b>")
    client.force_login(head)
    body = client.get(reverse("findings:visit_review", args=[visit.pk])).content.decode()
    assert "<script>alert(1)" not in body
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # the card and the reword field
    assert "a &amp; &lt;b&gt;" in body


def test_review_cards_show_the_history_the_severity_and_the_place(client, head, visit, leader):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader, review_state=ReviewState.SUBMITTED)
    client.force_login(head)
    _decide(client, finding, ReviewDecision.RETURNED, comment="Ghi rõ số hồ sơ.")
    body = client.get(reverse("findings:visit_review", args=[visit.pk])).content.decode()
    review = FindingReview.objects.get()
    assert timezone.localtime(review.at).strftime("%H:%M %d/%m/%Y") in body
    assert ": Ghi rõ số hồ sơ.</li>" in body
    assert 'class="badge text-bg-warning"' in body  # medium severity, and the returned state


def test_review_page_queries_do_not_grow_with_the_findings(
    client, head, visit, leader, django_assert_max_num_queries
):
    _submitted(visit)
    FindingFactory.create_batch(2, visit=visit, created_by=leader)
    client.force_login(head)
    url = reverse("findings:visit_review", args=[visit.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    count = len(few)  # now: the next request empties the query log the context reads
    reviewed = FindingFactory.create_batch(28, visit=visit, created_by=leader)
    for finding in reviewed[:5]:
        _decide(client, finding, ReviewDecision.RETURNED, comment="Bổ sung.")
    with django_assert_max_num_queries(count):
        response = client.get(url)
    assert response.content.decode().count('class="card mb-3 review-finding"') == 30


def test_a_visit_no_longer_waiting_shows_its_cards_without_decision_forms(client, head, visit, leader):
    FindingFactory(visit=visit, created_by=leader, approved=True)
    visit.status = VisitStatus.REVIEWED
    visit.save(update_fields=["status"])
    client.force_login(head)
    body = client.get(reverse("findings:visit_review", args=[visit.pk])).content.decode()
    assert 'class="card mb-3 review-finding"' in body
    assert '/review/" novalidate' not in body and 'name="f' not in body
    assert 'id="finish-review"' not in body


def test_the_review_page_reads_no_remediation_action(
    client, head, visit, leader, django_assert_max_num_queries
):
    # The review comes before the conclusion that makes the actions: joining them made PostgreSQL
    # hash every action of the country for a visit that has none.
    _submitted(visit)
    FindingFactory.create_batch(2, visit=visit, created_by=leader)
    client.force_login(head)
    with django_assert_max_num_queries(30) as queries:
        assert client.get(reverse("findings:visit_review", args=[visit.pk])).status_code == 200
    assert not any('"findings_remediationaction"' in q["sql"] for q in queries.captured_queries)


def test_review_cards_labels_follow_the_language_and_each_form_posts_to_its_finding(
    client, head, visit, leader
):
    _submitted(visit)
    finding = FindingFactory(visit=visit, created_by=leader, review_state=ReviewState.SUBMITTED)
    client.force_login(head)
    _decide(client, finding, ReviewDecision.RETURNED, comment="Bổ sung.")
    finding.refresh_from_db()
    url = reverse("findings:visit_review", args=[visit.pk])
    action = reverse("findings:finding_review", args=[finding.pk])
    for language in ("vi", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        body = client.get(url).content.decode()
        assert f'<html lang="{language}">' in body
        with translation.override(language):
            kind, state, decision = (
                finding.get_kind_display(),
                finding.get_review_state_display(),
                FindingReview.objects.get().get_decision_display(),
            )
        assert f'<span class="badge text-bg-light border">{kind}</span>' in body, language
        assert (kind == "Limitation") == (language == "en")
        assert f'<span class="badge text-bg-warning">{state}</span>' in body, language
        assert f" · {decision}: Bổ sung.</li>" in body, language
        assert f'action="{action}" novalidate hx-post="{action}"' in body
