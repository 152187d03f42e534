"""Checklist templates in and out of files: YAML (the shape of data/checklist_cchc.yaml) and XLSX.

Import reads the whole file, checks every row and reports every problem with where it is (a
sheet row, or a domain / criterion code); only a file without a single error is saved, in one
transaction.

XLSX has three sheets, written for a Vietnamese reader: "Mẫu" (the template's fields, one per
row), "Lĩnh vực" (Mã lĩnh vực, Tên lĩnh vực, Điểm tối đa) and "Tiêu chí" (Mã lĩnh vực, Mã tiêu
chí, Tên tiêu chí, Hướng dẫn kiểm tra, Điểm tối đa, Cách trả lời, Áp dụng cho, Bắt buộc tài liệu
kiểm chứng, Số liệu, Quy tắc số liệu); values read as a person writes them ("Có"/"Không", "Số
liệu", unit kinds by their Vietnamese names), lists one item per line. The import reads that
workbook and still the older one with English names ("template", "domains", "criteria"; code,
title, ..., "yes"/"no", unit kind codes). The file is a format, not a page: its Vietnamese names
are fixed here (as the documents' words are), whatever the user's language.
"""

import io
import re
from decimal import Decimal, InvalidOperation

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from core.spreadsheets import append_row
from core.text import fold
from units.models import UnitKind

from ..models import AnswerKind, ChecklistTemplate, FigureRuleError, parse_figure_rule
from ..services.checklists import CriterionSpec, DomainSpec, TemplateSpec, template_create, template_spec

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CRITERION_COLUMNS = [
    "domain",
    "code",
    "title",
    "guidance",
    "max_score",
    "answer_kind",
    "applies_to",
    "evidence_required",
    "figures",
    "figure_rules",
]
TRUE_WORDS = {"1", "true", "yes", "y", "x", "có", "co", "c"}
FALSE_WORDS = {"", "0", "false", "no", "n", "không", "khong", "k"}

# The workbook as a Vietnamese user reads it: sheet names, column headers and the template's
# field names (key -> Vietnamese name). The import also takes the English keys.
SHEETS = {"template": "Mẫu", "domains": "Lĩnh vực", "criteria": "Tiêu chí"}
TEMPLATE_FIELDS = {
    "code": "Mã mẫu",
    "title": "Tên mẫu",
    "version": "Phiên bản",
    "scale_total": "Thang điểm",
    "scoring_note": "Hướng dẫn chấm điểm",
    "evidence_note": "Hướng dẫn tài liệu kiểm chứng",
}
TEMPLATE_HEADER = ("Thông tin", "Nội dung")
DOMAIN_HEADERS = {"code": "Mã lĩnh vực", "title": "Tên lĩnh vực", "max_score": "Điểm tối đa"}
CRITERION_HEADERS = {
    "domain": "Mã lĩnh vực",
    "code": "Mã tiêu chí",
    "title": "Tên tiêu chí",
    "guidance": "Hướng dẫn kiểm tra",
    "max_score": "Điểm tối đa",
    "answer_kind": "Cách trả lời",
    "applies_to": "Áp dụng cho",
    "evidence_required": "Bắt buộc tài liệu kiểm chứng",
    "figures": "Số liệu (mã: tên, mỗi dòng một số liệu)",
    "figure_rules": "Quy tắc số liệu",
}
CRITERION_WIDTHS = {
    "domain": 12,
    "code": 12,
    "title": 45,
    "guidance": 60,
    "max_score": 12,
    "answer_kind": 26,
    "applies_to": 34,
    "evidence_required": 16,
    "figures": 48,
    "figure_rules": 36,
}
YES, NO = "Có", "Không"
ANSWER_KIND_WORDS = {
    AnswerKind.SCORE: "Chấm điểm",
    AnswerKind.YES_PARTLY_NO: "Đạt / Đạt một phần / Không đạt",
    AnswerKind.FIGURES: "Số liệu",
    AnswerKind.TEXT: "Ghi nhận bằng lời",
}
UNIT_KIND_WORDS = {
    UnitKind.PROVINCE: "UBND tỉnh",
    UnitKind.DEPARTMENT: "Sở, ban, ngành",
    UnitKind.DISTRICT: "UBND cấp huyện (trước 01/07/2025)",
    UnitKind.COMMUNE: "UBND cấp xã",
    UnitKind.OFFICE: "Phòng, đơn vị trực thuộc",
}
# "Áp dụng cho" left empty, or one of these: every kind of unit.
ALL_KINDS_WORDS = ("Mọi loại đơn vị", "tất cả")
# Other ways a person writes a unit kind (folded: no diacritics, lower case).
UNIT_KIND_ALIASES = {
    "ubnd tinh": UnitKind.PROVINCE,
    "tinh": UnitKind.PROVINCE,
    "so": UnitKind.DEPARTMENT,
    "so, ban, nganh": UnitKind.DEPARTMENT,
    "cap huyen": UnitKind.DISTRICT,
    "ubnd cap huyen": UnitKind.DISTRICT,
    "huyen": UnitKind.DISTRICT,
    "cap xa": UnitKind.COMMUNE,
    "xa": UnitKind.COMMUNE,
    "phong, don vi truc thuoc": UnitKind.OFFICE,
    "phong": UnitKind.OFFICE,
}


class ChecklistImportError(Exception):
    """The file cannot be imported; ``errors`` lists every problem, each saying where it is."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


# Reading


def _read_yaml(content: bytes) -> tuple[dict, list[dict]]:
    try:
        data = yaml.safe_load(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ChecklistImportError([_("The file is not UTF-8 text.")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s: ") % {"line": mark.line + 1} if mark else ""
        raise ChecklistImportError([where + _("this is not valid YAML.")]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("template"), dict):
        raise ChecklistImportError([_("The file needs a “template” section and a “domains” list.")])
    domains = data.get("domains")
    if not isinstance(domains, list):
        raise ChecklistImportError([_("The file needs a “domains” list.")])
    rows = []
    for i, domain in enumerate(domains, start=1):
        if not isinstance(domain, dict):
            raise ChecklistImportError([_("Domain %(n)s: expected a mapping of fields.") % {"n": i}])
        code = domain.get("code", "")
        where = _("Domain %(n)s (code %(code)s)") % {"n": i, "code": code}
        criteria = []
        for j, criterion in enumerate(domain.get("criteria") or [], start=1):
            if not isinstance(criterion, dict):
                raise ChecklistImportError(
                    [_("%(where)s, criterion %(n)s: expected a mapping.") % {"where": where, "n": j}]
                )
            criteria.append(
                {
                    **criterion,
                    "_where": _("Criterion %(code)s (domain %(domain)s, item %(n)s)")
                    % {"code": criterion.get("code", "?"), "domain": code, "n": j},
                }
            )
        rows.append({**domain, "criteria": criteria, "_where": where})
    return {**data["template"], "_where": _("Template section")}, rows


def _split_lines(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in re.split(r"[\n;]", str(value)) if part.strip()]


def _header_keys(headers: dict[str, str]) -> dict[str, str]:
    """Folded header -> key: the English key, the Vietnamese header and its words before "(" ."""
    keys = {fold(key): key for key in headers}
    for key, header in headers.items():
        keys[fold(header)] = key
        keys[fold(header.split(" (")[0])] = key
    return keys


def _sheet_rows(sheet, headers: dict[str, str]) -> tuple[list[tuple[int, dict]], dict[str, str]]:
    """The sheet's rows (number, {key: value}) and each key's header as the file writes it."""
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return [], {}
    keys = _header_keys(headers)
    header, labels = [], {}
    for cell in rows[0]:
        text = str(cell).strip() if cell is not None else ""
        key = keys.get(fold(text), fold(text)) if text else ""
        header.append(key)
        if key:
            labels.setdefault(key, text)
    result = []
    for number, row in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        result.append((number, {h: v for h, v in zip(header, row, strict=False) if h}))
    return result, labels


def _find_sheets(book) -> dict[str, str]:
    """The workbook's sheet for each part, by its Vietnamese or its English name."""
    names = {fold(name): name for name in book.sheetnames}
    found = {}
    for key, title in SHEETS.items():
        name = names.get(fold(title)) or names.get(key)
        if name:
            found[key] = name
    return found


def _read_xlsx(content: bytes) -> tuple[dict, list[dict]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ChecklistImportError([_("The file is not a readable XLSX workbook.")]) from exc
    names = _find_sheets(book)
    missing = [SHEETS[key] for key in SHEETS if key not in names]
    if missing:
        raise ChecklistImportError(
            [
                _("The workbook needs the sheets “%(sheets)s” (missing: %(names)s).")
                % {"sheets": "”, “".join(SHEETS.values()), "names": ", ".join(missing)}
            ]
        )
    field_keys = _header_keys(TEMPLATE_FIELDS)
    template: dict = {
        "_where": _("Sheet “%(sheet)s”") % {"sheet": names["template"]},
        "_labels": dict(TEMPLATE_FIELDS),
    }
    for row in book[names["template"]].iter_rows(values_only=True):
        if row and row[0] is not None and str(row[0]).strip():
            name = str(row[0]).strip()
            key = field_keys.get(fold(name), fold(name))
            template[key] = row[1] if len(row) > 1 else None
            template["_labels"][key] = name
    for header in ("key", *(fold(h) for h in TEMPLATE_HEADER)):
        template.pop(header, None)
    domains, by_code = [], {}
    rows, labels = _sheet_rows(book[names["domains"]], DOMAIN_HEADERS)
    for number, row in rows:
        where = _("Sheet “%(sheet)s”, row %(n)s") % {"sheet": names["domains"], "n": number}
        domain = {**row, "criteria": [], "_where": where, "_labels": labels}
        domains.append(domain)
        by_code.setdefault(_text(row.get("code")), domain)
    orphans = []
    rows, labels = _sheet_rows(book[names["criteria"]], CRITERION_HEADERS)
    for number, row in rows:
        where = _("Sheet “%(sheet)s”, row %(n)s") % {"sheet": names["criteria"], "n": number}
        row = {
            **row,
            "applies_to": _unit_kinds(row.get("applies_to")),
            "figures": _split_lines(row.get("figures")),
            "figure_rules": _split_lines(row.get("figure_rules")),
            "_where": where,
            "_labels": labels,
        }
        domain = by_code.get(_text(row.get("domain")))
        if domain is None:
            orphans.append(
                _("%(where)s: domain “%(code)s” is not in the “%(sheet)s” sheet.")
                % {"where": where, "code": row.get("domain") or "", "sheet": names["domains"]}
            )
        else:
            domain["criteria"].append(row)
    if orphans:
        raise ChecklistImportError(orphans)
    return template, domains


def _unit_kind_of(text: str) -> str | None:
    """The unit kind ``text`` names: its code, its Vietnamese name in the workbook, its label."""
    if text in UnitKind.values:
        return text
    word = fold(text)
    names = {fold(v): k for k, v in UNIT_KIND_WORDS.items()}
    names.update({fold(str(label)): value for value, label in UnitKind.choices})
    names.update(UNIT_KIND_ALIASES)
    return names.get(word) or names.get(fold(text.split(" (")[0]))


def _unit_kinds(value) -> list[str]:
    """The unit kinds of an "Áp dụng cho" / applies_to value, as codes; a word naming no kind is
    kept as written (the check reports it). Empty, "Mọi loại đơn vị" or "Tất cả": every kind."""
    if value is None:
        return []
    if isinstance(value, list):
        items = [_text(v) for v in value if _text(v)]
    else:
        items = [part.strip() for part in re.split(r"[\n;]", str(value)) if part.strip()]
    if len(items) == 1 and fold(items[0]) in {fold(w) for w in ALL_KINDS_WORDS}:
        return []
    kinds = []
    for item in items:
        kind = _unit_kind_of(item)
        if kind is not None:
            kinds.append(kind)
            continue
        # The older export: codes separated by commas or spaces ("department, commune").
        words = [_unit_kind_of(w) for w in re.split(r"[\s,]+", item) if w]
        kinds += words if all(words) else [item]
    return kinds


def _answer_kind_of(value) -> str:
    text = _text(value)
    if not text or text in AnswerKind.values:
        return text or AnswerKind.SCORE
    names = {fold(v): k for k, v in ANSWER_KIND_WORDS.items()}
    names.update({fold(str(label)): value for value, label in AnswerKind.choices})
    return names.get(fold(text), text)


# Checking


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Checker:
    def __init__(self):
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    @staticmethod
    def label(row: dict, name: str) -> str:
        """The field as the file names it (a workbook's Vietnamese header, or the YAML key)."""
        return row.get("_labels", {}).get(name, name)

    def required(self, row: dict, name: str, max_length: int) -> str:
        value = _text(row.get(name))
        if not value:
            self.error(row["_where"], _("“%(field)s” is required.") % {"field": self.label(row, name)})
        elif len(value) > max_length:
            self.error(
                row["_where"],
                _("“%(field)s” is longer than %(n)s characters.")
                % {"field": self.label(row, name), "n": max_length},
            )
        return value

    def number(self, row: dict, name: str, *, default: Decimal | None) -> Decimal | None:
        value = row.get(name)
        if value is None or _text(value) == "":
            return default
        try:
            number = Decimal(_text(value).replace(",", "."))
        except InvalidOperation:
            self.error(
                row["_where"],
                _("“%(field)s” must be a number, not “%(value)s”.")
                % {"field": self.label(row, name), "value": value},
            )
            return default
        if number < 0 or number >= 10000 or number != number.quantize(Decimal("0.01")):
            self.error(
                row["_where"],
                _("“%(field)s” must be between 0 and 9999.99 with at most two decimals.")
                % {"field": self.label(row, name)},
            )
            return default
        return number

    def boolean(self, row: dict, name: str) -> bool:
        value = row.get(name)
        if isinstance(value, bool):
            return value
        word = _text(value).lower()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.error(
                row["_where"],
                _("“%(field)s” must be yes or no, not “%(value)s”.")
                % {"field": self.label(row, name), "value": value},
            )
        return False

    def figures(self, row: dict) -> list[dict]:
        figures, keys = [], set()
        for item in row.get("figures") or []:
            if isinstance(item, dict):
                key, label = _text(item.get("key")), _text(item.get("label"))
            else:
                key, _sep, label = str(item).partition(":")
                key, label = key.strip(), label.strip()
            if not KEY_RE.match(key) or not label:
                self.error(
                    row["_where"],
                    _("figure “%(item)s” needs a key (letters, digits, _) and a label.") % {"item": item},
                )
            elif key in keys:
                self.error(row["_where"], _("figure key “%(key)s” is used twice.") % {"key": key})
            else:
                keys.add(key)
                figures.append({"key": key, "label": label})
        return figures

    def criterion(self, row: dict, codes: set[str]) -> CriterionSpec:
        where = row["_where"]
        code = self.required(row, "code", 20)
        if code in codes:
            self.error(where, _("criterion code “%(code)s” is used twice in this file.") % {"code": code})
        codes.add(code)
        kind = _answer_kind_of(row.get("answer_kind"))
        if kind not in AnswerKind.values:
            self.error(
                where,
                _("answer kind “%(kind)s” is not one of %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(f"{w} ({k})" for k, w in ANSWER_KIND_WORDS.items())},
            )
        applies_to = _unit_kinds(row.get("applies_to"))
        for unit_kind in applies_to:
            if unit_kind not in UnitKind.values:
                self.error(
                    where,
                    _("unit kind “%(kind)s” is not one of %(kinds)s.")
                    % {
                        "kind": unit_kind,
                        "kinds": ", ".join(f"{w} ({k})" for k, w in UNIT_KIND_WORDS.items()),
                    },
                )
        figures = self.figures(row)
        rules = [_text(r) for r in (row.get("figure_rules") or [])]
        if kind == AnswerKind.FIGURES and not figures:
            self.error(where, _("a figures criterion needs at least one figure."))
        if kind != AnswerKind.FIGURES and (figures or rules):
            self.error(where, _("figures and figure rules are only for the figures answer kind."))
        for rule in rules:
            try:
                parse_figure_rule(rule, keys={f["key"] for f in figures})
            except FigureRuleError as exc:
                self.error(where, _("figure rule “%(rule)s”: %(reason)s.") % {"rule": rule, "reason": exc})
        return CriterionSpec(
            code=code,
            title=self.required(row, "title", 500),
            guidance=_text(row.get("guidance")),
            max_score=self.number(row, "max_score", default=Decimal(0)),
            answer_kind=kind,
            applies_to=list(dict.fromkeys(applies_to)),
            evidence_required=self.boolean(row, "evidence_required"),
            figures=figures,
            figure_rules=rules,
        )


def checklist_check(template: dict, domains: list[dict]) -> tuple[TemplateSpec | None, list[str]]:
    """Validate what a reader produced; return the spec, or None and every error found."""
    check = _Checker()
    code = check.required(template, "code", 50)
    if code and not CODE_RE.match(code):
        check.error(template["_where"], _("the code may only use letters, digits, “.”, “_” and “-”."))
    spec = TemplateSpec(
        code=code,
        title=check.required(template, "title", 255),
        version=check.required(template, "version", 30),
        scale_total=check.number(template, "scale_total", default=Decimal(100)),
        scoring_note=_text(template.get("scoring_note")),
        evidence_note=_text(template.get("evidence_note")),
    )
    if not domains:
        check.error(template["_where"], _("the checklist has no domain."))
    domain_codes: set[str] = set()
    criterion_codes: set[str] = set()
    for row in domains:
        domain = DomainSpec(
            code=check.required(row, "code", 20),
            title=check.required(row, "title", 500),
            max_score=check.number(row, "max_score", default=None),
        )
        if domain.code in domain_codes:
            check.error(row["_where"], _("domain code “%(code)s” is used twice.") % {"code": domain.code})
        domain_codes.add(domain.code)
        if not row["criteria"]:
            check.error(row["_where"], _("the domain has no criterion."))
        domain.criteria = [check.criterion(c, criterion_codes) for c in row["criteria"]]
        total = sum((c.max_score for c in domain.criteria), Decimal(0))
        if domain.max_score is not None and total > domain.max_score:
            check.error(
                row["_where"],
                _("its criteria add up to %(total)s points, more than the domain's %(max)s.")
                % {"total": total.normalize(), "max": domain.max_score.normalize()},
            )
        spec.domains.append(domain)
    total = sum((d.max_score or Decimal(0) for d in spec.domains), Decimal(0))
    if spec.scale_total is not None and total > spec.scale_total:
        check.error(
            template["_where"],
            _("the domains add up to %(total)s points, more than the scale of %(max)s.")
            % {"total": total.normalize(), "max": spec.scale_total.normalize()},
        )
    return (None, check.errors) if check.errors else (spec, [])


def checklist_read(*, content: bytes, filename: str) -> TemplateSpec:
    """Read and check a YAML or XLSX checklist; raise ChecklistImportError listing every problem."""
    is_xlsx = content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    template, domains = _read_xlsx(content) if is_xlsx else _read_yaml(content)
    spec, errors = checklist_check(template, domains)
    if errors:
        raise ChecklistImportError(errors)
    return spec


def checklist_import(
    *, content: bytes, filename: str, created_by=None, publish: bool = False
) -> ChecklistTemplate:
    """Import a checklist file as a new version (or over a draft with the same code and label).

    All or nothing: any error (in the file, or a published version with the same label) raises
    ChecklistImportError and saves nothing.
    """
    spec = checklist_read(content=content, filename=filename)
    try:
        return template_create(spec=spec, created_by=created_by, publish=publish)
    except ValidationError as exc:
        raise ChecklistImportError(exc.messages) from exc


# Writing


def _plain(number: Decimal | None):
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


YAML_HEAD = """\
# Mẫu bộ tiêu chí kiểm tra công tác cải cách hành chính, xuất từ phần mềm (nhập lại được).
# template: mã mẫu (code), tên (title), phiên bản (version), thang điểm (scale_total),
#   hướng dẫn chấm điểm (scoring_note), hướng dẫn tài liệu kiểm chứng (evidence_note).
# domains: lĩnh vực (code, title, max_score = điểm tối đa) và các tiêu chí (criteria): mã, tên,
#   hướng dẫn kiểm tra (guidance), điểm tối đa, cách trả lời (answer_kind: score = chấm điểm,
#   yes_partly_no = đạt / đạt một phần / không đạt, figures = số liệu, text = ghi nhận bằng lời),
#   áp dụng cho (applies_to; trống: mọi loại đơn vị), bắt buộc tài liệu kiểm chứng
#   (evidence_required), số liệu (figures) và quy tắc số liệu (figure_rules).
# Loại đơn vị (applies_to): {kinds}.
"""


def checklist_export_yaml(*, template: ChecklistTemplate) -> str:
    """The template as YAML in the import format (re-importing it gives the same checklist),
    headed by comments that read its keys in Vietnamese."""
    spec = template_spec(template)
    data = {
        "template": {
            "code": spec.code,
            "title": spec.title,
            "version": spec.version,
            "scale_total": _plain(spec.scale_total),
            "scoring_note": spec.scoring_note,
            "evidence_note": spec.evidence_note,
        },
        "domains": [
            {
                "code": d.code,
                "title": d.title,
                "max_score": _plain(d.max_score),
                "criteria": [_criterion_dict(c) for c in d.criteria],
            }
            for d in spec.domains
        ],
    }
    kinds = "; ".join(f"{k} = {w}" for k, w in UNIT_KIND_WORDS.items())
    head = YAML_HEAD.format(kinds=kinds)
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _criterion_dict(c: CriterionSpec) -> dict:
    data = {
        "code": c.code,
        "title": c.title,
        "guidance": c.guidance,
        "max_score": _plain(c.max_score),
        "applies_to": c.applies_to,
    }
    if c.answer_kind != AnswerKind.SCORE:
        data["answer_kind"] = c.answer_kind
    if c.evidence_required:
        data["evidence_required"] = True
    if c.figures:
        data["figures"] = c.figures
    if c.figure_rules:
        data["figure_rules"] = c.figure_rules
    return data


def _kinds_text(kinds: list[str]) -> str:
    """ "Áp dụng cho" as a person reads it: one unit kind per line, or every kind."""
    if not kinds:
        return ALL_KINDS_WORDS[0]
    return "\n".join(UNIT_KIND_WORDS.get(k, k) for k in kinds)


def _sheet(book, title: str, header: list[str], widths: list[float]):
    sheet = book.create_sheet(title)
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"
    for column, width in zip(sheet.columns, widths, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = width
    return sheet


def checklist_export_xlsx(*, template: ChecklistTemplate) -> bytes:
    """The template as an XLSX workbook in the import format, in Vietnamese: the sheets “Mẫu”,
    “Lĩnh vực” and “Tiêu chí” with their column widths, “Có”/“Không”, unit kinds by name."""
    spec = template_spec(template)
    book = Workbook()
    book.remove(book.active)
    sheet = _sheet(book, SHEETS["template"], list(TEMPLATE_HEADER), [32, 90])
    for key, name in TEMPLATE_FIELDS.items():
        value = getattr(spec, key)
        append_row(sheet, [name, _plain(value) if isinstance(value, Decimal) else value])
    domains = _sheet(book, SHEETS["domains"], list(DOMAIN_HEADERS.values()), [12, 70, 12])
    criteria = _sheet(
        book,
        SHEETS["criteria"],
        [CRITERION_HEADERS[key] for key in CRITERION_COLUMNS],
        [CRITERION_WIDTHS[key] for key in CRITERION_COLUMNS],
    )
    for d in spec.domains:
        append_row(domains, [d.code, d.title, _plain(d.max_score)])
        for c in d.criteria:
            append_row(
                criteria,
                [
                    d.code,
                    c.code,
                    c.title,
                    c.guidance,
                    _plain(c.max_score),
                    ANSWER_KIND_WORDS.get(c.answer_kind, c.answer_kind),
                    _kinds_text(c.applies_to),
                    YES if c.evidence_required else NO,
                    "\n".join(f"{f['key']}: {f['label']}" for f in c.figures),
                    "\n".join(c.figure_rules),
                ],
            )
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=2):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
