"""Files follow their rows: a stored file is deleted after the transaction that deleted its row
commits, and ``manage.py find_orphans`` finds what escaped (files without a row, rows without a
file).

This is a ``post_delete`` receiver, against the house rule of "no signals", on purpose: rows with
files (reports, evidence, remediation attachments) are also deleted by paths no service covers,
the admin's bulk action (``QuerySet.delete()``) and cascades from a visit, a plan or a unit.
Those still send ``post_delete`` for every row, and nothing else does. The deletion waits for
the commit so that a rolled-back delete keeps its file, and it skips a name another row still
points to.
"""

import logging
from collections.abc import Iterator

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

logger = logging.getLogger(__name__)

_file_fields_cache: dict[type, list[models.FileField]] = {}


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    """The model's own FileFields (and ImageFields)."""
    if model not in _file_fields_cache:
        _file_fields_cache[model] = [
            f for f in model._meta.concrete_fields if isinstance(f, models.FileField)
        ]
    return _file_fields_cache[model]


def models_with_files() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        for field in file_fields(model):
            yield model, field


@receiver(post_delete, dispatch_uid="core.files.delete_file_after_row")
def delete_file_after_row(sender, instance, using, origin=None, **kwargs):
    for field in file_fields(sender):
        name = getattr(instance, field.attname)
        name = getattr(name, "name", name)
        if not name:
            continue
        transaction.on_commit(
            lambda model=sender, field=field, name=name: _delete_if_unused(model, field, name), using=using
        )


def _delete_if_unused(model, field: models.FileField, name: str) -> None:
    if model._base_manager.filter(**{field.attname: name}).exists():
        return
    try:
        field.storage.delete(name)
    except OSError:
        # find_orphans reports it later; the delete that caused it has committed already.
        logger.warning("Could not delete %s after its row was deleted", name, exc_info=True)
