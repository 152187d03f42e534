"""Demo checklist, plans and visits from the seed articles (loaded by `manage.py load_demo`).

Idempotent: the checklist is found by code and version, each plan by its issuing unit, year and
title, and nothing is created twice. Sources: seed 001 (Bắc Ninh 2018, decision 563/QĐ-SNV of
13/12/2017: 4 departments and 7 district-level units with 2 communes each), seed 002 (Đồng Tháp,
quarter I/2020: xã Bình Tấn and xã Tân Mỹ on 13/03/2020), seed 004 (Thái Nguyên, 12/08/2020:
thị trấn Đu and xã Vô Tranh, team led by the deputy director of Sở Nội vụ), seed 000 (Sở Nội vụ
Đồng Tháp 2023 inspecting its own 5 offices, team led by Bà Đỗ Thị Thanh Trang). The Bắc Ninh
and Thái Nguyên staff other than the named leader, the extra Đồng Tháp communes (names after the
2025 reorganisation, for the demo) and the current-year plan are made up for the demo.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from inspections import services
from inspections.models import ChecklistTemplate, InspectionPlan, TeamRole, Visit, VisitStatus
from units.models import Unit, UnitKind
from units.roles import Role

# The real checklist, as the inspections app ships it.
CHECKLIST = Path(apps.get_app_config("inspections").path) / "data" / "checklist_cchc.yaml"

# Communes of Đồng Tháp after 01/07/2025, directly under the province (the district level is gone).
DEMO_COMMUNES = [
    ("DT-TRAMCHIM", "UBND xã Tràm Chim", "Xã Tràm Chim"),
    ("DT-THANHBINH", "UBND xã Thanh Bình", "Xã Thanh Bình"),
    ("DT-TANLONG", "UBND xã Tân Long", "Xã Tân Long"),
    ("DT-LAPVO", "UBND xã Lấp Vò", "Xã Lấp Vò"),
    ("DT-LAIVUNG", "UBND xã Lai Vung", "Xã Lai Vung"),
    ("DT-THAPMUOI", "UBND xã Tháp Mười", "Xã Tháp Mười"),
    ("DT-TANHONG", "UBND xã Tân Hồng", "Xã Tân Hồng"),
    ("DT-PHONGHOA", "UBND xã Phong Hòa", "Xã Phong Hòa"),
    ("DT-P-CAOLANH", "UBND phường Cao Lãnh", "Phường Cao Lãnh"),
    ("DT-P-SADEC", "UBND phường Sa Đéc", "Phường Sa Đéc"),
]

# (username, home unit code, last name, first name, position)
DEMO_STAFF = [
    ("bn.truongdoan", "BN-SNV", "Trần", "Văn Minh", "Phó Giám đốc Sở Nội vụ tỉnh Bắc Ninh"),
    ("bn.kiemtra", "BN-SNV", "Lê", "Thị Hoa", "Chuyên viên Phòng Cải cách hành chính"),
    ("tn.truongdoan", "TN-SNV", "Nguyễn", "Văn Hiển", "Phó Giám đốc Sở Nội vụ tỉnh Thái Nguyên"),
    ("tn.kiemtra", "TN-SNV", "Hoàng", "Thị Lan", "Chuyên viên Sở Nội vụ tỉnh Thái Nguyên"),
]

PURPOSE = (
    "Đánh giá khách quan kết quả thực hiện công tác cải cách hành chính của các cơ quan, đơn vị; "
    "kịp thời phát hiện tồn tại, hạn chế và kiến nghị biện pháp khắc phục; nhân rộng mô hình, "
    "cách làm hay. Việc kiểm tra bảo đảm đúng nội dung, không gây trở ngại cho hoạt động của đơn vị."
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _checklist() -> ChecklistTemplate:
    existing = ChecklistTemplate.objects.filter(code="CCHC-KT-2025", version="0.1").first()
    if existing is not None:
        return existing
    return services.checklist_import(content=CHECKLIST.read_bytes(), filename=CHECKLIST.name, publish=True)


def _communes() -> None:
    province = Unit.objects.get(code="DT")
    for code, name, short_name in DEMO_COMMUNES:
        if not Unit.objects.filter(code=code).exists():
            Unit.objects.create(
                code=code, name=name, short_name=short_name, kind=UnitKind.COMMUNE, parent=province
            )


def _staff(units: dict[str, Unit]) -> None:
    User = get_user_model()
    inspectors = Group.objects.get(name=Role.INSPECTOR)
    for username, unit_code, last_name, first_name, position in DEMO_STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(settings.DEMO_PASSWORD)
        user.last_name, user.first_name, user.position = last_name, first_name, position
        user.unit = units[unit_code]
        user.email = f"{username}@demo.cchc.local"
        user.save()
        user.groups.add(inspectors)


def _plan(**fields) -> tuple[InspectionPlan, bool]:
    existing = InspectionPlan.objects.filter(
        issuing_unit=fields["issuing_unit"], year=fields["year"], title=fields["title"]
    ).first()
    if existing is not None:
        return existing, False
    return services.plan_create(created_by=None, **fields), True


def _finish(plan: InspectionPlan, actor, *, close: bool = True) -> None:
    """Walk every visit of a past plan to “concluded”, as the workflow would have."""
    steps = [VisitStatus.IN_PROGRESS, VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED]
    for visit in plan.visits.all():
        for status in steps:
            visit = services.visit_transition(visit=visit, status=status, actor=actor, notify=False)
    if close:
        services.plan_close(plan=plan)


def _team(users, leader: str, members=(), secretary: str | None = None):
    team = [(users[leader], TeamRole.LEADER)] + [(users[m], TeamRole.MEMBER) for m in members]
    if secretary:
        team.append((users[secretary], TeamRole.SECRETARY))
    return team


def _bac_ninh_2018(template, units, users) -> None:
    departments = ["BN-GTVT", "BN-KHDT", "BN-LDTBXH", "BN-KHCN"]
    districts = ["BN-TPBN", "BN-TS", "BN-QV", "BN-TD", "BN-YP", "BN-GB", "BN-LT"]
    inspected = [units[c] for c in departments]
    for district in districts:
        inspected += [units[district], *Unit.objects.filter(parent=units[district]).order_by("code")]
    plan, created = _plan(
        year=2018,
        title="Kế hoạch thanh tra, kiểm tra năm 2018 của Sở Nội vụ (kiểm tra công tác cải cách hành chính)",
        decision_number="563/QĐ-SNV",
        decision_date=date(2017, 12, 13),
        issuing_unit=units["BN-SNV"],
        purpose=PURPOSE,
        template=template,
        period_start=date(2018, 1, 1),
        period_end=date(2018, 12, 31),
        units=inspected,
    )
    if not created:
        return
    team = _team(users, "bn.truongdoan", ["bn.kiemtra"])
    slots = services.visit_bulk_propose(
        plan=plan,
        units=inspected,
        team=team,
        date_from=date(2018, 10, 8),
        date_to=date(2018, 11, 2),
        per_day=2,
        first_start=time(7, 30),
        duration=timedelta(hours=3, minutes=30),
        gap=timedelta(hours=2),
    )
    services.visit_bulk_create(plan=plan, slots=slots, team=team, created_by=None, notify=False)
    _approve(plan, None)
    _finish(plan, users["bn.truongdoan"])


def _approve(plan, head, decision_number: str = "", decision_date: date | None = None) -> None:
    """Through the workflow: the scheduler submits, the head approves with the decision."""
    services.plan_submit(plan=plan, submitted_by=None, notify=False)
    services.plan_approve(
        plan=plan,
        approved_by=head,
        decision_number=decision_number,
        decision_date=decision_date,
        notify=False,
    )


def _two_visits(plan, users, team, day: date, first: Unit, second: Unit) -> None:
    for unit, start, end in ((first, (7, 30), (11, 0)), (second, (13, 30), (16, 30))):
        services.visit_create(
            plan=plan,
            unit=unit,
            starts_at=_at(day, *start),
            ends_at=_at(day, *end),
            team=team,
            created_by=None,
            place=f"Trụ sở {unit.name}",
            notify=False,
        )


def _dong_thap_2020(template, units, users) -> None:
    plan, created = _plan(
        year=2020,
        title="Kiểm tra công tác cải cách hành chính quý I/2020",
        issuing_unit=units["DT-SNV"],
        purpose=PURPOSE,
        template=template,
        period_start=date(2020, 1, 1),
        period_end=date(2020, 3, 31),
        units=[units["DT-TB-BT"], units["DT-TB-TM"]],
    )
    if not created:
        return
    team = _team(users, "truongdoan", ["kiemtra"], "chuyenvien")
    _two_visits(plan, users, team, date(2020, 3, 13), units["DT-TB-BT"], units["DT-TB-TM"])
    _approve(plan, users["lanhdao"], "12/QĐ-SNV", date(2020, 1, 10))
    _finish(plan, users["truongdoan"])


def _thai_nguyen_2020(template, units, users) -> None:
    plan, created = _plan(
        year=2020,
        title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2020",
        issuing_unit=units["TN"],
        purpose=PURPOSE,
        template=template,
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
        units=[units["TN-PL-DU"], units["TN-PL-VT"]],
    )
    if not created:
        return
    team = _team(users, "tn.truongdoan", ["tn.kiemtra"])
    _two_visits(plan, users, team, date(2020, 8, 12), units["TN-PL-DU"], units["TN-PL-VT"])
    _approve(plan, None, "25/QĐ-UBND", date(2020, 1, 20))
    _finish(plan, users["tn.truongdoan"])


def _so_noi_vu_2023(template, units, users) -> None:
    offices = [units[c] for c in ("DT-SNV-TDKT", "DT-SNV-TCBC", "DT-SNV-VTLT", "DT-SNV-TG", "DT-SNV-TTLT")]
    plan, created = _plan(
        year=2023,
        title="Kiểm tra công tác cải cách hành chính, kiểm soát thủ tục hành chính, dân vận và thực hiện dân chủ năm 2023",
        issuing_unit=units["DT-SNV"],
        purpose=PURPOSE,
        template=template,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        units=offices,
    )
    if not created:
        return
    team = _team(users, "truongdoan", ["kiemtra"], "chuyenvien")
    slots = services.visit_bulk_propose(
        plan=plan,
        units=offices,
        team=team,
        date_from=date(2023, 8, 28),
        date_to=date(2023, 9, 1),
        per_day=2,
        first_start=time(7, 30),
        duration=timedelta(hours=3),
        gap=timedelta(hours=3),
    )
    services.visit_bulk_create(plan=plan, slots=slots, team=team, created_by=None, notify=False)
    _approve(plan, users["lanhdao"], "45/QĐ-SNV", date(2023, 2, 1))
    _finish(plan, users["truongdoan"])


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _current_year(template, units, users) -> None:
    """This year's Đồng Tháp plan: xã Bình Tấn in progress today, visits ahead for the demo team."""
    today = timezone.localdate()
    ahead = [_working_day(today + timedelta(days=d)) for d in (7, 14, 21)]
    inspected = [units[c] for c in ("DT-TB-BT", "DT-TB-TM", "DT-VP", "DT-P-SADEC", "DT-THANHBINH")]
    plan, created = _plan(
        year=today.year,
        title=f"Kế hoạch kiểm tra công tác cải cách hành chính năm {today.year}",
        decision_number="15/QĐ-SNV",
        decision_date=date(today.year, 1, 15) if today >= date(today.year, 1, 15) else today,
        issuing_unit=units["DT-SNV"],
        purpose=PURPOSE,
        template=template,
        period_start=date(today.year, 1, 1),
        period_end=max(date(today.year, 12, 31), ahead[-1]),
        units=inspected,
    )
    if not created:
        return
    team = _team(users, "truongdoan", ["kiemtra"], "chuyenvien")
    for unit, day in zip(inspected[:4], [today, *ahead], strict=True):
        services.visit_create(
            plan=plan,
            unit=unit,
            starts_at=_at(day, 7, 30),
            ends_at=_at(day, 11, 30),
            team=team,
            created_by=users["chuyenvien"],
            place=unit.address or f"Trụ sở {unit.name}",
            notes="Đề nghị đơn vị gửi báo cáo tự kiểm tra kèm tài liệu kiểm chứng trước buổi làm việc 03 ngày.",
            notify=False,
        )
    _approve(plan, users["lanhdao"])
    first = plan.visits.get(unit=units["DT-TB-BT"])
    services.visit_transition(
        visit=first, status=VisitStatus.IN_PROGRESS, actor=users["truongdoan"], notify=False
    )


@transaction.atomic
def load() -> dict[str, int]:
    """Load the checklist, the demo communes and staff, and the plans; return what exists after."""
    if not settings.DEBUG:
        raise RuntimeError("Demo data is never loaded in a production configuration (DJANGO_DEBUG=0).")
    template = _checklist()
    _communes()
    codes = ["BN-SNV", "TN-SNV"]
    units = {u.code: u for u in Unit.objects.exclude(code="")}
    _staff({c: units[c] for c in codes})
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["truongdoan", "kiemtra", "chuyenvien", "lanhdao", *[s[0] for s in DEMO_STAFF]]
        )
    }
    _bac_ninh_2018(template, units, users)
    _dong_thap_2020(template, units, users)
    _thai_nguyen_2020(template, units, users)
    _so_noi_vu_2023(template, units, users)
    _current_year(template, units, users)
    return {"plans": InspectionPlan.objects.count(), "visits": Visit.objects.count()}
