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


def test_xlsx_export_has_three_sheets_and_imports_back(db):
    original = _import(DATA.read_bytes(), publish=True)

    data = checklist_export_xlsx(template=original)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["template", "domains", "criteria"]
    assert book["criteria"].max_row == 55
    book["template"]["B4"] = "0.2"  # the version row
    out = io.BytesIO()
    book.save(out)
    copy = _import(out.getvalue(), name="checklist.xlsx")

    assert copy.version == "0.2"
    assert Criterion.objects.filter(domain__template=copy).count() == 54
    rule = Criterion.objects.get(domain__template=copy, code="7.2")
    assert rule.figure_rules == ["online_full + online_partial <= received"]
    assert [f["key"] for f in rule.figures] == ["received", "online_full", "online_partial"]


def test_xlsx_errors_name_the_sheet_and_row(db):
    original = _import(DATA.read_bytes(), publish=True)
    book = load_workbook(io.BytesIO(checklist_export_xlsx(template=original)))
    book["template"]["B4"] = "0.2"
    book["criteria"]["E7"] = "x"  # max_score of the 6th criterion
    book["criteria"]["F9"] = "multiple_choice"  # answer_kind of the 8th
    book["criteria"].append(["99", "99.1", "Tiêu chí lạc", "", 1])
    out = io.BytesIO()
    book.save(out)

    with pytest.raises(ChecklistImportError) as caught:
        _import(out.getvalue(), name="checklist.xlsx")

    assert caught.value.errors == ["Sheet “criteria”, row 56: domain “99” is not in the “domains” sheet."]

    book["criteria"].delete_rows(56)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ChecklistImportError) as caught:
        _import(out.getvalue(), name="checklist.xlsx")

    assert caught.value.errors == [
        "Sheet “criteria”, row 7: “max_score” must be a number, not “x”.",
        "Sheet “criteria”, row 9: answer kind “multiple_choice” is not one of score, yes_partly_no, figures, text.",
    ]
    assert ChecklistTemplate.objects.count() == 1


def test_a_workbook_without_the_expected_sheets_is_refused(db):
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)

    with pytest.raises(ChecklistImportError) as caught:
        _import(out.getvalue(), name="x.xlsx")

    assert "missing: template, domains, criteria" in caught.value.errors[0]


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
