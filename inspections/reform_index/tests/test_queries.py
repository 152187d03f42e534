"""Query counts of the reform-index pages do not grow with their rows (criteria, units, files)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from findings.tests.factories import PDF
from units.models import UnitKind
from units.tests.factories import UnitFactory

from ..models import CardStatus, CriterionScore, Scorecard
from ..services import evidence_store
from .factories import fill_and_submit, index_template, inspected, open_round

# Budgets per page (the same at every size below). The appraisal: on PostgreSQL the last visit,
# its answers and the open limitations are one statement (statements.facts), three on SQLite.
BUDGETS = {
    "card": 8,
    "score": 7,
    "appraise": 8 if connection.vendor == "postgresql" else 10,
    "round": 7,
    "ranking": 6 if connection.vendor == "postgresql" else 8,
}


def _world(size, *, administrator, province, department, leader, liaison, commune):
    template = index_template(domains=size, criteria=size + 1, code=f"CS-{size}")
    communes = [commune] + [
        UnitFactory(name=f"Xã thử {size}-{i}", kind=UnitKind.COMMUNE, parent=province)
        for i in range(size * 3)
    ]
    index_round = open_round(
        actor=administrator,
        province=province,
        units=[department, *communes],
        template=template,
        year=2000 + size,
    )
    card = Scorecard.objects.get(round=index_round, unit=commune)
    for score in CriterionScore.objects.filter(scorecard=card):
        evidence_store(
            score=score,
            upload=SimpleUploadedFile("a.pdf", PDF + str(score.pk).encode(), content_type="application/pdf"),
            actor=liaison,
        )
    codes = [
        s.criterion.code for s in CriterionScore.objects.filter(scorecard=card).select_related("criterion")
    ]
    inspected(
        unit=commune,
        department=department,
        template=template,
        leader=leader,
        scores={c: Decimal(1) for c in codes},
        limitations={c: f"Hạn chế {c}" for c in codes},
    )
    # The commune replaced one that had replaced another (mergers of 2025 and 2020): the
    # appraisal reads their inspections too, every generation in one query.
    older = UnitFactory(name="Xã cũ 2008", kind=UnitKind.COMMUNE, parent=province)
    old = UnitFactory(name="Xã cũ 2020", kind=UnitKind.COMMUNE, parent=province)
    old.predecessors.add(older)
    commune.predecessors.add(old)
    return index_round, card


def _measure(
    client,
    django_assert_max_num_queries,
    size,
    administrator,
    province,
    department,
    leader,
    liaison,
    commune,
    inspector,
    head,
):
    index_round, card = _world(
        size,
        administrator=administrator,
        province=province,
        department=department,
        leader=leader,
        liaison=liaison,
        commune=commune,
    )
    domain = CriterionScore.objects.filter(scorecard=card).first().criterion.domain_id
    client.force_login(liaison)
    with django_assert_max_num_queries(BUDGETS["card"]) as q_card:
        assert client.get(card.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(BUDGETS["score"]) as q_score:
        assert client.get(reverse("reform_index:card_score", args=[card.pk, domain])).status_code == 200
    fill_and_submit(card, actor=liaison)
    client.force_login(inspector)
    with django_assert_max_num_queries(BUDGETS["appraise"]) as q_appraise:
        assert client.get(reverse("reform_index:card_appraise", args=[card.pk])).status_code == 200
    client.force_login(head)
    with django_assert_max_num_queries(BUDGETS["round"]) as q_round:
        assert client.get(index_round.get_absolute_url()).status_code == 200
    Scorecard.objects.filter(round=index_round).update(status=CardStatus.APPROVED)
    with django_assert_max_num_queries(BUDGETS["ranking"]) as q_ranking:
        assert client.get(reverse("reform_index:ranking", args=[index_round.pk])).status_code == 200
    return {"card": len(q_card), "score": len(q_score), "appraise": len(q_appraise), "round": len(q_round),
            "ranking": len(q_ranking)}  # fmt: skip


def test_pages_keep_their_query_budget_at_every_size(
    client, django_assert_max_num_queries, administrator, province, department, leader, liaison, commune,
    inspector, head,
):  # fmt: skip
    """6 criteria and 7 units, then 30 criteria and 16 units: the same number of queries."""
    counts = [
        _measure(
            client,
            django_assert_max_num_queries,
            size,
            administrator,
            province,
            department,
            leader,
            liaison,
            commune,
            inspector,
            head,
        )  # fmt: skip
        for size in (2, 5)
    ]
    assert counts[0] == counts[1]
