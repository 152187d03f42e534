"""Demo answers of the visit in progress (xã Bình Tấn, this year's Đồng Tháp plan): the unit's
self-assessment by its liaison (binhtan) and the first answers of the team (kiemtra), half-way
through the checklist, so that the team's page shows progress, totals, figures with their
rates and self-scores that differ. Loaded by `manage.py load_demo` after devtools.demo.inspections.

Idempotent: an answer the team already saved, or a self-score already given, is left alone.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from inspections.checklist.answers import AnswerChange, answer_save, answer_self_assess, visit_scores_refresh
from inspections.models import Answer, Criterion, Visit, VisitStatus

# criterion code -> (self score, self note); "*" as score means the maximum.
SELF_ASSESSMENT = {
    "1.1": ("*", "Kế hoạch CCHC năm ban hành ngày 05/01, đúng thời hạn tỉnh giao."),
    "1.2": ("*", "Hoàn thành 18/18 nhiệm vụ trong kế hoạch."),
    "1.3": ("*", "Gửi đủ báo cáo quý I, II và 6 tháng."),
    "1.5": ("1", "Có chuyên mục CCHC trên trang thông tin điện tử của xã."),
    "3.1": ("*", "Niêm yết đầy đủ tại Bộ phận Một cửa."),
    "3.4": ("*", "Tỷ lệ hồ sơ đúng hạn trên 90%."),
    "3.5": ("*", "Có phiếu xin lỗi đối với hồ sơ trễ hạn."),
}

# criterion code -> team's answer (keyword arguments of AnswerChange; "*" as score = maximum).
TEAM_ANSWERS = {
    "1.1": {
        "score": "*",
        "note": "Kế hoạch số 03/KH-UBND ngày 05/01, phân công rõ đơn vị chủ trì và thời hạn.",
    },
    "1.2": {"score": "1.5", "note": "02 nhiệm vụ tuyên truyền chưa có sản phẩm cụ thể."},
    "1.3": {"score": "*", "note": ""},
    "1.4": {"not_applicable": True, "note": "Xã không có đơn vị trực thuộc để tự kiểm tra trong kỳ."},
    "1.5": {"score": "0.5", "note": "Chuyên mục CCHC cập nhật thưa, tin bài gần nhất cách 4 tháng."},
    "3.1": {"score": "2", "note": "03 TTHC lĩnh vực hộ tịch niêm yết theo quyết định công bố cũ."},
    # Figures made up for the demo (the seeds' figures are Sa Đéc's: devtools.demo.sadec).
    "3.4": {
        "score": "3",
        "figures": {"received": 318, "on_time": 301, "late": 17},
        "note": "Số liệu minh họa của bản trình diễn.",
    },
    "3.5": {"score": "0.5", "note": "Chỉ 6/17 hồ sơ trễ hạn có phiếu xin lỗi và hẹn lại."},
}


def _score(value: str, criterion: Criterion) -> Decimal:
    return criterion.max_score if value == "*" else Decimal(value)


def _visit() -> Visit | None:
    return (
        Visit.objects.filter(unit__code="DT-TB-BT", status=VisitStatus.IN_PROGRESS)
        .select_related("unit", "template")
        .prefetch_related("team__user")
        .order_by("-starts_at")
        .first()
    )


@transaction.atomic
def load() -> dict[str, int]:
    """Add the demo self-assessment and answers; return how many answers the visit has."""
    if not settings.DEBUG:
        raise RuntimeError("Demo data is never loaded in a production configuration (DJANGO_DEBUG=0).")
    visit = _visit()
    if visit is None:
        return {"answers": 0}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["kiemtra", "binhtan"])}
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(domain__template=visit.template)
        if c.applies_to_kind(visit.unit.kind)
    }
    existing = {a.criterion_id: a for a in Answer.objects.filter(visit=visit)}
    liaison = users.get("binhtan")
    for code, (score, note) in SELF_ASSESSMENT.items():
        criterion = criteria.get(code)
        answer = existing.get(criterion.pk) if criterion else None
        if criterion is None or liaison is None or (answer and answer.self_updated_at):
            continue
        answer_self_assess(
            visit=visit,
            criterion=criterion,
            actor=liaison,
            self_score=_score(score, criterion),
            self_note=note,
        )
    inspector = users.get("kiemtra")
    for code, values in TEAM_ANSWERS.items():
        criterion = criteria.get(code)
        answer = existing.get(criterion.pk) if criterion else None
        if criterion is None or inspector is None or (answer and answer.version):
            continue
        values = dict(values)
        if "score" in values:
            values["score"] = _score(values["score"], criterion)
        answer_save(
            visit=visit,
            criterion=criterion,
            actor=inspector,
            base_version=0,
            token=uuid.uuid4(),
            change=AnswerChange(**values),
        )
    visit_scores_refresh(visit=visit)
    return {"answers": Answer.objects.filter(visit=visit).exclude(result="").count()}
