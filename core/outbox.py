"""The transactional outbox: tasks and e-mails written with the change that calls for them.

A service that must queue a task or send an e-mail calls ``enqueue_task`` or ``enqueue_email``
inside its transaction. That writes an OutboxItem row, so the item commits with the change or not
at all, and asks for a dispatch once the transaction commits:

- a task item is handed to the broker and marked sent as soon as the broker took it;
- an e-mail item is handed to the worker (``core.tasks.outbox_deliver``), which calls the sender
  and marks the item sent in the same transaction as the sender's own writes.

If the broker or the mail server does not answer, nothing is raised into the request: the item
keeps its error and the periodic sweep (``core.tasks.outbox_sweep``, every minute) tries again
with a growing delay. Every item is taken under a row lock (``SELECT … FOR UPDATE SKIP LOCKED``),
so the on-commit dispatch, a re-delivered task and the sweep never send one item twice, and the
item's unique ``key`` makes a second write of the same event a no-op.

Without a broker (the embedded default, tasks run in-process) the dispatch runs the task or
sends the e-mail at once, and each dispatch also sweeps due items now and then, so that a failed
e-mail is retried even where no beat process runs.
"""

import importlib
import logging
import threading
import time
from datetime import timedelta

from celery import current_app
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxItem, OutboxKind

logger = logging.getLogger(__name__)

# After a failure, wait 30 s, 1, 2, 4 … minutes, at most an hour.
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=1)
# An e-mail handed to the worker is left to it this long before the sweep sends it itself.
EMAIL_HANDOVER = timedelta(minutes=2)
# Publishing from a request gives up quickly: the sweep tries again.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
SWEEP_BATCH = 200
# Sent items are kept this long (the admin shows them; a late duplicate of the event is ignored).
KEEP_SENT = timedelta(days=30)

# The first in-process sweep comes a minute after the start, not on the first request.
_last_inline_sweep = time.monotonic()
_inline_sweep_lock = threading.Lock()


def enqueue_task(task_name: str, *, key: str, **kwargs) -> tuple[OutboxItem, bool]:
    """Write the task ``task_name(**kwargs)`` to the outbox under ``key``; it is handed to the
    broker once the current transaction commits. Returns (item, created); an item already
    written for ``key`` is returned as it is and not dispatched again."""
    return _enqueue(OutboxKind.TASK, task_name, key=key, kwargs=kwargs)


def enqueue_email(sender: str, *, key: str, **kwargs) -> tuple[OutboxItem, bool]:
    """Write the e-mail that the function at dotted path ``sender`` sends when called with
    ``**kwargs`` (it returns the number of messages, and may write rows: they commit with the
    item's "sent" mark). Sent by the worker after the commit; see ``enqueue_task`` for the rest."""
    return _enqueue(OutboxKind.EMAIL, sender, key=key, kwargs=kwargs)


def _enqueue(kind: str, name: str, *, key: str, kwargs: dict) -> tuple[OutboxItem, bool]:
    # In a savepoint: a concurrent writer of the same key waits for the first one's commit, then
    # fails on the unique key alone and finds that row, without failing the whole transaction.
    try:
        with transaction.atomic():
            item = OutboxItem.objects.create(key=key, kind=kind, name=name, kwargs=kwargs)
    except IntegrityError:
        return OutboxItem.objects.get(key=key), False
    pk = item.pk
    transaction.on_commit(lambda: dispatch([pk]), robust=True)
    return item, True


def dispatch(item_ids: list[int]) -> None:
    """Hand the given items over (called on commit). Never raises: a failure stays on the item."""
    for pk in item_ids:
        try:
            _dispatch_one(pk)
        except Exception:
            logger.exception("Outbox item %s could not be dispatched; the sweep will retry it", pk)
    if _in_process():
        _inline_sweep()


def _in_process() -> bool:
    return bool(current_app.conf.task_always_eager)


def _dispatch_one(pk: int) -> None:
    kind = OutboxItem.objects.filter(pk=pk, sent_at__isnull=True).values_list("kind", flat=True).first()
    if kind == OutboxKind.TASK:
        _publish(pk)
    elif kind == OutboxKind.EMAIL:
        if _in_process():
            deliver(pk)
        else:
            _hand_email_to_worker(pk)


def _task(name: str):
    """The registered task ``name``; its module is imported first if nothing imported it yet
    (a web process imports task modules only when it needs them)."""
    if name not in current_app.tasks:
        importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


def _publish(pk: int) -> bool:
    """Hand task item ``pk`` to the broker under its row lock and mark it sent; True if sent."""
    if _in_process():
        return _run_in_process(pk)
    with transaction.atomic():
        item = (
            OutboxItem.objects.select_for_update(skip_locked=True).filter(pk=pk, sent_at__isnull=True).first()
        )
        if item is None:
            return False
        try:
            task = _task(item.name)
            task.apply_async(kwargs=item.kwargs, retry=True, retry_policy=PUBLISH_RETRY)
        except Exception as exc:
            _failed(item, exc)
            return False
        item.sent_at = timezone.now()
        item.attempts += 1
        item.last_error = ""
        item.save(update_fields=["sent_at", "attempts", "last_error"])
        return True


def _run_in_process(pk: int) -> bool:
    # No broker: the task runs here. It must not run inside a transaction of ours (it commits
    # its own progress), so the item is claimed first and released if the task raises.
    now = timezone.now()
    if not OutboxItem.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=now):
        return False
    item = OutboxItem.objects.get(pk=pk)
    try:
        _task(item.name).apply(kwargs=item.kwargs, throw=True)
    except Exception as exc:
        OutboxItem.objects.filter(pk=pk).update(sent_at=None)
        _failed(item, exc)
        return False
    OutboxItem.objects.filter(pk=pk).update(attempts=item.attempts + 1, last_error="")
    return True


def _hand_email_to_worker(pk: int) -> None:
    from .tasks import outbox_deliver

    try:
        outbox_deliver.apply_async(args=[pk], retry=True, retry_policy=PUBLISH_RETRY)
    except Exception as exc:
        item = OutboxItem.objects.get(pk=pk)
        _failed(item, exc)
        return
    # The worker has it: the sweep leaves it alone for a while.
    OutboxItem.objects.filter(pk=pk, sent_at__isnull=True).update(
        next_attempt_at=timezone.now() + EMAIL_HANDOVER
    )


def deliver(pk: int) -> bool:
    """Send e-mail item ``pk`` (in the worker) and mark it sent; True if this call sent it.

    The item is locked for the whole sending, and the sender's own writes (its "notified" marks)
    commit with the item's "sent" mark or not at all: a worker killed while sending leaves the
    item unsent, and the next try sends it; a second delivery of the same item finds it locked or
    sent and does nothing. A sender that raises rolls back, and the error stays on the item.
    """
    with transaction.atomic():
        item = (
            OutboxItem.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, kind=OutboxKind.EMAIL, sent_at__isnull=True)
            .first()
        )
        if item is None:
            return False
        try:
            with transaction.atomic():
                import_string(item.name)(**item.kwargs)
        except Exception as exc:
            logger.warning("Outbox e-mail %s failed: %s", item.key, exc)
            _failed(item, exc)
            return False
        item.sent_at = timezone.now()
        item.attempts += 1
        item.last_error = ""
        item.save(update_fields=["sent_at", "attempts", "last_error"])
        return True


def _failed(item: OutboxItem, exc: Exception) -> None:
    delay = min(FIRST_DELAY * (2**item.attempts), LONGEST_DELAY)
    OutboxItem.objects.filter(pk=item.pk).update(
        attempts=item.attempts + 1,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=timezone.now() + delay,
    )


def sweep(*, now=None, limit: int = SWEEP_BATCH) -> dict[str, int]:
    """Send the unsent items that are due (periodic, in the worker): tasks to the broker, e-mails
    straight from here; forget items sent more than KEEP_SENT ago. Returns {"sent": n, "failed": m}."""
    now = now or timezone.now()
    OutboxItem.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    due = list(
        OutboxItem.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "kind")[:limit]
    )
    counts = {"sent": 0, "failed": 0}
    for pk, kind in due:
        try:
            ok = _publish(pk) if kind == OutboxKind.TASK else deliver(pk)
        except DatabaseError:
            logger.exception("Outbox item %s: database error during the sweep", pk)
            ok = False
        counts["sent" if ok else "failed"] += 1
    return counts


def _inline_sweep() -> None:
    """In-process mode: sweep at most once a minute, on the back of a dispatch."""
    global _last_inline_sweep
    if not _inline_sweep_lock.acquire(blocking=False):
        return
    try:
        if time.monotonic() - _last_inline_sweep < 60:
            return
        _last_inline_sweep = time.monotonic()
        sweep(limit=20)
    except Exception:
        logger.exception("In-process outbox sweep failed")
    finally:
        _inline_sweep_lock.release()


def is_waiting(key: str) -> bool:
    """Whether the item ``key`` could not be handed over yet (the broker or mail server did not
    answer): pages use it to say that the notice will follow."""
    return OutboxItem.objects.filter(key=key, sent_at__isnull=True).exclude(last_error="").exists()
