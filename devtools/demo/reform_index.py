"""Demo of the reform index (`manage.py load_demo`, after the scores demo): the round of this
year in Đồng Tháp on the demo checklist, every current department and commune in scope (after the
2025 merger: xã Bình Tân Mỹ, not its predecessors).

The units are at every step, so each page has something to show: xã Bình Tân Mỹ (the demo liaison
"binhtanmy") is still scoring, a few units have submitted and wait for the appraisal team
("kiemtra"), one was appraised and waits for its response, the others are approved by the head
("lanhdao"). Scores are spread deterministically so that the units differ. Once Bình Tân Mỹ is
through, the head can publish the ranking.

Idempotent: a province that already has this year's round is left alone. Demo only.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from inspections.models import ChecklistTemplate
from inspections.reform_index.models import CardStatus, CriterionScore, IndexRound, Scorecard
from inspections.reform_index.services import round_open
from units.models import Unit, UnitKind

QUARTER = Decimal("0.25")
SCORING = "DT-BTM"  # xã Bình Tân Mỹ (merged 01/07/2025): the liaison "binhtanmy" scores it in the demo


def _share(seed: int) -> Decimal:
    """Between 0.5 and 1, in steps of 1/8, the same every run."""
    return Decimal(4 + seed % 5) / 8


def _points(max_score: Decimal, seed: int) -> Decimal:
    return (max_score * _share(seed) / QUARTER).quantize(Decimal(1)) * QUARTER


@transaction.atomic
def load() -> dict[str, int]:
    province = Unit.objects.get(code="DT")
    year = timezone.localdate().year
    if IndexRound.objects.filter(province=province, year=year).exists():
        return {"units": Scorecard.objects.filter(round__province=province, round__year=year).count()}
    template = ChecklistTemplate.objects.published().get(code="CCHC-KT-2025", version="0.1")
    User = get_user_model()
    admin, inspector, head = (User.objects.get(username=u) for u in ("quantri", "kiemtra", "lanhdao"))
    units = list(
        Unit.objects.current()
        .subtree(province)
        .filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])
        .order_by("kind", "name")
    )
    today = timezone.localdate()
    index_round = round_open(
        actor=admin,
        province=province,
        year=year,
        template=template,
        units=units,
        self_deadline=today + timedelta(days=20),
        appraisal_deadline=today + timedelta(days=35),
        response_deadline=today + timedelta(days=45),
    )
    now = timezone.now()
    cards = list(Scorecard.objects.filter(round=index_round).select_related("unit").order_by("unit__name"))
    for i, card in enumerate(cards):
        scores = list(CriterionScore.objects.filter(scorecard=card).select_related("criterion"))
        if card.unit.code == SCORING:
            # Half scored: the liaison finishes the rest on the phone.
            for s in scores[: len(scores) // 2]:
                s.self_score = _points(s.criterion.max_score, card.unit_id * 7 + s.criterion_id)
                s.explanation = "Đã có văn bản, báo cáo lưu tại đơn vị."
            CriterionScore.objects.bulk_update(scores, ["self_score", "explanation"])
            continue
        step = ["submitted", "appraised", "approved", "approved", "approved"][i % 5]
        for n, s in enumerate(scores):
            s.self_score = _points(s.criterion.max_score, card.unit_id * 7 + s.criterion_id)
            s.explanation = "Tài liệu kiểm chứng lưu tại đơn vị."
            if step != "submitted" and n % 6 == 0 and s.self_score > 0:
                s.appraised_score = s.self_score - min(s.self_score, QUARTER * 2)
                s.appraisal_reason = "Tài liệu kiểm chứng chưa đầy đủ so với yêu cầu của tiêu chí."
        CriterionScore.objects.bulk_update(
            scores, ["self_score", "explanation", "appraised_score", "appraisal_reason"]
        )
        fields = {"status": CardStatus.SUBMITTED, "submitted_at": now}
        if step in ("appraised", "approved"):
            fields.update(status=CardStatus.APPRAISED, appraised_at=now, appraised_by=inspector)
        if step == "approved":
            fields.update(status=CardStatus.APPROVED, approved_at=now, approved_by=head)
        Scorecard.objects.filter(pk=card.pk).update(**fields)
    return {"units": len(cards)}
