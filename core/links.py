"""Absolute links for what leaves the site (e-mails, calendar files, documents)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (from reverse() or get_absolute_url()) under settings.SITE_URL, the address users
    reach the site at: e-mails are sent by the worker, which has no request to ask."""
    return settings.SITE_URL.rstrip("/") + path
