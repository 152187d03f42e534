"""The criteria of the appraisal page, drawn in Python.

Each of some 45 criteria shows its self-score and evidence, what the last inspection says about
it (its score, the open limitations) and the appraisal's fields: through the template engine
(templates/reform_index/_appraisal_row.html, kept as the reference of this markup, tests hold the
two equal) that was most of the page. The same markup here: every value escaped, numbers
localized as the template shows them, the labels translated once per page.
"""

from decimal import ROUND_HALF_UP, Decimal
from html import escape as _html_escape

from django.urls import reverse
from django.utils.formats import localize, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .evidence_html import _PLACEHOLDER, evidence_html

_CENT = Decimal("0.01")


def escape(value) -> str:
    """django.utils.html.escape's text (``html.escape(str(value))``) without its lazy-argument
    wrapper and SafeString: called for every value of the page's criteria."""
    return _html_escape(str(value))


def _numbers():
    """``localize`` once a page per number: a card's 45 criteria repeat a few scores and maxima
    ("2,00", "1,50"), each through Django's number formatting otherwise. Keyed by the value's type
    and text: Decimal("2") and Decimal("2.00") are equal but shown "2" and "2,00"."""
    drawn: dict = {}

    def localized(value) -> str:
        key = (type(value), str(value))
        text = drawn.get(key)
        if text is None:
            text = drawn[key] = localize(value)
        return text

    return localized


def _page_texts() -> dict:
    """The labels and link stems of the page's criteria: translated and reversed once a page."""
    t = {
        "self": escape(_("Self-score")),
        "show": escape(_("What the inspections show")),
        "last": escape(_("Last inspection's score")),
        "no_score": escape(_("No inspection score for this criterion.")),
        "open": escape(_("Open limitations")),
        "no_open": escape(_("No open limitation.")),
        "appraised": escape(_("Appraised score")),
        "reason": escape(_("Reason")),
        "max": _("max %(max)s"),
    }
    # The links' URLs reversed once a page, not once a criterion (Answer.get_absolute_url and
    # Finding.get_absolute_url give the same text): the id put in place of a placeholder.
    t["checklist"] = escape(reverse("inspections:checklist", args=[_PLACEHOLDER])).split(_PLACEHOLDER)
    t["finding_url"] = escape(reverse("findings:finding_detail", args=[_PLACEHOLDER])).split(_PLACEHOLDER)
    return t


def _total(value) -> str:
    """As ``{{ value|floatformat:"2" }}``: rounded half up to the cent, localized ("12,50")."""
    return number_format(Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP), 2)


def appraisal_blocks_html(blocks, editable: bool) -> SafeString:
    """Every domain of the page: its heading (name, self-scored -> final / maximum points) and its
    criteria, as templates/reform_index/_appraisal_blocks.html draws them (the reference)."""
    t = _page_texts()
    out = []
    for block in blocks:
        out.append(
            f'<h2 class="h5 mt-3">{escape(block.domain)} · {_total(block.self_total)} → '
            f"{_total(block.final_total)} / {_total(block.max_total)}</h2>\n"
            f"{_rows_html(block.rows, editable, t)}"
        )
    return mark_safe("\n".join(out))  # noqa: S308  every value escaped


def appraisal_rows_html(rows, editable: bool) -> SafeString:
    return mark_safe(_rows_html(rows, editable, _page_texts()))  # noqa: S308  every value escaped


def _rows_html(rows, editable: bool, t: dict) -> str:
    checklist, finding_url, max_text = t["checklist"], t["finding_url"], t["max"]
    localized = _numbers()

    def number(value) -> str:  # as {{ value|default_if_none:"–" }}
        return "–" if value is None else escape(localized(value))

    out = []
    for row in rows:
        criterion = row.criterion
        facts = row.facts
        answer = facts.answer
        if answer:
            href = f"{checklist[0]}{int(answer.visit_id)}{checklist[1]}#criterion-{int(answer.criterion_id)}"
            last = (
                f'<div class="last-score">{t["last"]}: <a href="{href}">'
                f"<strong>{number(answer.score)}</strong> · {escape(answer.get_result_display())}</a></div>"
            )
        else:
            last = f'<div class="text-muted">{t["no_score"]}</div>'
        if facts.limitations:
            items = "".join(
                f'<li><a href="{finding_url[0]}{int(f.pk)}{finding_url[1]}">'
                f"{escape(Truncator(f.text).chars(120))}</a></li>"
                for f in facts.limitations
            )
            limitations = f'<div>{t["open"]}:</div>\n<ul class="mb-0 open-limitations">{items}</ul>'
        else:
            limitations = f'<div class="text-muted">{t["no_open"]}</div>'
        bound = row.bound
        if editable:
            fields = f"{bound['appraised'].block()}\n{bound['reason'].block()}"
        else:
            fields = (
                f'<div class="small">{t["appraised"]}: <strong>{number(row.appraised_score)}</strong></div>'
            )
            if row.appraisal_reason:
                fields += f'\n<div class="small">{t["reason"]}: {escape(row.appraisal_reason)}</div>'
        adjusted = " ri-adjusted" if row.is_adjusted else ""
        maximum = escape(max_text % {"max": localized(criterion.max_score)})
        out.append(
            f'<fieldset class="ri-criterion{adjusted}" id="criterion-{escape(criterion.code)}">\n'
            f'<legend class="fs-6 fw-semibold">{escape(str(criterion))} '
            f'<span class="text-muted fw-normal">({maximum})</span></legend>\n'
            f'<div class="row g-2">\n<div class="col-lg-4">\n'
            f'<div class="small">{t["self"]}: <strong class="self-score">{number(row.self_score)}</strong></div>\n'
            f"{evidence_html(row)}\n</div>\n"
            f'<div class="col-lg-4 small facts">\n<div class="fw-semibold">{t["show"]}</div>\n'
            f"{last}\n{limitations}\n</div>\n"
            f'<div class="col-lg-4">\n{bound["version"]}\n{fields}\n</div>\n</div>\n</fieldset>'
        )
    return "\n".join(out)  # every value escaped above
