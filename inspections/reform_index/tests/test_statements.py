"""The card pages' written-out reads (statements.py, PostgreSQL) read what their ORM references
read (access._card_orm, selectors._score_rows_orm, selectors._facts_orm), on data reaching every
branch: a unit with and without predecessors, rows with several files, one file, none, a cited
document or not; visits finished or not, answers to codes asked or not, limitations open, with an
action open or verified, strengths, other units' and other codes' findings."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from findings.models import ActionState
from findings.tests.factories import PDF, ActionFactory, FindingFactory
from inspections.models import Criterion, VisitStatus
from inspections.tests.answer_factories import AnswerFactory
from inspections.tests.factories import PlanFactory, VisitFactory, at
from reports.models import IssuedDocument, IssuedKind
from units.models import UnitKind
from units.tests.factories import UnitFactory

from .. import statements
from ..access import _card_orm
from ..models import CriterionScore, Scorecard
from ..selectors import FINISHED_VISITS, _facts_orm, _score_rows_orm, card_blocks
from ..services import evidence_store

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the written-out reads are PostgreSQL's"),
]


def _values(obj) -> dict | None:
    """An instance's loaded columns (the deferred ones named), or None."""
    if obj is None:
        return None
    deferred = obj.get_deferred_fields()
    return {
        "model": type(obj),
        "deferred": deferred,
        **{
            f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in deferred
        },
    }


def _card(card):
    if card is None:
        return None
    r = card.round
    return [
        _values(card),
        card.unit_has_predecessors,
        _values(r),
        _values(r.province),
        _values(r.template),
        _values(card.unit),
    ]


def test_the_card_is_read_as_the_orm_reads_it(card, commune, province, other_commune, index_round):
    other = Scorecard.objects.get(round=index_round, unit=other_commune)
    commune.predecessors.add(UnitFactory(name="Xã cũ", kind=UnitKind.COMMUNE, parent=province))
    for pk in (card.pk, other.pk, other.pk + card.pk + 1000):
        with_sql = statements.card(pk)
        assert _card(with_sql) == _card(_card_orm(pk))
    assert statements.card(card.pk).unit_has_predecessors is True
    assert statements.card(other.pk).unit_has_predecessors is False
    assert statements.card(other.pk + card.pk + 1000) is None


def _rows(rows):
    return [
        [
            _values(s),
            _values(s.criterion),
            _values(s.criterion.domain),
            _values(s.document),
            [(f.pk, f.score_id, f.original_name) for f in s.evidence_files],
        ]
        for s in rows
    ]


def test_the_score_rows_are_read_as_the_orm_reads_them(card, liaison, department, commune, leader):
    scores = list(CriterionScore.objects.filter(scorecard=card).order_by("pk"))
    document = IssuedDocument.objects.create(
        kind=IssuedKind.NOTICE,
        unit=commune,
        issuing_unit=department,
        issuer_name="Sở Nội vụ",
        year=2026,
        symbol="TB-SNV",
        number=12,
        date=date(2026, 3, 1),
        signer_title="Giám đốc",
        signer_name="Nguyễn Văn A",
        subject="Thông báo kết luận kiểm tra",
        snapshot={"rows": [1, 2]},
        docx="issued/a.docx",
        docx_sha256="0" * 64,
        issued_by=leader,
    )
    CriterionScore.objects.filter(pk=scores[0].pk).update(document=document, explanation="Có báo cáo")
    CriterionScore.objects.filter(pk=scores[1].pk).update(
        self_score=Decimal("1.5"), appraised_score=Decimal("1")
    )
    for score, n in ((scores[0], 3), (scores[2], 1)):  # three files, one, none on the others
        for i in range(n):
            evidence_store(
                score=score,
                upload=SimpleUploadedFile(
                    f"f{i}.pdf", PDF + f"{score.pk}-{i}".encode(), content_type="application/pdf"
                ),
                actor=liaison,
            )
    with_sql, orm = statements.score_rows(card.pk), _score_rows_orm(card)
    assert _rows(with_sql) == _rows(orm)
    files = {s.pk: len(s.evidence_files) for s in with_sql}
    assert files[scores[0].pk] == 3 and files[scores[2].pk] == 1 and files[scores[1].pk] == 0
    assert [s.document for s in with_sql if s.pk == scores[0].pk] == [document]
    assert all(s.criterion.get_deferred_fields() == set(statements.CRITERION_DEFERRED) for s in with_sql)
    # Each domain once: its rows share the instance.
    assert len({id(s.criterion.domain) for s in with_sql}) == len({s.criterion.domain_id for s in with_sql})


def _facts(read, unit_ids, codes):
    visit, answers, limitations = read(unit_ids=unit_ids, codes=codes, statuses=FINISHED_VISITS)
    return [
        _values(visit),
        visit and _values(visit.plan),
        [(_values(a), a.code) for a in answers],
        [(_values(f), f.code) for f in limitations],
    ]


def test_the_inspection_facts_are_read_as_the_orm_reads_them(
    commune, other_commune, province, department, leader, index_tpl
):
    old = UnitFactory(name="Xã cũ", kind=UnitKind.COMMUNE, parent=province)
    criteria = {c.code: c for c in Criterion.objects.filter(domain__template=index_tpl)}
    codes = sorted(criteria)[:4]
    asked, not_asked = codes[:3], codes[3]
    start = at(date(2027, 1, 12))

    def visit(unit, days, status=VisitStatus.CONCLUDED):
        plan = PlanFactory(issuing_unit=department, template=index_tpl, approved=True, created_by=leader)
        return VisitFactory(
            plan=plan, unit=unit, status=status, created_by=leader, starts_at=start + timedelta(days=days)
        )

    def finding(v, code, *, state=None, **kwargs):
        f = FindingFactory(visit=v, criterion=criteria[code], text=f"Hạn chế {code} {v.pk}", created_by=leader,
                           approved=True, **kwargs)  # fmt: skip
        if state is not None:
            ActionFactory(finding=f, state=state)
        return f

    # Nothing yet: no visit, no answer, no limitation.
    for unit_ids in ([commune.pk], [commune.pk, old.pk]):
        assert _facts(statements.facts, unit_ids, asked) == _facts(_facts_orm, unit_ids, asked)
    assert _facts(statements.facts, [commune.pk], asked)[0] is None
    earlier = visit(old, 0)
    visit(commune, 5, VisitStatus.SUBMITTED)  # finished, before the last
    last = visit(commune, 10)
    visit(commune, 20, VisitStatus.IN_PROGRESS)  # later, not finished: not the last inspection
    visit(other_commune, 30)  # another unit's
    # The last visit with no answer to the codes asked (one to another code).
    AnswerFactory(visit=last, criterion=criteria[not_asked], score=Decimal(2), updated_by=leader)
    for unit_ids in ([commune.pk], [commune.pk, old.pk], [old.pk]):
        assert _facts(statements.facts, unit_ids, asked) == _facts(_facts_orm, unit_ids, asked)
    assert _facts(statements.facts, [commune.pk], asked)[2] == []
    for code, score in zip(asked[:2], (Decimal("0.5"), None), strict=True):
        AnswerFactory(visit=last, criterion=criteria[code], score=score, updated_by=leader)
        AnswerFactory(visit=earlier, criterion=criteria[code], score=Decimal(1), updated_by=leader)
    finding(last, asked[0])  # open, no action
    finding(last, asked[0], state=ActionState.IN_PROGRESS)  # open, its action under way
    finding(last, asked[1], state=ActionState.VERIFIED)  # closed
    finding(earlier, asked[1], state=ActionState.REOPENED)  # open, at the predecessor
    finding(earlier, asked[0])  # open, at the predecessor, an older visit
    finding(last, asked[2], strength=True)  # a strength
    finding(last, not_asked)  # another code
    finding(visit(other_commune, 40), asked[0])  # another unit
    newest = visit(commune, 50, VisitStatus.IN_PROGRESS)
    finding(newest, asked[2])  # found at a visit not finished: still open
    for unit_ids in ([commune.pk], [commune.pk, old.pk], [old.pk], []):
        for wanted in (asked, codes, [], ["x"]):
            assert _facts(statements.facts, unit_ids, wanted) == _facts(_facts_orm, unit_ids, wanted)
    facts = _facts(statements.facts, [commune.pk, old.pk], asked)
    assert facts[0]["id"] == last.pk and len(facts[2]) == 2
    # Newest visit first, then the findings' order.
    assert [(f["text"], code) for f, code in facts[3]] == [
        (f"Hạn chế {asked[2]} {newest.pk}", asked[2]),
        (f"Hạn chế {asked[0]} {last.pk}", asked[0]),
        (f"Hạn chế {asked[0]} {last.pk}", asked[0]),
        (f"Hạn chế {asked[1]} {earlier.pk}", asked[1]),
        (f"Hạn chế {asked[0]} {earlier.pk}", asked[0]),
    ]


def test_the_appraisal_rows_carry_the_same_facts_either_way(card, commune, department, leader, index_tpl,
                                                             monkeypatch):  # fmt: skip
    from .factories import inspected

    inspected(unit=commune, department=department, template=index_tpl, leader=leader,
              scores={"1.1": Decimal("0.5"), "1.2": Decimal(1)}, limitations={"1.1": "Chậm", "2.1": "Thiếu"})  # fmt: skip
    card = statements.card(card.pk)

    def drawn():
        return [
            (s.pk, s.facts.visit and s.facts.visit.pk, s.facts.answer and _values(s.facts.answer),
             [_values(f) for f in s.facts.limitations])
            for b in card_blocks(card=card, with_facts=True) for s in b.rows
        ]  # fmt: skip

    with_sql = drawn()
    monkeypatch.setattr(statements, "facts", _facts_orm)
    monkeypatch.setattr(statements, "score_rows", lambda pk: _score_rows_orm(card))
    assert with_sql == drawn()
    assert any(answer for _pk, _visit, answer, _lim in with_sql)
    assert any(limitations for _pk, _visit, _answer, limitations in with_sql)
