"""The preview's ranks made by the database (PostgreSQL) against the rule, ``ranking_compute``.

The preview page ranks a province's units in one statement and reads only the rows shown; the
issued ranking is made by ``ranking_compute`` in Python. Both must give every unit the same rank,
percent, change and place on the pages, ties included: equal percent and total (one rank, listed
by name in code-point order), equal percent with a smaller total (the next rank), a percent
rounded half up at the third decimal, a card with no maximum, and last year's ranks.
"""

import dataclasses
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection
from django.urls import reverse

from units.models import Unit, UnitKind
from units.tests.factories import UnitFactory

from ..models import CardStatus, CriterionScore, Scorecard, ScoreTotal, Standing
from ..ranking import _preview_python, _preview_sql, ranking_compute, ranking_preview
from .factories import at_once, open_round

pytestmark = pytest.mark.django_db

# Communes (name: score on every criterion, or a callable per card). Names chosen so that a
# collation's order differs from the code points' ("Xã a" < "Xã B" for a person, not for Python).
COMMUNES = {
    "Xã B": Decimal("1"),
    "Xã a": Decimal("1"),
    "Xã Á": Decimal("1"),
    "Xã Ă": Decimal("1"),
    "Xã Z": Decimal("1.5"),
    "Xã Đ": Decimal("2"),
    "Xã Y": Decimal("0.5"),
    "Xã Half": Decimal("1"),  # half its criteria removed: the same percent, a smaller total
    "Xã Cent": Decimal("0"),  # 0.01 point of 8: 0.125 % -> 0.13 (half up)
    "Xã Empty": Decimal("0"),  # no totals at all: no maximum, 0 %
}


def _round_with_ties(administrator, province, department, commune, other_commune, year=2026, template=None):
    communes = [commune, other_commune] + [
        UnitFactory(name=name, kind=UnitKind.COMMUNE, parent=province) for name in COMMUNES
    ]
    departments = [department] + [
        UnitFactory(name=f"Sở thử {i}", kind=UnitKind.DEPARTMENT, parent=province) for i in range(4)
    ]
    index_round = open_round(
        actor=administrator, province=province, units=departments + communes, year=year, template=template
    )
    scores = {commune.name: Decimal("2"), other_commune.name: Decimal("1")} | COMMUNES
    scores |= {d.name: Decimal("1.5") for d in departments[:3]} | {
        d.name: Decimal("0.5") for d in departments[3:]
    }
    for card in Scorecard.objects.filter(round=index_round).select_related("unit"):
        CriterionScore.objects.filter(scorecard=card).update(
            self_score=scores[card.unit.name], explanation="x"
        )
    cards = {c.unit.name: c for c in Scorecard.objects.filter(round=index_round).select_related("unit")}
    half = CriterionScore.objects.filter(scorecard=cards["Xã Half"]).order_by("criterion__code")
    CriterionScore.objects.filter(pk__in=[s.pk for s in half[:3]]).delete()
    cent = CriterionScore.objects.filter(scorecard=cards["Xã Cent"]).order_by("criterion__code")
    CriterionScore.objects.filter(pk__in=[s.pk for s in cent[:2]]).delete()  # 4 criteria left: 8 points
    CriterionScore.objects.filter(pk=cent[2].pk).update(self_score=Decimal("0.01"))
    ScoreTotal.objects.filter(scorecard=cards["Xã Empty"]).delete()
    # An appraised score counts over the self-score.
    CriterionScore.objects.filter(scorecard=cards["Xã Y"], criterion__code="1.1").update(
        appraised_score=Decimal("2")
    )
    Scorecard.objects.filter(round=index_round).update(status=CardStatus.APPROVED)
    return index_round


@pytest.fixture
def tied(administrator, province, department, commune, other_commune):
    index_round = _round_with_ties(administrator, province, department, commune, other_commune)
    # Last year: some of the same units, with ties of their own; one commune was not ranked.
    last = open_round(
        actor=administrator,
        province=province,
        units=list(Unit.objects.filter(scorecards__round=index_round).exclude(name="Xã Z").order_by("pk")),
        year=2025,
        template=index_round.template,
    )
    for n, card in enumerate(Scorecard.objects.filter(round=last).order_by("unit__name")):
        CriterionScore.objects.filter(scorecard=card).update(self_score=Decimal(n % 3) / 2, explanation="x")
    return index_round


def _shape(groups):
    return [
        (
            g.kind,
            g.label,
            g.count,
            g.number,
            [dataclasses.asdict(r) for r in g.rows],
            g.own and (g.own.unit_id, g.own.rank, g.own_number),
        )
        for g in groups
    ]


def test_the_rule_ranks_the_ties_as_the_issued_ranking_says(tied):
    """What the statement is compared with below: the ties of the data as ranking_compute gives them."""
    communes = ranking_compute(index_round=tied).groups[1].rows
    ranks = [(r.unit_name, r.rank, r.percent, r.total) for r in communes]
    # 1 point of 2 on every criterion: one rank, listed by code point ("Xã B" before "Xã a").
    tied_at_half = [r for r in ranks if r[2] == "50.00" and r[3] == "6.00"]
    assert [r[0] for r in tied_at_half] == ["Xã B", "Xã Tân Mỹ", "Xã a", "Xã Á", "Xã Ă"]
    assert {r[1] for r in tied_at_half} == {tied_at_half[0][1]}
    half = next(r for r in ranks if r[0] == "Xã Half")
    assert half[2:] == ("50.00", "3.00") and half[1] == tied_at_half[0][1] + len(tied_at_half)
    assert next(r for r in ranks if r[0] == "Xã Cent")[2:] == ("0.13", "0.01")
    assert next(r for r in ranks if r[0] == "Xã Empty")[2:] == ("0.00", "0.00")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statement is PostgreSQL's; SQLite ranks in Python"
)
@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 25])
def test_the_statement_gives_every_page_as_the_rule(tied, department, commune, per_page):
    domain_ids = list(tied.template.domains.order_by("order", "id").values_list("pk", flat=True))
    units = list(Scorecard.objects.filter(round=tied).values_list("unit_id", flat=True))
    asked = [{}, {"commune": 2}, {"commune": 3, "department": 2}, {"commune": 10**6}, {"commune": 0}]
    asked += [{"commune": n} for n in range(4, 14)]
    for numbers in asked:
        for own in [None, department.pk, commune.pk, *units[::3]]:
            sql = _preview_sql(tied, domain_ids, numbers, own, per_page)
            rule = _preview_python(tied, numbers, own, per_page)
            assert _shape(sql) == _shape(rule), (numbers, own)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statement is PostgreSQL's; SQLite ranks in Python"
)
def test_a_second_year_and_a_rescore_move_the_statement_as_the_rule(tied, administrator, province):
    """After a later change (an appraisal moving a unit across a tie), the statement, prepared
    once per connection, reads the new totals."""
    domain_ids = list(tied.template.domains.order_by("order", "id").values_list("pk", flat=True))
    before = _shape(_preview_sql(tied, domain_ids, {}, None, 3))
    assert before == _shape(_preview_python(tied, {}, None, 3))
    CriterionScore.objects.filter(scorecard__round=tied, scorecard__unit__name="Xã Ă").update(
        appraised_score=Decimal("2")
    )
    after = _shape(_preview_sql(tied, domain_ids, {}, None, 3))
    assert after == _shape(_preview_python(tied, {}, None, 3)) and after != before
    # Now tied first with the two other communes at 100 %, second of them by name.
    first_page = after[1][4]
    assert [(r["unit_name"], r["rank"]) for r in first_page] == [("Xã Bình Tấn", 1), ("Xã Ă", 1), ("Xã Đ", 1)]
    assert first_page[1]["change"] is not None


def test_the_page_asked_for_is_read_as_paginate_reads_it(tied, commune):
    def numbers(raw):
        _domains, groups = ranking_preview(tied, pages={"commune": raw}, own_unit=None, per_page=5)
        return next(g.number for g in groups if g.kind == "commune")

    # 12 communes in pages of 5: three pages.
    assert [numbers(raw) for raw in (None, "2", "3", "4", "0", "-1", "abc", "9" * 30)] == [
        1,
        2,
        3,
        3,
        3,
        3,
        1,
        3,
    ]


def test_the_preview_page_of_the_head_shows_the_database_ranks(client, tied, head, monkeypatch):
    from .. import views

    monkeypatch.setattr(views, "RANKING_PAGE_SIZE", 4)
    client.force_login(head)
    url = reverse("reform_index:ranking", args=[tied.pk])
    html = client.get(url, {"commune_page": "2"}).content.decode()
    section = html.split('id="ranking-commune"', 1)[1]
    rule = ranking_compute(index_round=tied).groups[1].rows[4:8]
    for row in rule:
        assert f"<td>{row.rank}</td><td>{row.unit_name}</td>" in section
    assert "(12 đơn vị)" in section and "Trang 2/3" in section
    assert f'rel="prev" class="page-link" href="{url}"' in section
    assert 'rel="next" class="page-link" href="?commune_page=3"' in section


# The ranks the database keeps (models.Standing) after every kind of change ----------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps no standings: its preview ranks in Python"
)


def assert_standings_right(index_round):
    """Every card of ``index_round`` has the figures ranking_compute gives it, and the preview's
    statement ranks it where the rule does (every row, one page); no other row."""
    expected, ranked = {}, {}
    for group in ranking_compute(index_round=index_round).groups:
        for position, row in enumerate(group.rows, start=1):
            expected[row.unit_id] = (row.kind, row.unit_name, row.total, row.max_total, row.percent)
            ranked[row.unit_id] = (row.rank, position)
    kept = {
        s.unit_id: (s.kind, s.name, str(s.points), str(s.max_points), str(s.percent))
        for s in Standing.objects.filter(round=index_round)
    }
    assert kept == expected
    assert not Standing.objects.exclude(scorecard__in=Scorecard.objects.all()).exists()
    domain_ids = list(index_round.template.domains.values_list("pk", flat=True))
    everyone = _preview_sql(index_round, domain_ids, {}, None, 10**4)
    assert {r.unit_id: (r.rank, i) for g in everyone for i, r in enumerate(g.rows, start=1)} == ranked


@postgres_only
def test_the_kept_ranks_follow_scores_cards_and_units(tied, administrator, province, commune, head):
    assert_standings_right(tied)
    # A score through the service path's plain update, an appraisal, a deleted score row.
    CriterionScore.objects.filter(scorecard__round=tied, scorecard__unit__name="Xã B").update(
        self_score=Decimal("2")
    )
    assert_standings_right(tied)
    CriterionScore.objects.filter(
        scorecard__round=tied, scorecard__unit__name="Xã a", criterion__code="2.1"
    ).delete()
    assert_standings_right(tied)
    # A unit renamed reorders its ties; a unit of another kind moves to the other table.
    Unit.objects.filter(name="Xã Ă").update(name="Xã AA")
    assert_standings_right(tied)
    Unit.objects.filter(name="Xã Z").update(kind=UnitKind.DEPARTMENT)
    assert_standings_right(tied)
    # A card deleted (the ORM deletes its score rows and totals first), then one added.
    Scorecard.objects.get(round=tied, unit__name="Xã Y").delete()
    assert_standings_right(tied)
    assert Standing.objects.filter(round=tied).count() == Scorecard.objects.filter(round=tied).count() == 16
    newcomer = UnitFactory(name="Xã Mới", kind=UnitKind.COMMUNE, parent=province)
    Scorecard.objects.create(round=tied, unit=newcomer)
    assert_standings_right(tied)
    # A card moved to another unit from the shell (no service does): its figures follow, under
    # the other unit's name and kind.
    department = UnitFactory(name="Sở Mới", kind=UnitKind.DEPARTMENT, parent=province)
    Scorecard.objects.filter(round=tied, unit=newcomer).update(unit=department)
    assert_standings_right(tied)
    assert Standing.objects.get(round=tied, unit=department).kind == UnitKind.DEPARTMENT
    # Last year's round deleted: the preview shows no change any more.
    last = tied.province.index_rounds.get(year=2025)
    assert Standing.objects.filter(round=last).count() == 16
    last_pk = last.pk
    last.scorecards.all().delete()
    last.delete()
    assert not Standing.objects.filter(round_id=last_pk).exists()
    assert Standing.objects.count() == 17
    domain_ids = list(tied.template.domains.values_list("pk", flat=True))
    assert all(r.change is None for g in _preview_sql(tied, domain_ids, {}, None, 25) for r in g.rows)


@postgres_only
def test_the_kept_ranks_follow_the_scoring_services(card, liaison, inspector, head, index_round):
    from ..services import SelfRow, card_self_save

    rows = [SelfRow(s.pk, s.version, Decimal("1.5"), "Có báo cáo", None) for s in card.scores.order_by("pk")]
    card_self_save(card=card, actor=liaison, rows=rows)
    assert_standings_right(index_round)
    assert Standing.objects.get(scorecard=card).percent == Decimal("75.00")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_scorers_of_one_round_leave_the_figures_of_all_their_changes(
    index_tpl, administrator, province, department, commune, other_commune
):
    """Three units' scores change at the same moment, each in its own transaction, six times
    over: the kept figures count every change (each moved by its difference under the card's
    row lock) and the ranks read from them are the rule's."""
    index_round = open_round(
        actor=administrator, province=province, units=[department, commune, other_commune], template=index_tpl
    )
    cards = list(Scorecard.objects.filter(round=index_round).order_by("pk"))

    def write(card, value):
        CriterionScore.objects.filter(scorecard=card).update(self_score=value)
        # A second statement in the same transaction: its difference counts too.
        CriterionScore.objects.filter(scorecard=card, criterion__code="1.1").update(appraised_score=value)

    for turn in range(6):
        errors = at_once(
            [partial(write, c, Decimal((turn + i) % 3) / 2 + Decimal("0.25")) for i, c in enumerate(cards)]
        )
        assert errors == []
        assert_standings_right(index_round)


@postgres_only
def test_the_migration_backfills_the_standings_of_existing_cards(tied):
    import importlib

    migration = importlib.import_module("inspections.reform_index.migrations.0004_standing")
    CriterionScore.objects.filter(scorecard__round=tied, scorecard__unit__name="Xã B").update(
        appraised_score=Decimal("0.5")
    )
    Standing.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert_standings_right(tied)
    assert_standings_right(tied.province.index_rounds.get(year=2025))
