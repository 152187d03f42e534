"""Parsing of the checklist forms: one answer, one self-assessment, evidence uploads, reopening.

Numbers come from phones set to Vietnamese: a score may be typed "1,5" or "1.5", a count of
dossiers "2.264", "2 264" or "2264" (counts are whole numbers, so separators are only grouping).
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import AnswerKind, AnswerResult, Criterion
from .derive import AnswerChange, answer_derive, score_check

MAX_FIGURE = 10**9
GROUPING_RE = re.compile(r"[\s.,\u00a0\u202f']")


class ScoreField(forms.DecimalField):
    """A decimal typed with a comma or a point, at most two decimals."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=6, decimal_places=2, required=False, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "")
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class CountField(forms.IntegerField):
    """A whole number of things (dossiers...): grouping separators are ignored."""

    default_error_messages = {"invalid": _("Enter a whole number, e.g. 2264.")}

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=MAX_FIGURE, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = GROUPING_RE.sub("", value)
        return super().to_python(value)


class ServiceErrors:
    """Put a service's ValidationError (keyed by field, or not) next to the right fields."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            self.add_error(key if key in self.fields else None, messages)


class AnswerForm(ServiceErrors, forms.Form):
    """One criterion's answer as the autosave posts it. ``version`` is the row version the
    inspector's page last saw; ``token`` a fresh id of this change (set by static/js/checklist/)."""

    version = forms.IntegerField(min_value=0)
    token = forms.UUIDField(required=False)
    not_applicable = forms.BooleanField(required=False)
    result = forms.ChoiceField(required=False, choices=AnswerResult.choices)
    score = ScoreField()
    text = forms.CharField(required=False, max_length=20000, strip=False)
    note = forms.CharField(required=False, max_length=5000, strip=False)

    def __init__(self, *args, criterion: Criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        for figure in criterion.figures if criterion.answer_kind == AnswerKind.FIGURES else []:
            self.fields[f"figure-{figure['key']}"] = CountField(label=figure.get("label") or figure["key"])

    def figures(self) -> dict[str, int]:
        data = self.cleaned_data
        return {
            key.removeprefix("figure-"): data[key]
            for key in self.fields
            if key.startswith("figure-") and data.get(key) is not None
        }

    def change(self) -> AnswerChange:
        data = self.cleaned_data
        return AnswerChange(
            not_applicable=data["not_applicable"],
            result=data["result"],
            score=data["score"],
            figures=self.figures(),
            text=data["text"],
            note=data["note"],
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                answer_derive(criterion=self.criterion, change=self.change())
            except ValidationError as exc:
                self.add_service_errors(exc)
        return data


class SelfAssessmentForm(ServiceErrors, forms.Form):
    self_score = ScoreField(label=_("Unit's own score"))
    self_note = forms.CharField(label=_("Explanation"), required=False, max_length=5000, strip=False)

    def __init__(self, *args, criterion: Criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion

    def clean_self_score(self) -> Decimal | None:
        score = self.cleaned_data["self_score"]
        try:
            score_check(self.criterion, score)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["score"]) from None
        return score


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class EvidenceForm(forms.Form):
    files = MultipleFileField(
        label=_("Photos or documents"), error_messages={"required": _("Choose a photo or a file to attach.")}
    )
    token = forms.UUIDField(required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are the answers reopened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the answers are reopened.")},
    )
