"""The HTML of a checklist row, the team's and the unit's alike, written in Python on purpose.

A checklist page repeats its row a hundred times or more (the CCHC checklist of a commune has 54
criteria, provincial ones reach 120), and the budget of the issue holds the 120-criteria page to
1.5 x a plain 100-row table. Rendered by the template engine, a row costs about sixty variable
lookups; the page then took eight times the plain table (measured with `manage.py bench`). Built
here with precomputed ids, links, numbers and words, a row costs a few string joins.

One function draws a row for both pages: ``kind`` "team" (the inspection team's checklist) or
"self" (the unit's self-assessment) only chooses the fields, the save URL and the words of the
status. The pages and the fragments an autosave answers with (_answer_row.html) call these
through the tags of templatetags/checklist_tags.py. The class names and attributes the script
relies on come from names.N. Every value that comes from people or data passes through ``escape``.
"""

from functools import lru_cache
from html import escape as _html_escape

from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import AnswerKind, AnswerResult
from .formats import format_count, format_percent, format_score
from .names import N

RESULT_COLORS = {"met": "success", "partly": "warning", "not_met": "danger", "not_applicable": "secondary"}
FILE_ACCEPT = "image/*,application/pdf,.pdf,.docx,.xlsx"


def row_labels() -> dict:
    """The words of a row, translated and escaped (once per language: the page repeats them)."""
    return _labels(get_language())


@lru_cache(maxsize=8)
def _labels(language: str) -> dict:
    words = {
        "max": _("max"),
        "what_to_check": _("What to check"),
        "score": _("Score"),
        "quick_scores": _("Quick scores"),
        "not_applicable": _("Not applicable"),
        "answer": _("Answer"),
        "result": _("Result"),
        "note": _("Note"),
        "take_photo": _("Take a photo"),
        "attach_files": _("Attach files"),
        "saved": _("Saved"),
        "not_answered": _("Not answered yet"),
        "self_assessment": _("Unit's self-assessment:"),
        "differs": _("differs from the team's score"),
        "photo": _("photo"),
        "remove": _("Remove"),
        "remove_confirm": _("Remove this file from the evidence?"),
        "no_evidence": _("No evidence attached."),
        "evidence_required": _("evidence required"),
        "not_saved": _("Not saved:"),
        "their_answer": _("Their answer:"),
        "yours_in_form": _("Your answer is still in the form above."),
        "keep_theirs": _("Keep theirs"),
        "overwrite": _("Overwrite with mine"),
        "what_team_checks": _("What the team will check"),
        "our_score": _("Our score"),
        "our_score_is": _("Our score:"),
        "explanation": _("Explanation (what was done, which documents show it)"),
        "not_assessed": _("Not assessed yet"),
        "points_of": _("%(score)s of %(max)s points"),
        "points": _("%(points)s / %(max)s points"),
        "domain_answered": _("%(answered)s/%(applicable)s answered"),
        "answered": _("%(answered)s / %(applicable)s answered"),
    }
    labels = {key: escape(value) for key, value in words.items()}
    labels["results"] = [
        (value, escape(label), RESULT_COLORS[value]) for value, label in AnswerResult.choices if value
    ]
    labels["result_names"] = {value: escape(label) for value, label in AnswerResult.choices}
    return labels


def escape(value) -> str:
    """HTML-escape ``value`` (quotes too), like django.utils.html.escape without its lazy-string
    wrapper, which costs more than the escaping on a page of a hundred rows."""
    return _html_escape(str(value))


def _checked(condition: bool) -> str:
    return " checked" if condition else ""


def _figures(row) -> str:
    cells = "".join(
        f'<div class="col-12 col-sm-4"><label class="form-label small mb-0 d-block">{escape(f["label"])}'
        f'<input class="form-control mt-1" type="text" inputmode="numeric" autocomplete="off" '
        f'name="figure-{escape(f["key"])}" value="{f["value"]}"></label></div>'
        for f in row.figure_fields
    )
    return f'<div class="row g-2 mb-2">{cells}</div>'


def _score(row, labels, *, name: str, value: str, na: bool | None) -> str:
    """A score field with its one-tap scores; ``na`` (None: none) the not-applicable toggle."""
    field_attr = f' {N.score_field}="{name}"' if name != "score" else ""
    quick = "".join(
        f'<button type="button" class="btn btn-outline-secondary" {N.score}="{v}"{field_attr}>{label}</button>'
        for v, label in row.quick_scores
    )
    toggle = (
        ""
        if na is None
        else f'<label class="btn btn-outline-secondary toggle-btn"><input class="visually-hidden na-toggle" '
        f'type="checkbox" name="not_applicable" value="on" autocomplete="off"{_checked(na)}>'
        f"{labels['not_applicable']}</label>"
    )
    word = labels["score"] if name == "score" else labels["our_score"]
    return (
        '<div class="d-flex flex-wrap align-items-center gap-2 mb-2">'
        f'<label class="score-label small">{word} <span class="input-group score-group">'
        f'<input class="form-control score-input" type="text" inputmode="decimal" autocomplete="off" '
        f'name="{name}" value="{value}"><span class="input-group-text">/ {row.max_label}</span></span></label>'
        f'<span class="btn-group {N.quick}" role="group" aria-label="{labels["quick_scores"]}">{quick}</span>'
        f"{toggle}</div>"
    )


def _choices(row, labels) -> str:
    result = row.answer.result
    text = ""
    if row.criterion.answer_kind == AnswerKind.TEXT:
        text = (
            f'<label class="form-label small mb-2 d-block">{labels["answer"]}<textarea class="form-control mt-1" '
            f'name="text" rows="3">{escape(row.answer.text)}</textarea></label>'
        )
    choices = "".join(
        f'<label class="btn btn-outline-{color} toggle-btn"><input class="visually-hidden" type="radio" '
        f'name="result" value="{value}" autocomplete="off"{_checked(result == value)}>{label}</label>'
        for value, label, color in labels["results"]
    )
    return f'{text}<div class="result-choices mb-2" role="radiogroup" aria-label="{labels["result"]}">{choices}</div>'


def self_compare_html(row, labels) -> str:
    """The unit's self-assessment beside the team's answer, highlighted when far from it."""
    answer = row.answer
    if answer.self_score is None and not answer.self_note:
        return ""
    differs = row.self_differs
    parts = [f'<div class="self-assessment mt-1{" differs" if differs else ""}">']
    parts.append(f'<span class="text-muted">{labels["self_assessment"]}</span> ')
    if answer.self_score is not None:
        parts.append(f"<strong>{row.self_score_label}</strong> / {row.max_label}")
    if differs:
        parts.append(f' <span class="badge text-bg-warning">{labels["differs"]}</span>')
    if answer.self_note:
        parts.append(f'<span class="d-block criterion-guidance">{escape(answer.self_note)}</span>')
    parts.append("</div>")
    return "".join(parts)


def rates_html(row) -> str:
    """The rates of a figures answer (on time / received: “93,4 %”)."""
    rates = row.rates
    if not rates:
        return ""
    items = "".join(
        f'<span class="rate me-3 text-nowrap">{escape(rate.label)}: <strong>{format_percent(rate.percent)}</strong></span>'
        for rate in rates
    )
    return f'<div class="figure-rates mt-1">{items}</div>'


def value_html(answer, criterion, labels) -> SafeString:
    """An answer in words (read-only pages, and the other person's answer in a conflict)."""
    parts = ['<dl class="answer-value small mb-1"><dd class="mb-1">']
    parts.append(
        f'<span class="badge result-{answer.result or "none"}">{labels["result_names"][answer.result]}</span>'
    )
    if answer.score is not None:
        points = labels["points_of"] % {
            "score": format_score(answer.score),
            "max": format_score(criterion.max_score),
        }
        parts.append(f" {points}")
    parts.append("</dd>")
    for figure in criterion.figures:
        value = (answer.figures or {}).get(figure["key"])
        if value is not None:
            parts.append(
                f'<dd class="mb-0">{escape(figure["label"])}: <strong>{format_count(value)}</strong></dd>'
            )
    if answer.text:
        parts.append(f'<dd class="mb-1 criterion-guidance">{escape(answer.text)}</dd>')
    if answer.note:
        parts.append(f'<dd class="mb-0 criterion-guidance">{labels["note"]}: {escape(answer.note)}</dd>')
    parts.append("</dl>")
    return SafeString("".join(parts))  # every value above is escaped


def _conflict(row, theirs, labels) -> str:
    other = theirs.answer
    message = _(
        "%(name)s saved this answer at %(time)s, after you started changing it. Nothing was overwritten."
    ) % {
        "name": other.updated_by or "?",
        "time": localtime(other.updated_at).strftime("%H:%M") if other.updated_at else "",
    }
    return (
        '<div class="alert alert-warning p-2 mb-0 mt-1 answer-conflict">'
        f'<p class="mb-1 fw-semibold">{escape(message)}</p><p class="mb-1">{labels["their_answer"]}</p>'
        f"{value_html(other, theirs.criterion, labels)}"
        f'<p class="mb-2">{labels["yours_in_form"]}</p>'
        '<div class="d-flex flex-wrap gap-2">'
        f'<button type="button" class="btn btn-sm btn-outline-secondary" hx-get="{row.row_url}" '
        f'hx-target="closest article" hx-swap="outerHTML">{labels["keep_theirs"]}</button>'
        f'<button type="button" class="btn btn-sm btn-warning" {N.overwrite}="{other.version}">'
        f"{labels['overwrite']}</button></div></div>"
    )


def _errors(form, labels) -> str:
    errors = "".join(f"<li>{escape(e)}</li>" for field in form for e in field.errors)
    errors += "".join(f"<li>{escape(e)}</li>" for e in form.non_field_errors())
    return (
        f'<span class="text-danger fw-semibold">{labels["not_saved"]}</span>'
        f'<ul class="text-danger mb-0 ps-3">{errors}</ul>'
    )


def status_html(
    row, labels, *, state: str = "idle", form=None, theirs=None, kind: str = "team"
) -> SafeString:
    """The row's autosave state, with (for the team) the version its next save starts from.

    ``state``: idle (as loaded), saved, invalid (``form``'s errors) or conflict (``theirs``, the
    row as the other person saved it; team only). static/js/checklist/ adds the states of the
    browser (saving, waiting for the connection...) by setting the state and the note.
    """
    answer = row.answer
    if kind == "self":
        answered = "1" if answer.self_score is not None else "0"
        version = ""
        extra = ""
        if state == "invalid":
            settled = _errors(form, labels)
        elif answer.self_updated_at:
            settled = (
                f'<span class="text-success">✓ {labels["saved"]}</span> '
                f'<span class="text-muted">{localtime(answer.self_updated_at).strftime("%H:%M")}</span>'
            )
        else:
            settled = f'<span class="text-muted">{labels["not_assessed"]}</span>'
    else:
        answered = "1" if answer.result else "0"
        version = f'<input type="hidden" name="version" value="{answer.version}">'
        extra = f"{rates_html(row)}{self_compare_html(row, labels)}"
        if state == "invalid":
            settled = _errors(form, labels)
        elif state == "conflict":
            settled = _conflict(row, theirs, labels)
        elif answer.updated_at:
            settled = (
                f'<span class="text-success">✓ {labels["saved"]}</span> <span class="text-muted">'
                f"{localtime(answer.updated_at).strftime('%H:%M')} · {escape(answer.updated_by or '')}</span>"
            )
            if not row.is_scored and answer.score is not None:
                settled += f" · {row.score_label} / {row.max_label}"
        else:
            settled = f'<span class="text-muted">{labels["not_answered"]}</span>'
    # Every value is escaped or built from numbers.
    return SafeString(
        f'<div class="{N.status} small" {N.state}="{state}" {N.answered}="{answered}">{version}'
        f'<span class="status-line" role="status" aria-live="polite"><span class="{N.note}"></span>'
        f'<span class="{N.settled}">{settled}</span></span>{extra}</div>'
    )


def evidence_html(row, labels, *, can_answer: bool, errors=()) -> SafeString:
    """The row's evidence files, with a remove button for the team, and an upload's refusals."""
    parts = ['<div class="evidence mb-1">']
    if errors:
        items = "".join(f"<div>{escape(e)}</div>" for e in errors)
        parts.append(f'<div class="alert alert-danger py-1 px-2 small mb-2" role="alert">{items}</div>')
    if row.evidence:
        parts.append('<ul class="list-unstyled small mb-2 evidence-list">')
        for file in row.evidence:
            kind = (
                labels["photo"]
                if file.is_image
                else "PDF"
                if file.content_type == "application/pdf"
                else "DOCX"
                if "word" in file.content_type
                else "XLSX"
            )
            parts.append(
                '<li class="d-flex align-items-center gap-2 py-1">'
                f'<span class="evidence-kind badge text-bg-light border">{kind}</span>'
                f'<a class="text-break" href="{file.download_url}" target="_blank" rel="noopener">'
                f"{escape(file.original_name)}</a>"
                f'<span class="text-muted text-nowrap">{escape(filesizeformat(file.size))}</span>'
            )
            if can_answer:
                parts.append(
                    f'<button type="button" class="btn btn-link btn-sm text-danger p-0 ms-auto" '
                    f'hx-post="{file.remove_url}" hx-target="closest .evidence" hx-swap="outerHTML" '
                    f'hx-confirm="{labels["remove_confirm"]}">{labels["remove"]}</button>'
                )
            parts.append("</li>")
        parts.append("</ul>")
    elif not can_answer:
        parts.append(f'<p class="small text-muted mb-0">{labels["no_evidence"]}</p>')
    parts.append("</div>")
    return SafeString("".join(parts))  # every value is escaped or built from numbers


def _head(criterion, labels, max_label: str, kind: str) -> str:
    """A criterion's code, title, maximum and guidance. A published checklist's criteria are kept
    per process (selectors.checklist_structure) and never change, so the HTML is kept on them,
    per language and kind of row (the words in ``labels``)."""
    guidance = labels["what_to_check"] if kind == "team" else labels["what_team_checks"]
    words = labels["max"] + guidance + labels["evidence_required"]
    cache = criterion.__dict__.setdefault("_checklist_heads", {})
    if (head := cache.get(words)) is None:
        head = (
            '<header class="d-flex gap-2 align-items-baseline mb-1">'
            f'<span class="criterion-code fw-semibold">{escape(criterion.code)}</span>'
            f'<h3 class="h6 mb-0 flex-grow-1" id="criterion-title-{criterion.pk}">{escape(criterion.title)}</h3>'
            f'<span class="text-nowrap small text-muted">{labels["max"]} {max_label}</span></header>'
        )
        if criterion.evidence_required and kind == "team":
            head += f'<span class="badge text-bg-warning mb-1">{labels["evidence_required"]}</span>'

        if criterion.guidance:
            head += (
                f'<details class="small text-muted mb-2 criterion-details"><summary>{guidance}'
                f'</summary><p class="mb-0 criterion-guidance">{escape(criterion.guidance)}</p></details>'
            )
        cache[words] = head
    return head


def _form(url: str, cid: str) -> str:
    """An answer's autosave form, the team's or the unit's. autocomplete="off": after a reload the
    browser must not put back what was typed (a refused figure, say); the form shows the stored
    answer, or what still waits on this device (put back by the script)."""
    return (
        f'<form class="{N.form}" hx-post="{url}" hx-trigger="change, {N.autosave_event}, submit" '
        f'hx-target="find .{N.status}" hx-swap="outerHTML" hx-sync="this:queue last" '
        f'hx-request=\'{{"timeout": 20000}}\' {N.autosave} {N.criterion}="{cid}" autocomplete="off">'
    )


def _team_controls(row, labels) -> list[str]:
    criterion = row.criterion
    parts = [_form(row.save_url, row.id)]
    if criterion.answer_kind == AnswerKind.FIGURES:
        parts.append(_figures(row))
    if row.is_scored:
        na = row.answer.result == AnswerResult.NOT_APPLICABLE
        parts.append(_score(row, labels, name="score", value=row.score_input, na=na))
    else:
        parts.append(_choices(row, labels))
    parts.append(status_html(row, labels))
    parts.append(
        f'<label class="form-label small mb-1 d-block">{labels["note"]}<textarea class="form-control '
        f'form-control-sm mt-1" name="note" rows="2">{escape(row.answer.note)}</textarea></label></form>'
    )
    parts.append(evidence_html(row, labels, can_answer=True))
    parts.append(
        f'<form class="evidence-form d-flex flex-wrap align-items-center gap-2" hx-post="{row.upload_url}" '
        'hx-encoding="multipart/form-data" hx-trigger="change" hx-target="previous .evidence" '
        f'hx-swap="outerHTML" {N.evidence}>'
        f'<label class="btn btn-outline-primary btn-sm">{labels["take_photo"]}<input class="visually-hidden" '
        'type="file" name="files" accept="image/*" capture="environment"></label>'
        f'<label class="btn btn-outline-primary btn-sm">{labels["attach_files"]}<input class="visually-hidden" '
        f'type="file" name="files" multiple accept="{FILE_ACCEPT}"></label>'
        "</form>"
    )
    return parts


def _team_reading(row, labels) -> list[str]:
    parts = [value_html(row.answer, row.criterion, labels)]
    if row.answer.updated_at:
        when = date_format(localtime(row.answer.updated_at), "SHORT_DATETIME_FORMAT")
        parts.append(
            f'<p class="small text-muted mb-1">{labels["saved"]} {escape(when)} · '
            f"{escape(row.answer.updated_by or '')}</p>"
        )
    parts.append(self_compare_html(row, labels))
    parts.append(evidence_html(row, labels, can_answer=False))
    return parts


def _self_controls(row, labels) -> list[str]:
    return [
        _form(row.self_save_url, row.id),
        _score(row, labels, name="self_score", value=row.self_score_input, na=None),
        f'<label class="form-label small mb-1 d-block">{labels["explanation"]}<textarea class="form-control '
        f'form-control-sm mt-1" name="self_note" rows="2">{escape(row.answer.self_note)}</textarea></label>',
        status_html(row, labels, kind="self"),
        "</form>",
    ]


def _self_reading(row, labels) -> list[str]:
    score = row.self_score_label if row.answer.self_score is not None else "—"
    parts = [f'<p class="small mb-0">{labels["our_score_is"]} <strong>{score}</strong> / {row.max_label}</p>']
    if row.answer.self_note:
        parts.append(f'<p class="small mb-0 criterion-guidance">{escape(row.answer.self_note)}</p>')
    return parts


def row_html(row, labels, *, can_answer: bool, kind: str = "team") -> SafeString:
    """One criterion of a checklist: its text, then the answer controls of ``kind`` ("team": the
    answer for its kind of criterion, "self": the unit's score and explanation) or, for those who
    only read, the answer in words; its status; the team's evidence."""
    cid = row.id
    parts = [
        f'<article class="card criterion mb-3" id="criterion-{cid}" {N.criterion}="{cid}" '
        f'aria-labelledby="criterion-title-{cid}"><div class="card-body p-2 p-sm-3">',
        _head(row.criterion, labels, row.max_label, kind),
    ]
    if kind == "self":
        parts.extend(_self_controls(row, labels) if can_answer else _self_reading(row, labels))
    else:
        parts.extend(_team_controls(row, labels) if can_answer else _team_reading(row, labels))
    parts.append("</div></article>")
    return SafeString("".join(parts))  # every value is escaped or built from numbers
