"""Forms of the reform index: parsing and validation messages only."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inspections.models import ChecklistTemplate
from units.models import Unit, UnitKind

from .field_html import FastField
from .services import AppraisalRow, SelfRow

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE_ATTRS = {"inputmode": "decimal", "class": "form-control score-input", "step": "0.25"}
REASON_ATTRS = {"rows": 2, "class": "form-control"}


class RoundOpenForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    template = forms.ModelChoiceField(
        label=_("Criteria (template version)"), queryset=ChecklistTemplate.objects.published()
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units in scope"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every current department and commune of the province."),
    )
    self_deadline = forms.DateField(label=_("Self-scoring deadline"), widget=DATE_INPUT)
    appraisal_deadline = forms.DateField(label=_("Appraisal deadline"), widget=DATE_INPUT)
    response_deadline = forms.DateField(label=_("Response deadline"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Unit.objects.current().filter(kind=UnitKind.PROVINCE)
        self.fields["units"].queryset = (
            Unit.objects.current()
            .filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])
            .order_by("kind", "name")
        )

    def clean(self):
        data = super().clean()
        a, b, c = (data.get(k) for k in ("self_deadline", "appraisal_deadline", "response_deadline"))
        if a and b and c and not (a <= b <= c):
            self.add_error(
                "response_deadline",
                _("The deadlines follow each other: self-scoring, then appraisal, then the unit's response."),
            )
        return data

    def scope(self) -> list[Unit]:
        """The units chosen, or every current department and commune of the province."""
        units = list(self.cleaned_data["units"])
        if units:
            return units
        province = self.cleaned_data["province"]
        return list(
            Unit.objects.current()
            .subtree(province)
            .filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])
            .order_by("kind", "name")
        )


class _RowsForm(forms.Form):
    """Fields named ``<field>_<score id>`` for each score row, and its version."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"version_{row.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=row.version
            )
            self.add_row_fields(row)

    def add_row_fields(self, row):
        raise NotImplementedError

    def bind_rows(self):
        """Hang each row's bound fields on the row (``row.fields``) for the template."""
        by_row: dict[str, dict[str, FastField]] = {}
        for name in self.fields:  # one pass: each row's fields by their "<field>_<score id>" names
            field, pk = name.rsplit("_", 1)
            by_row.setdefault(pk, {})[field] = FastField(self[name])
        for row in self.rows:
            row.bound = by_row.get(str(row.pk), {})
        return self.rows


class SelfScoreForm(_RowsForm):
    def __init__(self, *args, documents=(), **kwargs):
        self.document_choices = [("", _("— none —"))] + [
            (str(d.pk), f"{d.reference} · {d.subject[:80]}") for d in documents
        ]
        super().__init__(*args, **kwargs)

    def add_row_fields(self, row):
        c = row.criterion
        self.fields[f"score_{row.pk}"] = forms.DecimalField(
            label=_("Self-score"),
            required=False,
            min_value=Decimal(0),
            max_value=c.max_score,
            decimal_places=2,
            initial=row.self_score,
            widget=forms.NumberInput(attrs={**SCORE_ATTRS, "max": c.max_score, "min": 0}),
            error_messages={"max_value": _("At most %(limit_value)s points.")},
        )
        self.fields[f"explanation_{row.pk}"] = forms.CharField(
            label=_("Explanation (when there is no evidence)"),
            required=False,
            initial=row.explanation,
            widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        )
        self.fields[f"document_{row.pk}"] = forms.ChoiceField(
            label=_("Issued document as evidence"),
            required=False,
            choices=self.document_choices,
            initial=str(row.document_id or ""),
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields[f"file_{row.pk}"] = forms.FileField(
            label=_("Evidence file"),
            required=False,
            widget=forms.ClearableFileInput(
                attrs={"accept": "image/*,.pdf,.docx,.xlsx", "class": "form-control"}
            ),
        )

    def self_rows(self) -> list[SelfRow]:
        d = self.cleaned_data
        return [
            SelfRow(
                score_id=row.pk,
                version=d[f"version_{row.pk}"],
                self_score=d[f"score_{row.pk}"],
                explanation=(d[f"explanation_{row.pk}"] or "").strip(),
                document_id=int(d[f"document_{row.pk}"]) if d[f"document_{row.pk}"] else None,
            )
            for row in self.rows
        ]

    def uploads(self) -> dict:
        return {
            row.pk: [self.cleaned_data[f"file_{row.pk}"]]
            for row in self.rows
            if self.cleaned_data.get(f"file_{row.pk}")
        }


class AppraisalForm(_RowsForm):
    def add_row_fields(self, row):
        c = row.criterion
        self.fields[f"appraised_{row.pk}"] = forms.DecimalField(
            label=_("Appraised score"),
            required=False,
            min_value=Decimal(0),
            max_value=c.max_score,
            decimal_places=2,
            initial=row.appraised_score,
            widget=forms.NumberInput(attrs={**SCORE_ATTRS, "max": c.max_score, "min": 0}),
            error_messages={"max_value": _("At most %(limit_value)s points.")},
        )
        self.fields[f"reason_{row.pk}"] = forms.CharField(
            label=_("Reason"),
            required=False,
            initial=row.appraisal_reason,
            widget=forms.Textarea(attrs=REASON_ATTRS),
        )

    def appraisal_rows(self) -> list[AppraisalRow]:
        d = self.cleaned_data
        return [
            AppraisalRow(
                score_id=row.pk,
                version=d[f"version_{row.pk}"],
                appraised_score=d[f"appraised_{row.pk}"],
                reason=d[f"reason_{row.pk}"] or "",
            )
            for row in self.rows
        ]

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class VersionForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your response to the appraisal"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        max_length=5000,
        error_messages={"required": _("Write your response.")},
    )


class PublishForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    authority_line = forms.CharField(label=_("Authority line"), required=False, max_length=100)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=100)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)
