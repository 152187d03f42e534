"""The checklist page of a visit and the autosave of one answer: access, bad input, conflicts,
totals, submission, and the query budgets."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models import Answer, AnswerResult, VisitEvent, VisitStatus
from units.roles import Role
from units.tests.factories import UserFactory

from .answer_factories import AnswerFactory, criteria_of, sized_template, start
from .factories import VisitFactory


@pytest.fixture
def started(visit):
    return start(visit)


@pytest.fixture
def criteria(started):
    return criteria_of(started)


def page_url(visit):
    return reverse("inspections:checklist", args=[visit.pk])


def save_url(visit, criterion):
    return reverse("inspections:answer_save", args=[visit.pk, criterion.pk])


def post_answer(client, visit, criterion, **data):
    data.setdefault("version", 0)
    data.setdefault("token", str(uuid.uuid4()))
    return client.post(save_url(visit, criterion), data, headers={"HX-Request": "true"})


# The page


def test_anonymous_visitor_is_sent_to_login_from_the_checklist(client, started):
    assert client.get(page_url(started))["Location"].startswith("/accounts/login/")


def test_team_member_sees_the_checklist_with_its_answer_controls(client, inspector, started, criteria):
    client.force_login(inspector)

    response = client.get(page_url(started))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ban hành kế hoạch CCHC năm" in html and "Tiếp nhận" in html
    assert html.count('<form class="answer-form"') == 2
    assert 'capture="environment"' in html
    assert "no-store" in response["Cache-Control"]
    assert "0 / 2" in html


@pytest.mark.parametrize("role", ["scheduler", "head"])
def test_the_provinces_scheduler_and_head_read_the_checklist_without_controls(client, request, role, started):
    client.force_login(request.getfixturevalue(role))

    response = client.get(page_url(started))

    assert response.status_code == 200
    assert '<form class="answer-form"' not in response.content.decode()


def test_the_units_liaison_may_not_read_the_teams_checklist(client, liaison, started):
    client.force_login(liaison)

    assert client.get(page_url(started)).status_code == 403


def test_outsider_cannot_find_the_checklist(client, outsider, started):
    client.force_login(outsider)

    assert client.get(page_url(started)).status_code == 404


def test_criteria_that_do_not_apply_to_the_units_kind_are_left_out(
    client, inspector, approved_plan, commune, leader
):
    template = sized_template(criteria=22)
    approved_plan.template = template
    approved_plan.save(update_fields=["template"])
    visit = start(VisitFactory(plan=approved_plan, unit=commune, leader=leader, members=[inspector]))
    client.force_login(inspector)

    html = client.get(page_url(visit)).content.decode()

    assert html.count('class="card criterion') == 20
    assert "Tiêu chí kiểm tra số 11<" not in html
    assert "0 / 20 answered" in html or "0 / 20" in html


@pytest.mark.parametrize("size", [20, 120])
def test_the_checklist_page_makes_the_same_queries_for_20_and_120_criteria(
    client, inspector, approved_plan, commune, leader, size, django_assert_num_queries
):
    approved_plan.template = sized_template(criteria=size)
    approved_plan.save(update_fields=["template"])
    visit = start(VisitFactory(plan=approved_plan, unit=commune, leader=leader, members=[inspector]))
    for criterion in criteria_of(visit)[:3]:
        AnswerFactory(visit=visit, criterion=criterion, updated_by=inspector)
    client.force_login(inspector)
    client.get(page_url(visit))  # the first opening settles the domains' roll-up rows

    # session, user, visit, team, answers, evidence, roll-ups, the menu's roles; a published
    # checklist's domains and criteria were read by the first opening and are kept.
    with django_assert_num_queries(8):
        response = client.get(page_url(visit))

    assert response.status_code == 200


# Autosave


def test_saving_an_answer_stores_it_and_updates_the_totals(client, inspector, started, criteria):
    client.force_login(inspector)

    response = post_answer(client, started, criteria[0], score="1,5", note="Chưa phân công rõ.")

    assert response.status_code == 200
    assert response["X-Answer-Saved"] == "1"
    answer = Answer.objects.get(visit=started, criterion=criteria[0])
    assert (answer.score, answer.result, answer.note) == (
        Decimal("1.5"),
        AnswerResult.PARTLY,
        "Chưa phân công rõ.",
    )
    html = response.content.decode()
    assert 'name="version" value="1"' in html
    assert 'id="checklist-progress"' in html and 'hx-swap-oob="true"' in html
    assert "1 / 2" in html  # answered
    assert "1,5 / 4" in html  # points


@pytest.mark.django_db(transaction=True)
def test_an_autosave_runs_six_statements_on_postgresql_and_reads_no_other_answer(
    inspector, started, criteria
):
    """Counted as production runs them (no test transaction around the request): what the
    request costs the database, session and user included, BEGIN and COMMIT too (Django logs
    both, and both are a round trip to the server)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(inspector)
    post_answer(client, started, criteria[1], score="1")  # the process's caches, the session's activity
    with CaptureQueriesContext(connection) as first:
        post_answer(client, started, criteria[0], score="1")
    # An answer's first save: the same, and the row's creation (INSERT ... RETURNING) first.
    assert sum(q["sql"].startswith('INSERT INTO "inspections_answer"') for q in first.captured_queries) == 1
    assert len(first.captured_queries) == (7 if connection.vendor == "postgresql" else 10)

    with CaptureQueriesContext(connection) as queries:
        response = post_answer(client, started, criteria[0], version=1, score="2")

    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    # session, user; BEGIN; the statement that checks the team and the visit's status, locks
    # the visit and reads the answer's old values and the roll-up rows; the write; COMMIT.
    # The criterion comes from the published checklist kept in memory.
    assert sql[2].startswith("BEGIN") and sql[-1] == "COMMIT", "\n".join(sql)
    if connection.vendor == "postgresql":
        # The locking statement, prepared by this connection's first autosave, runs planned.
        assert sql[3].startswith("EXECUTE kt_"), "\n".join(sql)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE name = %s",
                [sql[3].split()[1].split("(")[0]],
            )
            (prepared,) = cursor.fetchone()
        assert '"inspections_teammember"' in prepared and "FOR UPDATE" in prepared
    else:
        assert '"inspections_teammember"' in sql[3], "\n".join(sql)
    if connection.vendor == "postgresql":
        # The write is one statement: the answer's conditional UPDATE, the change's record, the
        # domain's roll-up moved by the difference and the audit entry.
        assert len(sql) == 6, "\n".join(sql)
        assert sql[4].startswith("WITH upd AS (UPDATE")
        assert all(table in sql[4] for table in ("appliedchange", "visitdomainscore", "auditlog_logentry"))
    else:
        # SQLite, without data-modifying WITH: the four writes one by one.
        assert len(sql) == 9, "\n".join(sql)
        assert sum(s.startswith("UPDATE") for s in sql) == 2
    assert sum('FROM "inspections_answer"' in s for s in sql) == 0


def test_the_autosaves_locking_statement_loads_the_visit_as_the_orm_does_and_only_for_its_team(
    inspector, leader, outsider, started, criteria
):
    from django.db import transaction

    from inspections.checklist import statements
    from inspections.models import Visit

    def columns(obj):
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    with transaction.atomic():
        visit, before, scores = statements.answering_state(
            user_id=inspector.pk, visit_id=started.pk, criterion_id=criteria[0].pk
        )
        assert (
            statements.answering_state(user_id=outsider.pk, visit_id=started.pk, criterion_id=criteria[0].pk)
            is None
        )

    orm = Visit.objects.select_related("unit", "template").get(pk=started.pk)
    assert columns(visit) == columns(orm)
    assert columns(visit.unit) == columns(orm.unit)
    assert columns(visit.template) == columns(orm.template)
    assert before is None  # no answer yet
    Visit.objects.filter(pk=started.pk).update(status=VisitStatus.SUBMITTED)
    with transaction.atomic():
        assert (
            statements.answering_state(user_id=leader.pk, visit_id=started.pk, criterion_id=criteria[0].pk)
            is None
        )


def test_figures_show_their_rates_in_vietnamese(client, inspector, started, criteria):
    client.force_login(inspector)

    response = post_answer(
        client, started, criteria[1], **{"figure-received": "2.264", "figure-on_time": "2114", "score": "2"}
    )

    assert response.status_code == 200
    assert Answer.objects.get(criterion=criteria[1]).figures == {"received": 2264, "on_time": 2114}
    assert "93,4\u00a0%" in response.content.decode()


def test_a_score_above_the_maximum_gets_a_clear_message_and_stores_nothing(
    client, inspector, started, criteria
):
    client.force_login(inspector)

    response = post_answer(client, started, criteria[0], score="3")

    assert response.status_code == 422
    assert "Điểm không được vượt quá điểm tối đa của tiêu chí (2)." in response.content.decode()
    assert not Answer.objects.exists()


def test_figures_that_do_not_add_up_get_a_clear_message_and_store_nothing(
    client, inspector, started, criteria
):
    client.force_login(inspector)

    response = post_answer(client, started, criteria[1], **{"figure-received": "10", "figure-on_time": "12"})

    assert response.status_code == 422
    assert "Số liệu không khớp: Đúng hạn ≤ Tiếp nhận." in response.content.decode()
    assert not Answer.objects.exists()


def test_a_figure_that_is_not_a_number_gets_a_message(client, inspector, started, criteria):
    client.force_login(inspector)

    response = post_answer(client, started, criteria[1], **{"figure-received": "nhiều"})

    assert response.status_code == 422
    assert not Answer.objects.exists()


def test_the_later_of_two_inspectors_gets_a_conflict_with_the_other_value_and_name(
    client, inspector, leader, started, criteria
):
    client.force_login(inspector)
    post_answer(client, started, criteria[0], score="2", note="Đã ban hành đúng hạn.")
    client.force_login(leader)

    response = post_answer(client, started, criteria[0], version=0, score="0", note="Ban hành trễ.")

    assert response.status_code == 409
    html = response.content.decode()
    assert str(inspector) in html and "Đã ban hành đúng hạn." in html
    assert 'data-overwrite="1"' in html
    assert Answer.objects.get().note == "Đã ban hành đúng hạn."


def test_overwriting_after_a_conflict_saves_the_later_value(client, inspector, leader, started, criteria):
    client.force_login(inspector)
    post_answer(client, started, criteria[0], score="2")
    client.force_login(leader)
    post_answer(client, started, criteria[0], version=0, score="0")

    response = post_answer(client, started, criteria[0], version=1, score="0")

    assert response.status_code == 200
    answer = Answer.objects.get()
    assert (answer.score, answer.updated_by, answer.version) == (Decimal(0), leader, 2)


def test_an_old_change_replayed_by_the_same_inspector_is_answered_as_stored_and_overwrites_nothing(
    client, inspector, started, criteria
):
    client.force_login(inspector)
    first = str(uuid.uuid4())
    post_answer(client, started, criteria[0], score="2", token=first)
    post_answer(client, started, criteria[0], version=1, score="0")

    response = post_answer(client, started, criteria[0], version=0, score="2", token=first)

    # Applied once already (as version 1): the phone may forget it; the row shows what is stored.
    assert response.status_code == 200
    assert response["X-Answer-Saved"] == "1"
    assert 'name="version" value="2"' in response.content.decode()
    answer = Answer.objects.get()
    assert (answer.score, answer.version) == (Decimal(0), 2)


def test_an_old_change_never_applied_is_a_conflict_and_overwrites_nothing(
    client, inspector, started, criteria
):
    client.force_login(inspector)
    post_answer(client, started, criteria[0], score="2")
    post_answer(client, started, criteria[0], version=1, score="0")

    response = post_answer(client, started, criteria[0], version=0, score="2", token=str(uuid.uuid4()))

    assert response.status_code == 409
    assert "X-Answer-Saved" not in response
    assert (Answer.objects.get().score, Answer.objects.get().version) == (Decimal(0), 2)


def test_the_conflict_box_speaks_vietnamese(client, inspector, leader, started, criteria):
    client.force_login(inspector)
    post_answer(client, started, criteria[0], score="2")
    client.force_login(leader)

    html = post_answer(client, started, criteria[0], version=0, score="0").content.decode()

    assert "Câu trả lời đã lưu:" in html and "Giữ câu trả lời đã lưu" in html
    assert "Ghi đè bằng câu trả lời của tôi" in html
    for english in ("Their answer", "Keep theirs", "Overwrite with mine", "still in the form"):
        assert english not in html


def test_answer_forms_ask_the_browser_not_to_restore_what_was_typed(client, inspector, started, criteria):
    client.force_login(inspector)

    html = client.get(page_url(started)).content.decode()

    forms = re.findall(r'<form class="answer-form"[^>]*>', html)
    assert len(forms) == len(criteria) and all('autocomplete="off"' in form for form in forms)


def test_keeping_theirs_reloads_the_row_as_stored(client, inspector, leader, started, criteria):
    client.force_login(inspector)
    post_answer(client, started, criteria[0], score="2", note="Đã ban hành đúng hạn.")
    client.force_login(leader)

    response = client.get(reverse("inspections:answer_row", args=[started.pk, criteria[0].pk]))

    html = response.content.decode()
    assert 'name="version" value="1"' in html and "Đã ban hành đúng hạn." in html


def test_a_resent_answer_is_applied_once(client, inspector, started, criteria):
    client.force_login(inspector)
    token = str(uuid.uuid4())
    post_answer(client, started, criteria[0], score="2", token=token)

    response = post_answer(client, started, criteria[0], score="2", token=token)

    assert response.status_code == 200
    assert response["X-Answer-Saved"] == "1"
    assert Answer.objects.get().version == 1


def test_a_change_id_already_used_for_another_answer_is_refused_in_vietnamese_and_changes_nothing(
    client, inspector, started, criteria
):
    from auditlog.models import LogEntry

    client.force_login(inspector)
    token = str(uuid.uuid4())
    post_answer(client, started, criteria[0], score="1", token=token)
    post_answer(client, started, criteria[1], score="1")
    entries = LogEntry.objects.count()
    points = started.domain_scores.get(domain=criteria[1].domain).points

    response = post_answer(client, started, criteria[1], version=1, score="2", token=token)

    assert response.status_code == 422
    assert "Thay đổi này đã được áp dụng cho một câu trả lời khác." in response.content.decode()
    assert "X-Answer-Saved" not in response
    answer = Answer.objects.get(criterion=criteria[1])
    assert (answer.score, answer.version) == (Decimal(1), 1)
    assert LogEntry.objects.count() == entries
    assert started.domain_scores.get(domain=criteria[1].domain).points == points


@pytest.mark.parametrize("role", ["liaison", "head", "scheduler"])
def test_only_the_visits_team_changes_answers(client, request, role, started, criteria):
    client.force_login(request.getfixturevalue(role))

    assert post_answer(client, started, criteria[0], score="2").status_code == 403
    assert not Answer.objects.exists()


def test_an_inspector_not_on_the_team_cannot_find_the_visit_to_answer(client, department, started, criteria):
    client.force_login(UserFactory(unit=department, roles=[Role.INSPECTOR]))

    assert post_answer(client, started, criteria[0], score="2").status_code == 404


def test_nobody_changes_answers_after_submission(client, leader, started, criteria):
    started.status = VisitStatus.SUBMITTED
    started.save(update_fields=["status"])
    client.force_login(leader)

    assert post_answer(client, started, criteria[0], score="2").status_code == 403
    assert not Answer.objects.exists()


def test_a_criterion_of_another_checklist_is_not_found(
    client, inspector, started, approved_plan, other_commune
):
    other_visit = VisitFactory(plan=approved_plan, unit=other_commune)
    other_visit.template = sized_template(criteria=1)
    other_visit.save(update_fields=["template"])
    client.force_login(inspector)

    assert post_answer(client, started, criteria_of(other_visit)[0], score="1").status_code == 404


def test_saving_is_post_only(client, inspector, started, criteria):
    client.force_login(inspector)

    assert client.get(save_url(started, criteria[0])).status_code == 405


# Submitting


def test_the_page_lists_what_is_missing_before_submission(client, leader, started, criteria):
    AnswerFactory(visit=started, criterion=criteria[0], updated_by=leader)
    client.force_login(leader)

    html = client.get(page_url(started)).content.decode()

    assert f'id="missing-{criteria[1].pk}"' in html
    assert f'id="missing-{criteria[0].pk}"' not in html


def test_each_save_sends_the_list_of_unanswered_criteria_from_the_same_read_as_the_totals(
    client, leader, started, criteria
):
    client.force_login(leader)
    for criterion in criteria[2:]:
        post_answer(client, started, criterion, score="1", result="met")
    post_answer(client, started, criteria[0], score="1")

    last = post_answer(client, started, criteria[1], score="1", result="met").content.decode()

    assert '<div id="checklist-missing" hx-swap-oob="true">' in last
    assert "Đã trả lời tất cả tiêu chí áp dụng." in last
    assert 'id="missing-' not in last


def test_a_save_lists_the_criteria_still_unanswered_with_their_count(client, leader, started, criteria):
    client.force_login(leader)

    html = post_answer(client, started, criteria[0], score="1").content.decode()

    assert f"Còn {len(criteria) - 1} tiêu chí áp dụng chưa được trả lời:" in html
    # This criterion's link leaves the list; the others stay on the page (not sent again).
    assert f'<li id="missing-{criteria[0].pk}" hx-swap-oob="delete"></li>' in html
    assert f'id="missing-{criteria[1].pk}"' not in html


def test_clearing_an_answer_puts_its_link_back_in_the_list(client, leader, started, criteria):
    client.force_login(leader)
    post_answer(client, started, criteria[0], score="1")

    html = post_answer(client, started, criteria[0], version=1, score="").content.decode()

    assert f"Còn {len(criteria)} tiêu chí áp dụng chưa được trả lời:" in html
    assert 'hx-swap-oob="beforeend:#checklist-missing-list"' in html
    assert f'<li id="missing-{criteria[0].pk}"><a href="#criterion-{criteria[0].pk}"' in html


def test_the_leader_cannot_submit_an_incomplete_checklist(client, leader, started, criteria):
    client.force_login(leader)

    response = client.post(reverse("inspections:visit_submit", args=[started.pk]), follow=True)

    started.refresh_from_db()
    assert started.status == VisitStatus.IN_PROGRESS
    assert "2" in response.content.decode()


def test_the_leader_submits_a_complete_checklist(client, leader, started, criteria):
    client.force_login(leader)
    post_answer(client, started, criteria[0], score="2")
    post_answer(client, started, criteria[1], not_applicable="on")

    response = client.post(reverse("inspections:visit_submit", args=[started.pk]))

    assert response.status_code == 302
    started.refresh_from_db()
    assert started.status == VisitStatus.SUBMITTED


def test_a_member_who_is_not_the_leader_cannot_submit(client, inspector, started):
    client.force_login(inspector)

    assert client.post(reverse("inspections:visit_submit", args=[started.pk])).status_code == 403


def test_the_leader_reopens_with_a_reason_kept_in_the_history(client, leader, started, criteria):
    client.force_login(leader)
    post_answer(client, started, criteria[0], score="2")
    post_answer(client, started, criteria[1], not_applicable="on")
    client.post(reverse("inspections:visit_submit", args=[started.pk]))
    url = reverse("inspections:visit_reopen", args=[started.pk])

    refused = client.post(url, {"reason": ""})
    response = client.post(url, {"reason": "Đơn vị bổ sung hồ sơ kiểm chứng."})

    assert refused.status_code == 200
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.status == VisitStatus.IN_PROGRESS
    assert VisitEvent.objects.filter(visit=started, reason="Đơn vị bổ sung hồ sơ kiểm chứng.").exists()
    history = client.get(started.get_absolute_url()).content.decode()
    assert "Đơn vị bổ sung hồ sơ kiểm chứng." in history


def test_a_member_who_is_not_the_leader_cannot_reopen(client, inspector, started):
    started.status = VisitStatus.SUBMITTED
    started.save(update_fields=["status"])
    client.force_login(inspector)

    assert (
        client.post(reverse("inspections:visit_reopen", args=[started.pk]), {"reason": "x"}).status_code
        == 403
    )


def test_the_visit_page_links_to_the_checklist_for_the_team(client, inspector, started):
    client.force_login(inspector)

    assert page_url(started) in client.get(started.get_absolute_url()).content.decode()


def test_a_text_criterion_keeps_its_answer_and_chosen_result(client, inspector, started):
    from .factories import CriterionFactory

    criterion = CriterionFactory(
        domain=started.template.domains.get(), code="1.9", answer_kind="text", evidence_required=True
    )
    client.force_login(inspector)

    page = client.get(page_url(started)).content.decode()
    response = post_answer(client, started, criterion, text="Có 12 cuộc tuyên truyền.", result="partly")

    assert 'name="text"' in page
    assert '<span class="badge text-bg-warning mb-1">' in page  # evidence required
    assert response.status_code == 200
    answer = Answer.objects.get(criterion=criterion)
    assert (answer.text, answer.result, answer.score) == ("Có 12 cuộc tuyên truyền.", "partly", Decimal(1))


def test_the_leader_submits_through_the_findings_app_which_hands_the_findings_over(
    client, leader, started, criteria
):
    client.force_login(leader)
    post_answer(client, started, criteria[0], score="2")
    post_answer(client, started, criteria[1], not_applicable="on")
    page = client.get(page_url(started)).content.decode()
    action = reverse("findings:findings_submit", args=[started.pk])
    assert f'action="{action}"' in page

    client.post(action, {"version": started.version})

    started.refresh_from_db()
    assert started.status == VisitStatus.SUBMITTED


def test_the_checklist_page_loads_the_units_earlier_recommendations(client, inspector, started):
    client.force_login(inspector)
    html = client.get(reverse("inspections:checklist", args=[started.pk])).content.decode()
    url = reverse("findings:carry_forward", args=[started.pk])
    assert f'hx-get="{url}"' in html
    assert client.get(url).status_code == 200


def test_clearing_the_last_answer_brings_back_the_list_with_it_alone(client, leader, started, criteria):
    client.force_login(leader)
    for criterion in criteria:
        post_answer(client, started, criterion, score="1", result="met")

    html = post_answer(client, started, criteria[0], version=1, score="").content.decode()

    assert '<div id="checklist-missing" hx-swap-oob="true">' in html
    assert f'<li id="missing-{criteria[0].pk}">' in html and f'id="missing-{criteria[1].pk}"' not in html


def test_an_autosaves_audit_entry_keeps_who_and_from_where(client, inspector, started, criteria):
    from auditlog.models import LogEntry

    client.force_login(inspector)
    post_answer(client, started, criteria[0], score="1")
    post_answer(client, started, criteria[0], version=1, score="2")

    entry = LogEntry.objects.get_for_object(Answer.objects.get()).latest("pk")
    assert entry.actor == inspector and entry.remote_addr == "127.0.0.1"
    assert entry.changes["score"] == ["1", "2"]
