"""What the findings views share: a service's refusal as a message, the form's version field."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from ..forms import VersionForm

PAGE_SIZE = 25


def error_message(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def posted_version(request) -> int | None:
    form = VersionForm(request.POST)
    return form.cleaned_data.get("version") if form.is_valid() else None
