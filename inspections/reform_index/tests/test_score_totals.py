"""The totals per scorecard and domain (ScoreTotal) that the database keeps: right after every
path that writes a score row, backfilled by the migration, right under concurrent changes."""

import importlib
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection
from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..models import ADJUSTED, CardStatus, CriterionScore, Scorecard, ScoreTotal
from ..ranking import ranking_compute
from ..selectors import round_cards
from ..services import AppraisalRow, SelfRow, card_appraise, card_approve, card_self_save, card_send_appraisal
from .factories import at_once, fill_and_submit, open_round

migration = importlib.import_module("inspections.reform_index.migrations.0003_score_totals")


def recomputed(index_round=None) -> dict:
    """{(card, domain): (points, maximum, adjusted)} summed from the score rows themselves."""
    rows = CriterionScore.objects.all()
    if index_round is not None:
        rows = rows.filter(scorecard__round=index_round)
    rows = (
        rows.values("scorecard_id", "criterion__domain_id")
        .annotate(
            points=Sum(Coalesce("appraised_score", "self_score", Value(Decimal(0)))),
            maximum=Sum("criterion__max_score"),
            adjusted=Count(Case(When(ADJUSTED, then=1), output_field=IntegerField())),
        )
        .order_by()
    )
    return {
        (r["scorecard_id"], r["criterion__domain_id"]): (
            Decimal(r["points"]).quantize(Decimal("0.01")),
            Decimal(r["maximum"]).quantize(Decimal("0.01")),
            r["adjusted"],
        )
        for r in rows
    }


def stored(index_round=None) -> dict:
    rows = ScoreTotal.objects.all()
    if index_round is not None:
        rows = rows.filter(scorecard__round=index_round)
    return {
        (t.scorecard_id, t.domain_id): (t.points.quantize(Decimal("0.01")), t.max_points, t.adjusted)
        for t in rows
    }


def assert_totals_right(index_round=None):
    expected = recomputed(index_round)
    assert expected, "nothing to compare"
    assert stored(index_round) == expected


def _rows(card):
    return list(CriterionScore.objects.filter(scorecard=card).select_related("criterion").order_by("pk"))


def test_opening_a_round_gives_every_card_its_totals_per_domain(index_round, card):
    assert_totals_right(index_round)
    # Two domains of three criteria of 2 points: nothing scored yet, the maximum is there.
    assert {(t.points, t.max_points, t.adjusted) for t in card.totals.all()} == {(Decimal(0), Decimal(6), 0)}
    assert ScoreTotal.objects.filter(scorecard__round=index_round).count() == 3 * 2


def test_self_scoring_through_the_page_moves_the_domains_total(client, liaison, card):
    rows = [r for r in _rows(card) if r.criterion.domain.code == "1"]
    client.force_login(liaison)
    data = {}
    for r, score in zip(rows, ("1.5", "2", "0.25"), strict=True):
        data |= {
            f"score_{r.pk}": score,
            f"version_{r.pk}": r.version,
            f"explanation_{r.pk}": "Có báo cáo",
            f"document_{r.pk}": "",
        }
    response = client.post(
        reverse("reform_index:card_score", args=[card.pk, rows[0].criterion.domain_id]), data
    )
    assert response.status_code == 302
    total = card.totals.get(domain=rows[0].criterion.domain)
    assert total.points == Decimal("3.75") and total.max_points == Decimal(6)
    assert_totals_right()


def test_every_step_of_a_card_keeps_its_totals(card, liaison, inspector, head):
    rows = _rows(card)
    card_self_save(
        card=card,
        actor=liaison,
        rows=[SelfRow(r.pk, r.version, Decimal("1.5"), "Có báo cáo", None) for r in rows],
    )
    assert_totals_right()
    card_self_save(  # the same save again changes nothing
        card=card,
        actor=liaison,
        rows=[SelfRow(r.pk, r.version + 1, Decimal("1.5"), "Có báo cáo", None) for r in rows],
    )
    assert_totals_right()
    card.refresh_from_db()
    fill_and_submit(card, actor=liaison)
    rows = _rows(card)
    card_appraise(
        card=card,
        actor=inspector,
        rows=[
            AppraisalRow(rows[0].pk, rows[0].version, Decimal("0.5"), "Thiếu tài liệu"),
            AppraisalRow(rows[1].pk, rows[1].version, Decimal("1.5"), ""),  # the same: not adjusted
        ],
    )
    assert_totals_right()
    first = card.totals.get(domain=rows[0].criterion.domain)
    assert first.adjusted == 1 and first.points == Decimal("3.5")  # 0.5 + 1.5 + 1.5
    # An appraised score taken back: the self-score counts again.
    rows = _rows(card)
    card_appraise(card=card, actor=inspector, rows=[AppraisalRow(rows[0].pk, rows[0].version, None, "")])
    assert_totals_right()
    assert card.totals.get(domain=rows[0].criterion.domain).adjusted == 0
    card.refresh_from_db()
    card_send_appraisal(card=card, actor=inspector, version=card.version)
    card.refresh_from_db()
    card_approve(card=card, actor=head, version=card.version)
    assert Scorecard.objects.get(pk=card.pk).status == CardStatus.APPROVED
    assert_totals_right()


def test_bulk_writes_and_plain_updates_keep_the_totals(index_round, card):
    """The demo and the bench write scores with bulk_update, the tests with QuerySet.update."""
    rows = list(CriterionScore.objects.filter(scorecard__round=index_round).select_related("criterion"))
    for n, r in enumerate(rows):
        r.self_score = r.criterion.max_score * Decimal(n % 3) / 4
    CriterionScore.objects.bulk_update(rows, ["self_score"], batch_size=4)
    assert_totals_right(index_round)
    CriterionScore.objects.filter(scorecard=card).update(appraised_score=Decimal("0.1"))
    assert_totals_right(index_round)
    CriterionScore.objects.filter(scorecard__round=index_round).update(explanation="Chỉ lời giải thích")
    assert_totals_right(index_round)


def test_decimals_do_not_drift(card):
    """SQLite keeps decimals as floating point: the totals are rounded to the cent each time."""
    rows = _rows(card)[:3]
    for _ in range(5):
        for r in rows:
            CriterionScore.objects.filter(pk=r.pk).update(self_score=Decimal("0.1"))
        for r in rows:
            CriterionScore.objects.filter(pk=r.pk).update(self_score=Decimal("0.7"))
    total = card.totals.get(domain=rows[0].criterion.domain)
    assert total.points == Decimal("2.10")
    binh_tan = next(
        r for r in ranking_compute(index_round=card.round).groups[1].rows if r.unit_id == card.unit_id
    )
    assert binh_tan.domains == ["2.10", "0.00"] and binh_tan.total == "2.10"
    CriterionScore.objects.filter(pk__in=[r.pk for r in rows]).update(self_score=None)
    total.refresh_from_db()
    assert (
        total.points == 0 and str(ranking_compute(index_round=card.round).groups[1].rows[0].total) == "0.00"
    )


def test_deleted_score_rows_and_rounds_take_their_share_along(index_round, card):
    CriterionScore.objects.filter(scorecard=card).update(self_score=Decimal(1))
    CriterionScore.objects.filter(pk=_rows(card)[0].pk).delete()
    assert_totals_right(index_round)
    assert card.totals.get(domain=_rows(card)[0].criterion.domain).max_points == Decimal(4)
    index_round.delete()
    assert not ScoreTotal.objects.exists()


def test_the_migration_backfills_the_totals_of_existing_scores(index_round, card):
    CriterionScore.objects.filter(scorecard=card).update(
        self_score=Decimal("1.25"), appraised_score=Decimal(2)
    )
    expected = stored(index_round)
    ScoreTotal.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert stored(index_round) == expected == recomputed(index_round)


def test_the_trigger_counts_adjusted_criteria_as_the_model_does(card):
    """models.ADJUSTED (an appraised score, not the self-score: also where there is no
    self-score) is what the triggers count."""
    a, b, c = _rows(card)[:3]
    CriterionScore.objects.filter(pk=a.pk).update(self_score=None, appraised_score=1)
    CriterionScore.objects.filter(pk=b.pk).update(self_score=1, appraised_score=1)
    CriterionScore.objects.filter(pk=c.pk).update(self_score=2, appraised_score=1)
    assert CriterionScore.objects.filter(ADJUSTED, scorecard=card).count() == 2
    assert card.totals.get(domain=a.criterion.domain).adjusted == 2
    assert [r.adjusted for r in round_cards(index_round=card.round) if r.pk == card.pk] == [2]


def test_the_ranking_and_the_round_page_read_no_score_row(client, head, index_round, card):
    CriterionScore.objects.filter(scorecard__round=index_round).update(self_score=1)
    client.force_login(head)
    for url in (index_round.get_absolute_url(), reverse("reform_index:ranking", args=[index_round.pk])):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q for q in queries if "reform_index_criterionscore" in q["sql"]], url


def test_a_card_opened_later_in_another_round_has_totals_of_its_own(
    index_round, administrator, province, commune, card
):
    other = open_round(
        actor=administrator, province=province, units=[commune], year=2025, template=index_round.template
    )
    CriterionScore.objects.filter(scorecard__round=other).update(self_score=2)
    assert_totals_right(other)
    assert_totals_right(index_round)
    assert set(ScoreTotal.objects.filter(scorecard__round=other).values_list("points", flat=True)) == {
        Decimal(6)
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_changes_of_one_cards_domain_all_count(index_tpl, administrator, province, commune):
    """Four writers change four scores of one domain of one card at the same moment (no card
    lock: plain updates, as a data fix or the admin's shell would), six times over."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers on in-memory SQLite fail instead of waiting")
    from inspections.models import Criterion, Domain

    domain = Domain.objects.get(template=index_tpl, code="1")
    Criterion.objects.bulk_create(
        Criterion(domain=domain, order=10 + i, code=f"1.{10 + i}", title="Thêm", max_score=Decimal(2))
        for i in range(2)
    )
    index_round = open_round(actor=administrator, province=province, units=[commune], template=index_tpl)
    card = Scorecard.objects.get(round=index_round)
    scores = list(CriterionScore.objects.filter(scorecard=card, criterion__domain=domain).order_by("pk"))[:4]

    def write(score, value):
        CriterionScore.objects.filter(pk=score.pk).update(self_score=value)
        # Hold the total's row lock a moment so that the others wait on it.
        CriterionScore.objects.filter(pk=score.pk).update(appraised_score=value / 2)

    for round_ in range(6):
        errors = at_once(
            [partial(write, s, Decimal(round_ % 3) + Decimal("0.25") * i) for i, s in enumerate(scores)]
        )
        assert errors == []
        assert stored(index_round) == recomputed(index_round), f"round {round_}"
