"""Form fields and filters for record ids typed into a URL: refused when out of range, never a 500.

A query string can carry any number. Django guards ``pk=<int>`` lookups against the column's
range, but not a ``Decimal`` (what ``django_filters.NumberFilter`` gives) nor a value compared by
the database driver, and SQLite's driver raises ``OverflowError`` on an int beyond 64 bits. Every
filter or form field that takes an id uses these fields: the id must be a whole number within the
range of the database's id column, or the field says so in Vietnamese like any other bad choice.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext_lazy as _

ID_RANGE_MESSAGE = _("This is not the number of any record.")


def id_range(*, model=None, using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """The ids the database can hold for ``model``'s primary key (the project's default, BigAutoField, without one)."""
    internal_type = model._meta.pk.get_internal_type() if model is not None else "BigAutoField"
    low, high = connections[using].ops.integer_field_range(internal_type)
    return max(low or 1, 1), high


def parse_id(value, *, model=None, using: str = DEFAULT_DB_ALIAS) -> int:
    """``value`` as an id the database can hold, or ValidationError (code ``id_range``)."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        raise ValidationError(ID_RANGE_MESSAGE, code="id_range")
    number = int(text)
    low, high = id_range(model=model, using=using)
    if not low <= number <= high:
        raise ValidationError(ID_RANGE_MESSAGE, code="id_range")
    return number


class IdField(forms.IntegerField):
    """A record id: a whole number within the id column's range."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_id(value)


class IdChoiceField(forms.ModelChoiceField):
    """A choice of a record by id: an id the column cannot hold is an invalid choice, with no query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not self.to_field_name and not isinstance(value, self.queryset.model):
            try:
                parse_id(value, model=self.queryset.model, using=self.queryset.db)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                ) from None
        return super().to_python(value)


class IdFilter(django_filters.NumberFilter):
    """A filter on a record id (``plan=12``): refuses ids out of range instead of sending them on."""

    field_class = IdField


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among records by id (the plan list, the inspector list)."""

    field_class = IdChoiceField
