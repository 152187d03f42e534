"""The findings pages measured by `manage.py bench`, and the findings and actions they run on.

Registered in devtools.bench.registry (see its docstring for PAGES and build).
On top of the units and inspections builders: last year's plan with one concluded visit per
current commune (30 small, 300 large), each with a strength and three limitations whose actions
cycle through every state (a third overdue), and this year's second round with one submitted
visit per five communes waiting in the head's review queue (one of them with 30 findings). The commune of the liaison gets an
action with a record of updates and attachments. Rows are bulk-created: no e-mail, no audit log.
"""

from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from findings.models import (
    ActionState,
    Conclusion,
    ConclusionCounter,
    Finding,
    FindingKind,
    RemediationAction,
    RemediationUpdate,
    ReviewState,
    Severity,
    UpdateAttachment,
    UpdateKind,
)
from inspections.models import InspectionPlan, PlanStatus, TeamMember, TeamRole, Visit, VisitStatus
from units.models import Unit, UnitKind
from units.roles import Role

STATES = [
    ActionState.OPEN,
    ActionState.IN_PROGRESS,
    ActionState.REPORTED_DONE,
    ActionState.VERIFIED,
    ActionState.REOPENED,
]


def _plan(data, year: int, title: str, status: str) -> InspectionPlan:
    return InspectionPlan.objects.create(
        year=year,
        title=title,
        decision_number="15/QĐ-SNV",
        decision_date=date(year, 1, 5),
        issuing_unit=data.department,
        template=data.plan.template,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        status=status,
        approved_at=timezone.now(),
    )


def _visits(plan: InspectionPlan, units: list[Unit], status: str, team: list) -> list[Visit]:
    tz = timezone.get_current_timezone()
    visits = Visit.objects.bulk_create(
        Visit(
            plan=plan,
            unit=unit,
            template=plan.template,
            starts_at=datetime.combine(
                date(plan.year, 3, 1) + timedelta(days=n // 3), time(7 + n % 3 * 3), tzinfo=tz
            ),
            ends_at=datetime.combine(
                date(plan.year, 3, 1) + timedelta(days=n // 3), time(9 + n % 3 * 3), tzinfo=tz
            ),
            status=status,
        )
        for n, unit in enumerate(units)
    )
    plan.units.add(*units)
    TeamMember.objects.bulk_create(
        TeamMember(visit=visit, user=user, role=role) for visit in visits for user, role in team
    )
    return visits


def _findings(visits: list[Visit], author, state: str) -> list[Finding]:
    rows = []
    for visit in visits:
        rows.append(
            Finding(
                visit=visit,
                kind=FindingKind.STRENGTH,
                text="Niêm yết thủ tục hành chính đầy đủ tại Bộ phận Một cửa.",
                review_state=state,
                order=1,
                created_by=author,
            )
        )
        rows.extend(
            Finding(
                visit=visit,
                kind=FindingKind.LIMITATION,
                text=text,
                severity=Severity.MEDIUM,
                recommendation=recommendation,
                review_state=state,
                order=n,
                created_by=author,
            )
            for n, (text, recommendation) in enumerate(
                [
                    (
                        "Còn hồ sơ trễ hạn chưa có phiếu xin lỗi.",
                        "Thực hiện xin lỗi, hẹn lại với 100% hồ sơ trễ hạn.",
                    ),
                    (
                        "Chưa vận hành HTQLCL theo TCVN ISO 9001.",
                        "Xây dựng và vận hành HTQLCL theo TCVN ISO 9001.",
                    ),
                    (
                        "Sổ đăng ký văn bản đi, đến chưa in.",
                        "In và quản lý sổ đăng ký văn bản đúng quy định.",
                    ),
                ],
                start=1,
            )
        )
    return Finding.objects.bulk_create(rows)


def build(data, size):
    today = timezone.localdate()
    inspector = data.users[Role.INSPECTOR]
    team = [(inspector, TeamRole.LEADER), (data.users[Role.SCHEDULER], TeamRole.SECRETARY)]
    communes = list(
        Unit.objects.current()
        .filter(path__startswith=data.province.path, kind=UnitKind.COMMUNE)
        .order_by("path")
    )
    # Last year: every commune concluded, its actions in every state.
    last = _plan(data, today.year - 1, "Kế hoạch kiểm tra công tác CCHC năm trước (bench)", PlanStatus.CLOSED)
    concluded = _visits(last, communes, VisitStatus.CONCLUDED, team)
    findings = _findings(concluded, inspector, ReviewState.APPROVED)
    Conclusion.objects.bulk_create(
        Conclusion(
            visit=visit,
            issuing_unit=data.department,
            year=last.year,
            # The team's own symbol: the reports builder numbers the department's TB-SNV notices.
            symbol="TB-ĐKT",
            number=n,
            date=date(last.year, 4, 1),
            signer=inspector,
            signer_name=str(inspector),
            authority_line="KT. GIÁM ĐỐC",
            signer_title="PHÓ GIÁM ĐỐC",
            due_date=date(last.year, 5, 1),
            created_by=inspector,
        )
        for n, visit in enumerate(concluded, start=1)
    )
    ConclusionCounter.objects.create(
        issuing_unit=data.department, year=last.year, symbol="TB-ĐKT", last_number=len(concluded)
    )
    units = {visit.pk: visit.unit for visit in concluded}
    actions = RemediationAction.objects.bulk_create(
        RemediationAction(
            finding=finding,
            unit=units[finding.visit_id],
            # A third are still ahead, the rest past (overdue unless reported or verified).
            due_date=today + timedelta(days=30) if n % 3 == 0 else today - timedelta(days=30),
            state=STATES[n % len(STATES)],
        )
        for n, finding in enumerate(f for f in findings if f.kind == FindingKind.LIMITATION)
    )
    # The liaison's commune: one action with a record of updates and attachments.
    liaison = data.users[Role.LIAISON]
    action = next(a for a in actions if a.unit_id == data.commune.pk)
    updates = RemediationUpdate.objects.bulk_create(
        [
            *(
                RemediationUpdate(
                    action=action, kind=UpdateKind.PROGRESS, text=f"Tiến độ lần {n}.", actor=liaison
                )
                for n in range(1, 4)
            ),
            RemediationUpdate(
                action=action,
                kind=UpdateKind.EXTENSION_REQUEST,
                text="Chờ kinh phí.",
                requested_due_date=today + timedelta(days=60),
                actor=liaison,
            ),
        ]
    )
    UpdateAttachment.objects.bulk_create(
        UpdateAttachment(
            update=update,
            file=f"remediation/bench/{update.pk}-{k}.pdf",
            original_name=f"bao-cao-{k}.pdf",
            content_type="application/pdf",
            size=120_000,
            sha256=f"{update.pk * 10 + k:064x}",
        )
        for update in updates[:3]
        for k in range(2)
    )
    data.remediation_action = action
    data.concluded_visit = next(v for v in concluded if v.unit_id == data.commune.pk)
    # This year's second round: a fifth of the communes submitted, waiting for the head.
    second = _plan(data, today.year, "Kiểm tra công tác CCHC đợt 2 (bench)", PlanStatus.IN_PROGRESS)
    submitted = _visits(second, communes[::5], VisitStatus.SUBMITTED, team)
    _findings(submitted, inspector, ReviewState.SUBMITTED)
    # One of them a long review: 30 findings, as many as a real notice lists.
    data.submitted_visit = submitted[0]
    Finding.objects.bulk_create(
        Finding(
            visit=data.submitted_visit,
            kind=FindingKind.LIMITATION,
            text=f"Hạn chế số {n}: hồ sơ lưu trữ chưa đầy đủ.",
            severity=Severity.LOW,
            recommendation=f"Khắc phục hạn chế số {n}.",
            review_state=ReviewState.SUBMITTED,
            order=n,
            created_by=inspector,
        )
        for n in range(5, 31)
    )


PAGES = [
    {"name": "review queue", "url": "findings:review_queue", "role": Role.HEAD},
    {"name": "home with the review count", "url": "home", "role": Role.HEAD},
    {
        "name": "review of a visit (30 findings)",
        "url": lambda data: reverse("findings:visit_review", args=[data.submitted_visit.pk]),
        "role": Role.HEAD,
    },
    {
        "name": "findings of a concluded visit",
        "url": lambda data: reverse("findings:visit_findings", args=[data.concluded_visit.pk]),
        "role": Role.INSPECTOR,
    },
    {"name": "remediation list", "url": "findings:action_list", "role": Role.HEAD},
    {
        "name": "remediation list, overdue only",
        "url": lambda data: reverse("findings:action_list") + "?overdue=on",
        "role": Role.HEAD,
    },
    {"name": "remediation list", "url": "findings:action_list", "role": Role.INSPECTOR},
    {
        "name": "remediation action (4 updates, 6 files)",
        "url": lambda data: data.remediation_action.get_absolute_url(),
        "role": Role.LIAISON,
    },
    {"name": "my unit's remediation", "url": "findings:my_unit", "role": Role.LIAISON},
]
