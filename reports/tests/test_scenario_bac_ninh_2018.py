"""Done when: a Bắc Ninh 2018-style plan (decision 563/QĐ-SNV of 13/12/2017: 4 departments and
7 districts with 2 communes each, 25 units) is scheduled two visits a day from 01/10/2018 around
the team's busy fortnight (08-24/10/2018) in one pass, submitted, approved by the head from her
home page; the plan summary lists the 25 units and the calendar opens October 2018 in one step."""

import io
import re
from datetime import date

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections.models import PlanStatus, Visit, VisitStatus
from inspections.tests.factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from reports.documents.loaders import plan_summary_data
from reports.documents.summary import summary_xlsx
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

DEPARTMENTS = [
    "Sở Giao thông vận tải",
    "Sở Kế hoạch và Đầu tư",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Khoa học và Công nghệ",
]
DISTRICTS = {
    "Thành phố Bắc Ninh": ["Phường Vệ An", "Phường Kinh Bắc"],
    "Huyện Tiên Du": ["Xã Phật Tích", "Xã Liên Bão"],
    "Huyện Quế Võ": ["Xã Phượng Mao", "Xã Việt Hùng"],
    "Thị xã Từ Sơn": ["Phường Đình Bảng", "Phường Tân Hồng"],
    "Huyện Yên Phong": ["Xã Đông Phong", "Xã Yên Trung"],
    "Huyện Gia Bình": ["Xã Đông Cứu", "Xã Nhân Thắng"],
    "Huyện Lương Tài": ["Xã Trung Kênh", "Xã Phú Hòa"],
}


def _bac_ninh():
    province = UnitFactory(name="UBND tỉnh Bắc Ninh", kind=UnitKind.PROVINCE)
    snv = UnitFactory(
        name="Sở Nội vụ tỉnh Bắc Ninh", short_name="SNV", kind=UnitKind.DEPARTMENT, parent=province
    )
    units = [UnitFactory(name=n, kind=UnitKind.DEPARTMENT, parent=province) for n in DEPARTMENTS]
    for district, communes in DISTRICTS.items():
        d = UnitFactory(name=f"UBND {district}", kind=UnitKind.DISTRICT, parent=province)
        units += [d, *(UnitFactory(name=f"UBND {c}", kind=UnitKind.COMMUNE, parent=d) for c in communes)]
    return province, snv, units


def test_bac_ninh_2018_scheduled_around_a_busy_fortnight_submitted_approved_and_summarised(client, db):
    province, snv, units = _bac_ninh()
    assert len(units) == 25
    scheduler = UserFactory(username="bn.chuyenvien", unit=snv, roles=[Role.SCHEDULER])
    head = UserFactory(username="bn.lanhdao", unit=snv, roles=[Role.HEAD])
    leader = UserFactory(
        username="bn.truongdoan", last_name="Nguyễn", first_name="Văn Đoàn", unit=snv, roles=[Role.INSPECTOR]
    )
    member = UserFactory(username="bn.kiemtra", unit=snv, roles=[Role.INSPECTOR])
    template = ChecklistTemplateFactory()
    # The team is away 08-24/10/2018 on another inspection.
    other = PlanFactory(
        issuing_unit=snv,
        template=template,
        approved=True,
        year=2018,
        period_start=date(2018, 1, 1),
        period_end=date(2018, 12, 31),
    )
    VisitFactory(
        plan=other,
        unit=UnitFactory(name="UBND tỉnh bạn", parent=province),
        leader=leader,
        members=[member],
        status=VisitStatus.SCHEDULED,
        starts_at=at(date(2018, 10, 8), 7, 30),
        ends_at=at(date(2018, 10, 24), 17),
    )

    # The scheduler writes the plan ...
    client.force_login(scheduler)
    response = client.post(
        reverse("inspections:plan_create"),
        {
            "year": 2018,
            "title": "Kế hoạch kiểm tra công tác cải cách hành chính năm 2018",
            "decision_number": "563/QĐ-SNV",
            "decision_date": "13/12/2017",
            "issuing_unit": snv.pk,
            "template": template.pk,
            "period_start": "01/01/2018",
            "period_end": "31/12/2018",
            "units": [u.pk for u in units],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    plan = snv.issued_plans.get(title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2018")
    bulk = reverse("inspections:plan_bulk_schedule", args=[plan.pk])
    assert client.get(bulk).context["form"].initial["date_from"] == date(2018, 1, 1)

    # ... asks for two visits a day from 01/10/2018, and saves the proposal in one pass.
    settings_ = {
        "units": [u.pk for u in units],
        "date_from": "01/10/2018",
        "date_to": "31/12/2018",
        "per_day": 2,
        "first_start": "07:30",
        "duration": 210,
        "gap": 150,
        "skip_weekends": "on",
        "skip_holidays": "on",
        "skip_busy_days": "on",
        "leader": leader.pk,
        "members": [member.pk],
    }
    proposal = client.post(bulk, {**settings_, "preview": "1"})
    slots = proposal.context["slots"]
    days = [timezone.localtime(s.starts_at).date() for s in slots]
    assert len(slots) == 25 and not any(s.problems for s in slots)
    assert days[0] == date(2018, 10, 1) and days[9] == date(2018, 10, 5)
    assert not [d for d in days if date(2018, 10, 8) <= d <= date(2018, 10, 24)]
    assert days[10] == date(2018, 10, 25) and days[-1] == date(2018, 11, 5)
    assert all(d.weekday() < 5 for d in days)
    rows = {}
    for slot in slots:
        start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
        rows |= {
            f"row-{slot.unit.pk}-day": f"{start:%d/%m/%Y}",
            f"row-{slot.unit.pk}-start": f"{start:%H:%M}",
            f"row-{slot.unit.pk}-end": f"{end:%H:%M}",
        }
    assert client.post(bulk, {**settings_, **rows, "save": "1"}).status_code == 302
    assert Visit.objects.filter(plan=plan, status=VisitStatus.DRAFT).count() == 25

    # The scheduler submits; the head approves from her home page.
    client.post(reverse("inspections:plan_submit", args=[plan.pk]))
    client.force_login(head)
    home = client.get(reverse("home")).content.decode()
    waiting = re.search(r'id="home-plans-waiting" href="([^"]+)"', home).group(1)
    listed = client.get(waiting.replace("&amp;", "&"))
    assert [p.pk for p in listed.context["page"]] == [plan.pk]
    page = client.get(plan.get_absolute_url())
    decision = page.context["decision_form"].initial
    response = client.post(
        reverse("inspections:plan_approve", args=[plan.pk]),
        {
            "decision_number": decision["decision_number"],
            "decision_date": decision["decision_date"].strftime("%d/%m/%Y"),
        },
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert (plan.decision_number, plan.decision_date, plan.approved_by) == (
        "563/QĐ-SNV",
        date(2017, 12, 13),
        head,
    )
    assert Visit.objects.filter(plan=plan, status=VisitStatus.SCHEDULED).count() == 25

    # The plan summary lists the 25 units with their visit dates.
    data = plan_summary_data(plan=plan)
    assert {r.unit_name for r in data.units} == {u.name for u in units}
    sheet = load_workbook(io.BytesIO(summary_xlsx(data))).worksheets[0]
    names = {cell.value for cell in sheet["B"]}
    assert {u.name for u in units} <= names

    # The calendar opens October 2018 in one step.
    calendar = client.get(reverse("inspections:visit_calendar"), {"month": 10, "year": 2018, "plan": plan.pk})
    october = {v.pk for d in calendar.context["days"] for v in d.visits}
    assert len(october) == 20
