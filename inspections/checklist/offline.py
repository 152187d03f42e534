"""The checklist kept on the device: the service worker that answers a reload or a fresh tab
from the kept copy when there is no connection (decision 0009).

The worker is served at the site's root (/sw.js) so that its scope covers the checklist pages;
the page itself (static/js/checklist/offline.js) fills the cache when the inspector taps
“Mang theo để làm ngoại tuyến”. Open to anyone: the worker holds no data, and the browser asks
for it without a session (after a logout too, when it checks for an update).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

from .names import N

CACHE = "kiemtra-offline-v1"  # one name for the page (offline.js) and the worker
OFFLINE_HELP = gettext_noop(
    "Before going where the signal is weak, tap this button: the checklist then opens and can be "
    "filled on this device with no connection. What you enter (answers, notes, figures, photos) "
    "waits on the device and is sent, once, when the connection returns, even after logging in again."
)


@login_not_required
@require_safe
def service_worker(request):
    script = render_to_string(
        "inspections/checklist_sw.js", {"cache": CACHE, "static_url": settings.STATIC_URL}
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker at each navigation; never a stale one from a cache.
    response["Cache-Control"] = "no-cache"
    return response


def take_offline_html() -> SafeString:
    """The “take this visit with me” button and what is kept on the device (filled by the script)."""
    return SafeString(
        '<div class="take-offline d-flex flex-wrap align-items-center gap-2 mb-2">'
        f'<button type="button" class="btn btn-outline-primary" {N.take_offline}="{escape(reverse("service_worker"))}" '
        f'data-cache="{CACHE}" data-static="{escape(settings.STATIC_URL)}">'
        f"{escape(_('Take this visit with me (offline)'))}</button>"
        f'<p id="{N.offline_status}" class="small text-muted mb-0" role="status" aria-live="polite" hidden></p>'
        f'<p class="small text-muted mb-0 w-100">{escape(_(OFFLINE_HELP))}</p>'
        "</div>"
    )
