"""Helpers shared by the findings services: thin calls into core (the audit actor, optimistic locking)."""

from django.db.models import Model

from core.audit import acting_as  # noqa: F401  shim: moved to core.audit
from core.versioning import STALE, update_versioned  # noqa: F401  STALE: shim, moved to core.versioning


def save_versioned(instance: Model, version: int | None, **fields) -> None:
    """Write ``fields`` on ``instance`` only if nobody wrote since ``version``; bump the version.

    See core.versioning.update_versioned (audited: the fields go through save(update_fields=...)).
    Raises ValidationError (code "stale") when the row moved on.
    """
    update_versioned(instance, version, **fields)
