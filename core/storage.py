"""Private storage: files under MEDIA_ROOT that have no public URL (evidence, attachments, reports).

A view streams them after its access check; nginx never serves MEDIA_ROOT. The migrations of the
apps that store such files name ``core.storage.PrivateStorage``.
"""

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage whose files have no URL: link to the app's download view instead."""

    def url(self, name):
        raise ValueError("Private files have no URL; link to the download view instead.")


private_storage = PrivateStorage()
