"""The names the checklist's markup and its script share, written once.

html.py builds the rows with these class names, attributes and ids; the pages emit
``script_config()`` as JSON (``{{ config|json_script:"checklist-config" }}``) and
static/js/checklist/names.js reads it, so the script neither repeats a class name nor carries a
message of its own: every text the script shows is translated here, on the server.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

CONFIG_ID = "checklist-config"  # the json_script element the script reads


class N:
    """Class names (no dot), attribute names and element ids of the checklist's markup."""

    root = "checklist"  # id of the page's container
    form = "answer-form"  # class of an answer's autosave form
    autosave = "data-autosave"  # marks that form
    criterion = "data-criterion"  # a row's criterion id, on the <article> and its form
    status = "answer-status"  # a row's status block, which the autosave answers replace
    note = "status-note"  # inside it: the script's own words (saving, waiting...)
    settled = "when-settled"  # inside it: the server's words (saved, refused, conflict)
    state = "data-state"  # the status's state: idle saved invalid conflict + the script's
    answered = "data-answered"  # "1" when the row counts as answered
    quick = "quick-scores"  # the group of one-tap scores
    score = "data-score"  # a one-tap score's value
    score_field = "data-score-field"  # the input a one-tap score fills (default "score")
    overwrite = "data-overwrite"  # a conflict's "overwrite" button, holding the row's version
    evidence = "data-evidence"  # marks an evidence upload form
    pending_uploads = "pending-uploads"  # the files kept on the device, waiting to be uploaded
    upload_id = "data-upload"  # a waiting file's entry, holding its id
    upload_state = "upload-state"  # its percentage or state
    flush = "data-flush"  # the "send now" button
    discard = "data-discard"  # a refused change's "discard" button, holding its token
    queue_problems = "queue-problems"  # the list of changes whose sending failed, and why
    queue_count = "data-count"  # on the queue banner: how many answers wait
    take_offline = "data-take-offline"  # the "take this visit with me" button, holding the SW's URL
    offline_status = "offline-status"  # id: what is kept on the device, and since when
    queue_banner = "queue-banner"  # id: what waits on the device
    queue_text = "queue-text"
    offline_banner = "offline-banner"  # id: no connection
    next_unanswered = "data-next-unanswered"  # the "next unanswered criterion" button
    bar = "checklist-bar"  # class of the sticky bar (its height keeps the focused control in view)
    missing = "missing-"  # id prefix of a criterion in the list of unanswered ones
    saved_header = "X-Answer-Saved"  # on every answer that stored something
    autosave_event = "autosave"  # the htmx trigger of a typing pause
    lazy_script = "data-lazy-script"  # a script the page loads only when first needed (the menu's)


STATES = ("idle", "saved", "invalid", "conflict", "saving", "waiting", "failed", "refused", "login")

_MESSAGES = {
    "queueOne": _("One answer waits to be sent."),
    "queueMany": _("__count__ answers wait to be sent."),
    "queueSending": _("Sending the answers kept on this device…"),
    "queueOffline": _(
        "No connection. Keep working: answers are kept on this device and sent when the connection returns."
    ),
    "discard": _("Discard this change"),
    "offlineSaving": _("Keeping this checklist on the device…"),
    "offlineSaved": _(
        "Kept on this device on __when__: this checklist page, its __count__ files and the answers as they were then. "
        "It opens without a connection; what you change is sent when the connection returns."
    ),
    "offlineFailed": _("This checklist could not be kept on the device. Try again with a connection."),
    "offlineUnsupported": _("This browser cannot keep pages for offline use."),
    "saving": _("Saving…"),
    "waiting": _("No connection: kept on this device, it will be sent when the connection returns."),
    "failed": _("Not saved yet: the server did not answer. It will be tried again."),
    "login": _(
        "Not saved yet: your session has ended. Log in again in another tab; your answers are kept on this device."
    ),
}
_REFUSED = {
    "team": _(
        "Not saved: you can no longer change this answer (the visit may have been submitted). Reload the page."
    ),
    "self": _("Not saved: the self-assessment is closed. Reload the page."),
}


def names() -> dict[str, str]:
    return {key: value for key, value in vars(N).items() if not key.startswith("_")}


def script_config(*, kind: str, queue_key: str) -> dict:
    """What static/js/checklist/ needs from the page: the shared names, the translated messages
    of ``kind`` ("team" or "self") and the key of the device's queue (per visit and user)."""
    messages = {key: str(text) for key, text in _MESSAGES.items()}
    messages["refused"] = str(_REFUSED[kind])
    return {
        "names": names(),
        "messages": messages,
        "queueKey": queue_key,
        "csrfCookie": settings.CSRF_COOKIE_NAME,
    }
