"""Every change applied to an answer leaves exactly one history row, whatever version it was sent with."""

import uuid
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from inspections.checklist.answers import AnswerConflict, answer_self_assess
from inspections.models import Answer

from .answer_factories import start
from .test_answers_service import save


@pytest.fixture
def started(visit):
    return start(visit)


@pytest.fixture
def score_criterion(started):
    return started.template.domains.get().criteria.get(code="1.1")


def _history(answer):
    return list(LogEntry.objects.get_for_object(answer).order_by("pk"))


def test_each_applied_change_leaves_one_history_row_the_first_one_sent_with_version_0_too(
    started, score_criterion, inspector, leader
):
    save(started, score_criterion, inspector, version=0, score=Decimal(1), note="Chưa đạt")
    first = _history(Answer.objects.get())
    save(started, score_criterion, leader, version=1, score=Decimal(2), note="Đạt")
    save(started, score_criterion, inspector, version=2, score=Decimal("1.5"), note="Đạt một phần")

    answer = Answer.objects.get()
    history = _history(answer)
    assert answer.version == 3
    assert len(first) == 1 and first[0].actor == inspector
    assert first[0].changes["score"] == ["None", "1"]
    assert [entry.actor for entry in history] == [inspector, leader, inspector]
    assert [entry.changes["score"][1] for entry in history] == ["1", "2", "1,5"]


def test_a_change_sent_with_version_0_over_a_saved_answer_is_refused_and_leaves_no_row(
    started, score_criterion, inspector, leader
):
    save(started, score_criterion, inspector, version=0, score=Decimal(1))

    with pytest.raises(AnswerConflict):
        save(started, score_criterion, leader, version=0, score=Decimal(2), token=uuid.uuid4())

    answer = Answer.objects.get()
    assert (answer.score, answer.version) == (Decimal(1), 1)
    assert len(_history(answer)) == 1


def test_the_teams_first_answer_after_the_units_self_assessment_is_in_the_history(
    started, score_criterion, inspector, liaison
):
    answer_self_assess(
        visit=started, criterion=score_criterion, actor=liaison, self_score=Decimal(2), self_note=""
    )

    save(started, score_criterion, inspector, version=0, score=Decimal(1))

    (entry,) = _history(Answer.objects.get())
    assert entry.actor == inspector and entry.changes["score"] == ["None", "1"]
