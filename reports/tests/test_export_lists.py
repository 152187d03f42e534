"""CSV and XLSX downloads of the filtered lists: content, Vietnamese headers, permissions, streaming."""

import csv
import io
import tracemalloc
from datetime import date

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reports import exports
from reports.exports import Column

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _xlsx(response):
    body = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body)).active


# The remediation follow-up list (reports.dashboards): "export the overdue actions to Excel"


def test_overdue_actions_download_as_xlsx_with_vietnamese_headers(client, head, world, commune):
    client.force_login(head)
    response = client.get(reverse("dashboards:actions"), {"lateness": "overdue", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert 'filename="hanh-dong-khac-phuc.xlsx"' in response["Content-Disposition"]
    sheet = _xlsx(response)
    rows = list(sheet.iter_rows(values_only=True))
    with translation.override("vi"):
        assert list(rows[0]) == [str(c.header) for c in _action_columns()]
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {commune.name}
    due = sheet.cell(row=2, column=7)
    assert due.number_format == "DD/MM/YYYY"
    assert due.value.date() < world.today
    # A sheet a Vietnamese user reads: its name, widths, and "Có" rather than TRUE.
    assert sheet.title == "Nhiệm vụ khắc phục"
    assert {row[-1] for row in rows[1:]} == {"Có"}
    assert sheet.column_dimensions["B"].width >= 36 and sheet.column_dimensions["G"].width >= 12


def test_overdue_actions_download_as_csv_with_dates_day_first(client, head, world):
    client.force_login(head)
    response = client.get(reverse("dashboards:actions"), {"lateness": "overdue", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert len(rows) == 3
    due_dates = sorted(row[6] for row in rows[1:])
    assert all(len(d) == 10 and d[2] == "/" and d[5] == "/" for d in due_dates)
    assert {row[8] for row in rows[1:]} == {"Có"} or {row[8] for row in rows[1:]} == {"Yes"}


def test_headers_are_in_vietnamese_unless_the_user_chose_english(client, head, world, settings):
    client.force_login(head)
    header = _csv(client.get(reverse("dashboards:actions"), {"format": "csv"}))[0]
    with translation.override("vi"):
        assert header == [str(c.header) for c in _action_columns()]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    header = _csv(client.get(reverse("dashboards:actions"), {"format": "csv"}))[0]
    with translation.override("en"):
        assert header == [str(c.header) for c in _action_columns()]
    assert header[0] == "Responsible unit"


def _action_columns():
    from reports.dashboards.columns import ACTIONS

    return ACTIONS


def test_liaison_downloads_only_their_units_actions(client, liaison, world, commune):
    client.force_login(liaison)
    rows = _csv(client.get(reverse("dashboards:actions"), {"format": "csv"}))
    assert len(rows) == 4
    assert {row[0] for row in rows[1:]} == {commune.name}


def test_head_of_another_province_downloads_none_of_ours(client, outsider, world):
    client.force_login(outsider)
    rows = _csv(client.get(reverse("dashboards:actions"), {"format": "csv"}))
    assert [row[0] for row in rows[1:]] == [world.foreign_2026.unit.name]


def test_an_unknown_format_is_not_found_and_no_format_shows_the_page(client, head, world):
    client.force_login(head)
    assert client.get(reverse("dashboards:actions"), {"format": "pdf"}).status_code == 200
    assert client.get(reverse("dashboards:export_units"), {"format": "pdf"}).status_code == 404


def test_anonymous_visitor_cannot_download(client, world):
    response = client.get(reverse("dashboards:actions"), {"format": "csv"})
    assert response.status_code == 302


def test_ranking_download_is_for_heads_only(client, head, liaison, world):
    client.force_login(liaison)
    assert client.get(reverse("dashboards:ranking"), {"format": "csv"}).status_code == 403
    client.force_login(head)
    rows = _csv(client.get(reverse("dashboards:ranking"), {"format": "csv", "year": 2026}))
    assert [row[0] for row in rows[1:]] == ["Xã Bình Tấn", "Xã Tân Mỹ"]
    assert rows[1][4] in {"83,3", "83.3"}


# Downloads of the other apps' lists reuse their filters


def test_visit_list_download_follows_the_lists_filters_and_scope(client, head, world):
    client.force_login(head)
    rows = _csv(client.get(reverse("dashboards:export_visits"), {"format": "csv", "q": "binh tan"}))
    assert [row[0] for row in rows[1:]] == ["Xã Bình Tấn", "Xã Bình Tấn"]
    assert rows[1][3] == "08/04/2025 08:00"


def test_unit_list_download_holds_only_visible_units(client, scheduler, world):
    client.force_login(scheduler)
    sheet = _xlsx(client.get(reverse("dashboards:export_units"), {"format": "xlsx"}))
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Xã Bình Tấn" in names
    assert "Xã Vô Tranh" not in names


def test_plan_list_download_is_empty_for_a_liaison(client, liaison, world):
    client.force_login(liaison)
    rows = _csv(client.get(reverse("dashboards:export_plans"), {"format": "csv"}))
    assert len(rows) == 1


# The export machinery


def test_text_that_a_spreadsheet_would_run_is_written_as_text():
    lines = list(exports.csv_lines(["a"], [['=HYPERLINK("x")'], ["-1+2"], ["@SUM(A1)"]]))
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[2].startswith("'-1+2")
    workbook = load_workbook(exports.xlsx_file(["a"], [["=1+1"]]))
    cell = workbook.active.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == "=1+1"


def test_values_are_formatted_the_vietnamese_way():
    with translation.override("vi"):
        assert exports.csv_text(date(2026, 3, 13)) == "13/03/2026"
        assert exports.csv_text(93.4) == "93,4"
        assert exports.csv_text(None) == ""


def test_rows_are_read_from_the_database_in_chunks(world, monkeypatch):
    from inspections.models import Visit

    seen = {}
    real_iterator = type(Visit.objects.all()).iterator

    def spy(self, chunk_size=None):
        seen["chunk_size"] = chunk_size
        return real_iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(type(Visit.objects.all()), "iterator", spy)
    rows = list(exports.export_rows(Visit.objects.order_by("pk"), [Column("x", "unit__name")]))
    assert seen["chunk_size"] == exports.CHUNK_SIZE
    assert len(rows) == 4


def _peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _rows(n):
    return (
        [f"Xã Thử Nghiệm {i}", date(2026, 1, 1), i, "Bộ phận Một cửa chưa niêm yết đầy đủ TTHC"]
        for i in range(n)
    )


def test_csv_memory_stays_flat_for_100_000_rows():
    small = _peak(lambda: sum(len(line) for line in exports.csv_lines(["a", "b", "c", "d"], _rows(1_000))))
    large = _peak(lambda: sum(len(line) for line in exports.csv_lines(["a", "b", "c", "d"], _rows(100_000))))
    assert large < small * 3 + 100_000


def test_xlsx_memory_stays_flat_as_rows_grow(monkeypatch):
    monkeypatch.setattr(exports, "SPOOL_BYTES", 64 * 1024)  # to disk early: measure the writer itself
    small = _peak(lambda: exports.xlsx_file(["a", "b", "c", "d"], _rows(2_000)).close())
    large = _peak(lambda: exports.xlsx_file(["a", "b", "c", "d"], _rows(20_000)).close())
    assert large < small * 2


def test_remediation_list_download_follows_its_overdue_filter(client, head, world):
    client.force_login(head)
    sheet = _xlsx(client.get(reverse("dashboards:export_actions"), {"overdue": "on", "format": "xlsx"}))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    assert all(row[8] == "Có" for row in rows)


@pytest.mark.parametrize(
    ("list_name", "export_name"),
    [
        ("units:list", "dashboards:export_units"),
        ("inspections:visit_list", "dashboards:export_visits"),
        ("inspections:plan_list", "dashboards:export_plans"),
        ("findings:action_list", "dashboards:export_actions"),
        ("dashboards:actions", "dashboards:actions"),
    ],
)
def test_every_filtered_list_offers_csv_and_xlsx_with_its_filters(
    client, head, world, list_name, export_name
):
    client.force_login(head)
    html = client.get(reverse(list_name), {"q": "x"}).content.decode()
    export = "" if list_name == export_name else reverse(export_name)
    assert f'href="{export}?q=x&amp;format=csv"' in html
    assert f'href="{export}?q=x&amp;format=xlsx"' in html
