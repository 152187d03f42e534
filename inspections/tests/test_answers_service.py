"""checklist.answers: deriving results, the conditional save, conflicts, resends, the roll-up,
the self-assessment, submitting and reopening."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.checklist.answers import (
    AnswerChange,
    AnswerConflict,
    answer_derive,
    answer_save,
    answer_self_assess,
    visit_reopen,
    visit_scores_refresh,
    visit_submit,
)
from inspections.models import (
    Answer,
    AnswerKind,
    AnswerResult,
    VisitDomainScore,
    VisitEvent,
    VisitEventKind,
    VisitStatus,
)

from .answer_factories import criteria_of, sized_template, start
from .factories import CriterionFactory, VisitFactory


@pytest.fixture
def started(visit):
    return start(visit)


@pytest.fixture
def score_criterion(started):
    return started.template.domains.get().criteria.get(code="1.1")


@pytest.fixture
def figures_criterion(started):
    return started.template.domains.get().criteria.get(code="1.2")


def save(visit, criterion, actor, *, version=0, token=None, **change):
    return answer_save(
        visit=visit,
        criterion=criterion,
        actor=actor,
        base_version=version,
        token=token,
        change=AnswerChange(**change),
    )


# Deriving the result


@pytest.mark.parametrize(
    ("score", "result"),
    [("0", AnswerResult.NOT_MET), ("1.25", AnswerResult.PARTLY), ("2", AnswerResult.MET), (None, "")],
)
def test_a_scores_result_follows_from_the_score(score_criterion, score, result):
    change = AnswerChange(score=Decimal(score) if score else None)

    assert answer_derive(criterion=score_criterion, change=change)[0] == result


@pytest.mark.parametrize(
    ("result", "score"),
    [
        (AnswerResult.MET, Decimal(3)),
        (AnswerResult.PARTLY, Decimal("1.5")),
        (AnswerResult.NOT_MET, Decimal(0)),
    ],
)
def test_a_yes_partly_no_answers_score_follows_from_the_result(db, result, score):
    criterion = CriterionFactory(answer_kind=AnswerKind.YES_PARTLY_NO, max_score=Decimal(3))

    assert answer_derive(criterion=criterion, change=AnswerChange(result=result)) == (result, score)


def test_not_applicable_stores_no_score(score_criterion):
    change = AnswerChange(not_applicable=True, score=Decimal(2))

    assert answer_derive(criterion=score_criterion, change=change) == (AnswerResult.NOT_APPLICABLE, None)


def test_a_score_above_the_maximum_is_refused_with_the_maximum_in_the_message(score_criterion):
    with pytest.raises(ValidationError) as caught:
        answer_derive(criterion=score_criterion, change=AnswerChange(score=Decimal("2.5")))

    assert "2" in caught.value.message_dict["score"][0]


def test_figures_that_do_not_add_up_are_refused_in_the_figures_own_words(figures_criterion):
    change = AnswerChange(figures={"received": 100, "on_time": 120}, score=Decimal(1))

    with pytest.raises(ValidationError) as caught:
        answer_derive(criterion=figures_criterion, change=change)

    assert "Đúng hạn ≤ Tiếp nhận" in caught.value.message_dict["figures"][0]


# Saving


def test_the_first_save_creates_the_answer_at_version_one(started, score_criterion, inspector):
    saved = save(
        started, score_criterion, inspector, score=Decimal("1.5"), note="Thiếu kế hoạch tuyên truyền."
    )

    answer = Answer.objects.get(visit=started, criterion=score_criterion)
    assert (answer.result, answer.score, answer.version) == (AnswerResult.PARTLY, Decimal("1.5"), 1)
    assert answer.updated_by == inspector and answer.note == "Thiếu kế hoạch tuyên truyền."
    assert saved.answer.version == 1


def test_bad_input_stores_nothing(started, score_criterion, inspector):
    with pytest.raises(ValidationError):
        save(started, score_criterion, inspector, score=Decimal(5))

    assert not Answer.objects.exists()


def test_saving_one_answer_reads_none_of_the_visits_other_answers(started, score_criterion, inspector):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(ctx):
        # SAVEPOINT / RELEASE exist only because the test itself runs inside a transaction.
        return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]

    save(started, score_criterion, inspector, score=Decimal(1), token=uuid.uuid4())
    unanswered = criteria_of(started)[1]

    # A change: the visit's lock with the old values and the roll-up rows, the update, the
    # change's record, the domain's roll-up moved by the difference, the audit entry (on
    # PostgreSQL the four writes are one statement).
    writes = 1 if connection.vendor == "postgresql" else 4
    with CaptureQueriesContext(connection) as changed:
        save(started, score_criterion, inspector, version=1, score=Decimal(2), token=uuid.uuid4())
    assert len(statements(changed)) == 1 + writes
    # A first answer: the row's creation first.
    with CaptureQueriesContext(connection) as first:
        save(started, unanswered, inspector, score=Decimal(1), token=uuid.uuid4())
    assert len(statements(first)) == 2 + writes
    for sql in statements(changed) + statements(first):
        # No statement reads the answers of the visit as a whole (the old roll-up's read).
        assert not (
            'FROM "inspections_answer"' in sql and 'criterion_id" =' not in sql and "INSERT" not in sql
        ), sql


def test_the_roll_up_moves_by_the_difference_and_agrees_with_a_recomputation(
    started, score_criterion, figures_criterion, inspector
):
    from inspections.checklist.answers import _scores

    def stored():
        return {
            s.domain_id: (s.points, s.max_points, s.answered, s.applicable)
            for s in VisitDomainScore.objects.filter(visit=started)
        }

    def recomputed():
        return {s.domain_id: (s.points, s.max_points, s.answered, s.applicable) for s in _scores(started)[0]}

    visit_scores_refresh(visit=started)
    steps = [
        (score_criterion, 0, {"score": Decimal("1.3")}),
        (score_criterion, 1, {"score": Decimal("0.1")}),
        (figures_criterion, 0, {"score": Decimal("0.2"), "figures": {"received": 10, "on_time": 9}}),
        (score_criterion, 2, {"not_applicable": True}),
        (figures_criterion, 1, {"score": None}),
        (score_criterion, 3, {"score": Decimal(2)}),
        (score_criterion, 4, {"score": Decimal(2), "note": "Chỉ sửa ghi chú"}),
    ]
    for criterion, version, change in steps:
        save(started, criterion, inspector, version=version, token=uuid.uuid4(), **change)
        assert stored() == recomputed(), (criterion.code, version, change)


def test_a_stale_save_by_someone_else_is_a_conflict_and_overwrites_nothing(
    started, score_criterion, inspector, leader
):
    save(started, score_criterion, inspector, score=Decimal(2), note="Đạt")

    with pytest.raises(AnswerConflict) as caught:
        save(started, score_criterion, leader, version=0, score=Decimal(0), note="Không đạt")

    assert caught.value.current.updated_by == inspector
    assert caught.value.current.version == 1
    answer = Answer.objects.get()
    assert (answer.score, answer.note, answer.version) == (Decimal(2), "Đạt", 1)


def test_overwriting_with_the_fresh_version_wins_the_conflict(started, score_criterion, inspector, leader):
    save(started, score_criterion, inspector, score=Decimal(2))

    save(started, score_criterion, leader, version=1, score=Decimal(0))

    answer = Answer.objects.get()
    assert (answer.score, answer.updated_by, answer.version) == (Decimal(0), leader, 2)


def test_a_resent_change_is_applied_once(started, score_criterion, inspector, leader):
    token = uuid.uuid4()
    save(started, score_criterion, inspector, score=Decimal(1), token=token)

    again = save(started, score_criterion, inspector, score=Decimal(1), token=token)

    assert again.duplicate
    assert Answer.objects.get().version == 1


def test_a_replay_of_an_older_change_never_overwrites_a_newer_one_of_the_same_person(
    started, score_criterion, inspector
):
    # Device 1 sets 2; device 2 (same inspector) sets 0; device 1 replays its old change: it was
    # applied (as version 1), so it is answered with that, and the newer answer stays.
    first = uuid.uuid4()
    save(started, score_criterion, inspector, score=Decimal(2), token=first)
    save(started, score_criterion, inspector, version=1, score=Decimal(0), token=uuid.uuid4())

    again = save(started, score_criterion, inspector, version=0, score=Decimal(2), token=first)

    assert again.duplicate and again.stored_version == 1
    assert again.answer.score == Decimal(0) and again.answer.version == 2
    answer = Answer.objects.get()
    assert (answer.score, answer.version) == (Decimal(0), 2)


def test_a_change_never_applied_sent_from_an_old_version_is_still_a_conflict(
    started, score_criterion, inspector
):
    save(started, score_criterion, inspector, score=Decimal(2), token=uuid.uuid4())
    save(started, score_criterion, inspector, version=1, score=Decimal(0), token=uuid.uuid4())

    with pytest.raises(AnswerConflict) as caught:
        save(started, score_criterion, inspector, version=1, score=Decimal(1), token=uuid.uuid4())

    assert caught.value.current.score == Decimal(0)
    assert Answer.objects.get().version == 2


def test_every_applied_change_is_recorded_once_by_its_id_and_a_repeat_writes_nothing(
    started, score_criterion, inspector
):
    from auditlog.models import LogEntry

    from inspections.models.answers import AppliedChange

    ids = [uuid.uuid4() for _ in range(3)]
    for version, (change_id, score) in enumerate(zip(ids, ["1", "2", "0"], strict=True)):
        save(started, score_criterion, inspector, version=version, score=Decimal(score), token=change_id)
    answer = Answer.objects.get()
    history = LogEntry.objects.get_for_object(answer).count()
    totals = list(VisitDomainScore.objects.values_list("points", "answered"))

    # The latest change again, then each older one again (a lost response, retried late).
    repeats = [
        save(started, score_criterion, inspector, version=v, score=Decimal(s), token=i)
        for v, (i, s) in reversed(list(enumerate(zip(ids, ["1", "2", "0"], strict=True))))
    ]

    assert [r.stored_version for r in repeats] == [3, 2, 1]
    assert all(r.duplicate for r in repeats)
    assert {(c.client_id, c.version) for c in AppliedChange.objects.all()} == {
        (ids[0], 1),
        (ids[1], 2),
        (ids[2], 3),
    }
    answer = Answer.objects.get()
    assert (answer.score, answer.version) == (Decimal(0), 3)
    assert LogEntry.objects.get_for_object(answer).count() == history
    assert list(VisitDomainScore.objects.values_list("points", "answered")) == totals


def test_a_refused_change_leaves_no_record_so_it_can_be_sent_again(
    started, score_criterion, inspector, leader
):
    from inspections.models.answers import AppliedChange

    save(started, score_criterion, leader, score=Decimal(1), token=uuid.uuid4())
    change_id = uuid.uuid4()
    with pytest.raises(AnswerConflict):
        save(started, score_criterion, inspector, version=0, score=Decimal(2), token=change_id)
    assert not AppliedChange.objects.filter(client_id=change_id).exists()

    # "Overwrite with mine": the same change from the fresh version.
    saved = save(started, score_criterion, inspector, version=1, score=Decimal(2), token=change_id)

    assert not saved.duplicate and saved.stored_version == 2
    assert AppliedChange.objects.get(client_id=change_id).version == 2


def test_two_changes_of_one_answer_from_the_same_old_version_are_a_conflict(
    started, score_criterion, inspector
):
    save(started, score_criterion, inspector, score=Decimal(1), token=uuid.uuid4())

    with pytest.raises(AnswerConflict):
        save(started, score_criterion, inspector, score=Decimal(2), token=uuid.uuid4())

    assert (Answer.objects.get().score, Answer.objects.get().version) == (Decimal(1), 1)


def test_an_old_change_equal_to_the_stored_answer_is_saved_without_a_new_history_row(
    started, score_criterion, inspector, leader
):
    from auditlog.models import LogEntry

    save(started, score_criterion, inspector, score=Decimal(1), note="Chưa đạt")
    save(started, score_criterion, leader, version=1, score=Decimal(2), note="Đạt")

    again = save(started, score_criterion, inspector, version=1, score=Decimal(2), note="Đạt")

    assert again.duplicate and again.answer.version == 2
    answer = Answer.objects.get()
    assert (answer.score, answer.version, answer.updated_by) == (Decimal(2), 2, leader)
    # The two applied changes, and nothing for the duplicate.
    assert LogEntry.objects.get_for_object(answer).count() == 2


def test_the_unit_self_assessment_does_not_make_the_teams_save_stale(
    started, score_criterion, inspector, liaison
):
    answer_self_assess(
        visit=started, criterion=score_criterion, actor=liaison, self_score=Decimal(2), self_note=""
    )

    save(started, score_criterion, inspector, version=0, score=Decimal(1))

    answer = Answer.objects.get()
    assert (answer.self_score, answer.score, answer.version) == (Decimal(2), Decimal(1), 1)


@pytest.mark.parametrize("status", [VisitStatus.SCHEDULED, VisitStatus.SUBMITTED, VisitStatus.CONCLUDED])
def test_answers_are_only_saved_while_the_visit_is_in_progress(visit, inspector, status):
    visit.status = status
    criterion = criteria_of(visit)[0]

    with pytest.raises(ValidationError):
        save(visit, criterion, inspector, score=Decimal(1))

    assert not Answer.objects.exists()


# The roll-up


def test_the_domain_roll_up_follows_the_answers(started, score_criterion, figures_criterion, inspector):
    save(started, score_criterion, inspector, score=Decimal("1.5"))

    score = VisitDomainScore.objects.get(visit=started)
    assert (score.points, score.max_points, score.answered, score.applicable) == (
        Decimal("1.5"),
        Decimal(4),
        1,
        2,
    )

    save(started, figures_criterion, inspector, not_applicable=True)

    score.refresh_from_db()
    assert (score.points, score.max_points, score.answered, score.applicable) == (
        Decimal("1.5"),
        Decimal(2),
        1,
        1,
    )


def test_criteria_that_do_not_apply_to_the_unit_are_left_out_of_the_roll_up(started, inspector):
    domain = started.template.domains.get()
    CriterionFactory(domain=domain, code="1.3", applies_to=["department"], max_score=Decimal(5))

    (score,) = visit_scores_refresh(visit=started)

    assert (score.max_points, score.applicable) == (Decimal(4), 2)


# Self-assessment


def test_the_self_assessment_closes_when_the_visit_is_submitted(visit, liaison):
    visit.status = VisitStatus.SUBMITTED
    with pytest.raises(ValidationError):
        answer_self_assess(
            visit=visit, criterion=criteria_of(visit)[0], actor=liaison, self_score=Decimal(1), self_note=""
        )


def test_a_self_score_above_the_maximum_is_refused(visit, liaison):
    with pytest.raises(ValidationError):
        answer_self_assess(
            visit=visit, criterion=criteria_of(visit)[0], actor=liaison, self_score=Decimal(9), self_note=""
        )
    assert not Answer.objects.exists()


# Submitting and reopening


def test_the_leader_cannot_submit_while_a_criterion_is_unanswered(started, score_criterion, leader):
    save(started, score_criterion, leader, score=Decimal(2))

    with pytest.raises(ValidationError) as caught:
        visit_submit(visit=started, actor=leader)

    assert caught.value.code == "incomplete"
    started.refresh_from_db()
    assert started.status == VisitStatus.IN_PROGRESS


def test_only_the_leader_submits(started, inspector):
    with pytest.raises(PermissionDenied):
        visit_submit(visit=started, actor=inspector)


def test_submitting_a_complete_checklist_locks_it_and_records_it(
    started, score_criterion, figures_criterion, leader, inspector
):
    save(started, score_criterion, inspector, score=Decimal(2))
    save(started, figures_criterion, inspector, not_applicable=True)

    visit = visit_submit(visit=started, actor=leader)

    assert visit.status == VisitStatus.SUBMITTED
    event = VisitEvent.objects.filter(visit=visit, kind=VisitEventKind.STATUS_CHANGED).last()
    assert event.data == {"from": "in_progress", "to": "submitted"} and event.actor == leader
    with pytest.raises(ValidationError):
        save(visit, score_criterion, inspector, version=1, score=Decimal(0))


def test_reopening_needs_a_reason_which_stays_in_the_history(
    started, score_criterion, figures_criterion, leader, inspector
):
    save(started, score_criterion, inspector, score=Decimal(2))
    save(started, figures_criterion, inspector, not_applicable=True)
    submitted = visit_submit(visit=started, actor=leader)
    with pytest.raises(ValidationError):
        visit_reopen(visit=submitted, actor=leader, reason="  ")

    visit = visit_reopen(visit=submitted, actor=leader, reason="Bổ sung số liệu hồ sơ trễ hạn.")

    assert visit.status == VisitStatus.IN_PROGRESS
    event = VisitEvent.objects.filter(visit=visit).last()
    assert event.reason == "Bổ sung số liệu hồ sơ trễ hạn." and event.data["to"] == "in_progress"


def test_a_large_checklist_rolls_up_per_domain(approved_plan, commune, leader, inspector):
    template = sized_template(criteria=120)
    approved_plan.template = template
    approved_plan.save(update_fields=["template"])
    visit = start(VisitFactory(plan=approved_plan, unit=commune, leader=leader, members=[inspector]))

    scores = visit_scores_refresh(visit=visit)

    assert len(scores) == 6
    assert sum(s.applicable for s in scores) == len(criteria_of(visit)) == 120 - 120 // 11


def test_changing_an_answer_is_recorded_in_the_audit_log_with_old_and_new_values(
    started, score_criterion, inspector, leader
):
    from auditlog.models import LogEntry

    save(started, score_criterion, inspector, score=Decimal(1), note="Chưa đạt")
    save(started, score_criterion, leader, version=1, score=Decimal(2), note="Đạt sau khi bổ sung hồ sơ")

    entry = LogEntry.objects.get_for_object(Answer.objects.get()).latest("pk")
    assert entry.actor == leader
    assert entry.changes["score"] == ["1", "2"]
    assert entry.changes["note"] == ["Chưa đạt", "Đạt sau khi bổ sung hồ sơ"]


def test_the_history_of_figures_reads_as_labelled_vietnamese_numbers(
    started, figures_criterion, inspector, leader
):
    from auditlog.models import LogEntry

    save(started, figures_criterion, inspector, score=Decimal(1), figures={"received": 2264, "on_time": 2000})
    save(
        started,
        figures_criterion,
        leader,
        version=1,
        score=Decimal(1),
        figures={"received": 2264, "on_time": 2114},
    )

    entry = LogEntry.objects.get_for_object(Answer.objects.get()).latest("pk")
    old, new = entry.changes["figures"]
    assert "{" not in new and "'" not in new
    assert "2.264" in new and "2.114" in new and "2.000" in old


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_in_one_domain_leave_its_stored_total_right(
    approved_plan, commune, leader, inspector
):
    """Eight inspectors' saves of eight criteria of one domain at the same moment, six times."""
    import threading

    from django.db import connection, connections

    from inspections.checklist.answers import _scores
    from inspections.models import Visit

    if connection.vendor != "postgresql":
        # The test database of SQLite is in memory with a shared cache, where a second writer
        # fails at once ("table is locked") instead of waiting as on the file in production.
        pytest.skip("needs PostgreSQL: concurrent writers on in-memory SQLite fail instead of waiting")
    template = sized_template(criteria=10, domains=1)
    approved_plan.template = template
    approved_plan.save(update_fields=["template"])
    visit = start(VisitFactory(plan=approved_plan, unit=commune, leader=leader, members=[inspector]))
    criteria = criteria_of(visit)[:8]
    visit_scores_refresh(visit=visit)
    errors = []

    def answer(criterion, round_):
        try:
            barrier.wait()
            fresh = Visit.objects.select_related("unit", "template").get(pk=visit.pk)
            change = (
                AnswerChange(result=AnswerResult.MET if round_ % 2 else AnswerResult.NOT_MET)
                if criterion.answer_kind == AnswerKind.YES_PARTLY_NO
                else AnswerChange(score=Decimal(round_ % 2))
            )
            answer_save(visit=fresh, criterion=criterion, actor=inspector, base_version=round_, change=change)
        except Exception as exc:  # noqa: BLE001 - reported below with the round
            errors.append(f"round {round_}: {exc!r}")
        finally:
            connections.close_all()

    for round_ in range(6):
        barrier = threading.Barrier(len(criteria))
        threads = [threading.Thread(target=answer, args=(c, round_)) for c in criteria]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        stored = {
            s.domain_id: (s.points, s.max_points, s.answered, s.applicable)
            for s in VisitDomainScore.objects.filter(visit=visit)
        }
        recomputed = {
            s.domain_id: (s.points, s.max_points, s.answered, s.applicable) for s in _scores(visit)[0]
        }
        assert errors == []
        assert stored == recomputed, f"round {round_}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_change_at_the_same_moment_apply_it_once(started, score_criterion, inspector):
    """The phone sends a change, the response is lost, and it sends it again while the first
    request is still running: both are answered with the one stored result."""
    import threading

    from auditlog.models import LogEntry
    from django.db import connection, connections

    from inspections.models import Visit
    from inspections.models.answers import AppliedChange

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers on in-memory SQLite fail instead of waiting")
    visit_scores_refresh(visit=started)
    change_id, results, errors = uuid.uuid4(), [], []

    def deliver():
        try:
            barrier.wait()
            fresh = Visit.objects.select_related("unit", "template").get(pk=started.pk)
            results.append(save(fresh, score_criterion, inspector, score=Decimal("1.5"), token=change_id))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    for _round in range(3):
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert sorted(r.duplicate for r in results) == [False, True, True, True, True, True]
    assert {r.stored_version for r in results} == {1}
    answer = Answer.objects.get()
    assert (answer.score, answer.version) == (Decimal("1.5"), 1)
    assert AppliedChange.objects.get().client_id == change_id
    assert LogEntry.objects.get_for_object(answer).count() == 1
    assert VisitDomainScore.objects.get(domain=score_criterion.domain).points == Decimal("1.5")


def test_a_change_id_already_used_for_another_answer_is_refused_and_changes_nothing(
    started, score_criterion, figures_criterion, inspector
):
    change_id = uuid.uuid4()
    save(started, score_criterion, inspector, score=Decimal(1), token=change_id)

    with pytest.raises(ValidationError):
        save(started, figures_criterion, inspector, score=Decimal(1), token=change_id)

    assert not Answer.objects.filter(criterion=figures_criterion, version__gt=0).exists()
