"""E-mails about the events that need someone's action, sent by the worker after the commit.

- review requested (visit submitted): the Department heads overseeing the unit;
- findings returned (review sent back): the visit's team;
- visit concluded: the inspected unit (its address and liaisons), the team in copy;
- remediation updates: progress and "reported done" to the team (who verify), an extension
  request to the heads, an extension decision, a verification or a reopening to the unit.

Each ``*_queue`` writes the e-mail to the outbox (core.outbox) in the transaction of the change,
under a key naming the event: it is sent once the transaction commits, retried until the mail
server takes it, and never twice for one event. A broker or mail server that does not answer
never fails the change. Each sender also claims its row (``notified_at``); the outbox commits
that mark together with its own "sent" mark.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import outbox
from core.links import absolute_url
from core.mail import email_message
from inspections.models import TeamMember, Visit, VisitEvent
from inspections.services import visit_recipients
from units.models import Unit
from units.roles import Role

from ..models import (
    Conclusion,
    FindingReview,
    RemediationAction,
    RemediationUpdate,
    ReviewDecision,
    UpdateKind,
)

SENDERS = "findings.services.notifications."


def review_requested_queue(*, visit_id: int, event_id: int | None) -> None:
    """E-mail the heads that the visit waits for review, after the commit (one per submission)."""
    event = event_id if event_id is not None else f"visit-{visit_id}-{uuid.uuid4().hex}"
    outbox.enqueue_email(
        SENDERS + "review_requested_send",
        key=f"findings.review_requested:{event}",
        visit_id=visit_id,
        event_id=event_id,
    )


def findings_returned_queue(*, visit_id: int) -> None:
    """E-mail the team the findings just returned, after the commit (one per return)."""
    last = (
        FindingReview.objects.filter(finding__visit_id=visit_id, decision=ReviewDecision.RETURNED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    outbox.enqueue_email(
        SENDERS + "findings_returned_send", key=f"findings.returned:{visit_id}:{last}", visit_id=visit_id
    )


def conclusion_key(conclusion_id: int) -> str:
    return f"findings.conclusion:{conclusion_id}"


def conclusion_queue(*, conclusion_id: int) -> None:
    """E-mail the unit its conclusion, after the commit (once per conclusion)."""
    outbox.enqueue_email(
        SENDERS + "conclusion_send", key=conclusion_key(conclusion_id), conclusion_id=conclusion_id
    )


def conclusion_notice_waiting(*, conclusion_id: int) -> bool:
    """Whether the conclusion's e-mail could not be handed over yet (it will follow)."""
    return outbox.is_waiting(conclusion_key(conclusion_id))


def update_queue(*, update_id: int) -> None:
    """E-mail whoever must act on a remediation update, after the commit (once per update)."""
    outbox.enqueue_email(SENDERS + "update_send", key=f"findings.update:{update_id}", update_id=update_id)


# Recipients


def _province_prefix(unit: Unit) -> str:
    return "/" + unit.path.strip("/").split("/")[0] + "/"


def head_addresses(unit: Unit) -> list[str]:
    """The active Department heads of the unit's province who have an address."""
    User = get_user_model()
    emails = (
        User.objects.filter(
            is_active=True, groups__name=Role.HEAD, unit__path__startswith=_province_prefix(unit)
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(emails))


def team_addresses(visit: Visit) -> list[str]:
    emails = (
        TeamMember.objects.filter(visit=visit, user__is_active=True)
        .exclude(user__email="")
        .order_by("pk")
        .values_list("user__email", flat=True)
    )
    return list(dict.fromkeys(emails))


def unit_addresses(visit: Visit) -> list[str]:
    return visit_recipients(visit)[0]


def _claim(model: type[Model], **filters) -> bool:
    """Mark rows notified; True if this call claimed at least one (nobody sent them yet)."""
    return bool(model.objects.filter(notified_at__isnull=True, **filters).update(notified_at=timezone.now()))


def _release(model: type[Model], **filters) -> None:
    model.objects.filter(**filters).update(notified_at=None)


def _send(*, subject: str, template: str, context: dict, to: list[str], cc: list[str] = ()) -> int:
    cc = [a for a in cc if a not in to]
    if not to and not cc:
        return 0
    body = render_to_string(template, context)
    message = email_message(subject=subject, body=body, to=to or cc, cc=cc if to else [])
    return message.send()


def _claimed_send(model, filters: dict, build) -> int:
    if not _claim(model, **filters):
        return 0
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return build()
    except Exception:
        _release(model, **filters)
        raise


# Senders


def review_requested_send(*, visit_id: int, event_id: int | None) -> int:
    """E-mail the heads that a visit waits for their review; returns the number of messages sent."""
    visit = Visit.objects.select_related("unit", "plan").filter(pk=visit_id).first()
    if visit is None:
        return 0

    def build():
        return _send(
            subject=_("Findings to review: %(unit)s") % {"unit": visit.unit.name},
            template="emails/finding_review_requested.txt",
            context={
                "visit": visit,
                "findings": list(visit.findings.order_by("kind", "order", "id")),
                "url": absolute_url(reverse("findings:visit_review", args=[visit.pk])),
            },
            to=head_addresses(visit.unit),
        )

    if event_id is None:
        with translation.override(settings.LANGUAGE_CODE):
            return build()
    return _claimed_send(VisitEvent, {"pk": event_id, "visit_id": visit_id}, build)


def findings_returned_send(*, visit_id: int) -> int:
    """E-mail the team the findings the head returned, with the head's comments."""
    visit = Visit.objects.select_related("unit", "plan").filter(pk=visit_id).first()
    if visit is None:
        return 0
    filters = {"finding__visit_id": visit_id, "decision": ReviewDecision.RETURNED}
    reviews = list(
        FindingReview.objects.filter(notified_at__isnull=True, **filters).select_related("finding", "actor")
    )
    if not reviews:
        return 0

    def build():
        return _send(
            subject=_("Findings returned to the team: %(unit)s") % {"unit": visit.unit.name},
            template="emails/finding_returned.txt",
            context={
                "visit": visit,
                "reviews": reviews,
                "url": absolute_url(reverse("findings:visit_findings", args=[visit.pk])),
            },
            to=team_addresses(visit),
        )

    return _claimed_send(FindingReview, {"pk__in": [r.pk for r in reviews]}, build)


def conclusion_send(*, conclusion_id: int) -> int:
    """E-mail the inspected unit its conclusion and the actions it owes, the team in copy."""
    conclusion = (
        Conclusion.objects.select_related("visit__unit", "visit__plan", "issuing_unit")
        .filter(pk=conclusion_id)
        .first()
    )
    if conclusion is None:
        return 0
    visit = conclusion.visit

    def build():
        actions = list(
            RemediationAction.objects.filter(finding__visit=visit)
            .select_related("finding")
            .order_by("finding__order")
        )
        return _send(
            subject=_("Inspection conclusion %(reference)s: %(unit)s")
            % {"reference": conclusion.reference, "unit": visit.unit.name},
            template="emails/finding_visit_concluded.txt",
            context={
                "conclusion": conclusion,
                "visit": visit,
                "actions": actions,
                "url": absolute_url(reverse("findings:my_unit")),
            },
            to=unit_addresses(visit),
            cc=team_addresses(visit),
        )

    return _claimed_send(Conclusion, {"pk": conclusion_id}, build)


# Who is told about each kind of remediation update, and with which template.
UPDATE_NOTICES = {
    UpdateKind.PROGRESS: ("team", "emails/action_update_posted.txt"),
    UpdateKind.REPORTED_DONE: ("team", "emails/action_update_posted.txt"),
    UpdateKind.EXTENSION_REQUEST: ("heads", "emails/action_extension_requested.txt"),
    UpdateKind.EXTENSION_DECISION: ("unit", "emails/action_extension_decided.txt"),
    UpdateKind.VERIFICATION: ("unit", "emails/action_verified.txt"),
    UpdateKind.REOPEN: ("unit", "emails/action_reopened.txt"),
}


def update_send(*, update_id: int) -> int:
    """E-mail whoever must act on one remediation update (see UPDATE_NOTICES)."""
    update = (
        RemediationUpdate.objects.select_related(
            "action__unit", "action__finding__visit__unit", "action__finding__visit__plan", "actor"
        )
        .filter(pk=update_id)
        .first()
    )
    if update is None or update.kind not in UPDATE_NOTICES:
        return 0
    action = update.action
    visit = action.finding.visit
    audience, template = UPDATE_NOTICES[update.kind]

    def build():
        recipients = {
            "team": lambda: team_addresses(visit),
            "heads": lambda: head_addresses(action.unit),
            "unit": lambda: unit_addresses(visit),
        }[audience]()
        return _send(
            subject=_("%(kind)s: %(unit)s, %(action)s")
            % {
                "kind": update.get_kind_display(),
                "unit": action.unit.name,
                "action": action.finding.recommendation[:60],
            },
            template=template,
            context={
                "update": update,
                "action": action,
                "visit": visit,
                "attachments": list(update.attachments.all()),
                "url": absolute_url(action.get_absolute_url()),
            },
            to=recipients,
        )

    return _claimed_send(RemediationUpdate, {"pk": update_id}, build)
