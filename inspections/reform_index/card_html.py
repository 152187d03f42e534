"""The criteria of a scorecard's page, drawn in Python (templates/reform_index/_card_row.html is
the reference markup, tests hold the two equal): self-score, appraisal when shown, evidence. As
a template loop each of some 45 criteria cost its translations, filters and localized numbers."""

from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .evidence_html import evidence_html


def card_rows_html(rows, show_appraisal: bool) -> SafeString:
    self_label, appraised_label = escape(_("Self-score")), escape(_("Appraised score"))
    reason_label = escape(_("Reason"))
    out = []
    for row in rows:
        criterion = row.criterion
        self_score = "–" if row.self_score is None else escape(localize(row.self_score))
        appraised = reason = ""
        if show_appraisal and row.appraised_score is not None:
            appraised = f" · {appraised_label}: <strong>{escape(localize(row.appraised_score))}</strong>"
        if show_appraisal and row.appraisal_reason:
            reason = f'<div class="small">{reason_label}: {escape(row.appraisal_reason)}</div>\n'
        adjusted = " ri-adjusted" if show_appraisal and row.is_adjusted else ""
        out.append(
            f'<div class="ri-criterion{adjusted}" id="criterion-{escape(criterion.code)}">\n'
            f'<div class="fw-semibold">{escape(str(criterion))}</div>\n'
            f'<div class="small">{self_label}: <strong>{self_score}</strong> / '
            f"{escape(localize(criterion.max_score))}{appraised}</div>\n"
            f"{reason}{evidence_html(row)}\n</div>"
        )
    return mark_safe("\n".join(out))  # noqa: S308  every value escaped above
