"""Remediation reminders: daily to the units, escalation of long-overdue actions, weekly digest.

Every e-mail is claimed in ReminderLog (one per kind, address and day) before it is sent and the
claim released if sending fails, so a task run twice the same day (a re-delivery, a manual run)
sends nothing twice. An escalation is recorded per action and due date, so the heads hear about
an action once, and again only if it runs late on an extended deadline.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.mail import email_message
from units.roles import Role

from ..models import (
    ACTION_OPEN_STATES,
    ActionState,
    Escalation,
    RemediationAction,
    ReminderKind,
    ReminderLog,
)
from ..selectors import actions_visible_to
from .notifications import head_addresses


def _claim(kind: str, recipient: str, day: date, action_ids: list[int]) -> ReminderLog | None:
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(kind=kind, recipient=recipient, sent_on=day, actions=action_ids)
    except IntegrityError:
        return None


def _send_claimed(
    *, kind: str, recipient: str, day: date, actions: list, subject: str, template: str, context: dict
) -> int:
    """Send one e-mail unless this kind already went to ``recipient`` today; 1 if sent."""
    log = _claim(kind, recipient, day, [a.pk for a in actions])
    if log is None:
        return 0
    try:
        body = render_to_string(template, context)
        email_message(subject=subject, body=body, to=[recipient]).send()
    except Exception:
        log.delete()
        raise
    return 1


def _liaison_addresses(unit_ids: set[int]) -> dict[int, list[str]]:
    """unit id -> its liaisons' addresses (or the unit's own address when it has no liaison)."""
    User = get_user_model()
    addresses: dict[int, list[str]] = defaultdict(list)
    for unit_id, email in (
        User.objects.filter(is_active=True, groups__name=Role.LIAISON, unit_id__in=unit_ids)
        .exclude(email="")
        .order_by("pk")
        .values_list("unit_id", "email")
    ):
        if email not in addresses[unit_id]:
            addresses[unit_id].append(email)
    return addresses


def _action_lines(actions: list[RemediationAction], today: date) -> list[dict]:
    return [
        {
            "unit": a.unit.name,
            "recommendation": a.finding.recommendation.strip(),
            "due": a.due_date,
            "days_overdue": (today - a.due_date).days,
            "days_left": (a.due_date - today).days,
            "state": a.get_state_display(),
            "url": absolute_url(a.get_absolute_url()),
        }
        for a in actions
    ]


def remediation_reminders_send(*, today: date | None = None) -> dict[str, int]:
    """The daily run: remind units of their actions due within REMINDER_DUE_SOON_DAYS and overdue,
    and escalate to the Department heads the actions overdue by more than
    REMINDER_ESCALATE_AFTER_DAYS. Returns {"reminders": n, "escalations": m} e-mails sent."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        return {"reminders": _remind_units(today), "escalations": _escalate(today)}


def _remind_units(today: date) -> int:
    horizon = today + timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    actions = list(
        RemediationAction.objects.filter(state__in=ACTION_OPEN_STATES, due_date__lte=horizon)
        .select_related("unit", "finding")
        .order_by("due_date", "id")
    )
    addresses = _liaison_addresses({a.unit_id for a in actions})
    by_recipient: dict[str, list[RemediationAction]] = defaultdict(list)
    for action in actions:
        for email in addresses.get(action.unit_id) or ([action.unit.email] if action.unit.email else []):
            by_recipient[email].append(action)
    sent = 0
    for email, mine in by_recipient.items():
        overdue = [a for a in mine if a.due_date < today]
        due_soon = [a for a in mine if a.due_date >= today]
        sent += _send_claimed(
            kind=ReminderKind.LIAISON_DAILY,
            recipient=email,
            day=today,
            actions=mine,
            subject=_("Remediation reminder: %(overdue)s overdue, %(soon)s due within %(days)s days")
            % {"overdue": len(overdue), "soon": len(due_soon), "days": settings.REMINDER_DUE_SOON_DAYS},
            template="emails/reminder_liaison.txt",
            context={
                "overdue": _action_lines(overdue, today),
                "due_soon": _action_lines(due_soon, today),
                "days": settings.REMINDER_DUE_SOON_DAYS,
                "today": today,
                "url": absolute_url(reverse("findings:my_unit")),
            },
        )
    return sent


def _escalate(today: date) -> int:
    threshold = today - timedelta(days=settings.REMINDER_ESCALATE_AFTER_DAYS)
    candidates = list(
        RemediationAction.objects.filter(state__in=ACTION_OPEN_STATES, due_date__lt=threshold)
        .select_related("unit", "finding")
        .order_by("due_date", "id")
    )
    done = set(Escalation.objects.filter(action__in=candidates).values_list("action_id", "due_date"))
    pending = [a for a in candidates if (a.pk, a.due_date) not in done]
    by_head: dict[str, list[RemediationAction]] = defaultdict(list)
    heads_of_province: dict[str, list[str]] = {}
    for action in pending:
        province = action.unit.path.strip("/").split("/")[0]
        if province not in heads_of_province:
            heads_of_province[province] = head_addresses(action.unit)
        for email in heads_of_province[province]:
            by_head[email].append(action)
    sent = 0
    for email, mine in by_head.items():
        sent += _send_claimed(
            kind=ReminderKind.ESCALATION,
            recipient=email,
            day=today,
            actions=mine,
            subject=_("Escalation: %(count)s remediation actions overdue by more than %(days)s days")
            % {"count": len(mine), "days": settings.REMINDER_ESCALATE_AFTER_DAYS},
            template="emails/reminder_escalation.txt",
            context={
                "actions": _action_lines(mine, today),
                "days": settings.REMINDER_ESCALATE_AFTER_DAYS,
                "today": today,
                "url": absolute_url(reverse("findings:action_list")),
            },
        )
    Escalation.objects.bulk_create(
        [Escalation(action=a, due_date=a.due_date) for a in pending], ignore_conflicts=True
    )
    return sent


def head_digest_send(*, today: date | None = None) -> int:
    """The weekly digest: each active Department head with an address gets the remediation status
    of what they oversee (counts by state, overdue actions, actions due in the coming week,
    actions verified in the past week). Returns the number of e-mails sent."""
    today = today or timezone.localdate()
    User = get_user_model()
    heads = list(User.objects.filter(is_active=True, groups__name=Role.HEAD).exclude(email="").order_by("pk"))
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for head in heads:
            visible = actions_visible_to(head)
            counts = {state: 0 for state in ActionState.values}
            for state in visible.values_list("state", flat=True):
                counts[state] += 1
            if not any(counts.values()):
                continue
            overdue_total = visible.overdue(today).count()
            overdue = list(
                visible.overdue(today).select_related("unit", "finding").order_by("due_date", "id")[:30]
            )
            due_soon = list(
                visible.filter(
                    state__in=ACTION_OPEN_STATES, due_date__gte=today, due_date__lte=today + timedelta(days=7)
                )
                .select_related("unit", "finding")
                .order_by("due_date", "id")[:30]
            )
            verified = visible.filter(
                state=ActionState.VERIFIED, updated_at__gte=timezone.now() - timedelta(days=7)
            ).count()
            sent += _send_claimed(
                kind=ReminderKind.HEAD_DIGEST,
                recipient=head.email,
                day=today,
                actions=overdue + due_soon,
                subject=_("Weekly remediation digest: %(overdue)s overdue, %(soon)s due this week")
                % {"overdue": overdue_total, "soon": len(due_soon)},
                template="emails/digest_head.txt",
                context={
                    "head": head,
                    "counts": [(label, counts[value]) for value, label in ActionState.choices],
                    "overdue_total": overdue_total,
                    "overdue": _action_lines(overdue, today),
                    "due_soon": _action_lines(due_soon, today),
                    "verified": verified,
                    "today": today,
                    "url": absolute_url(reverse("findings:action_list")),
                },
            )
    return sent
