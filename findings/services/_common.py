"""Helpers shared by the findings services: the audit actor and optimistic locking."""

from contextlib import contextmanager

from auditlog.context import auditlog_value, set_extra_data
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils.translation import gettext_lazy

STALE = gettext_lazy("Someone else changed this while you were editing it. Reload the page and try again.")


@contextmanager
def acting_as(actor):
    """Record ``actor`` on the audit entries written inside the block.

    Services also run outside a request (demo data, Celery, tests), where no middleware set the
    actor. Nesting auditlog's own context would silence the request's context afterwards, so the
    previous one is put back on exit.
    """
    previous = auditlog_value.get(None)
    extra = {k: v for k, v in (previous or {}).items() if k != "signal_duid"}
    try:
        with set_extra_data(context_data={**extra, "actor": actor}):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def save_versioned(instance: Model, version: int | None, **fields) -> None:
    """Write ``fields`` on ``instance`` only if nobody wrote since ``version``; bump the version.

    The compare-and-set is a conditional UPDATE of the version alone; the fields are then saved
    with save(update_fields=...) so that the audit log records them (a bare UPDATE sends no
    signal). Raises ValidationError (code "stale") when the row moved on.
    """
    expected = instance.version if version is None else version
    model = type(instance)
    if not model.objects.filter(pk=instance.pk, version=expected).update(version=F("version") + 1):
        raise ValidationError(STALE, code="stale")
    instance.version = expected + 1
    for name, value in fields.items():
        setattr(instance, name, value)
    update_fields = [*fields, "version"]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
