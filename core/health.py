"""Health endpoints for a load balancer: cheap, anonymous, never cached.

``/healthz`` says the process answers (no database, no network): restart the node when it fails.
``/readyz`` says the node can serve: the database answers, the broker answers (when REDIS_URL is
set; without it tasks run in-process), and the private storage is reachable (the bucket, or
MEDIA_ROOT writable). 503 with a JSON body naming what failed: take the node out of rotation.
Details of an error stay in the log; the body names only the check and the exception's class.
"""

import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.private_storage import PRIVATE_STORAGE_ALIAS

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return  # memory:// — tasks run in the web process itself
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def check_storage() -> None:
    from django.core.files.storage import storages

    backend = storages[PRIVATE_STORAGE_ALIAS]
    bucket = getattr(backend, "bucket_name", None)
    if bucket:
        backend.connection.meta.client.head_bucket(Bucket=bucket)
        return
    location = backend.location
    os.makedirs(location, exist_ok=True)  # as the first upload would; fails where it could not
    if not os.access(location, os.W_OK):
        raise OSError(f"{location} is not writable")


CHECKS = {"database": check_database, "broker": check_broker, "storage": check_storage}


@login_not_required
@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001  any failure means "not ready", and says which
            logger.warning("readiness check %s failed: %r", name, exc)
            results[name] = f"fail: {type(exc).__name__}"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    return JsonResponse(
        {"status": "fail" if failed else "ok", "failed": failed, "checks": results},
        status=503 if failed else 200,
    )
