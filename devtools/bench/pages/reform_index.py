"""The reform-index pages measured by `manage.py bench`: build() opens this year's round for the
bench province on the bench checklist, every department and commune in scope (their number grows
with the data set), every scorecard scored; the bench commune's is submitted (the appraisal page
with the last inspection beside, and saved: every criterion appraised), the others approved (the
ranking)."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from inspections.reform_index.models import CardStatus, CriterionScore, Scorecard
from inspections.reform_index.services import round_open
from units.models import Unit, UnitKind
from units.roles import Role


def build(data, size: str) -> None:
    plan = getattr(data, "plan", None)
    if plan is None:
        return
    units = list(Unit.objects.subtree(data.province).filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNE]))
    index_round = round_open(
        actor=data.users[Role.ADMIN],
        province=data.province,
        year=2099,
        template=plan.template,
        units=units,
        self_deadline=date(2099, 1, 31),
        appraisal_deadline=date(2099, 2, 28),
        response_deadline=date(2099, 3, 31),
    )
    _score(index_round)
    Scorecard.objects.filter(round=index_round).update(status=CardStatus.APPROVED)
    Scorecard.objects.filter(round=index_round, unit=data.commune).update(status=CardStatus.SUBMITTED)
    data.index_round = index_round
    data.index_card = Scorecard.objects.get(round=index_round, unit=data.commune)


def _score(index_round) -> None:
    scores = list(CriterionScore.objects.filter(scorecard__round=index_round).select_related("criterion"))
    for n, s in enumerate(scores):
        s.self_score = s.criterion.max_score * Decimal(3 + n % 2) / 4
        s.explanation = "Có tài liệu kiểm chứng."
    CriterionScore.objects.bulk_update(scores, ["self_score", "explanation"], batch_size=2000)


def _appraisal_body(data) -> dict:
    """Every criterion of the bench commune's card appraised, each time another score than the
    last (so that every row is written and the card's totals and ranking figures move), with its
    reason."""
    body = {}
    for pk, version, maximum in CriterionScore.objects.filter(scorecard=data.index_card).values_list(
        "pk", "version", "criterion__max_score"
    ):
        body[f"version_{pk}"] = version
        body[f"appraised_{pk}"] = str(maximum if version % 2 else maximum / 2)
        body[f"reason_{pk}"] = "Đối chiếu hồ sơ kiểm chứng."
    return body


PAGES = [
    {
        "name": "reform index: scorecard",
        "url": lambda data: data.index_card.get_absolute_url(),
        "role": Role.LIAISON,
    },
    {
        "name": "reform index: appraisal",
        "url": lambda data: reverse("reform_index:card_appraise", args=[data.index_card.pk]),
        "role": Role.INSPECTOR,
    },
    {
        "name": "reform index: round",
        "url": lambda data: data.index_round.get_absolute_url(),
        "role": Role.HEAD,
    },
    {
        "name": "reform index: ranking (preview)",
        "url": lambda data: reverse("reform_index:ranking", args=[data.index_round.pk]),
        "role": Role.HEAD,
    },
    {
        # The write side of the kept ranking figures (models.Standing): one statement writes the
        # card's rows, its totals and its figure move once, whatever the number of units.
        "name": "reform index: appraisal saved (POST)",
        "url": lambda data: reverse("reform_index:card_appraise", args=[data.index_card.pk]),
        "role": Role.INSPECTOR,
        "method": "post",
        "body": _appraisal_body,
        "status": 302,
    },
]

BUDGETS = [
    # A save of a whole card (every criterion's score, reason and version: 135 fields on the
    # bench's checklist) validated and written in one statement: a write, held to twice the plain
    # page rather than the 1.5 x of the pages that are read.
    {"page": "reform index: appraisal saved (POST)", "baseline": "plain table, 100 rows", "max_ratio": 2.0},
]
