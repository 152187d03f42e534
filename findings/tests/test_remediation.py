"""The unit's side of remediation, the head's extension decisions, the team's verification."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Value
from django.template import engines
from django.urls import reverse
from django.utils.html import escape

from findings import selectors
from findings.models import (
    ActionState,
    ExtensionDecision,
    RemediationAction,
    RemediationUpdate,
    UpdateAttachment,
    UpdateKind,
)
from findings.unit_cards import unit_cards_html
from inspections.models import InspectionPlan
from inspections.tests.factories import PlanFactory, VisitFactory, at
from units.tests.factories import UnitFactory

from .factories import PDF, ActionFactory, FindingFactory, UpdateFactory, conclude

pytestmark = pytest.mark.django_db


def _set_state(action, state):
    RemediationAction.objects.filter(pk=action.pk).update(state=state)
    action.refresh_from_db()
    return action


def _pdf(name="bao-cao-khac-phuc.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- the liaison -------------------------------------------------------------------------------


def test_liaison_posts_progress_with_an_attachment_and_the_team_is_emailed(
    client, liaison, leader, inspector, action, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("findings:action_progress", args=[action.pk]),
            {
                "progress-version": action.version,
                "progress-text": "Đã in sổ đăng ký văn bản đi, đến.",
                "progress-files": [_pdf()],
            },
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == ActionState.IN_PROGRESS
    update = RemediationUpdate.objects.get()
    assert (update.kind, update.actor) == (UpdateKind.PROGRESS, liaison)
    attachment = update.attachments.get()
    assert attachment.original_name == "bao-cao-khac-phuc.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF) and len(attachment.sha256) == 64
    assert attachment.file.name.startswith("remediation/")
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {leader.email, inspector.email}


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(client, liaison, action):
    client.force_login(liaison)
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {"progress-version": action.version, "progress-text": "Đã khắc phục.", "progress-files": [fake]},
    )
    assert response.status_code == 200
    assert response.context["progress_form"].errors["files"]
    assert not RemediationUpdate.objects.exists()
    assert not UpdateAttachment.objects.exists()


def test_liaison_reports_the_action_done(client, liaison, action):
    client.force_login(liaison)
    client.post(
        reverse("findings:action_done", args=[action.pk]),
        {
            "done-version": action.version,
            "done-text": "Đã ban hành kế hoạch đối thoại.",
            "done-files": [_pdf()],
        },
    )
    action.refresh_from_db()
    assert action.state == ActionState.REPORTED_DONE


def test_liaison_cannot_report_an_action_already_reported(client, liaison, action):
    _set_state(action, ActionState.REPORTED_DONE)
    client.force_login(liaison)
    response = client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {"progress-version": action.version, "progress-text": "Thêm."},
        follow=True,
    )
    assert list(response.context["messages"])
    assert not RemediationUpdate.objects.exists()


def test_inspector_cannot_post_progress_for_the_unit(client, inspector, action):
    client.force_login(inspector)
    response = client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {"progress-version": action.version, "progress-text": "Thay đơn vị báo cáo."},
    )
    assert response.status_code == 403
    assert not RemediationUpdate.objects.filter(action=action).exists()
    action.refresh_from_db()
    assert action.state == ActionState.OPEN


def test_progress_is_post_only(client, liaison, action):
    client.force_login(liaison)
    assert client.get(reverse("findings:action_progress", args=[action.pk])).status_code == 405


# --- isolation between units -------------------------------------------------------------------


def test_liaison_of_another_unit_gets_404_on_every_finding_action_and_attachment(
    client, other_liaison, action, liaison
):
    update = UpdateFactory(action=action, actor=liaison)
    attachment = UpdateAttachment.objects.create(
        update=update,
        file="remediation/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
    )
    client.force_login(other_liaison)
    urls = [
        reverse("findings:visit_findings", args=[action.finding.visit_id]),
        reverse("findings:visit_findings_history", args=[action.finding.visit_id]),
        reverse("findings:finding_detail", args=[action.finding_id]),
        reverse("findings:action_detail", args=[action.pk]),
        reverse("findings:attachment_download", args=[attachment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("findings:action_progress", args=[action.pk]),
        reverse("findings:action_done", args=[action.pk]),
        reverse("findings:action_extension", args=[action.pk]),
    ]
    for url in posts:
        assert client.post(url, {}).status_code == 404, url
    listed = client.get(reverse("findings:action_list")).context["page"].object_list
    assert action not in listed
    assert list(client.get(reverse("findings:my_unit")).context["mine"].visits) == []


def test_liaison_sees_their_units_concluded_visit_and_actions(client, liaison, action):
    client.force_login(liaison)
    mine = client.get(reverse("findings:my_unit")).context["mine"]
    assert [v.pk for v in mine.visits] == [action.finding.visit_id]
    assert mine.open_count == 1
    assert client.get(reverse("findings:action_detail", args=[action.pk])).status_code == 200
    assert client.get(reverse("findings:visit_findings", args=[action.finding.visit_id])).status_code == 200


def test_attachment_is_downloaded_by_whoever_sees_the_action(client, liaison, head, action):
    client.force_login(liaison)
    client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {"progress-version": action.version, "progress-text": "Đã làm.", "progress-files": [_pdf()]},
    )
    attachment = UpdateAttachment.objects.get()
    client.force_login(head)
    response = client.get(reverse("findings:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


# --- extensions --------------------------------------------------------------------------------


def test_extension_request_then_the_head_grants_it(
    client, liaison, head, action, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(liaison)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("findings:action_extension", args=[action.pk]),
            {
                "extension-version": action.version,
                "extension-requested_due_date": "2027-03-31",
                "extension-reason": "Chờ kinh phí in sổ sách.",
            },
        )
    request = RemediationUpdate.objects.get(kind=UpdateKind.EXTENSION_REQUEST)
    assert request.is_pending_request
    assert mailoutbox[-1].to == [head.email]
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("findings:action_extension_decide", args=[action.pk, request.pk]),
            {"decision": ExtensionDecision.GRANTED, "comment": ""},
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_date == dt.date(2027, 3, 31)
    request.refresh_from_db()
    assert request.decision == ExtensionDecision.GRANTED
    decision = RemediationUpdate.objects.get(kind=UpdateKind.EXTENSION_DECISION)
    assert (decision.reply_to, decision.actor) == (request, head)
    assert liaison.email in mailoutbox[-1].to


def test_refusing_an_extension_needs_a_reason_and_keeps_the_date(client, liaison, head, action):
    request = UpdateFactory(
        action=action,
        actor=liaison,
        kind=UpdateKind.EXTENSION_REQUEST,
        requested_due_date=dt.date(2027, 3, 31),
    )
    client.force_login(head)
    response = client.post(
        reverse("findings:action_extension_decide", args=[action.pk, request.pk]),
        {"decision": ExtensionDecision.REFUSED},
    )
    assert response.status_code == 200
    client.post(
        reverse("findings:action_extension_decide", args=[action.pk, request.pk]),
        {"decision": ExtensionDecision.REFUSED, "comment": "Đủ thời gian thực hiện."},
    )
    action.refresh_from_db()
    assert action.due_date == dt.date(2027, 2, 19)
    request.refresh_from_db()
    assert request.decision == ExtensionDecision.REFUSED


def test_a_request_is_decided_only_once(client, liaison, head, action):
    request = UpdateFactory(
        action=action,
        actor=liaison,
        kind=UpdateKind.EXTENSION_REQUEST,
        requested_due_date=dt.date(2027, 3, 31),
    )
    client.force_login(head)
    url = reverse("findings:action_extension_decide", args=[action.pk, request.pk])
    client.post(url, {"decision": ExtensionDecision.GRANTED})
    response = client.post(url, {"decision": ExtensionDecision.REFUSED, "comment": "Không."})
    assert response.status_code == 200
    assert RemediationUpdate.objects.filter(kind=UpdateKind.EXTENSION_DECISION).count() == 1


def test_a_second_request_waits_for_the_first_decision(client, liaison, action):
    UpdateFactory(
        action=action,
        actor=liaison,
        kind=UpdateKind.EXTENSION_REQUEST,
        requested_due_date=dt.date(2027, 3, 31),
    )
    client.force_login(liaison)
    response = client.post(
        reverse("findings:action_extension", args=[action.pk]),
        {
            "extension-version": action.version,
            "extension-requested_due_date": "2027-04-30",
            "extension-reason": "Lại.",
        },
    )
    assert response.status_code == 200
    assert RemediationUpdate.objects.filter(kind=UpdateKind.EXTENSION_REQUEST).count() == 1


def test_an_earlier_date_is_not_an_extension(client, liaison, action):
    client.force_login(liaison)
    response = client.post(
        reverse("findings:action_extension", args=[action.pk]),
        {
            "extension-version": action.version,
            "extension-requested_due_date": "2027-02-01",
            "extension-reason": "Sớm.",
        },
    )
    assert response.context["extension_form"].errors["requested_due_date"]


def test_liaison_cannot_decide_their_own_extension(client, liaison, action):
    request = UpdateFactory(
        action=action,
        actor=liaison,
        kind=UpdateKind.EXTENSION_REQUEST,
        requested_due_date=dt.date(2027, 3, 31),
    )
    client.force_login(liaison)
    response = client.post(
        reverse("findings:action_extension_decide", args=[action.pk, request.pk]),
        {"decision": ExtensionDecision.GRANTED},
    )
    assert response.status_code == 403
    due = action.due_date
    action.refresh_from_db()
    assert action.due_date == due
    request.refresh_from_db()
    assert request.is_pending_request
    assert not RemediationUpdate.objects.filter(kind=UpdateKind.EXTENSION_DECISION).exists()


# --- verification ------------------------------------------------------------------------------


def test_team_member_verifies_an_action_reported_done(
    client, inspector, liaison, action, mailoutbox, django_capture_on_commit_callbacks
):
    _set_state(action, ActionState.REPORTED_DONE)
    client.force_login(inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("findings:action_verify", args=[action.pk]),
            {"verify-version": action.version, "verify-comment": ""},
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == ActionState.VERIFIED
    assert RemediationUpdate.objects.get().kind == UpdateKind.VERIFICATION
    assert liaison.email in mailoutbox[-1].to


def test_inspector_not_on_the_team_cannot_verify(client, other_inspector, head, action):
    _set_state(action, ActionState.REPORTED_DONE)
    for user in (other_inspector, head):
        client.force_login(user)
        response = client.post(
            reverse("findings:action_verify", args=[action.pk]), {"verify-version": action.version}
        )
        assert response.status_code in (403, 404)
    action.refresh_from_db()
    assert action.state == ActionState.REPORTED_DONE


def test_head_who_is_not_on_the_team_gets_403_on_verify(client, head, action):
    _set_state(action, ActionState.REPORTED_DONE)
    client.force_login(head)
    response = client.post(
        reverse("findings:action_verify", args=[action.pk]), {"verify-version": action.version}
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.state == ActionState.REPORTED_DONE
    assert not RemediationUpdate.objects.filter(action=action, kind=UpdateKind.VERIFICATION).exists()


def test_verifying_an_action_that_was_never_reported_is_refused_with_a_message(client, inspector, action):
    client.force_login(inspector)
    response = client.post(
        reverse("findings:action_verify", args=[action.pk]), {"verify-version": action.version}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    action.refresh_from_db()
    assert action.state == ActionState.OPEN
    assert not RemediationUpdate.objects.exists()


def test_reopening_needs_a_comment_and_sends_the_action_back(client, inspector, action):
    _set_state(action, ActionState.REPORTED_DONE)
    client.force_login(inspector)
    response = client.post(
        reverse("findings:action_reopen", args=[action.pk]), {"reopen-version": action.version}
    )
    assert response.status_code == 200
    assert response.context["reopen_form"].errors["comment"]
    client.post(
        reverse("findings:action_reopen", args=[action.pk]),
        {"reopen-version": action.version, "reopen-comment": "Chưa in sổ đăng ký văn bản đến."},
    )
    action.refresh_from_db()
    assert action.state == ActionState.REOPENED


def test_stale_verification_is_refused(client, inspector, action):
    _set_state(action, ActionState.REPORTED_DONE)
    client.force_login(inspector)
    client.post(
        reverse("findings:action_verify", args=[action.pk]),
        {"verify-version": action.version + 3},
        follow=True,
    )
    action.refresh_from_db()
    assert action.state == ActionState.REPORTED_DONE


# --- overdue and the list ----------------------------------------------------------------------


def test_overdue_is_derived_from_the_due_date_and_state(action):
    today = dt.date(2027, 3, 1)
    assert action.is_overdue_on(today)
    assert RemediationAction.objects.overdue(today).get() == action
    _set_state(action, ActionState.REPORTED_DONE)
    assert not action.is_overdue_on(today)
    assert not RemediationAction.objects.overdue(today).exists()
    assert not action.is_overdue_on(dt.date(2027, 2, 19))


def test_remediation_list_filters_by_state_unit_plan_due_date_and_overdue(
    client, head, action, other_action, time_machine
):
    time_machine.move_to(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC))
    _set_state(other_action, ActionState.VERIFIED)
    client.force_login(head)
    url = reverse("findings:action_list")

    def listed(**params):
        page = client.get(url, params).context["page"]
        shown = {a.pk for a in page.object_list}
        # The total comes with the page's rows (selectors.action_list_rows): the same filters.
        assert page.paginator.count == len(shown)
        return shown

    assert listed() == {action.pk, other_action.pk}
    assert listed(state=ActionState.VERIFIED) == {other_action.pk}
    assert listed(unit="binh tan") == {action.pk}
    assert listed(plan=action.finding.visit.plan_id) == {action.pk, other_action.pk}
    # A plan none of the visible actions belongs to is not a choice: ignored, as a mistyped one.
    stranger = PlanFactory(
        issuing_unit=action.finding.visit.plan.issuing_unit, template=action.finding.visit.plan.template
    )
    assert client.get(url, {"plan": stranger.pk}).context["filter"].errors.keys() == {"plan"}
    assert listed(plan=stranger.pk) == {action.pk, other_action.pk}
    assert listed(due_before="2027-02-19") == set()
    assert listed(due_before="2027-02-20") == {action.pk, other_action.pk}
    assert listed(overdue="on") == {action.pk}
    assert listed(overdue="on", unit="binh tan", state=ActionState.OPEN) == {action.pk}
    assert listed(overdue="on", state=ActionState.VERIFIED) == set()
    assert listed(unit="no such commune") == set()
    # The plan filter lists the plans of the visible actions, with the chosen one selected.
    plan = action.finding.visit.plan
    body = client.get(url, {"plan": plan.pk}).content.decode()
    assert f'<option value="{plan.pk}" selected>{escape(plan.title)} ({plan.year})</option>' in body
    select = body[body.index('name="plan">') : body.index("</select>", body.index('name="plan">'))]
    assert select.count("<option") == 2  # "All plans" and the one plan with actions


def test_inspector_lists_the_actions_of_their_visits_only(client, inspector, action, other_action):
    client.force_login(inspector)
    assert {a.pk for a in client.get(reverse("findings:action_list")).context["page"].object_list} == {
        action.pk
    }


def test_remediation_list_query_count_does_not_grow_with_rows(
    client, head, plan, leader, district, django_assert_max_num_queries
):
    def add(count, offset):
        for n in range(count):
            unit = UnitFactory(parent=district)
            plan.units.add(unit)
            day = plan.period_start.replace(day=2 + offset + n)
            visit = VisitFactory(
                plan=plan, unit=unit, leader=leader, starts_at=at(day, 8), ends_at=at(day, 11)
            )
            findings = FindingFactory.create_batch(2, visit=visit, created_by=leader, approved=True)
            conclude(visit, leader)
            for finding in findings:
                ActionFactory(finding=finding)

    add(3, 0)
    client.force_login(head)
    client.get(reverse("findings:action_list"))
    with django_assert_max_num_queries(20) as few:
        response = client.get(reverse("findings:action_list"))
    assert response.context["page"].paginator.count == 6
    add(5, 3)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("findings:action_list"))
    assert response.context["page"].paginator.count == 16


def test_remediation_list_rows_show_what_each_action_needs(client, head, action, other_action, time_machine):
    """The rows are drawn in Python (findings/action_rows.py): link, criterion, unit, notice,
    plan, due date, overdue, state and a pending extension request, every value escaped."""
    time_machine.move_to(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC))
    finding = action.finding
    finding.recommendation = "Niêm yết <đầy đủ> & công khai"
    finding.save(update_fields=["recommendation"])
    UpdateFactory(
        action=action,
        kind=UpdateKind.EXTENSION_REQUEST,
        requested_due_date=dt.date(2027, 4, 1),
        actor=head,
    )
    _set_state(other_action, ActionState.VERIFIED)
    client.force_login(head)
    body = client.get(reverse("findings:action_list")).content.decode()
    row = body[body.index(f'href="{action.get_absolute_url()}"') :]
    row = row[: row.index("</tr>")]
    assert "Niêm yết &lt;đầy đủ&gt; &amp; công khai</a>" in row
    assert 'data-label="Đơn vị">' + escape(action.unit.name) in row
    assert "19/02/2027" in row and "Quá hạn" in row
    assert "Đã đề nghị gia hạn" in row
    assert f"{finding.visit.conclusion.reference}<br>" in row
    other = body[body.index(f'href="{other_action.get_absolute_url()}"') :]
    other = other[: other.index("</tr>")]
    assert "Quá hạn" not in other and "text-bg-success" in other


def test_action_page_shows_the_record_and_the_history(client, liaison, head, action):
    client.force_login(liaison)
    client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {"progress-version": action.version, "progress-text": "Đã cử công chức đi bồi dưỡng."},
    )
    client.force_login(head)
    response = client.get(reverse("findings:action_detail", args=[action.pk]))
    assert response.status_code == 200
    assert [u.kind for u in response.context["updates"]] == [UpdateKind.PROGRESS]
    history = response.context["history"]
    # The action's state change and the new update, both by the liaison (the factory's row has no actor).
    assert [e.actor for e in history[:2]] == [liaison, liaison]
    state_change = next(e for e in history if e.action == 1)
    assert [c.old for c in state_change.changes] == [str(ActionState.OPEN.label)]


def test_my_unit_page_queries_do_not_grow_with_visits_and_shows_limitations_only(
    client, liaison, action, plan, commune, leader, django_assert_max_num_queries
):
    strength = FindingFactory(visit=action.finding.visit, created_by=leader, strength=True, approved=True)
    client.force_login(liaison)
    url = reverse("findings:my_unit")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        body = client.get(url).content.decode()
    count = len(few)
    assert action.finding.text in body and strength.text not in body
    for n in range(4):
        other_plan = PlanFactory(
            issuing_unit=plan.issuing_unit, template=plan.template, units=[commune], approved=True
        )
        day = plan.period_start.replace(day=3 + n)
        visit = VisitFactory(
            plan=other_plan, unit=commune, leader=leader, starts_at=at(day, 8), ends_at=at(day, 11)
        )
        findings = FindingFactory.create_batch(3, visit=visit, created_by=leader, approved=True)
        conclude(visit, leader)
        for finding in findings:
            ActionFactory(finding=finding)
    with django_assert_max_num_queries(count):
        response = client.get(url)
    assert len(response.context["mine"].visits) == 5
    assert response.context["mine"].open_count == 13


def test_action_page_queries_do_not_grow_with_its_record(
    client, liaison, action, django_assert_max_num_queries
):
    client.force_login(liaison)
    url = reverse("findings:action_detail", args=[action.pk])
    UpdateFactory(action=action, actor=liaison)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    count = len(few)
    for _ in range(4):
        UpdateFactory(action=action, actor=liaison)
    with django_assert_max_num_queries(count):
        response = client.get(url)
    assert len(response.context["updates"]) == 5
    # A liaison is shown the progress, done and extension forms, not the team's verification.
    assert {"progress_form", "done_form", "extension_form"} <= set(response.context.keys())
    assert "verify_form" not in response.context


def test_row_texts_are_truncated_as_django_truncates_them():
    """action_rows._chars is Truncator.chars with a short cut for short texts (NFC included)."""
    import unicodedata

    from django.utils.text import Truncator

    from findings.action_rows import _chars

    decomposed = unicodedata.normalize("NFD", "Thực hiện xin lỗi, hẹn lại với 100% hồ sơ trễ hạn.")
    for text in ["", "ngắn", decomposed, decomposed * 5, "x" * 140, "x" * 141, "Kế hoạch " * 10]:
        for length in (50, 140):
            assert _chars(text, length) == Truncator(text).chars(length)


def _list_page(user, params=None, number=1, size=25):
    """The remediation list's page ``number`` as the view reads it: its query filtered, sliced
    with the total as core.pagination.paginate_ids slices it, and the rows joined to it."""
    from django.test import RequestFactory

    from core.pagination import paginate_ids
    from findings.filters import ActionFilter

    request = RequestFactory().get("/", {**(params or {}), "page": number})
    request.user = user
    filterset = ActionFilter(params or None, queryset=selectors.action_list(user=user), request=request)
    titles = {pk: title for pk, title, _year in selectors.action_list_plans(user=user)}
    return filterset, paginate_ids(
        request,
        filterset.qs,
        size,
        rows=lambda page: selectors.action_list_rows(page, plan_titles=titles),
    )


def test_remediation_list_rows_read_a_plan_missing_from_the_plans(head, action, other_action):
    """The rows take the plans' titles from action_list_plans; a plan it did not see (an action
    concluded between the two queries) is read, not left blank."""
    plan = action.finding.visit.plan
    assert selectors.action_list_plans(user=head) == [(plan.pk, plan.title, plan.year)]
    page = (
        RemediationAction.objects.filter(pk__in=[action.pk, other_action.pk])
        .annotate(_page_total=Value(2))
        .order_by("due_date", "id")
        .values_list("pk", "_page_total")[:25]
    )
    for titles in ({plan.pk: plan.title}, {}):
        rows = selectors.action_list_rows(page, plan_titles=titles)
        assert [row.pk for row, _total in rows] == sorted(
            [action.pk, other_action.pk], key=lambda pk: (RemediationAction.objects.get(pk=pk).due_date, pk)
        )
        assert {row.plan_title for row, _total in rows} == {plan.title}
        assert {total for _row, total in rows} == {2}


@pytest.mark.parametrize(
    "role", ["head", "inspector", "leader", "other_inspector", "liaison", "administrator", "outsider"]
)
def test_remediation_list_plans_are_those_of_the_visible_actions(request, role, action, other_action):
    """action_list_plans (a probe per plan along its visits) gives the plans of the actions the
    plain reading says the user may see, newest first, for every role; a plan whose visits have
    no action, or none visible, is not listed."""
    user = request.getfixturevalue(role)
    plan = action.finding.visit.plan
    # A later plan of the same department: a visit with an action that only some roles see, and
    # a plan with a concluded visit but no action.
    later = PlanFactory(issuing_unit=plan.issuing_unit, template=plan.template, year=plan.year + 1)
    leader = request.getfixturevalue("other_inspector")
    visit = VisitFactory(plan=later, unit=action.finding.visit.unit, leader=leader)
    finding = FindingFactory(visit=visit, created_by=leader, approved=True)
    conclude(visit, leader)
    ActionFactory(finding=finding)
    empty = PlanFactory(issuing_unit=plan.issuing_unit, template=plan.template, year=plan.year + 2)
    conclude(VisitFactory(plan=empty, unit=action.finding.visit.unit), finding.created_by)

    plain = list(
        InspectionPlan.objects.filter(pk__in=selectors.actions_visible_to(user).values("visit__plan_id"))
        .order_by("-year", "title", "id")
        .values_list("pk", "title", "year")
    )
    assert selectors.action_list_plans(user=user) == plain
    assert empty.pk not in {pk for pk, _title, _year in plain}


@pytest.mark.parametrize("role", ["head", "inspector", "liaison", "administrator"])
@pytest.mark.parametrize(
    "params",
    [{}, {"overdue": "on"}, {"state": ActionState.OPEN}, {"unit": "binh tan"}, {"due_before": "2026-01-01"}],
)
def test_remediation_list_page_and_total_in_one_query_match_the_plain_reading(
    request, role, params, action, other_action, time_machine
):
    """The list's rows and total from one query (the page's ids, a COUNT(*) of the list's query
    beside them, the shown columns joined) equal a count of the filtered list and its slices,
    page by page."""
    time_machine.move_to(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC))
    user = request.getfixturevalue(role)
    for n in range(5):
        for finding_of in (action, other_action):
            finding = FindingFactory(
                visit=finding_of.finding.visit, created_by=finding_of.finding.created_by, approved=True
            )
            ActionFactory(finding=finding, due_date=dt.date(2027, 2, 10 + n))
    _set_state(other_action, ActionState.VERIFIED)
    filterset, _page = _list_page(user, params)
    expected = list(filterset.qs.values_list("pk", flat=True))
    assert expected or params or role == "liaison"
    seen = []
    for number in (1, 2, 3, 4):
        _filterset, page = _list_page(user, params, number, size=3)
        assert page.paginator.count == len(expected)
        seen += [row.pk for row in page.object_list] if number <= page.paginator.num_pages else []
    assert seen == expected


def test_visible_actions_follow_a_change_of_unit_or_roles_on_the_same_user_object(
    head, action, other_province
):
    """The visible visits' compiled ids are remembered on the user object for a request
    (findings.selectors._visible_visit_ids_sql), keyed by its unit and roles: the same object
    moved to another province, or given other roles, sees what its new scope shows."""
    from units.roles import Role

    assert set(selectors.actions_visible_to(head)) == {action}
    head.unit = other_province
    head.save(update_fields=["unit"])
    assert set(selectors.actions_visible_to(head)) == set()
    head.unit = action.visit.plan.issuing_unit
    head.save(update_fields=["unit"])
    assert set(selectors.actions_visible_to(head)) == {action}
    head.groups.clear()
    del head._role_names
    assert Role.HEAD not in head.role_names
    assert set(selectors.actions_visible_to(head)) == set()
    assert selectors.action_list_plans(user=head) == []


# The liaison's cards as the page's template drew them before findings/unit_cards.py (kept here to
# hold the Python drawing to the same markup).
MY_UNIT_TEMPLATE = (
    "{% load i18n findings_tags inspections_tags %}"
    + """{% for visit in mine.visits %}
<section class="card mb-4">
  <div class="card-header d-flex flex-wrap gap-2 align-items-center">
    <h2 class="h5 mb-0 me-auto">{{ visit.unit.name }} · {{ visit.starts_at|local_day }}{% if home_unit and visit.unit.valid_to and visit.unit_id != home_unit.pk %} <span class="badge text-bg-secondary fw-normal">{% blocktranslate with name=visit.unit.name trimmed %}before the reorganisation: {{ name }}{% endblocktranslate %}</span>{% endif %}</h2>
    {% if visit.conclusion %}<span>{% translate "Notice" %} <strong>{{ visit.conclusion.reference }}</strong> · {{ visit.conclusion.date|dmy }} · {% translate "report back by" %} {{ visit.conclusion.due_date|dmy }}</span>{% endif %}
    <a class="btn btn-outline-primary btn-sm" href="{% url 'findings:visit_findings' visit.pk %}">{% translate "All findings" %}</a>
  </div>
  <div class="card-body">
    <p class="small text-muted mb-2">{{ visit.plan.title }}</p>
    <ol class="mb-0">
      {% for finding in visit.findings.all %}{% if finding.is_limitation %}
      <li class="mb-2"><span class="text-prewrap">{{ finding.text }}</span>
        {% if finding.recommendation %}<div><strong>{% translate "Recommendation:" %}</strong> <span class="text-prewrap">{{ finding.recommendation }}</span></div>{% endif %}
        {% if finding.action %}<div><a class="btn btn-sm btn-outline-secondary py-0" href="{{ finding.action.get_absolute_url }}"><span class="badge {{ finding.action.state|badge }}">{{ finding.action.get_state_display }}</span> {% translate "due" %} {{ finding.action.due_date|dmy }}</a>{% if finding.action|overdue_on:today %} <span class="badge text-bg-danger">{% translate "Overdue" %}</span>{% endif %}</div>{% endif %}
      </li>
      {% endif %}{% endfor %}
    </ol>
  </div>
</section>
"""
    + "{% endfor %}"
)


def test_my_unit_cards_are_the_markup_the_template_drew(
    client, liaison, action, plan, commune, leader, time_machine
):
    """Escaped texts, a strength left out, a limitation without recommendation (no action), an
    overdue action, a verified one, and a visit of a unit replaced in a merger (its badge)."""
    time_machine.move_to(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC))
    finding = action.finding
    finding.text = 'Hồ sơ <trễ hạn> & "chưa" xin lỗi'
    finding.recommendation = "Xin lỗi <ngay>"
    finding.save(update_fields=["text", "recommendation"])
    visit = finding.visit
    FindingFactory(visit=visit, created_by=leader, strength=True, approved=True)
    FindingFactory(visit=visit, created_by=leader, approved=True, recommendation="")
    verified = ActionFactory(finding=FindingFactory(visit=visit, created_by=leader, approved=True))
    _set_state(verified, ActionState.VERIFIED)
    former = UnitFactory(parent=commune.parent, name="Xã <cũ>")
    former.valid_to = dt.date(2025, 7, 1)
    former.save()
    commune.predecessors.add(former)
    old_plan = PlanFactory(
        issuing_unit=plan.issuing_unit, template=plan.template, units=[former], approved=True
    )
    day = plan.period_start.replace(day=3)
    old_visit = VisitFactory(
        plan=old_plan, unit=former, leader=leader, starts_at=at(day, 8), ends_at=at(day, 11)
    )
    old_finding = FindingFactory(visit=old_visit, created_by=leader, approved=True)
    conclude(old_visit, leader)
    ActionFactory(finding=old_finding)
    client.force_login(liaison)
    response = client.get(reverse("findings:my_unit"))
    page = response.context["mine"].visits
    assert len(page.object_list) == 2
    context = {"mine": response.context["mine"], "today": dt.date(2027, 3, 1), "home_unit": liaison.unit}
    expected = engines["django"].from_string(MY_UNIT_TEMPLATE).render(context)
    drawn = unit_cards_html(page, today=dt.date(2027, 3, 1), home_unit=liaison.unit)
    assert drawn == expected
    assert str(drawn) in response.content.decode()
    assert "Hồ sơ &lt;trễ hạn&gt; &amp; &quot;chưa&quot; xin lỗi" in drawn and "Xã &lt;cũ&gt;" in drawn
    assert drawn.count('<span class="badge text-bg-danger">') == 2  # two open actions past 19/02/2027
    assert drawn.count("text-bg-secondary fw-normal") == 1 and "text-bg-success" in drawn


def test_the_record_is_drawn_as_the_template_drew_it(client, liaison, head, action):
    """findings.panels.record_html against the template the action page drew its record with:
    no update, then each kind of update (progress with files, an extension asked then decided,
    one waiting), escaping, both languages."""
    import datetime as dt
    from pathlib import Path

    from django.template import engines
    from django.utils import translation

    from findings import selectors
    from findings.models import ExtensionDecision, UpdateAttachment
    from findings.panels import record_html

    reference = engines["django"].from_string(
        (Path(__file__).parent / "record_reference.html").read_text(encoding="utf-8")
    )

    def both_ways():
        updates = selectors.action_detail(action=action)["updates"]
        return record_html(updates), reference.render({"updates": updates})

    ours, theirs = both_ways()
    assert ours == theirs and "update-" not in ours
    progress = UpdateFactory(action=action, actor=liaison, text='Đã làm <b>"xong"</b> & nộp')
    for k, size in enumerate([120_000, 999, 3_500_000]):
        UpdateAttachment.objects.create(
            update=progress,
            file=f"remediation/t/{k}.pdf",
            original_name=f"báo <cáo> {k}.pdf",
            content_type="application/pdf",
            size=size,
            sha256=f"{k:064x}",
        )
    asked = UpdateFactory(
        action=action,
        actor=liaison,
        kind=UpdateKind.EXTENSION_REQUEST,
        requested_due_date=dt.date(2027, 3, 1),
        decision=ExtensionDecision.GRANTED,
    )
    UpdateFactory(
        action=action,
        actor=head,
        kind=UpdateKind.EXTENSION_DECISION,
        decision=ExtensionDecision.GRANTED,
        reply_to=asked,
        text="",
    )
    UpdateFactory(
        action=action,
        actor=liaison,
        kind=UpdateKind.EXTENSION_REQUEST,
        requested_due_date=dt.date(2027, 4, 2),
        text="Chờ",
    )
    for language in ("vi", "en"):
        with translation.override(language):
            ours, theirs = both_ways()
        assert ours == theirs, language
    assert ours.count("update-") == 4 and ours.count("/findings/attachments/") == 3
    assert "báo &lt;cáo&gt; 0.pdf" in ours and "text-bg-warning" in ours
    client.force_login(liaison)
    body = client.get(reverse("findings:action_detail", args=[action.pk])).content.decode()
    assert "Đã làm &lt;b&gt;&quot;xong&quot;&lt;/b&gt; &amp; nộp" in body


@pytest.mark.parametrize("role", ["head", "inspector"])
@pytest.mark.parametrize("params", [{}, {"overdue": "on"}, {"state": ActionState.OPEN}])
def test_remediation_list_reads_the_visible_visits_once_and_counts_each_action_once(
    request, role, params, head, visit, action, other_action, foreign_commune, time_machine
):
    """The list's statement declares the visible visit ids once (a WITH, a UNION ALL) for its
    page and its total (selectors._SharedVisitIds): a visit both in the head's scope and on the
    head's team is listed and counted once, a visit of another province only through the team;
    rows and total equal the plain reading (actions_visible_to: a UNION, read apart), page by page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from findings.filters import ActionFilter
    from inspections.models import TeamMember, TeamRole

    time_machine.move_to(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC))
    TeamMember.objects.create(visit=visit, user=head, role=TeamRole.MEMBER)  # in the scope too
    for on_team in (True, False):
        foreign_plan = PlanFactory(issuing_unit=foreign_commune.parent, template=visit.plan.template)
        foreign = VisitFactory(plan=foreign_plan, unit=foreign_commune, leader=head if on_team else None)
        finding = FindingFactory(visit=foreign, created_by=action.finding.created_by, approved=True)
        conclude(foreign, action.finding.created_by)
        ActionFactory(finding=finding, due_date=dt.date(2027, 2, 1))
    for n in range(3):
        finding = FindingFactory(visit=visit, created_by=action.finding.created_by, approved=True)
        ActionFactory(finding=finding, due_date=dt.date(2027, 2, 10 + n))
    user = request.getfixturevalue(role)
    visible = selectors.actions_visible_to(user)
    if params:
        filterset = ActionFilter(params, queryset=selectors.action_list(user=user))
        assert filterset.is_valid()
        visible = filterset.filter_queryset(visible)
    plain = list(visible.order_by("due_date", "id").values_list("pk", flat=True))
    assert len(plain) == len(set(plain)) > 1
    seen = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            _filterset, page = _list_page(user, params, number, size=2)
        statement = captured.captured_queries[-1]["sql"]
        assert statement.count('FROM "inspections_teammember"') == 1, statement
        assert statement.startswith('WITH "kt_visible_visit_ids" AS')
        assert page.paginator.count == len(plain)
        seen += [row.pk for row in page.object_list] if number <= page.paginator.num_pages else []
    assert seen == plain
    if role == "head" and not params:
        # The fixtures' two actions, three more, and the foreign visit's on the head's team only.
        assert len(plain) == 6


def test_shared_visit_ids_are_the_whole_subquery_outside_a_statement_that_shares_them(head, action):
    """A _SharedVisitIds compiled in a query that declares no WITH (a count, the export) is the
    visible visits' own subquery."""
    qs = selectors.action_list(user=head)
    sql, _params = qs.query.sql_with_params()
    assert "kt_visible_visit_ids" not in sql
    assert list(qs) == [action]
    assert qs.count() == 1
