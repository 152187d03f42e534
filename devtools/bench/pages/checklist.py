"""The checklist filled on site in `manage.py bench` (after the inspections pages).

Data: a 120-criteria checklist version (10 domains of 12; every sixth criterion has figures,
every seventh is yes / partly / no) and a visit in progress of the builder's first commune, led by
the bench inspector, half answered, with self-scores and a few evidence rows.

Pages: the checklist page of that visit; a plain table of 100 rows (the checklist's criteria,
served only by the bench's URLconf) as the baseline the checklist page is held to; one autosave
POST (always from the current version, so each one is a real save). Budgets (ISSUE "Filling
the checklist on site", and "Flat, fast pages" item 4): the checklist page at most 1.5 x the plain
table, the autosave at most 3 x the hello-world floor; `manage.py bench` fails above either.
"""

import uuid
from decimal import Decimal
from itertools import count

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone

from inspections.checklist.answers import visit_scores_refresh
from inspections.models import (
    Answer,
    AnswerEvidence,
    AnswerKind,
    AnswerResult,
    ChecklistTemplate,
    Criterion,
    Domain,
    InspectionPlan,
    PlanStatus,
    TeamMember,
    TeamRole,
    TemplateStatus,
    Visit,
    VisitStatus,
)
from units.roles import Role

DOMAINS, PER_DOMAIN = 10, 12
FIGURES = [
    {"key": "received", "label": "Số hồ sơ tiếp nhận"},
    {"key": "on_time", "label": "Số hồ sơ đúng hạn"},
    {"key": "late", "label": "Số hồ sơ trễ hạn"},
]


def _template(size: str) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.create(
        code=f"BENCH-120-{size}",
        title="Bộ tiêu chí kiểm tra công tác cải cách hành chính (120 tiêu chí)",
        version="1",
        number=1,
        status=TemplateStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    criteria = []
    n = count()
    for d in range(1, DOMAINS + 1):
        domain = Domain.objects.create(
            template=template, order=d, code=str(d), title=f"Lĩnh vực kiểm tra {d}"
        )
        for c in range(1, PER_DOMAIN + 1):
            i = next(n)
            kind = (
                AnswerKind.FIGURES
                if i % 6 == 5
                else AnswerKind.YES_PARTLY_NO
                if i % 7 == 6
                else AnswerKind.SCORE
            )
            criteria.append(
                Criterion(
                    domain=domain,
                    order=c,
                    code=f"{d}.{c}",
                    title=f"Tiêu chí {d}.{c}: thực hiện nhiệm vụ cải cách hành chính được giao trong kỳ",
                    guidance="Xem kế hoạch, báo cáo và hồ sơ gốc; đối chiếu với thực tế tại Bộ phận Một cửa.",
                    max_score=Decimal("2.5") if c % 3 else Decimal(2),
                    answer_kind=kind,
                    applies_to=["department", "commune", "internal_office"],
                    figures=FIGURES if kind == AnswerKind.FIGURES else [],
                    figure_rules=["on_time + late <= received"] if kind == AnswerKind.FIGURES else [],
                )
            )
    Criterion.objects.bulk_create(criteria)
    return template


def build(data, size):
    template = _template(size)
    inspector = data.users[Role.INSPECTOR]
    today = timezone.localdate()
    plan = InspectionPlan.objects.create(
        year=today.year,
        title="Kiểm tra đột xuất công tác cải cách hành chính (bench)",
        issuing_unit=data.department,
        template=template,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        status=PlanStatus.IN_PROGRESS,
        approved_at=timezone.now(),
    )
    plan.units.add(data.commune)
    start = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)
    visit = Visit.objects.create(
        plan=plan,
        unit=data.commune,
        template=template,
        starts_at=start,
        ends_at=start + timezone.timedelta(hours=4),
        status=VisitStatus.IN_PROGRESS,
    )
    TeamMember.objects.create(visit=visit, user=inspector, role=TeamRole.LEADER)
    criteria = list(Criterion.objects.filter(domain__template=template).order_by("domain__order", "order"))
    now = timezone.now()
    answers = []
    for i, criterion in enumerate(criteria[::2]):
        figures = {"received": 2264, "on_time": 2114, "late": 150} if criterion.figures else {}
        answers.append(
            Answer(
                visit=visit,
                criterion=criterion,
                result=AnswerResult.PARTLY,
                score=criterion.max_score / 2,
                figures=figures,
                note="Còn thiếu hồ sơ kiểm chứng." if i % 3 == 0 else "",
                version=1,
                updated_by=inspector,
                updated_at=now,
                self_score=criterion.max_score if i % 2 == 0 else None,
                self_note="Đơn vị tự chấm theo báo cáo." if i % 2 == 0 else "",
            )
        )
    answers = Answer.objects.bulk_create(answers)
    AnswerEvidence.objects.bulk_create(
        AnswerEvidence(
            answer=answer,
            file=f"evidence/bench/{n}.jpg",
            original_name=f"anh-hien-truong-{n}.jpg",
            content_type="image/jpeg",
            size=350_000,
            sha256=f"{n:064x}",
            uploaded_by=inspector,
        )
        for n, answer in enumerate(Answer.objects.filter(visit=visit)[::6])
    )
    visit_scores_refresh(visit=Visit.objects.select_related("unit").get(pk=visit.pk))
    data.checklist_visit = visit
    data.autosave_criterion = criteria[0]


def plain_table(request):
    """The baseline: 100 rows of a plain table (one query), in the site's layout."""
    rows = Criterion.objects.filter(domain__template__code__startswith="BENCH-120-").select_related("domain")[
        :100
    ]
    return render(request, "devtools/checklist_bench_table.html", {"rows": rows})


URLS = [path("checklist-baseline/", plain_table, name="bench_plain_table")]


def _autosave_body(data) -> dict:
    version = Answer.objects.filter(
        visit=data.checklist_visit, criterion=data.autosave_criterion
    ).values_list("version", flat=True)[0]
    return {
        "version": version,
        "token": str(uuid.uuid4()),
        "score": "2" if version % 2 else "1",
        "note": "Đạt",
    }


PAGES = [
    {
        "name": "checklist, 120 criteria",
        "url": lambda data: reverse("inspections:checklist", args=[data.checklist_visit.pk]),
        "role": Role.INSPECTOR,
    },
    {
        "name": "plain table, 100 rows",
        "url": lambda data: "/__bench__/checklist-baseline/",
        "role": Role.INSPECTOR,
    },
    {
        "name": "autosave one answer (POST)",
        "url": lambda data: reverse(
            "inspections:answer_save", args=[data.checklist_visit.pk, data.autosave_criterion.pk]
        ),
        "role": Role.INSPECTOR,
        "method": "post",
        "body": _autosave_body,
    },
]

BUDGETS = [
    {"page": "checklist, 120 criteria", "baseline": "plain table, 100 rows", "max_ratio": 1.5},
    {"page": "autosave one answer (POST)", "baseline": "floor", "max_ratio": 3.0},
]
