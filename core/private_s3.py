"""The private storage on an S3-compatible bucket (django-storages with boto3).

A module of its own so that boto3 is imported only where a bucket is configured.
"""

from botocore.config import Config
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Objects without an ACL grant (private to the bucket owner) and never overwritten.

    Their URLs are signed and short-lived (``querystring_expire`` seconds), and only the download
    views ask for one, after the access check.
    """

    default_acl = None
    querystring_auth = True
    file_overwrite = False
    signature_version = "s3v4"

    def __init__(self, **settings):
        super().__init__(**settings)
        # Short timeouts on django-storages' own client config: fail over quickly when the bucket
        # is unreachable (the readiness probe asks it too).
        self.client_config = self.client_config.merge(
            Config(connect_timeout=3, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})
        )

    def download_url(self, name: str, *, filename: str, content_type: str, as_attachment: bool) -> str:
        """A signed GET URL that makes the bucket answer with our file name and content type."""
        return self.url(
            name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
            },
            expire=self.querystring_expire,
        )
