"""The review page's finding cards, each with its decision form, drawn in Python.

The page shows one card and one form per finding (30 on a long notice). Drawn by Django's widget
templates, those 30 forms (hidden version, three radios, three text areas, their labels and
errors) cost four times the rest of the page, and the cards' template as much again as a plain
100-row table (issue 17). This writes the same markup as strings, escaping every value: a fresh
form from the finding itself (no Form object per finding), or the posted ReviewForm when its
decision was refused, so that what the head typed and the messages next to each field come back
as before (the field's aria-describedby names its first message).
"""

import html
from collections.abc import Callable
from functools import lru_cache

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .forms import ReviewForm
from .models import Finding, FindingReview, ReviewDecision
from .templatetags.findings_tags import badge

FIELDS = ReviewForm.base_fields
# The choices a card shows by their label: get_<field>_display builds its dict at every call.
DISPLAYED = {
    "kind": Finding._meta.get_field("kind"),
    "review_state": Finding._meta.get_field("review_state"),
    "severity": Finding._meta.get_field("severity"),
    "cause": Finding._meta.get_field("cause"),
    "decision": FindingReview._meta.get_field("decision"),
}


def escape(value) -> str:
    """django.utils.html.escape's text (html.escape of str()), without its lazy-string wrapper:
    a card escapes some twenty values."""
    return html.escape(str(value))


@lru_cache(maxsize=8)
def _labels(language: str) -> dict:
    """The escaped labels and choices in ``language`` (the same for every finding of the page)."""
    return {
        **{name: escape(field.label) for name, field in FIELDS.items() if field.label},
        "choices": [(escape(value), escape(label)) for value, label in ReviewDecision.choices],
        "reword": escape(_("Reword before approving")),
        "cause": escape(_("Cause")),
        "recommendation_heading": escape(_("Recommendation:")),
        "record": escape(_("Record the decision")),
        # Each shown choice's escaped label by its value, as get_<field>_display gives it.
        **{
            f"{name}:": {value: escape(label) for value, label in field.flatchoices}
            for name, field in DISPLAYED.items()
        },
    }


def _display(labels: dict, name: str, value) -> str:
    """get_<name>_display() of ``value``, escaped (the value itself when it is not a choice)."""
    shown = labels[f"{name}:"].get(value)
    return escape(value) if shown is None else shown


def review_url() -> Callable[[int], str]:
    """The URL of a finding's decision by its id, from one reverse() (a page draws 30)."""
    sentinel = 987654321
    before, after = reverse("findings:finding_review", args=[sentinel]).split(str(sentinel))
    return lambda pk: f"{before}{int(pk)}{after}"


def _errors(field_id: str, errors) -> str:
    return "".join(
        f'<div class="invalid-feedback d-block"{f' id="{field_id}_error"' if n == 0 else ""}>{escape(error)}</div>'
        for n, error in enumerate(errors)
    )


def _invalid(field_id: str, errors) -> str:
    return f' aria-invalid="true" aria-describedby="{field_id}_error"' if errors else ""


def _textarea(labels, prefix: str, name: str, value, errors, label_class: str) -> str:
    field_id = f"id_{prefix}-{name}"
    rows = FIELDS[name].widget.attrs.get("rows", 10)
    return (
        f'<label class="{label_class}" for="{field_id}">{labels[name]}</label>'
        f'<textarea name="{prefix}-{name}" cols="40" rows="{rows}" class="form-control"'
        f'{_invalid(field_id, errors)} id="{field_id}">\n{escape(value or "")}</textarea>'
        f"{_errors(field_id, errors)}"
    )


def _decision(labels, prefix: str, value, errors) -> str:
    field_id = f"id_{prefix}-decision"
    invalid = _invalid(field_id, errors)
    radios = "".join(
        f'<div class="form-check form-check-inline"><input type="radio" name="{prefix}-decision"'
        f' value="{choice}" class="form-check-input" id="{field_id}_{n}" required{invalid}'
        f"{' checked' if value == choice else ''}>"
        f'<label class="form-check-label" for="{field_id}_{n}">{label}</label></div>'
        for n, (choice, label) in enumerate(labels["choices"])
    )
    return (
        f'<fieldset class="mb-2"><legend class="form-label fs-6 mb-1">{labels["decision"]}</legend>\n'
        f"        {radios}{_errors(field_id, errors)}\n      </fieldset>"
    )


def review_form_html(finding: Finding, form: ReviewForm | None = None) -> SafeString:
    """The fields of ``finding``'s decision form (the <form> tag and its button are the template's):
    a fresh one from the finding, or ``form`` as posted with its errors."""
    labels = _labels(get_language())
    prefix = f"f{int(finding.pk)}"
    if form is None:
        values = {"version": finding.version, "decision": "", "comment": ""}
        values.update(text=finding.text, recommendation=finding.recommendation)
        errors, non_field = {}, []
    else:
        values = {name: form[name].value() for name in FIELDS}
        errors, non_field = form.errors, form.non_field_errors()
    version = values["version"]
    text_errors, recommendation_errors = errors.get("text", ()), errors.get("recommendation", ())
    reword = _textarea(labels, prefix, "text", values["text"], text_errors, "form-label small mt-2")
    if finding.is_limitation:
        reword += "\n        " + _textarea(
            labels,
            prefix,
            "recommendation",
            values["recommendation"],
            recommendation_errors,
            "form-label small mt-2",
        )
    parts = [
        f'<div class="alert alert-danger py-1">{"".join(f"{escape(e)} " for e in non_field)}</div>'
        if non_field
        else "",
        f'<input type="hidden" name="{prefix}-version"'
        f'{f' value="{escape(version)}"' if version not in (None, "") else ""} id="id_{prefix}-version">',
        _decision(labels, prefix, values["decision"], errors.get("decision", ())),
        f'<details class="mb-2"{" open" if text_errors or recommendation_errors else ""}>'
        f'<summary class="small">{labels["reword"]}</summary>\n        {reword}\n      </details>',
        _textarea(
            labels, prefix, "comment", values["comment"], errors.get("comment", ()), "form-label small"
        ),
    ]
    return mark_safe("\n      ".join(parts))  # noqa: S308 - every value above is escaped


def _badge(classes: str, escaped: str) -> str:
    return f'<span class="badge {classes}">{escaped}</span>'


def _history(labels: dict, finding: Finding) -> str:
    reviews = finding.review_list if hasattr(finding, "review_list") else list(finding.reviews.all())
    if not reviews:
        return ""
    lines = "".join(
        f"<li>{date_format(localtime(review.at), 'H:i d/m/Y')} · {escape(review.actor)} · "
        f"{_display(labels, 'decision', review.decision)}{f': {escape(review.comment)}' if review.comment else ''}</li>"
        for review in reviews
    )
    return f'\n    <ul class="list-unstyled small text-muted mb-2">\n      {lines}\n    </ul>'


def review_card_html(
    finding: Finding,
    form: ReviewForm | None = None,
    *,
    reviewing: bool,
    csrf_token: str,
    url: Callable[[int], str] | None = None,
) -> SafeString:
    """``finding``'s card: its badges, wording, review history and, while the visit waits for the
    review, its decision form (``form`` as posted when the decision was refused). ``url``, from
    review_url(), spares a page of cards a reverse() each."""
    labels = _labels(get_language())
    pk = int(finding.pk)
    badges = [_badge("text-bg-light border", _display(labels, "kind", finding.kind))]
    if place := finding.place_label:
        badges.append(_badge("text-bg-light border", escape(place)))
    badges.append(_badge(badge(finding.review_state), _display(labels, "review_state", finding.review_state)))
    if finding.severity:
        badges.append(_badge(badge(finding.severity), _display(labels, "severity", finding.severity)))
    if finding.cause:
        badges.append(
            f'<span class="badge text-bg-light border">{labels["cause"]}: {_display(labels, "cause", finding.cause)}</span>'
        )
    recommendation = (
        f'\n    <p class="mb-1 text-prewrap"><strong>{labels["recommendation_heading"]}</strong>'
        f" {escape(finding.recommendation)}</p>"
        if finding.recommendation
        else ""
    )
    decision = ""
    if reviewing:
        action = url(pk) if url is not None else reverse("findings:finding_review", args=[pk])
        decision = (
            f'\n    <form method="post" action="{action}" novalidate hx-post="{action}"'
            f' hx-target="#finding-{pk}" hx-swap="outerHTML">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">\n      '
            f"{review_form_html(finding, form)}\n      "
            f'<button class="btn btn-primary btn-sm mt-2" type="submit">{labels["record"]}</button>\n    </form>'
        )
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<article class="card mb-3 review-finding" id="finding-{pk}">\n  <div class="card-body">\n'
        f'    <div class="d-flex flex-wrap gap-1 align-items-center small mb-1">\n      '
        f"{'\n      '.join(badges)}\n    </div>\n"
        f'    <p class="mb-1 text-prewrap">{escape(finding.text)}</p>{recommendation}{_history(labels, finding)}{decision}\n'
        "  </div>\n</article>"
    )
