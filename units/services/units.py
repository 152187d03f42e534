"""Writes to the unit tree."""

from django.db import transaction

from ..models import Unit


@transaction.atomic
def unit_save(*, form) -> Unit:
    """Save a validated ``UnitForm`` (create or update) and return the unit.

    A unit moved under another parent carries its subtree: Unit.save rewrites the descendants'
    paths in the same transaction, however the unit is saved (this service, the admin, an import).
    """
    return form.save()
