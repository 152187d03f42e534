"""The documents a worker produces, timed by `manage.py bench_reports` (run by `make bench`).

The issue's budgets, on one worker, end to end as the worker runs them (claim, selectors, build,
store the file): the conclusion notice of a visit with 30 findings in DOCX within 0.5 s and in PDF
within 2 s; the summary of a 500-visit plan within 30 s. The data are built in a throwaway
database (devtools.bench.environment.throwaway_database), in bulk, with the real checklist.
"""

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test.utils import override_settings
from django.utils import timezone

from findings.models import (
    ActionState,
    Conclusion,
    Finding,
    FindingCause,
    FindingKind,
    RemediationAction,
    ReviewState,
)
from inspections.models import (
    AnswerKind,
    ChecklistTemplate,
    Criterion,
    InspectionPlan,
    PlanStatus,
    TeamMember,
    TeamRole,
    Visit,
    VisitStatus,
)
from inspections.models.answers import Answer, AnswerResult, VisitDomainScore
from reports.models import Report, ReportFormat, ReportKind, ReportState
from reports.services import documents_warm_up, report_generate
from units.models import Unit, UnitKind
from units.roles import Role

# The real checklist, as the inspections app ships it.
CHECKLIST = Path(apps.get_app_config("inspections").path) / "data" / "checklist_cchc.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    format: str
    scope: Callable[["World"], dict]
    budget_s: float
    heavy: bool = False


@dataclass
class Timing:
    case: Case
    seconds: list[float] = field(default_factory=list)
    cold: float | None = None  # the first run after the worker's start (templates, fonts in use)
    size: int = 0
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def ok(self) -> bool:
        return not self.error and self.median is not None and max(self.seconds) <= self.case.budget_s


@dataclass
class World:
    user: object
    visit: Visit | None = None
    plan: InspectionPlan | None = None


CASES = [
    Case(
        "conclusion notice, 30 findings, DOCX",
        ReportKind.CONCLUSION,
        ReportFormat.DOCX,
        lambda w: {"visit": w.visit},
        0.5,
    ),
    Case(
        "conclusion notice, 30 findings, PDF",
        ReportKind.CONCLUSION,
        ReportFormat.PDF,
        lambda w: {"visit": w.visit},
        2.0,
    ),
    Case(
        "follow-up of the 500-visit plan, XLSX",
        ReportKind.FOLLOW_UP,
        ReportFormat.XLSX,
        lambda w: {"plan": w.plan},
        30.0,
        heavy=True,
    ),
    Case(
        "summary of the 500-visit plan, DOCX",
        ReportKind.PLAN_SUMMARY,
        ReportFormat.DOCX,
        lambda w: {"plan": w.plan},
        30.0,
        heavy=True,
    ),
    Case(
        "summary of the 500-visit plan, XLSX",
        ReportKind.PLAN_SUMMARY,
        ReportFormat.XLSX,
        lambda w: {"plan": w.plan},
        30.0,
        heavy=True,
    ),
]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, dtime(hour), tzinfo=timezone.get_current_timezone())


def _checklist() -> ChecklistTemplate:
    from inspections.services import checklist_import

    existing = ChecklistTemplate.objects.filter(code="CCHC-KT-2025").order_by("-number").first()
    if existing is not None:
        return existing
    return checklist_import(content=CHECKLIST.read_bytes(), filename=CHECKLIST.name, publish=True)


def build_world(*, visits: int = 500, findings: int = 30) -> World:
    """A province, its Department of Home Affairs, ``visits`` communes each inspected and concluded
    in one plan, and in the first visit ``findings`` findings (half limitations with actions)."""
    User = get_user_model()
    template = _checklist()
    province = Unit.objects.create(name="UBND tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE)
    department = Unit.objects.create(
        name="Sở Nội vụ tỉnh Thử Nghiệm", short_name="SNV", kind=UnitKind.DEPARTMENT, parent=province
    )
    Unit.objects.create(
        name="Phòng Cải cách hành chính", short_name="Phòng CCHC", kind=UnitKind.OFFICE, parent=department
    )
    head = User.objects.create(
        username="bench_reports_head", last_name="Nguyễn", first_name="Văn Trưởng", unit=department
    )
    head.groups.add(Group.objects.get(name=Role.HEAD))
    leader = User.objects.create(
        username="bench_reports_leader", last_name="Trần", first_name="Thị Đoàn", unit=department
    )
    communes = []
    for n in range(visits):
        unit = Unit(name=f"UBND xã Thử Nghiệm {n + 1}", kind=UnitKind.COMMUNE, parent=province)
        unit.save()  # the path needs the id: one by one
        communes.append(unit)
    plan = InspectionPlan.objects.create(
        year=2027,
        title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2027",
        decision_number="15/QĐ-SNV",
        decision_date=date(2027, 1, 5),
        issuing_unit=department,
        template=template,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        status=PlanStatus.IN_PROGRESS,
        approved_at=timezone.now(),
    )
    day = date(2027, 2, 1)
    rows = []
    for n, unit in enumerate(communes):
        start = _at(day + timedelta(days=n // 4), 8 + 2 * (n % 4))
        rows.append(
            Visit(
                plan=plan,
                unit=unit,
                template=template,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                status=VisitStatus.CONCLUDED,
            )
        )
    made = Visit.objects.bulk_create(rows)
    TeamMember.objects.bulk_create([TeamMember(visit=v, user=leader, role=TeamRole.LEADER) for v in made])
    criteria = list(
        Criterion.objects.filter(domain__template=template)
        .select_related("domain")
        .order_by("domain__order", "order")
    )
    domains = {c.domain_id: c.domain for c in criteria}
    scores = []
    for n, visit in enumerate(made):
        for k, domain in enumerate(domains.values()):
            maximum = domain.max_score or Decimal(10)
            points = (maximum * Decimal(55 + (n * 7 + k * 13) % 45) / 100).quantize(Decimal("0.25"))
            scores.append(
                VisitDomainScore(
                    visit=visit, domain=domain, points=points, max_points=maximum, answered=3, applicable=3
                )
            )
    VisitDomainScore.objects.bulk_create(scores, batch_size=2000)
    figured = [c for c in criteria if c.answer_kind == AnswerKind.FIGURES]
    answers = []
    for n, visit in enumerate(made):
        for criterion in figured:
            # The first figure is the total (received), the others parts of it (on time, late...).
            total = 1200 + (n * 37) % 1500
            values = {
                f["key"]: total if i == 0 else total * (90 - 40 * (i - 1)) // 100
                for i, f in enumerate(criterion.figures)
            }
            answers.append(
                Answer(visit=visit, criterion=criterion, result=AnswerResult.MET, figures=values, version=1)
            )
    Answer.objects.bulk_create(answers, batch_size=2000)
    scored = [c for c in criteria if c.answer_kind != AnswerKind.FIGURES]
    found = []
    for n, visit in enumerate(made):
        count = findings if n == 0 else 4
        for i in range(count):
            criterion = scored[(n + i * 5) % len(scored)]
            limitation = i % 2 == 0
            found.append(
                Finding(
                    visit=visit,
                    domain=criterion.domain,
                    criterion=criterion,
                    kind=FindingKind.LIMITATION if limitation else FindingKind.STRENGTH,
                    text=f"{'Chưa thực hiện đầy đủ' if limitation else 'Thực hiện tốt'} nội dung “{criterion.title}”",
                    cause=(FindingCause.SUBJECTIVE if i % 4 == 0 else FindingCause.OBJECTIVE)
                    if limitation
                    else "",
                    cause_note=f"Nguyên nhân số {i % 3 + 1} của hạn chế" if limitation else "",
                    recommendation=f"Khắc phục nội dung “{criterion.title}”, báo cáo kết quả"
                    if limitation
                    else "",
                    review_state=ReviewState.APPROVED,
                    order=i,
                    created_by=leader,
                )
            )
    Finding.objects.bulk_create(found, batch_size=2000)
    actions = [
        RemediationAction(
            finding=f,
            unit_id=f.visit.unit_id,
            due_date=date(2027, 4, 1) + timedelta(days=k % 60),
            state=list(ActionState.values)[k % len(ActionState.values)],
        )
        for k, f in enumerate(x for x in found if x.kind == FindingKind.LIMITATION)
    ]
    RemediationAction.objects.bulk_create(actions, batch_size=2000)
    Conclusion.objects.create(
        visit=made[0],
        issuing_unit=department,
        year=2027,
        symbol="TB-SNV",
        number=12,
        date=date(2027, 2, 8),
        signer=leader,
        signer_name="Trần Thị Đoàn",
        authority_line="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        due_date=date(2027, 3, 10),
        created_by=leader,
    )
    return World(user=head, visit=made[0], plan=plan)


def measure(world: World, case: Case, *, repeat: int) -> Timing:
    """Run the worker's service on ``repeat`` fresh reports of ``case``. With repeat > 1 the first
    run is reported apart as "cold" (a worker process loads fonts and libraries once) and the
    budget is checked on the others."""
    timing = Timing(case)
    runs = repeat + (1 if repeat > 1 else 0)
    for n in range(runs):
        report = Report.objects.create(
            kind=case.kind, format=case.format, requested_by=world.user, **case.scope(world)
        )
        started = time.perf_counter()
        report_generate(report_id=report.pk)
        elapsed = time.perf_counter() - started
        report.refresh_from_db()
        if report.state != ReportState.DONE:
            timing.error = report.error or report.state
            return timing
        timing.size = report.size
        if n == 0:
            timing.cold = elapsed
        if n or runs == 1:
            timing.seconds.append(elapsed)
    return timing


def run(
    *, repeat: int = 3, visits: int = 500, findings: int = 30, heavy: bool = True, progress=print
) -> list[Timing]:
    """Build the world (rolled back afterwards) and time every case."""
    from django.db import transaction

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as media, override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            started = time.perf_counter()
            world = build_world(visits=visits, findings=findings)
            # What a worker process does as it starts (reports.tasks): "cold" is then the first
            # document of a started worker.
            documents_warm_up()
            progress(
                f"data: {visits} concluded visits, {findings} findings in the first, built in {time.perf_counter() - started:.1f} s"
            )
            for case in CASES:
                if case.heavy and not heavy:
                    continue
                results.append(measure(world, case, repeat=1 if case.heavy else repeat))
                progress(f"  {case.name}: done")
            transaction.set_rollback(True)
    return results


def render(results: list[Timing], *, visits: int) -> str:
    lines = [
        f"{'document (end to end on one worker)':<44} {'median s':>9} {'max s':>7} {'cold s':>7} {'budget s':>9}"
        f" {'size':>9}  verdict"
    ]
    for t in results:
        name = t.case.name.replace("500", str(visits))
        if t.error:
            lines.append(
                f"{name:<44} {'-':>9} {'-':>7} {'-':>7} {t.case.budget_s:>9.1f} {'-':>9}  ERROR: {t.error}"
            )
            continue
        lines.append(
            f"{name:<44} {t.median:>9.3f} {max(t.seconds):>7.3f} {t.cold or 0:>7.3f} {t.case.budget_s:>9.1f}"
            f" {t.size // 1024:>6} kB  {'ok' if t.ok else 'OVER BUDGET'}"
        )
    return "\n".join(lines) + "\n"
