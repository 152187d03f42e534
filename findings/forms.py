"""Forms of the findings pages: parsing and validation messages only (services do the writes)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import SYMBOL_RE, validate_document_symbol
from core.widgets import DateInput
from inspections.checklist.evidence import evidence_check
from inspections.models import Criterion, Domain, Visit

from .models import ExtensionDecision, FindingCause, FindingKind, ReviewDecision, Severity

# How many files one update may carry.
MAX_FILES = 5


class ServiceErrorsMixin:
    """Put a service's ValidationError next to the fields it names, the rest on top of the form."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            self.add_error(key if key in self.fields else None, errors)


class VersionForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CriterionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code}. {obj.title}"


class FindingForm(VersionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices, widget=forms.RadioSelect)
    criterion = CriterionChoiceField(
        label=_("Criterion"), queryset=Criterion.objects.none(), required=False, empty_label=_("— none —")
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Used when no criterion is chosen; a criterion implies its domain."),
    )
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    cause = forms.ChoiceField(
        label=_("Cause"), choices=[("", _("— not said —")), *FindingCause.choices], required=False
    )
    cause_note = forms.CharField(
        label=_("Cause in detail"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("— not said —")), *Severity.choices], required=False
    )
    recommendation = forms.CharField(
        label=_("Recommendation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "What the unit must do. Each recommendation becomes a remediation action at the conclusion."
        ),
    )

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = (
            Criterion.objects.filter(domain__template_id=visit.template_id)
            .select_related("domain")
            .order_by("domain__order", "order", "id")
        )
        self.fields["domain"].queryset = Domain.objects.filter(template_id=visit.template_id).order_by(
            "order", "id"
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == FindingKind.STRENGTH and (data.get("recommendation") or "").strip():
            self.add_error("recommendation", _("A strength has no recommendation."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "kind",
                "criterion",
                "domain",
                "text",
                "cause",
                "cause_note",
                "severity",
                "recommendation",
            )
        }


class ReviewForm(VersionForm):
    """One finding's decision. The review page shows one per finding, so its widgets carry their
    Bootstrap classes and the template renders them plainly (no crispy: 30 findings add up)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment for the team"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        required=False,
    )
    text = forms.CharField(
        label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), required=False
    )
    recommendation = forms.CharField(
        label=_("Recommendation"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == ReviewDecision.RETURNED and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what the team should change."))
        if data.get("decision") == ReviewDecision.EDITED and not (data.get("text") or "").strip():
            self.add_error("text", _("This field is required."))
        return data


class FinishReviewForm(VersionForm):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "textarea form-control"}),
        required=False,
    )


class ConcludeForm(VersionForm):
    date = forms.DateField(label=_("Date of the notice"), widget=DateInput())
    symbol = forms.CharField(
        label=_("Symbol"),
        max_length=30,
        validators=[validate_document_symbol],
        help_text=_("e.g. TB-SNV. The number is given in sequence when you conclude."),
    )
    authority_line = forms.CharField(
        label=_("Authority line"), max_length=100, required=False, help_text=_("e.g. KT. GIÁM ĐỐC")
    )
    signer_title = forms.CharField(
        label=_("Signer's title"), max_length=100, help_text=_("e.g. PHÓ GIÁM ĐỐC")
    )
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)
    due_date = forms.DateField(
        label=_("Remediation deadline"),
        widget=DateInput(),
        help_text=_("The default for every recommendation; change it per recommendation below."),
    )

    def __init__(self, *args, recommendations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendations = list(recommendations)
        self.fields["symbol"].widget.attrs["pattern"] = SYMBOL_RE.pattern
        for finding in self.recommendations:
            self.fields[f"due_{finding.pk}"] = forms.DateField(
                label=finding.recommendation,
                widget=DateInput(attrs={"class": "form-control form-control-sm"}),
                required=False,
            )

    def recommendation_fields(self):
        return [(finding, self[f"due_{finding.pk}"]) for finding in self.recommendations]

    def due_dates(self) -> dict[int, object]:
        return {
            f.pk: self.cleaned_data[f"due_{f.pk}"]
            for f in self.recommendations
            if self.cleaned_data.get(f"due_{f.pk}")
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files, each checked by content like the checklist's evidence (nothing is stored here)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("Attach at most %(count)s files at a time.") % {"count": MAX_FILES})
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(evidence_check(upload=upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class UpdateForm(VersionForm):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = FilesField(label=_("Attachments"), help_text=_("Photos, PDF, Word or Excel files."))


class ExtensionRequestForm(VersionForm):
    requested_due_date = forms.DateField(label=_("New due date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ExtensionDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == ExtensionDecision.REFUSED and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why the request is refused."))
        return data


class VerifyForm(VersionForm):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReopenForm(VersionForm):
    comment = forms.CharField(label=_("What is still missing"), widget=forms.Textarea(attrs={"rows": 2}))
