"""No cold first document: load the document libraries where documents are built, before a user
asks for one.

python-docx and WeasyPrint (the PDF engine, its fonts and the print stylesheet) take one to two
seconds to load and lay out their first document; later ones take a tenth of that. Documents are
built:

- in a Celery worker process (Redis, or `make run`'s worker on files): warmed as each process
  starts (``worker_process_init``, reports/tasks.py);
- in the web process when tasks run in it (the embedded default, CELERY_TASK_ALWAYS_EAGER):
  warmed in a background thread at the first request a WSGI server hands the process
  (runserver, gunicorn), connected in reports/apps.py. ``manage.py`` commands serve no request
  and the test client is not a WSGI server, so neither pays for it; nor does a test's live server
  (Django's test environment is on).

With a broker, a web process builds a document only when one is issued (rare, and it is not
warmed: gunicorn replaces its workers every thousand requests, and each would pay the warm-up).
"""

import logging
import threading

from django.conf import settings
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections

logger = logging.getLogger(__name__)

THREAD_NAME = "documents-warm-up"

_lock = threading.Lock()
_thread: threading.Thread | None = None


def warm_up() -> None:
    """Build a sample notice in DOCX and in PDF, discarding both (no database)."""
    from . import samples
    from .conclusion import conclusion_docx, conclusion_pdf

    data = samples.conclusion_notice()
    conclusion_docx(data)
    conclusion_pdf(data)


def _warm_up_quietly() -> None:
    try:
        warm_up()
    except Exception:  # a failed warm-up only means a slower first document
        logger.exception("Warming up the document libraries failed")
    finally:
        connections.close_all()


def warm_up_in_background() -> threading.Thread:
    thread = threading.Thread(target=_warm_up_quietly, name=THREAD_NAME, daemon=True)
    thread.start()
    return thread


def web_process_builds_documents() -> bool:
    """Whether report tasks run in this web process (no broker: the embedded default)."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def _in_tests() -> bool:
    # Django's test environment (the test runner, pytest-django, the bench) keeps an outbox.
    return hasattr(mail, "outbox")


def on_request_started(sender, **kwargs) -> threading.Thread | None:
    """``request_started`` receiver: at the first request a WSGI server hands this process, start
    the warm-up in a thread if documents are built here. Returns the thread it started."""
    global _thread
    if _thread is not None or not (isinstance(sender, type) and issubclass(sender, WSGIHandler)):
        return None
    if not web_process_builds_documents() or _in_tests():
        return None
    with _lock:
        if _thread is not None:
            return None
        _thread = warm_up_in_background()
        return _thread
