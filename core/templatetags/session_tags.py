"""The session-timeout warning of every signed-in page (formatting only, no queries)."""

from django import template
from django.conf import settings

from core.sessions import idle_seconds

register = template.Library()


@register.inclusion_tag("includes/session_timeout.html", takes_context=True)
def session_timeout(context):
    return {
        "idle_seconds": idle_seconds(),
        "warning_seconds": settings.SESSION_WARNING_SECONDS,
        "csp_nonce": context.get("csp_nonce", ""),
    }
