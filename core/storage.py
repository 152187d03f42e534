"""Private storage: files with no public URL (evidence, attachments, reports).

The FileFields of those files name ``private_storage``, whose class the migrations record as
``core.storage.PrivateStorage``. Every call goes to the backend ``STORAGES["private"]`` names
(core/private_storage.py): the local disk under MEDIA_ROOT by default, an S3-compatible bucket
when configured. A view hands files out after its access check (core/downloads.py); nginx never
serves MEDIA_ROOT.
"""

from django.utils.deconstruct import deconstructible

from .private_storage import StorageFromSettings


@deconstructible(path="core.storage.PrivateStorage")
class PrivateStorage(StorageFromSettings):
    """Private files (no public URL) on the backend STORAGES["private"] names: disk or bucket."""


private_storage = PrivateStorage()
