"""The Sa Đéc story (seed 003), a demo of its own: a city inspects one of its wards.

What the article says (docs/seeds/003_…, UBND thành phố Sa Đéc, sơ kết CCHC 6 tháng đầu năm 2022,
05/07/2022): the city's one-stop shop received 2264 dossiers in the first half of 2022, 2114 were
settled on time or early and 150 were late; 1.512 dossiers of procedures online at level 3 and 4
were received and returned; the city set up a team (đoàn kiểm tra) that inspected its offices and
its communes and wards, found shortcomings and asked in writing that they be corrected; Ông
Nguyễn Văn Hon, Chủ tịch UBND thành phố, chaired; the city was to have its offices coordinate to
settle dossiers faster and promote online submission at level 3 and 4.

What the demo adds to show it in the software (made up, not in the article): the ward (Phường 1,
a ward of the city in 2022), the date of the visit (30/06/2022) and of the notice (04/07/2022),
the team's two members and their office, the plan's title and approval decision (12/QĐ-UBND of
14/01/2022: the workflow needs one), the remediation deadline, and the
figures entered on the ward's checklist: the article's figures are the city's one-stop shop's,
entered here on the ward's visit so that the notice reads them as practice writes them. No
score is given (the article gives none): the checklist has the figures only, and the summary
prints "-" for its scores. The limitation and the recommendations repeat what the article says.

The city issues the plan and the notice as UBND thành phố Sa Đéc (its issuing body: letterhead
"ỦY BAN NHÂN DÂN THÀNH PHỐ SA ĐÉC", symbol UBND, signed TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH Nguyễn
Văn Hon). Idempotent: the plan is found by its issuer, year and title.
"""

import uuid
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.audit import acting_as
from findings import services as finding_services
from findings.models import Conclusion, Finding, FindingKind, RemediationAction, ReviewState
from findings.selectors import default_symbol, issuer_signature
from inspections import services
from inspections.checklist.answers import AnswerChange, answer_save
from inspections.models import ChecklistTemplate, Criterion, InspectionPlan, TeamRole, VisitStatus
from reports.services.issuing import notice_issue
from units.models import DISTRICT_DISSOLVED_ON, IssuingBody, Unit, UnitKind
from units.roles import Role

CITY = "DT-SD"
WARD = ("DT-SD-P1", "UBND Phường 1", "Phường 1")
OFFICE = ("DT-SD-PNV", "Phòng Nội vụ thành phố Sa Đéc", "Phòng Nội vụ")
# (username, last name, first name, position): made up for the demo.
STAFF = [
    ("sd.truongdoan", "Phạm", "Thị Thu Hà", "Trưởng phòng Nội vụ thành phố Sa Đéc"),
    ("sd.kiemtra", "Lê", "Minh Tâm", "Chuyên viên Phòng Nội vụ thành phố Sa Đéc"),
]
PLAN_TITLE = "Kế hoạch kiểm tra công tác cải cách hành chính năm 2022"
# The approval step needs a decision; the article gives none, so this one is the demo's.
DECISION = ("12/QĐ-UBND", date(2022, 1, 14))
VISIT_DAY = date(2022, 6, 30)
NOTICE_DAY = date(2022, 7, 4)
DUE = date(2022, 8, 4)
ISSUING_BODY = dict(
    name="Ủy ban nhân dân thành phố Sa Đéc",
    parent_name="",
    symbol="UBND",
    place="Sa Đéc",
    authority_line="TM. ỦY BAN NHÂN DÂN",
    signer_title="CHỦ TỊCH",
    signer_name="Nguyễn Văn Hon",
    recipients="UBND tỉnh Đồng Tháp (để b/c)\nSở Nội vụ tỉnh Đồng Tháp",
)
# The seed's figures (criterion code -> figures).
FIGURES = {
    "3.4": {"received": 2264, "on_time": 2114, "late": 150},
    "7.2": {"received": 2264, "online": 1512},
}
FIGURES_NOTE = "Số liệu 6 tháng đầu năm 2022 của Bộ phận Một cửa, một cửa liên thông thành phố."
LIMITATION = (
    "3.4",
    "Còn 150 hồ sơ thủ tục hành chính trễ hạn, quá hạn trong 6 tháng đầu năm 2022.",
    "Các bộ phận phối hợp nhịp nhàng để đẩy nhanh tiến độ giải quyết hồ sơ thủ tục hành chính, "
    "không để hồ sơ trễ hạn; tiếp tục tuyên truyền và thực hiện nộp hồ sơ trực tuyến mức độ 3, mức độ 4.",
)
PURPOSE = (
    "Kiểm tra công tác cải cách hành chính tại các phòng, ngành và các xã, phường trên địa bàn "
    "thành phố; kịp thời phát hiện thiếu sót để chấn chỉnh, khắc phục."
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _units(city: Unit) -> tuple[Unit, Unit]:
    made = []
    for code, name, short_name, kind in ((*WARD, UnitKind.COMMUNE), (*OFFICE, UnitKind.OFFICE)):
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            # A unit of 2022: the city's office ended with the district level on 01/07/2025, and the
            # demo's current ward there is phường Sa Đéc (devtools.demo.inspections), so Phường 1 is
            # not offered for new work either; which units it went into is not recorded here.
            unit = Unit.objects.create(
                code=code,
                name=name,
                short_name=short_name,
                kind=kind,
                parent=city,
                valid_to=DISTRICT_DISSOLVED_ON,
            )
        made.append(unit)
    return made[0], made[1]


def _staff(office: Unit) -> dict:
    User = get_user_model()
    inspectors = Group.objects.get(name=Role.INSPECTOR)
    users = {}
    for username, last_name, first_name, position in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(settings.DEMO_PASSWORD)
        user.last_name, user.first_name, user.position = last_name, first_name, position
        user.unit, user.email = office, f"{username}@demo.cchc.local"
        user.save()
        user.groups.add(inspectors)
        users[username] = user
    return users


def _issuing_body(city: Unit) -> None:
    if not IssuingBody.objects.filter(unit=city).exists():
        IssuingBody.objects.create(unit=city, **ISSUING_BODY)


@transaction.atomic
def load() -> dict[str, int]:
    """Load the Sa Đéc story once; return how many plans of the city exist after."""
    if not settings.DEBUG:
        raise RuntimeError("Demo data is never loaded in a production configuration (DJANGO_DEBUG=0).")
    city = Unit.objects.filter(code=CITY).first()
    template = ChecklistTemplate.objects.filter(code="CCHC-KT-2025", version="0.1").first()
    if city is None or template is None:
        return {"plans": 0}
    ward, office = _units(city)
    users = _staff(office)
    _issuing_body(city)
    if InspectionPlan.objects.filter(issuing_unit=city, year=2022, title=PLAN_TITLE).exists():
        return {"plans": InspectionPlan.objects.filter(issuing_unit=city).count()}
    leader, member = users["sd.truongdoan"], users["sd.kiemtra"]
    plan = services.plan_create(
        created_by=None,
        year=2022,
        title=PLAN_TITLE,
        issuing_unit=city,
        purpose=PURPOSE,
        template=template,
        period_start=date(2022, 1, 1),
        period_end=date(2022, 12, 31),
        units=[ward],
    )
    visit = services.visit_create(
        plan=plan,
        unit=ward,
        starts_at=_at(VISIT_DAY, 8),
        ends_at=_at(VISIT_DAY, 11),
        team=[(leader, TeamRole.LEADER), (member, TeamRole.MEMBER)],
        created_by=None,
        place=f"Trụ sở {ward.name}",
        notify=False,
    )
    services.plan_submit(plan=plan, submitted_by=None, notify=False)
    services.plan_approve(
        plan=plan, approved_by=None, decision_number=DECISION[0], decision_date=DECISION[1], notify=False
    )
    visit = services.visit_transition(visit=visit, status=VisitStatus.IN_PROGRESS, actor=leader, notify=False)
    criteria = {
        c.code: c for c in Criterion.objects.filter(domain__template=template).select_related("domain")
    }
    for code, figures in FIGURES.items():
        answer_save(
            visit=visit,
            criterion=criteria[code],
            actor=member,
            base_version=0,
            token=uuid.uuid4(),
            change=AnswerChange(figures=figures, note=FIGURES_NOTE),
        )
    code, text, recommendation = LIMITATION
    with acting_as(leader):
        finding = Finding.objects.create(
            visit=visit,
            kind=FindingKind.LIMITATION,
            criterion=criteria[code],
            domain=criteria[code].domain,
            text=text,
            recommendation=recommendation,
            review_state=ReviewState.APPROVED,
            order=1,
            created_by=leader,
        )
    for status in (VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED):
        visit = services.visit_transition(visit=visit, status=status, actor=leader, notify=False)
    symbol = default_symbol(city)
    with acting_as(leader):
        conclusion = Conclusion.objects.create(
            visit=visit,
            issuing_unit=city,
            year=NOTICE_DAY.year,
            symbol=symbol,
            number=finding_services.conclusion_number_next(
                issuing_unit=city, year=NOTICE_DAY.year, symbol=symbol
            ),
            date=NOTICE_DAY,
            signer=leader,
            **issuer_signature(city),
            due_date=DUE,
            created_by=leader,
        )
        RemediationAction.objects.create(finding=finding, unit=ward, due_date=DUE)
    when = _at(NOTICE_DAY, 15)
    Conclusion.objects.filter(pk=conclusion.pk).update(created_at=when)
    notice_issue(conclusion=conclusion, actor=leader, at=when)
    services.plan_close(plan=plan)
    return {"plans": InspectionPlan.objects.filter(issuing_unit=city).count()}
