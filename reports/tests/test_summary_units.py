"""The plan summary lists every unit of the plan, from its approval on: the visit date, where the
visit stands, the score once the inspection is finished, and the actions the unit still owes."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from findings.models import ActionState
from inspections.models import PlanStatus, VisitStatus
from reports.documents.loaders import plan_summary_data
from reports.documents.summary import summary_xlsx
from units.tests.factories import UnitFactory

from . import factories as f


def test_every_unit_of_an_approved_plan_is_listed_with_its_state_score_and_open_actions(
    department, commune, other_commune, district, leader
):
    template = f.checklist()
    waiting = UnitFactory(name="Xã Tân Thạnh", kind="commune", parent=district)
    plan = f.plan(
        department=department,
        template=template,
        year=2027,
        status=PlanStatus.APPROVED,
        units=[commune, other_commune, waiting],
    )
    done = f.visit(
        plan=plan, unit=commune, day=date(2027, 3, 2), leader=leader, scores={"1": (8, 10), "2": (1, 2)}
    )
    f.visit(plan=plan, unit=other_commune, day=date(2027, 4, 6), status=VisitStatus.SCHEDULED, leader=leader)
    finding = f.limitation(visit=done, code="1.1", creator=leader)
    f.action(finding=finding, due=date(2027, 6, 30))
    f.action(
        finding=f.limitation(visit=done, code="2.1", creator=leader),
        due=date(2027, 6, 30),
        state=ActionState.VERIFIED,
    )

    data = plan_summary_data(plan=plan)

    rows = {r.unit_name: r for r in data.units}
    assert list(rows) == ["Xã Bình Tấn", "Xã Tân Mỹ", "Xã Tân Thạnh"]
    assert (rows["Xã Bình Tấn"].status, rows["Xã Bình Tấn"].total, rows["Xã Bình Tấn"].open_actions) == (
        "Đã có kết luận",
        Decimal(9),
        1,
    )
    assert (rows["Xã Tân Mỹ"].visited_on, rows["Xã Tân Mỹ"].status, rows["Xã Tân Mỹ"].total) == (
        date(2027, 4, 6),
        "Đã lên lịch",
        None,
    )
    assert (rows["Xã Tân Thạnh"].visited_on, rows["Xã Tân Thạnh"].status) == (None, "Chưa lên lịch")

    sheet = load_workbook(io.BytesIO(summary_xlsx(data)))["Điểm theo đơn vị"]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "STT")
    titles = [c.value for c in sheet[header]]
    assert titles[-2:] == ["Tình trạng", "Kiến nghị chưa hoàn thành"]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=header + 1, max_row=header + 3)]
    assert [r[1] for r in body] == ["Xã Bình Tấn", "Xã Tân Mỹ", "Xã Tân Thạnh"]
    assert body[0][3:5] == [8, 1] and body[0][-2:] == ["Đã có kết luận", 1]
    assert body[1][3:5] == [None, None] and body[1][-2:] == ["Đã lên lịch", 0]
    assert body[2][2] is None and body[2][-2:] == ["Chưa lên lịch", 0]
