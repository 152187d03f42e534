"""Checklist templates in and out of files: YAML (the shape of data/checklist_cchc.yaml) and XLSX.

Import reads the whole file, checks every row and reports every problem with where it is (a
sheet row, or a domain / criterion code); only a file without a single error is saved, in one
transaction. XLSX has three sheets: "template" (key / value rows), "domains" (code, title,
max_score) and "criteria" (domain, code, title, guidance, max_score, answer_kind, applies_to,
evidence_required, figures, figure_rules); lists are one item per line.
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


def _sheet_rows(sheet) -> list[tuple[int, dict]]:
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    result = []
    for number, row in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        result.append((number, {h: v for h, v in zip(header, row, strict=False) if h}))
    return result


def _read_xlsx(content: bytes) -> tuple[dict, list[dict]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ChecklistImportError([_("The file is not a readable XLSX workbook.")]) from exc
    names = {name.lower(): name for name in book.sheetnames}
    missing = [n for n in ("template", "domains", "criteria") if n not in names]
    if missing:
        raise ChecklistImportError(
            [
                _("The workbook needs the sheets “template”, “domains” and “criteria” (missing: %(names)s).")
                % {"names": ", ".join(missing)}
            ]
        )
    template: dict = {"_where": _("Sheet “template”")}
    for row in book[names["template"]].iter_rows(values_only=True):
        if row and row[0] is not None and str(row[0]).strip():
            template[str(row[0]).strip().lower()] = row[1] if len(row) > 1 else None
    template.pop("key", None)
    domains, by_code = [], {}
    for number, row in _sheet_rows(book[names["domains"]]):
        domain = {**row, "criteria": [], "_where": _("Sheet “domains”, row %(n)s") % {"n": number}}
        domains.append(domain)
        by_code.setdefault(_text(row.get("code")), domain)
    orphans = []
    for number, row in _sheet_rows(book[names["criteria"]]):
        where = _("Sheet “criteria”, row %(n)s") % {"n": number}
        row = {
            **row,
            "applies_to": [k for k in re.split(r"[\s,;]+", str(row.get("applies_to") or "")) if k],
            "figures": _split_lines(row.get("figures")),
            "figure_rules": _split_lines(row.get("figure_rules")),
            "_where": where,
        }
        domain = by_code.get(_text(row.get("domain")))
        if domain is None:
            orphans.append(
                _("%(where)s: domain “%(code)s” is not in the “domains” sheet.")
                % {"where": where, "code": row.get("domain") or ""}
            )
        else:
            domain["criteria"].append(row)
    if orphans:
        raise ChecklistImportError(orphans)
    return template, domains


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

    def required(self, row: dict, name: str, max_length: int) -> str:
        value = _text(row.get(name))
        if not value:
            self.error(row["_where"], _("“%(field)s” is required.") % {"field": name})
        elif len(value) > max_length:
            self.error(
                row["_where"],
                _("“%(field)s” is longer than %(n)s characters.") % {"field": name, "n": max_length},
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
                _("“%(field)s” must be a number, not “%(value)s”.") % {"field": name, "value": value},
            )
            return default
        if number < 0 or number >= 10000 or number != number.quantize(Decimal("0.01")):
            self.error(
                row["_where"],
                _("“%(field)s” must be between 0 and 9999.99 with at most two decimals.") % {"field": name},
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
                _("“%(field)s” must be yes or no, not “%(value)s”.") % {"field": name, "value": value},
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
        kind = _text(row.get("answer_kind")) or AnswerKind.SCORE
        if kind not in AnswerKind.values:
            self.error(
                where,
                _("answer kind “%(kind)s” is not one of %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(AnswerKind.values)},
            )
        applies_to = row.get("applies_to") or []
        if not isinstance(applies_to, list):
            applies_to = [k for k in re.split(r"[\s,;]+", str(applies_to)) if k]
        applies_to = [_text(k) for k in applies_to]
        for unit_kind in applies_to:
            if unit_kind not in UnitKind.values:
                self.error(
                    where,
                    _("unit kind “%(kind)s” is not one of %(kinds)s.")
                    % {"kind": unit_kind, "kinds": ", ".join(UnitKind.values)},
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


def checklist_export_yaml(*, template: ChecklistTemplate) -> str:
    """The template as YAML in the import format (re-importing it gives the same checklist)."""
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
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


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


def checklist_export_xlsx(*, template: ChecklistTemplate) -> bytes:
    """The template as an XLSX workbook in the import format (three sheets)."""
    spec = template_spec(template)
    book = Workbook()
    sheet = book.active
    sheet.title = "template"
    append_row(sheet, ["key", "value"])
    for key in ("code", "title", "version", "scale_total", "scoring_note", "evidence_note"):
        value = getattr(spec, key)
        append_row(sheet, [key, _plain(value) if isinstance(value, Decimal) else value])
    domains = book.create_sheet("domains")
    append_row(domains, ["code", "title", "max_score"])
    criteria = book.create_sheet("criteria")
    append_row(criteria, CRITERION_COLUMNS)
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
                    c.answer_kind,
                    ", ".join(c.applies_to),
                    "yes" if c.evidence_required else "no",
                    "\n".join(f"{f['key']}: {f['label']}" for f in c.figures),
                    "\n".join(c.figure_rules),
                ],
            )
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in ws.columns:
            width = min(max(len(str(c.value or "")) for c in column) + 2, 60)
            ws.column_dimensions[column[0].column_letter].width = width
            for c in column[1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
