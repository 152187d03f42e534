"""Optimistic locking of rows that people edit at the same time (visits, findings, actions).

Such a model carries a ``version`` integer. A form sends back the version it was built from; a
write goes through only if the row is still at that version (``UPDATE ... WHERE version = n``)
and bumps it, otherwise the user gets the one message below, in Vietnamese, with code "stale".
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils.translation import gettext_lazy

STALE = gettext_lazy("Someone else changed this while you were editing it. Reload the page and try again.")


def stale_error() -> ValidationError:
    """The error a stale form gets (code "stale"): views show it as a form error."""
    return ValidationError(STALE, code="stale")


def check_version(instance: Model, expected_version: int | None) -> None:
    """Raise the stale error unless ``instance`` (just read, usually locked) is at ``expected_version``.

    None means the caller has no version to compare (a system action): nothing is checked.
    """
    if expected_version is not None and instance.version != expected_version:
        raise stale_error()


def update_versioned(
    instance: Model, expected_version: int | None = None, *, audit: bool = True, **fields
) -> None:
    """Write ``fields`` on ``instance`` only if its row is still at ``expected_version``; bump the version.

    ``expected_version`` None means the instance's own ``version``. On success the instance holds
    the new values and version. Raises ValidationError (code "stale") when someone wrote first;
    nothing is written then.

    ``audit=True`` (the default): the compare-and-set is a conditional UPDATE of the version
    alone, then the fields are saved with ``save(update_fields=...)`` so that auditlog (any
    post_save listener) records them, ``updated_at`` included where the model has one.
    ``audit=False``: one conditional UPDATE of the version and the fields together, no signals,
    for rows whose history is kept elsewhere (a visit's events).
    """
    expected = instance.version if expected_version is None else expected_version
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk, version=expected)
    if audit:
        if not rows.update(version=F("version") + 1):
            raise stale_error()
        instance.version = expected + 1
        for name, value in fields.items():
            setattr(instance, name, value)
        update_fields = [*fields, "version"]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
        return
    if not rows.update(version=F("version") + 1, **fields):
        raise stale_error()
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.version = expected + 1
