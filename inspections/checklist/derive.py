"""What one answer as the inspector gave it means: the result and score it stores (answer_derive),
checked against the criterion (a score's range, figures that must add up). Nothing is written
here: checklist.answers saves, checklist.forms parses.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import AnswerKind, AnswerResult, Criterion

HUNDREDTH = Decimal("0.01")
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class AnswerChange:
    """One criterion's answer as the inspector gave it (parsed by forms.AnswerForm).

    ``result`` is chosen for yes / partly / no and text criteria; for score and figures criteria
    it is derived from ``score`` unless ``not_applicable``.
    """

    not_applicable: bool = False
    result: str = ""
    score: Decimal | None = None
    figures: dict[str, int] = field(default_factory=dict)
    text: str = ""
    note: str = ""


def score_check(criterion: Criterion, score: Decimal | None, key: str = "score") -> None:
    """Raise ValidationError (keyed by ``key``) unless ``score`` is empty or between 0 and the maximum."""
    if score is None:
        return
    if score < 0:
        raise ValidationError({key: [_("A score cannot be negative.")]})
    if score > criterion.max_score:
        raise ValidationError(
            {
                key: [
                    _("The score cannot exceed this criterion's maximum of %(max)s.")
                    % {"max": _num(criterion.max_score)}
                ]
            }
        )
    if score != score.quantize(HUNDREDTH):
        raise ValidationError({key: [_("Use at most two decimals.")]})


def _num(value: Decimal) -> str:
    """“1,5” and “2”: a score in the active language's format, without trailing zeros."""
    return number_format(value.normalize() if value == value.to_integral() else value.normalize())


def figure_rule_labels(criterion: Criterion, rule: str) -> str:
    """“Số hồ sơ đúng hạn + Số hồ sơ trễ hạn ≤ Số hồ sơ tiếp nhận”: a rule in the figures' own words."""
    labels = {f["key"]: f.get("label") or f["key"] for f in criterion.figures}
    text = NAME_RE.sub(lambda m: labels.get(m.group(0), m.group(0)), str(rule))
    return text.replace("<=", "≤").replace(">=", "≥").replace("==", "=")


def answer_derive(*, criterion: Criterion, change: AnswerChange) -> tuple[str, Decimal | None]:
    """The (result, score) to store for ``change``; nothing is written.

    Score and figures criteria: 0 -> not met, below the maximum -> partly, the maximum -> met.
    Yes / partly / no and text criteria: met -> the maximum, partly -> half, not met -> 0.
    Not applicable stores no score. Raises ValidationError keyed by field ("score", "result",
    "figures", "figure-<key>") for a score out of range or figures that do not add up.
    """
    if criterion.answer_kind == AnswerKind.FIGURES:
        keys = {f["key"] for f in criterion.figures}
        unknown = set(change.figures) - keys
        if unknown:
            raise ValidationError(
                {"figures": [_("Unknown figures: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}]}
            )
        for key, value in change.figures.items():
            if value < 0:
                raise ValidationError({f"figure-{key}": [_("A figure cannot be negative.")]})
        failures = criterion.figure_rule_failures({k: Decimal(v) for k, v in change.figures.items()})
        if failures:
            raise ValidationError(
                {
                    "figures": [
                        _("The figures do not add up: %(rule)s.")
                        % {"rule": figure_rule_labels(criterion, rule)}
                        for rule in failures
                    ]
                }
            )
    if change.not_applicable or change.result == AnswerResult.NOT_APPLICABLE:
        return AnswerResult.NOT_APPLICABLE, None
    if criterion.answer_kind in {AnswerKind.SCORE, AnswerKind.FIGURES}:
        score = change.score
        score_check(criterion, score)
        if score is None:
            return AnswerResult.UNANSWERED, None
        if score >= criterion.max_score:
            return AnswerResult.MET, score
        return (AnswerResult.NOT_MET if score == 0 else AnswerResult.PARTLY), score
    if change.result not in AnswerResult.values:
        raise ValidationError({"result": [_("Choose one of the answers.")]})
    derived = {
        AnswerResult.MET: criterion.max_score,
        AnswerResult.PARTLY: (criterion.max_score / 2).quantize(HUNDREDTH),
        AnswerResult.NOT_MET: Decimal(0),
    }
    return change.result, derived.get(change.result)
