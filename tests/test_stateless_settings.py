"""With REDIS_URL and a bucket configured, a web node keeps nothing a later request needs."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "private": settings.STORAGES["private"]["BACKEND"],
    "bucket": settings.STORAGES["private"].get("OPTIONS", {}).get("bucket_name"),
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "ip_headers": list(getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"])),
}))
"""


def settings_under(**environ) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "REDIS_", "CACHE_", "DJANGO_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", **environ}
    out = subprocess.run(  # noqa: S603  our own interpreter on our own probe
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_production_node_shares_cache_sessions_files_and_tasks():
    seen = settings_under(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 60,
        REDIS_URL="redis://127.0.0.1:6379/7",
        AWS_STORAGE_BUCKET_NAME="kiemtra-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        DJANGO_BEHIND_PROXY="1",
    )

    assert seen["cache"] == "django.core.cache.backends.redis.RedisCache"
    # Sessions in the database: any node reads a session another node wrote.
    assert seen["sessions"] == "django.contrib.sessions.backends.db"
    assert seen["private"] == "core.private_s3.PrivateS3Storage" and seen["bucket"] == "kiemtra-media"
    assert seen["broker"].startswith("redis://") and seen["eager"] is False
    assert seen["ip_headers"][0] == "HTTP_X_REAL_IP"


def test_the_embedded_default_needs_no_service():
    seen = settings_under()

    assert seen["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert seen["private"] == "core.private_storage.PrivateFileSystemStorage"
    assert seen["broker"] == "memory://" and seen["eager"] is True
    # Without a proxy in front, only the connection's own address counts for the lockout.
    assert seen["ip_headers"] == ["REMOTE_ADDR"]
