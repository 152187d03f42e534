"""The audit actor: who the audit log (django-auditlog) records for the writes of a block."""

from contextlib import contextmanager

from auditlog.context import auditlog_value, set_extra_data


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
