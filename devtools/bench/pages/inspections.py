"""The inspection pages measured by `manage.py bench`, and the plan and visits they run on.

Registered in devtools.bench.registry (see its docstring for PAGES and build).
On top of the units builder's province: one published checklist, a plan of this year for every
current commune of the province (30 small, 300 large), one visit per commune spread over the
current month (several a day), each with a team of three, so that the calendar, the visit list
and the plan page all grow with the data set while their query counts must not.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from inspections.models import (
    AnswerKind,
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
from units.models import Unit, UnitKind
from units.roles import Role


def _checklist(size: str) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.create(
        code=f"BENCH-{size}",
        title="Bộ tiêu chí kiểm tra công tác cải cách hành chính",
        version="1",
        number=1,
        status=TemplateStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    for d in range(1, 10):
        domain = Domain.objects.create(
            template=template, order=d, code=str(d), title=f"Lĩnh vực {d}", max_score=10
        )
        Criterion.objects.bulk_create(
            Criterion(
                domain=domain,
                order=c,
                code=f"{d}.{c}",
                title=f"Tiêu chí {d}.{c}",
                guidance="Xem hồ sơ, đối chiếu thực tế.",
                max_score=Decimal(2),
                answer_kind=AnswerKind.FIGURES if c == 5 else AnswerKind.SCORE,
                applies_to=["department", "commune", "internal_office"],
                figures=[{"key": "received", "label": "Tiếp nhận"}, {"key": "on_time", "label": "Đúng hạn"}]
                if c == 5
                else [],
                figure_rules=["on_time <= received"] if c == 5 else [],
            )
            for c in range(1, 6)
        )
    return template


def build(data, size):
    template = _checklist(size)
    today = timezone.localdate()
    communes = list(
        Unit.objects.current()
        .filter(path__startswith=data.province.path, kind=UnitKind.COMMUNE)
        .order_by("path")
    )
    plan = InspectionPlan.objects.create(
        year=today.year,
        title=f"Kế hoạch kiểm tra công tác cải cách hành chính năm {today.year}",
        decision_number="15/QĐ-SNV",
        decision_date=date(today.year, 1, 5),
        issuing_unit=data.department,
        template=template,
        period_start=date(today.year, 1, 1),
        period_end=date(today.year, 12, 31),
        status=PlanStatus.APPROVED,
        approved_at=timezone.now(),
    )
    plan.units.set(communes)
    first = today.replace(day=1)
    tz = timezone.get_current_timezone()
    per_day = max(1, -(-len(communes) // 28))
    visits = []
    for n, unit in enumerate(communes):
        day = first + timedelta(days=n // per_day)
        start = datetime.combine(day, time(7, 30), tzinfo=tz) + timedelta(minutes=10 * (n % per_day))
        visits.append(
            Visit(
                plan=plan,
                unit=unit,
                template=template,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                place=f"Trụ sở {unit.name}",
                status=VisitStatus.SCHEDULED,
            )
        )
    visits = Visit.objects.bulk_create(visits)
    inspector = data.users[Role.INSPECTOR]
    others = list(
        type(inspector)
        .objects.filter(unit=inspector.unit, groups__name=Role.INSPECTOR)
        .exclude(pk=inspector.pk)
    )
    TeamMember.objects.bulk_create(
        member
        for n, visit in enumerate(visits)
        for member in (
            TeamMember(visit=visit, user=inspector, role=TeamRole.LEADER),
            TeamMember(visit=visit, user=others[n % len(others)], role=TeamRole.MEMBER),
            TeamMember(visit=visit, user=data.users[Role.SCHEDULER], role=TeamRole.SECRETARY),
        )
    )
    data.plan, data.visit = plan, visits[0]


PAGES = [
    {"name": "plan list", "url": "inspections:plan_list", "role": Role.SCHEDULER},
    {"name": "plan detail", "url": lambda data: data.plan.get_absolute_url(), "role": Role.SCHEDULER},
    {"name": "plan detail", "url": lambda data: data.plan.get_absolute_url(), "role": Role.INSPECTOR},
    {"name": "visit calendar (this month)", "url": "inspections:visit_calendar", "role": Role.SCHEDULER},
    {"name": "visit calendar (this month)", "url": "inspections:visit_calendar", "role": Role.INSPECTOR},
    {"name": "visit list", "url": "inspections:visit_list", "role": Role.SCHEDULER},
    {
        "name": "visit list, search “binh tan”",
        "url": lambda data: reverse("inspections:visit_list") + "?q=binh+tan",
        "role": Role.HEAD,
    },
    {"name": "my visits", "url": "inspections:my_visits", "role": Role.INSPECTOR},
    {"name": "home with my visits", "url": "home", "role": Role.INSPECTOR},
    {"name": "visit detail", "url": lambda data: data.visit.get_absolute_url(), "role": Role.SCHEDULER},
    {
        "name": "visit edit form",
        "url": lambda data: reverse("inspections:visit_edit", args=[data.visit.pk]),
        "role": Role.SCHEDULER,
    },
    {
        "name": "checklist preview",
        "url": lambda data: data.plan.template.get_absolute_url(),
        "role": Role.INSPECTOR,
    },
]
