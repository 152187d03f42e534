"""Import and export of checklist templates (services and the import_checklist command)."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from inspections.models import AnswerKind, ChecklistTemplate, Criterion, Domain, TemplateStatus
from inspections.services import (
    ChecklistImportError,
    checklist_export_xlsx,
    checklist_export_yaml,
    checklist_import,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "checklist_cchc.yaml"


def _import(content: bytes, name="checklist.yaml", **kwargs):
    return checklist_import(content=content, filename=name, **kwargs)


def _yaml(**template_overrides) -> bytes:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["template"].update(template_overrides)
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_the_cchc_checklist_imports_with_all_its_domains_and_criteria(db):
    template = _import(DATA.read_bytes(), publish=True)

    assert (template.code, template.version, template.number) == ("CCHC-KT-2025", "0.1", 1)
    assert template.status == TemplateStatus.PUBLISHED and template.published_at
    assert template.scale_total == Decimal(100)
    assert template.domains.count() == 9
    assert Criterion.objects.filter(domain__template=template).count() == 54
    figures = Criterion.objects.get(domain__template=template, code="3.4")
    assert figures.answer_kind == AnswerKind.FIGURES
    assert figures.figures[0] == {"key": "received", "label": "Số hồ sơ tiếp nhận trong kỳ"}
    assert figures.figure_rules == ["on_time + late <= received"]
    assert Criterion.objects.get(domain__template=template, code="3.9").applies_to == ["commune"]
    assert list(template.domains.values_list("code", flat=True)) == [str(n) for n in range(1, 10)]


def test_an_imported_checklist_is_a_draft_unless_published(db):
    template = _import(DATA.read_bytes())

    assert template.status == TemplateStatus.DRAFT
    assert template.published_at is None


def test_yaml_errors_are_reported_row_by_row_and_nothing_is_imported(db):
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["domains"][0]["criteria"][0]["max_score"] = "nhiều"
    data["domains"][0]["criteria"][1]["applies_to"] = ["commune", "village"]
    data["domains"][2]["criteria"][3]["figure_rules"] = ["on_time + late <= total"]
    data["domains"][1]["criteria"][0]["code"] = "1.1"
    del data["domains"][3]["criteria"][0]["title"]

    with pytest.raises(ChecklistImportError) as caught:
        _import(yaml.safe_dump(data, allow_unicode=True).encode())

    errors = caught.value.errors
    assert len(errors) == 5
    assert errors[0].startswith("Criterion 1.1 (domain 1, item 1)") and "nhiều" in errors[0]
    assert "village" in errors[1]
    assert any("1.1" in e and "twice" in e for e in errors)
    assert any("Criterion 3.4" in e and "“total”" in e for e in errors)
    assert any("Criterion 4.1" in e and "“title” is required" in e for e in errors)
    assert not ChecklistTemplate.objects.exists()
    assert not Domain.objects.exists()


def test_criteria_worth_more_than_their_domain_are_refused(db):
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["domains"][0]["max_score"] = 5

    with pytest.raises(ChecklistImportError) as caught:
        _import(yaml.safe_dump(data, allow_unicode=True).encode())

    assert caught.value.errors == [
        "Domain 1 (code 1): its criteria add up to 12 points, more than the domain's 5."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"template: [unclosed", "not valid YAML"),
        (b"- just\n- a list\n", "needs a “template” section"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_a_checklist_is_refused_with_a_reason(db, content, message):
    with pytest.raises(ChecklistImportError) as caught:
        _import(content)

    assert message in caught.value.errors[0]
    assert not ChecklistTemplate.objects.exists()


def test_yaml_export_imports_back_to_the_same_checklist(db):
    original = _import(DATA.read_bytes(), publish=True)

    exported = checklist_export_yaml(template=original)
    data = yaml.safe_load(exported)
    data["template"]["version"] = "0.2"
    copy = _import(yaml.safe_dump(data, allow_unicode=True).encode())

    def content(template):
        return list(
            Criterion.objects.filter(domain__template=template)
            .order_by("domain__order", "order")
            .values_list(
                "domain__code",
                "code",
                "title",
                "guidance",
                "max_score",
                "answer_kind",
                "applies_to",
                "evidence_required",
                "figures",
                "figure_rules",
            )
        )

    assert copy.number == 2
    assert content(copy) == content(original)
    assert "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn" in exported


def _content(template):
    return list(
        Criterion.objects.filter(domain__template=template)
        .order_by("domain__order", "order")
        .values_list(
            "domain__code",
            "domain__title",
            "domain__max_score",
            "code",
            "title",
            "guidance",
            "max_score",
            "answer_kind",
            "applies_to",
            "evidence_required",
            "figures",
            "figure_rules",
        )
    )


def _template_fields(template):
    return [getattr(template, f) for f in ("code", "title", "scale_total", "scoring_note", "evidence_note")]


def test_xlsx_export_reads_in_vietnamese(db):
    original = _import(DATA.read_bytes(), publish=True)

    book = load_workbook(io.BytesIO(checklist_export_xlsx(template=original)))

    assert book.sheetnames == ["Mẫu", "Lĩnh vực", "Tiêu chí"]
    rows = {r[0]: r[1] for r in book["Mẫu"].iter_rows(min_row=2, values_only=True)}
    assert rows["Mã mẫu"] == "CCHC-KT-2025" and rows["Phiên bản"] == "0.1" and rows["Thang điểm"] == 100
    assert [c.value for c in book["Lĩnh vực"][1]] == ["Mã lĩnh vực", "Tên lĩnh vực", "Điểm tối đa"]
    criteria = book["Tiêu chí"]
    header = [c.value for c in criteria[1]]
    assert header[:7] == [
        "Mã lĩnh vực",
        "Mã tiêu chí",
        "Tên tiêu chí",
        "Hướng dẫn kiểm tra",
        "Điểm tối đa",
        "Cách trả lời",
        "Áp dụng cho",
    ]
    assert header[7] == "Bắt buộc tài liệu kiểm chứng"
    assert criteria.max_row == 55
    by_code = {r[1]: r for r in criteria.iter_rows(min_row=2, values_only=True)}
    # Values as a person writes them: kinds by name, one per line; Có/Không; the answer kind's name.
    assert by_code["1.1"][6].split("\n") == [
        "Sở, ban, ngành",
        "UBND cấp huyện (trước 01/07/2025)",
        "UBND cấp xã",
        "Phòng, đơn vị trực thuộc",
    ]
    assert by_code["3.9"][6] == "UBND cấp xã"
    assert by_code["3.4"][5] == "Số liệu" and by_code["1.1"][5] == "Chấm điểm"
    assert {r[7] for r in by_code.values()} <= {"Có", "Không"}
    assert not {str(v) for r in by_code.values() for v in r} & {"True", "False", "yes", "no", "district"}
    # Widths set per column, wide enough for the long texts; headers bold and frozen.
    assert criteria.column_dimensions["C"].width >= 40 and criteria.column_dimensions["D"].width >= 50
    assert criteria.column_dimensions["G"].width >= 30
    assert criteria["A1"].font.bold and criteria.freeze_panes == "A2"


def test_xlsx_export_imports_back_to_an_equal_template(db):
    original = _import(DATA.read_bytes(), publish=True)

    book = load_workbook(io.BytesIO(checklist_export_xlsx(template=original)))
    book["Mẫu"]["B4"] = "0.2"  # the version row
    out = io.BytesIO()
    book.save(out)
    copy = _import(out.getvalue(), name="checklist.xlsx")

    assert copy.version == "0.2"
    assert _template_fields(copy) == _template_fields(original)
    assert _content(copy) == _content(original)
    assert Criterion.objects.get(domain__template=copy, code="1.1").applies_to == [
        "department",
        "district",
        "commune",
        "internal_office",
    ]
    rule = Criterion.objects.get(domain__template=copy, code="7.2")
    assert rule.figure_rules == original.domains.get(code="7").criteria.get(code="7.2").figure_rules
    # And the copy exports to the same workbook, but for its version.
    again = load_workbook(io.BytesIO(checklist_export_xlsx(template=copy)))
    again["Mẫu"]["B4"] = "0.1"
    first = load_workbook(io.BytesIO(checklist_export_xlsx(template=original)))
    for name in first.sheetnames:
        assert list(again[name].values) == list(first[name].values)


def test_the_older_english_workbook_still_imports(db):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "template"
    for row in [
        ("key", "value"),
        ("code", "OLD"),
        ("title", "Mẫu cũ"),
        ("version", "1"),
        ("scale_total", 10),
    ]:
        sheet.append(row)
    book.create_sheet("domains").append(["code", "title", "max_score"])
    book["domains"].append(["1", "Chỉ đạo điều hành", 10])
    criteria = book.create_sheet("criteria")
    criteria.append(
        ["domain", "code", "title", "max_score", "answer_kind", "applies_to", "evidence_required"]
    )
    criteria.append(["1", "1.1", "Kế hoạch CCHC", 4, "score", "department, district", "yes"])
    criteria.append(["1", "1.2", "Báo cáo", 2, "", "", "no"])
    out = io.BytesIO()
    book.save(out)

    template = _import(out.getvalue(), name="old.xlsx")

    first, second = template.domains.get().criteria.order_by("order")
    assert (first.applies_to, first.evidence_required) == (["department", "district"], True)
    assert (second.applies_to, second.evidence_required, second.answer_kind) == ([], False, "score")


def test_vietnamese_unit_kinds_and_answer_kinds_are_read_and_wrong_ones_named(db):
    original = _import(DATA.read_bytes(), publish=True)
    book = load_workbook(io.BytesIO(checklist_export_xlsx(template=original)))
    book["Mẫu"]["B4"] = "0.2"
    criteria = book["Tiêu chí"]
    criteria["G2"] = "Cấp huyện; UBND cấp xã"  # 1.1: short names, on one line
    criteria["G3"] = "Mọi loại đơn vị"  # 1.2: every kind
    criteria["F4"] = "đạt / đạt một phần / không đạt"  # 1.3, typed in lower case
    out = io.BytesIO()
    book.save(out)
    copy = _import(out.getvalue(), name="checklist.xlsx")
    by_code = {c.code: c for c in Criterion.objects.filter(domain__template=copy)}
    assert by_code["1.1"].applies_to == ["district", "commune"]
    assert by_code["1.2"].applies_to == []
    assert by_code["1.3"].answer_kind == AnswerKind.YES_PARTLY_NO

    criteria["G2"] = "Thôn, tổ dân phố"
    book["Mẫu"]["B4"] = "0.3"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ChecklistImportError) as caught:
        _import(out.getvalue(), name="checklist.xlsx")
    assert caught.value.errors[0].startswith("Sheet “Tiêu chí”, row 2: unit kind “Thôn, tổ dân phố”")
    assert "UBND cấp huyện (trước 01/07/2025) (district)" in caught.value.errors[0]


def test_xlsx_errors_name_the_sheet_row_and_column_as_the_file_does(db):
    original = _import(DATA.read_bytes(), publish=True)
    book = load_workbook(io.BytesIO(checklist_export_xlsx(template=original)))
    book["Mẫu"]["B4"] = "0.2"
    book["Tiêu chí"]["E7"] = "x"  # max_score of the 6th criterion
    book["Tiêu chí"]["F9"] = "multiple_choice"  # answer_kind of the 8th
    book["Tiêu chí"].append(["99", "99.1", "Tiêu chí lạc", "", 1])
    out = io.BytesIO()
    book.save(out)

    with pytest.raises(ChecklistImportError) as caught:
        _import(out.getvalue(), name="checklist.xlsx")

    assert caught.value.errors == ["Sheet “Tiêu chí”, row 56: domain “99” is not in the “Lĩnh vực” sheet."]

    book["Tiêu chí"].delete_rows(56)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ChecklistImportError) as caught:
        _import(out.getvalue(), name="checklist.xlsx")

    assert caught.value.errors[0] == "Sheet “Tiêu chí”, row 7: “Điểm tối đa” must be a number, not “x”."
    assert caught.value.errors[1].startswith(
        "Sheet “Tiêu chí”, row 9: answer kind “multiple_choice” is not one of Chấm điểm (score), "
    )
    assert len(caught.value.errors) == 2
    assert ChecklistTemplate.objects.count() == 1


def test_a_workbook_without_the_expected_sheets_is_refused(db):
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)

    with pytest.raises(ChecklistImportError) as caught:
        _import(out.getvalue(), name="x.xlsx")

    assert "missing: Mẫu, Lĩnh vực, Tiêu chí" in caught.value.errors[0]


def test_importing_over_a_draft_replaces_its_content(db):
    draft = _import(DATA.read_bytes())
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["domains"] = data["domains"][:2]

    again = _import(yaml.safe_dump(data, allow_unicode=True).encode())

    assert again.pk == draft.pk
    assert again.domains.count() == 2
    assert ChecklistTemplate.objects.count() == 1


def test_importing_over_a_published_version_is_refused_and_changes_nothing(db):
    published = _import(DATA.read_bytes(), publish=True)
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["domains"] = data["domains"][:2]

    with pytest.raises(ChecklistImportError) as caught:
        _import(yaml.safe_dump(data, allow_unicode=True).encode())

    assert "is published and can no longer change" in caught.value.errors[0]
    assert published.domains.count() == 9


def test_the_import_command_imports_and_publishes(db, capsys):
    call_command("import_checklist", str(DATA), "--publish")

    template = ChecklistTemplate.objects.get()
    assert template.status == TemplateStatus.PUBLISHED
    assert "9 domains, 54 criteria" in capsys.readouterr().out


def test_the_import_command_lists_errors_and_fails(db, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(_yaml(code="mã có dấu"))

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_checklist", str(bad))

    assert "the code may only use letters" in capsys.readouterr().err
    assert not ChecklistTemplate.objects.exists()


def test_yaml_export_explains_its_keys_in_vietnamese_and_carries_applies_to(db):
    original = _import(DATA.read_bytes(), publish=True)

    exported = checklist_export_yaml(template=original)

    assert exported.startswith("# Mẫu bộ tiêu chí kiểm tra công tác cải cách hành chính")
    assert "district = UBND cấp huyện (trước 01/07/2025)" in exported
    data = yaml.safe_load(exported)
    first = data["domains"][0]["criteria"][0]
    assert first["applies_to"] == ["department", "district", "commune", "internal_office"]
    data["template"]["version"] = "0.2"
    copy = _import(yaml.safe_dump(data, allow_unicode=True).encode())
    assert _content(copy) == _content(original)
