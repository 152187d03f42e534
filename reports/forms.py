"""Parsing of report requests and scope queries."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput

from .models import KIND_FORMATS, ReportFormat, ReportKind


class ScopeForm(forms.Form):
    """Which visit, plan or unit a panel or list is about (exactly one for a panel)."""

    visit = forms.IntegerField(required=False, min_value=1)
    plan = forms.IntegerField(required=False, min_value=1)
    unit = forms.IntegerField(required=False, min_value=1)

    def scope_ids(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in ("visit", "plan", "unit")}

    def has_one_scope(self) -> bool:
        return self.is_valid() and sum(v is not None for v in self.scope_ids().values()) == 1


class ReportRequestForm(ScopeForm):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    period_start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    period_end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        kind, fmt = data.get("kind"), data.get("format")
        if kind and fmt and fmt not in KIND_FORMATS[kind]:
            self.add_error("format", _("This report does not come in that format."))
        if sum(data.get(key) is not None for key in ("visit", "plan", "unit")) != 1:
            raise forms.ValidationError(_("Choose what the report is about."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        return data


class CorrectionForm(forms.Form):
    """A Thông báo đính chính: what is corrected, one line each, its date and signer."""

    date = forms.DateField(label=_("Date of the correction"), widget=forms.DateInput(attrs={"type": "date"}))
    corrections = forms.CharField(
        label=_("Corrections"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One line per correction, e.g. “Tại mục III.1, thời hạn … nay sửa thành …”."),
    )
    authority_line = forms.CharField(label=_("Authority line"), max_length=100, required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=100)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)

    def correction_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["corrections"].splitlines() if line.strip()]


class IssueForm(forms.Form):
    """Issuing a produced report: its date and who signs it (the number comes in sequence)."""

    date = forms.DateField(label=_("Date of the report"), widget=forms.DateInput(attrs={"type": "date"}))
    authority_line = forms.CharField(label=_("Authority line"), max_length=100, required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=100)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)
