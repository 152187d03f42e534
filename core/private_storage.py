"""Where private files live (evidence, remediation attachments, generated reports): a setting.

The FileFields of those files name one storage object whose class the migrations record; that class
derives from ``StorageFromSettings``, so every call goes to the backend ``STORAGES["private"]``
names: ``PrivateFileSystemStorage`` (the local disk under MEDIA_ROOT, the default) or
``core.private_s3.PrivateS3Storage`` (an S3-compatible bucket, when AWS_STORAGE_BUCKET_NAME is set).
Changing the backend therefore needs no migration, and tests can swap it with ``settings.STORAGES``.
Neither backend gives a public URL: the download views hand files out after their access check
(core/downloads.py).
"""

from django.core.files.storage import FileSystemStorage, Storage, storages

PRIVATE_STORAGE_ALIAS = "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files have no URL: link to the app's download view instead."""

    def url(self, name):
        raise ValueError("Private files have no URL; link to the download view instead.")


class StorageFromSettings(Storage):
    """A storage that forwards every call to ``storages[alias]``, looked up at each call.

    Looking it up each time (a dictionary read) keeps ``override_settings(STORAGES=...)`` working,
    and lets the deconstructed field stay the same whichever backend a deployment chooses.
    """

    alias = PRIVATE_STORAGE_ALIAS

    @property
    def backend(self) -> Storage:
        return storages[self.alias]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return self.backend.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def path(self, name):
        return self.backend.path(name)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        return self.backend.url(name)

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)

    def __getattr__(self, name):
        # Anything else a backend offers (the bucket's download_url, a disk's location).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.backend, name)
