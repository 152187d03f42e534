"""The conclusion e-mail goes through the outbox: a broker or mail server that does not answer
never turns the saved conclusion into an error page, and the e-mail goes out once, later."""

from unittest import mock

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerDown

from core import outbox
from core.models import OutboxItem
from findings.models import Conclusion
from findings.tasks import send_conclusion_notice  # noqa: F401  the old task stays registered
from inspections.models import VisitStatus

from .factories import FindingFactory
from .test_conclusion import _conclude_data, _reviewed

# Committed for real, so that the on-commit dispatch runs inside the request as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down(monkeypatch):
    """A real broker (not in-process) that refuses every message, as Redis stopped does."""
    monkeypatch.setattr(outbox, "_in_process", lambda: False)
    with mock.patch(
        "celery.app.task.Task.apply_async", side_effect=BrokerDown("Error 111 connecting")
    ) as send:
        yield send


def _conclude(client, leader, visit):
    _reviewed(visit)
    FindingFactory(visit=visit, created_by=leader, approved=True)
    client.force_login(leader)
    return client.post(
        reverse("findings:visit_conclude", args=[visit.pk]), _conclude_data(visit), follow=True
    )


def test_with_the_broker_down_the_conclusion_is_saved_and_the_page_says_the_email_will_follow(
    client, leader, liaison, visit, mailoutbox, broker_down
):
    # Finding 2: delay_on_commit raised inside on_commit, and the leader got an error page
    # although the visit was concluded; the e-mail was never queued again.
    response = _conclude(client, leader, visit)

    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONCLUDED
    shown = [str(m) for m in response.context["messages"]]
    assert any("sẽ được gửi ngay khi dịch vụ thư hoạt động trở lại" in m for m in shown), shown
    item = OutboxItem.objects.get()
    assert item.sent_at is None and "Error 111" in item.last_error
    assert mailoutbox == []

    # The broker is back; the sweep (every minute) sends the e-mail, once, however often it runs.
    broker_down.side_effect = None
    conclusion = Conclusion.objects.get()
    assert outbox.sweep(now=item.next_attempt_at) == {"sent": 1, "failed": 0}
    assert outbox.sweep(now=item.next_attempt_at) == {"sent": 0, "failed": 0}
    assert outbox.deliver(item.pk) is False
    assert len(mailoutbox) == 1
    assert liaison.email in mailoutbox[0].to and conclusion.reference in mailoutbox[0].subject
    conclusion.refresh_from_db()
    assert conclusion.notified_at is not None


def test_with_the_mail_server_down_the_email_is_kept_and_sent_once_it_answers(
    client, leader, liaison, visit, mailoutbox
):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError(111, "refused")):
        response = _conclude(client, leader, visit)
    assert response.status_code == 200
    assert Conclusion.objects.get().notified_at is None  # the sender's mark rolled back with the failure
    item = OutboxItem.objects.get()
    assert (item.sent_at, item.attempts) == (None, 1)
    assert "refused" in item.last_error

    assert outbox.sweep(now=item.next_attempt_at)["sent"] == 1
    assert outbox.sweep(now=item.next_attempt_at)["sent"] == 0
    assert len(mailoutbox) == 1
