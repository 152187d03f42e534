"""How documents write numbers, rates, delays and the limitations heading."""

import dataclasses
from decimal import Decimal

from inspections.models import Answer, Criterion
from reports.documents import samples
from reports.documents.blocks import conclusion_blocks, follow_up_cells
from reports.documents.data import FollowUpRow
from reports.documents.loaders.common import figures_fact
from reports.documents.style import overdue_text, percent, vn_number, vn_percent


def test_numbers_round_half_up_as_people_do():
    assert vn_number(Decimal("10.625"), places=2) == "10,63"
    assert vn_number(Decimal("0.125"), places=2) == "0,13"
    assert vn_number(Decimal("92.45"), places=1) == "92,5"
    assert vn_number(2264) == "2.264"


def test_rates_print_one_decimal_and_never_a_trailing_zero():
    assert vn_percent(Decimal("93.36")) == "93,4\u00a0%"
    assert vn_percent(100) == "100\u00a0%"
    assert vn_percent(Decimal("99.96")) == "100\u00a0%"
    assert percent(2114, 2264) == "93,4\u00a0%"
    assert percent(5, 5) == "100\u00a0%"


def test_delays_are_days_under_a_month_and_months_after():
    assert overdue_text(14) == "Quá hạn 14 ngày"
    assert overdue_text(29) == "Quá hạn 29 ngày"
    assert overdue_text(45) == "Quá hạn 1 tháng"
    assert overdue_text(2411) == "Quá hạn 80 tháng"
    row = FollowUpRow(1, "Xã A", "Làm B", None, "open", "Chưa thực hiện", True, days_overdue=2411)
    assert "Quá hạn 80 tháng" in follow_up_cells(row)[4]


def test_figures_read_as_one_fact_with_the_rates_that_were_entered():
    criterion = Criterion(
        figures=[
            {"key": "received", "label": "Số hồ sơ tiếp nhận"},
            {"key": "online", "label": "Số hồ sơ tiếp nhận trực tuyến"},
            {"key": "on_time", "label": "Số hồ sơ giải quyết đúng hạn"},
            {"key": "late", "label": "Số hồ sơ trễ hạn"},
        ]
    )
    answer = Answer(figures={"received": 2264, "online": 1200, "on_time": 2114, "late": 150})
    assert figures_fact(answer, criterion) == (
        "Tiếp nhận 2.264 hồ sơ, tiếp nhận trực tuyến 1.200 hồ sơ (53\u00a0%), "
        "giải quyết đúng hạn 2.114 (93,4\u00a0%), trễ hạn 150."
    )
    assert figures_fact(Answer(figures={}), criterion) == ""


def test_the_causes_heading_only_when_causes_were_given():
    with_causes = [b.text for b in conclusion_blocks(samples.conclusion_notice())]
    assert "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN" in with_causes and "2. Nguyên nhân" in with_causes
    bare = dataclasses.replace(samples.conclusion_notice(), subjective_causes=[], objective_causes=[])
    texts = [b.text for b in conclusion_blocks(bare)]
    assert "II. TỒN TẠI, HẠN CHẾ" in texts
    assert not any("NGUYÊN NHÂN" in t or t == "2. Nguyên nhân" or t == "1. Tồn tại, hạn chế" for t in texts)


def test_a_plan_of_groups_names_its_group_and_leader():
    data = dataclasses.replace(
        samples.conclusion_notice(), results=[], limitations=[], team_word="Tổ kiểm tra"
    )
    texts = [b.text for b in conclusion_blocks(data)]
    assert "Tổ kiểm tra không ghi nhận ưu điểm nổi bật." in texts
