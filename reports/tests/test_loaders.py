"""The document loaders that fill the documents' data from the models."""

import datetime as dt
from decimal import Decimal

import pytest

from findings.models import Conclusion, Finding, RemediationAction, ReviewState
from findings.tests.factories import ConclusionFactory, FindingFactory, UpdateFactory
from inspections.models import VisitStatus
from inspections.tests.factories import VisitFactory, at
from reports.documents import loaders
from reports.documents.data import Figure
from reports.documents.loaders import common
from units.models import UnitKind
from units.tests.factories import UnitFactory


def test_issuing_body_drops_the_province_its_parent_line_names(department, province):
    assert common.body_names(department) == ("UBND tỉnh Đồng Tháp", "Sở Nội vụ")
    assert common.place_name(province) == "Đồng Tháp"


def test_a_provincial_committee_issuing_in_its_own_name_has_no_parent_line(province):
    assert common.body_names(province) == ("", "Ủy ban nhân dân tỉnh Đồng Tháp")


def test_a_city_keeps_its_name_as_the_place(db):
    city = UnitFactory(name="UBND thành phố Hà Nội", kind=UnitKind.PROVINCE)
    office = UnitFactory(name="Sở Nội vụ thành phố Hà Nội", kind=UnitKind.DEPARTMENT, parent=city)
    assert common.place_name(city) == "Hà Nội"
    assert common.body_names(office) == ("UBND thành phố Hà Nội", "Sở Nội vụ")


def test_the_notice_of_a_concluded_visit_carries_its_number_signer_and_deadline(binh_tan_visit):
    data = loaders.conclusion_notice_data(visit=binh_tan_visit)

    head = data.letterhead
    assert (head.parent_body, head.issuing_body, head.number, head.symbol) == (
        "UBND tỉnh Đồng Tháp",
        "Sở Nội vụ",
        "12",
        "TB-SNV",
    )
    assert (head.place, head.issued_on) == ("Đồng Tháp", dt.date(2027, 1, 20))
    assert data.subject == "Kết luận kiểm tra công tác cải cách hành chính năm 2027\ntại Xã Bình Tấn"
    assert not data.is_draft
    assert data.opening[0].startswith("Căn cứ Kế hoạch")
    assert "15/QĐ-SNV ngày 05/01/2027" in data.opening[0]
    # The session: when, the team and its leader.
    assert data.opening[1].startswith("Ngày 12/01/2027, từ 08 giờ 00 đến 11 giờ 30, Đoàn kiểm tra do ")
    assert "làm Trưởng đoàn" in data.opening[1] and "Thành viên Đoàn kiểm tra gồm:" in data.opening[1]
    assert (data.signer.authority_line, data.signer.title, data.signer.name) == (
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Đỗ Thị Thanh Trang",
    )
    assert data.report_back_by == dt.date(2027, 2, 19)


def test_results_list_strengths_and_figures_by_domain_in_checklist_order(binh_tan_visit):
    data = loaders.conclusion_notice_data(visit=binh_tan_visit)

    assert [s.title for s in data.results] == ["Công tác chỉ đạo, điều hành", "Cải cách thủ tục hành chính"]
    first = data.results[0]
    assert first.points == ["Ban hành kế hoạch CCHC năm 2027 kịp thời"]
    assert first.figures == [
        Figure("Số hồ sơ tiếp nhận trong kỳ", Decimal(2264), "hồ sơ"),
        Figure("Số hồ sơ giải quyết đúng hạn", Decimal(2114), "hồ sơ"),
        Figure("Số hồ sơ trễ hạn", Decimal(150), "hồ sơ"),
        Figure("Tỷ lệ hồ sơ giải quyết đúng hạn và trước hạn", Decimal("93.4"), "%"),
    ]
    # Read as a fact, once: late dossiers are not an achievement.
    assert first.facts == ["Tiếp nhận 2.264 hồ sơ, giải quyết đúng hạn 2.114 (93,4\u00a0%), trễ hạn 150."]


def test_limitations_causes_and_recommendations_come_with_their_deadlines(binh_tan_visit):
    data = loaders.conclusion_notice_data(visit=binh_tan_visit)

    assert [s.title for s in data.limitations] == [
        "Công tác chỉ đạo, điều hành",
        "Cải cách thủ tục hành chính",
    ]
    assert data.subjective_causes == ["Người đứng đầu chưa quan tâm đúng mức"]
    assert data.objective_causes == ["Kinh phí bồi dưỡng còn hạn chế"]
    assert [(r.responsible, r.due_on) for r in data.recommendations] == [
        ("Xã Bình Tấn", dt.date(2027, 2, 19)),
        ("Xã Bình Tấn", dt.date(2027, 3, 15)),
    ]
    assert data.recipients[0] == "Xã Bình Tấn"
    assert data.recipients[-1] == "Lưu: VT"


def test_before_the_conclusion_the_notice_is_a_draft_without_returned_findings(tan_my_visit, inspector):
    FindingFactory(visit=tan_my_visit, created_by=inspector, text="Kept", review_state=ReviewState.SUBMITTED)
    FindingFactory(
        visit=tan_my_visit, created_by=inspector, text="Sent back", review_state=ReviewState.RETURNED
    )

    data = loaders.conclusion_notice_data(visit=tan_my_visit)

    assert data.is_draft
    assert data.letterhead.number == ""
    assert data.letterhead.year == 2027
    assert data.signer.name == inspector.get_full_name()
    points = [p for s in data.limitations for p in s.points]
    assert points == ["Kept"]


def test_the_notice_loads_in_a_constant_number_of_queries(
    binh_tan_visit, leader, django_assert_max_num_queries
):
    for n in range(20):
        FindingFactory(
            visit=binh_tan_visit, created_by=leader, review_state=ReviewState.APPROVED, text=f"Thêm {n}"
        )
    with django_assert_max_num_queries(11):
        data = loaders.conclusion_notice_data(visit=binh_tan_visit)
    assert len([p for s in data.limitations for p in s.points]) == 22


def test_follow_up_marks_overdue_actions_and_shows_the_latest_update(binh_tan_visit, liaison, plan_2027):
    first = RemediationAction.objects.order_by("due_date").first()
    UpdateFactory(action=first, actor=liaison, text="Đã ban hành kế hoạch", at=at(dt.date(2027, 2, 10), 9))
    UpdateFactory(
        action=first, actor=liaison, text="Đang xây dựng quy trình ISO", at=at(dt.date(2027, 2, 15), 9)
    )

    data = loaders.follow_up_data(plan=plan_2027, today=dt.date(2027, 3, 1))

    assert [(r.is_overdue, r.days_overdue) for r in data.rows] == [(True, 10), (False, 0)]
    assert data.rows[0].latest_update == "Đang xây dựng quy trình ISO"
    assert data.rows[0].latest_update_on == dt.date(2027, 2, 15)
    assert data.rows[0].visit_label == "12/TB-SNV ngày 20/01/2027"
    assert data.overdue_count == 1
    assert {t.state: t.count for t in data.totals}["open"] == 2
    assert data.letterhead.symbol == "BC-SNV"
    assert data.addressee == "Ủy ban nhân dân tỉnh Đồng Tháp"


def test_follow_up_of_a_unit_covers_the_units_below_it_and_the_period(binh_tan_visit, district, commune):
    assert len(loaders.follow_up_data(unit=district, today=dt.date(2027, 3, 1)).rows) == 2
    later = loaders.follow_up_data(unit=commune, period_start=dt.date(2027, 2, 1), today=dt.date(2027, 3, 1))
    assert later.rows == []
    assert "Xã Bình Tấn" in later.scope_label


def test_plan_summary_scores_finished_visits_by_domain(binh_tan_visit, tan_my_visit, plan_2027, leader):
    data = loaders.plan_summary_data(plan=plan_2027, today=dt.date(2027, 3, 1))

    assert [r.unit_name for r in data.visits] == ["Xã Bình Tấn"]  # Tân Mỹ is still in progress
    row = data.visits[0]
    assert [d.title for d in data.domains] == ["Công tác chỉ đạo, điều hành", "Cải cách thủ tục hành chính"]
    assert row.scores == [Decimal(4), Decimal("1.5")]
    assert row.total == Decimal("5.5")
    assert row.leader == leader.get_full_name()
    assert data.figures[0] == Figure("Số hồ sơ tiếp nhận trong kỳ", Decimal(2264), "hồ sơ")
    assert {s.state: s.count for s in data.remediation}["open"] == 2
    assert data.remediation_overdue == 1


def test_common_findings_are_those_of_several_units(binh_tan_visit, tan_my_visit, inspector):
    criterion = Finding.objects.filter(visit=binh_tan_visit, kind="limitation").first().criterion
    FindingFactory(
        visit=tan_my_visit, criterion=criterion, created_by=inspector, review_state=ReviewState.APPROVED
    )
    tan_my_visit.status = VisitStatus.SUBMITTED
    tan_my_visit.save(update_fields=["status"])

    data = loaders.plan_summary_data(plan=binh_tan_visit.plan)

    assert [(c.text, c.unit_count) for c in data.common_limitations] == [(criterion.title, 2)]
    assert data.common_strengths == []


def test_plan_summary_queries_do_not_grow_with_the_visits(
    binh_tan_visit, plan_2027, leader, django_assert_max_num_queries
):
    for n in range(15):
        visit = VisitFactory(
            plan=plan_2027,
            unit=UnitFactory(name=f"Xã Thử {n}", parent=binh_tan_visit.unit.parent),
            leader=leader,
            status=VisitStatus.CONCLUDED,
            starts_at=at(dt.date(2027, 2, 1) + dt.timedelta(days=n), 8),
            ends_at=at(dt.date(2027, 2, 1) + dt.timedelta(days=n), 11),
        )
        FindingFactory(visit=visit, created_by=leader, review_state=ReviewState.APPROVED)
    # 18: the issuer's body adds one; the unit rows (every unit of the plan, its visit and its open
    # actions) add three.
    with django_assert_max_num_queries(18):
        data = loaders.plan_summary_data(plan=plan_2027)
    assert len(data.visits) == 16


def test_the_signer_of_the_plans_latest_conclusion_signs_its_reports(binh_tan_visit, plan_2027):
    assert Conclusion.objects.count() == 1
    data = loaders.plan_summary_data(plan=plan_2027)
    assert data.signer.name == "Đỗ Thị Thanh Trang"


@pytest.mark.parametrize(
    "later_date", [dt.date(2027, 2, 10), dt.date(2027, 1, 20)], ids=["later-day", "same-day-higher-number"]
)
def test_of_two_conclusions_the_latest_signer_signs_the_plans_reports(
    binh_tan_visit, tan_my_visit, plan_2027, leader, later_date
):
    ConclusionFactory(
        visit=tan_my_visit,
        created_by=leader,
        number=13,
        date=later_date,
        authority_line="",
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn Lãnh",
    )
    for data in (
        loaders.plan_summary_data(plan=plan_2027),
        loaders.follow_up_data(plan=plan_2027, today=dt.date(2027, 3, 1)),
    ):
        assert (data.signer.authority_line, data.signer.title, data.signer.name) == (
            "",
            "GIÁM ĐỐC",
            "Nguyễn Văn Lãnh",
        )


def test_the_notice_cites_the_team_decision_and_calls_the_team_as_the_plan_does(binh_tan_visit):
    plan = binh_tan_visit.plan
    plan.team_kind = "to"
    plan.team_decision_number = "45/QĐ-SNV"
    plan.team_decision_date = dt.date(2027, 1, 8)
    plan.save(update_fields=["team_kind", "team_decision_number", "team_decision_date"])

    data = loaders.conclusion_notice_data(visit=binh_tan_visit)

    assert data.opening[1] == (
        "Căn cứ Quyết định số 45/QĐ-SNV ngày 08/01/2027 của Sở Nội vụ về việc thành lập Tổ kiểm tra "
        "công tác cải cách hành chính năm 2027;"
    )
    assert "Tổ kiểm tra do " in data.opening[2] and "làm Tổ trưởng" in data.opening[2]
    assert "Thành viên Tổ kiểm tra" in data.recipients
