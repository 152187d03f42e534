"""The outbox: written with the change, sent after the commit, once per event key, never raising
into the request; the administrator sees what waits and why."""

from unittest import mock

import pytest
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from core import outbox
from core.models import OutboxItem, OutboxKind

pytestmark = pytest.mark.django_db(transaction=True)

SENDER = "core.tests.test_outbox.send_hello"


def send_hello(*, to: str) -> int:
    return EmailMessage(subject="Xin chào", body="…", to=[to]).send()


def test_an_email_written_in_a_transaction_goes_out_after_the_commit_once(mailoutbox):
    with transaction.atomic():
        outbox.enqueue_email(SENDER, key="hello:1", to="a@example.vn")
        outbox.enqueue_email(SENDER, key="hello:1", to="a@example.vn")  # the same event again
        assert mailoutbox == []
    assert len(mailoutbox) == 1
    item = OutboxItem.objects.get()
    assert (item.kind, item.attempts, item.last_error) == (OutboxKind.EMAIL, 1, "")
    assert item.sent_at is not None
    assert outbox.deliver(item.pk) is False
    assert outbox.sweep() == {"sent": 0, "failed": 0}
    assert len(mailoutbox) == 1


def test_a_rolled_back_change_sends_nothing(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue_email(SENDER, key="hello:2", to="a@example.vn")
        raise RuntimeError
    assert not OutboxItem.objects.exists()
    assert mailoutbox == []


def test_a_failing_send_is_kept_with_its_error_and_retried_later(mailoutbox):
    with mock.patch.object(EmailMessage, "send", side_effect=OSError("SMTP down")):
        outbox.enqueue_email(SENDER, key="hello:3", to="a@example.vn")
    item = OutboxItem.objects.get()
    assert (item.sent_at, item.attempts, item.last_error) == (None, 1, "OSError: SMTP down")
    assert outbox.sweep() == {"sent": 0, "failed": 0}  # not due yet: 30 s later
    assert outbox.sweep(now=item.next_attempt_at) == {"sent": 1, "failed": 0}
    assert len(mailoutbox) == 1


def test_a_task_the_broker_refuses_waits_in_the_outbox_without_raising(monkeypatch):
    monkeypatch.setattr(outbox, "_in_process", lambda: False)
    with mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerDown("Connection refused")) as send:
        outbox.enqueue_task("core.tasks.outbox_sweep", key="sweep:1")
        item = OutboxItem.objects.get()
        assert item.sent_at is None and "Connection refused" in item.last_error
        assert outbox.is_waiting("sweep:1")
        send.side_effect = None
        assert outbox.sweep(now=item.next_attempt_at) == {"sent": 1, "failed": 0}
    assert send.call_count == 2
    assert not outbox.is_waiting("sweep:1")


def test_the_sweep_runs_every_minute_from_the_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core-outbox-sweep"]
    assert (entry["task"], entry["schedule"]) == ("core.tasks.outbox_sweep", 60.0)


def test_the_admin_lists_unsent_items_with_their_error_and_changes_nothing(client, administrator):
    OutboxItem.objects.create(key="k:1", kind=OutboxKind.EMAIL, name=SENDER, last_error="OSError: SMTP down")
    client.force_login(administrator)
    page = client.get(reverse("admin:core_outboxitem_changelist") + "?state=unsent")
    assert page.status_code == 200
    assert "OSError: SMTP down" in page.content.decode()
    item = OutboxItem.objects.get()
    assert client.get(reverse("admin:core_outboxitem_add")).status_code == 403
    assert (
        client.post(reverse("admin:core_outboxitem_delete", args=[item.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert OutboxItem.objects.count() == 1


def test_the_sweep_forgets_items_sent_a_month_ago():
    from datetime import timedelta

    from django.utils import timezone

    old = timezone.now() - timedelta(days=31)
    OutboxItem.objects.create(key="old", kind=OutboxKind.EMAIL, name=SENDER, sent_at=old)
    OutboxItem.objects.create(key="recent", kind=OutboxKind.EMAIL, name=SENDER, sent_at=timezone.now())
    outbox.sweep()
    assert list(OutboxItem.objects.values_list("key", flat=True)) == ["recent"]
