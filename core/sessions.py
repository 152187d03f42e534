"""Session limits: an idle timeout and an absolute lifetime (NĐ 85/2016, level 3: session control).

A signed-in session ends after ``SESSION_IDLE_MINUTES`` without a request (default 30) and, in
any case, ``SESSION_MAX_HOURS`` after the sign-in (default 12). The expired request continues as
an anonymous one, so ``LoginRequiredMiddleware`` sends it to the login page (a 302, which the
checklist's offline queue already reads as "logged out": its unsent answers stay on the device).

Pages of a signed-in user load ``static/js/session.js`` (templates/includes/session_timeout.html),
which warns a minute before the idle limit and offers "Tiếp tục làm việc": a POST to
:func:`session_keepalive`. A GET there only reads the time left and is not activity.
Nothing here touches the browser's storage.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

STARTED_KEY = "_session_started_at"
ACTIVITY_KEY = "_session_activity_at"
# Activity is written at most this often: not one session write per request.
ACTIVITY_RESOLUTION_SECONDS = 30


def idle_seconds() -> int:
    return settings.SESSION_IDLE_MINUTES * 60


def max_seconds() -> int:
    return settings.SESSION_MAX_HOURS * 3600


def seconds_left(session, now: float | None = None) -> int:
    """Seconds until the session expires, by whichever limit comes first (0 when expired)."""
    now = time.time() if now is None else now
    started = session.get(STARTED_KEY, now)
    activity = session.get(ACTIVITY_KEY, started)
    left = min(activity + idle_seconds(), started + max_seconds()) - now
    return max(0, int(left))


def _is_passive(request) -> bool:
    """Requests that are no sign of the user's activity: the page's own timer asking the time."""
    return request.method in ("GET", "HEAD") and request.path == reverse("session_keepalive")


class SessionTimeoutMiddleware:
    """Ends idle and too-old sessions; notes the time of each request of a signed-in user.

    Must come after AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            if STARTED_KEY in session and seconds_left(session, now) == 0:
                self._expire(request, now)
            elif not _is_passive(request):
                session.setdefault(STARTED_KEY, now)
                if now - session.get(ACTIVITY_KEY, 0) >= ACTIVITY_RESOLUTION_SECONDS:
                    session[ACTIVITY_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _expire(request, now: float) -> None:
        from core.security_events import record_session_expired

        session = request.session
        too_old = now - session[STARTED_KEY] >= max_seconds()
        record_session_expired(request, reason="max_age" if too_old else "idle")
        logout(request)
        messages.warning(
            request,
            _("Your session ended after %(hours)d hours. Please log in again.")
            % {"hours": settings.SESSION_MAX_HOURS}
            if too_old
            else _("Your session ended after %(minutes)d minutes without activity. Please log in again.")
            % {"minutes": settings.SESSION_IDLE_MINUTES},
        )


def start_clock(sender, request, user, **kwargs):
    """At sign-in (Django's ``user_logged_in``): both limits count from now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED_KEY] = now
        request.session[ACTIVITY_KEY] = now


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(start_clock, dispatch_uid="core.sessions.start_clock")


@never_cache
@require_http_methods(["GET", "POST"])
def session_keepalive(request):
    """GET: the seconds left of the session. POST: the same, after counting as activity."""
    return JsonResponse({"seconds_left": seconds_left(request.session), "idle_seconds": idle_seconds()})
