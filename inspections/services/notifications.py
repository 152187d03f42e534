"""E-mails about a visit being scheduled, moved or cancelled, with an .ics calendar entry.

The unit's contact (its e-mail and its liaisons) and the team each get the message in
Vietnamese. The e-mail is written to the outbox (core.outbox) with the change and sent by the
worker after the commit, once per event, retried until the mail server takes it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core import outbox
from core.mail import email_message
from units.roles import Role

from ..models import TeamMember, TeamRole, Visit, VisitEvent, VisitEventKind

# Which e-mail template and calendar method each kind of event uses.
NOTICE_KINDS = {
    VisitEventKind.SCHEDULED: ("emails/visit_scheduled.txt", "REQUEST"),
    VisitEventKind.RESCHEDULED: ("emails/visit_rescheduled.txt", "REQUEST"),
    VisitEventKind.CANCELLED: ("emails/visit_cancelled.txt", "CANCEL"),
}


def visit_notice_queue(*, visit_id: int, event_id: int) -> None:
    """Write the e-mail about ``event_id`` to the outbox; it is sent after the commit, once."""
    outbox.enqueue_email(
        "inspections.services.notifications.visit_notice_send",
        key=f"inspections.visit_notice:{event_id}",
        visit_id=visit_id,
        event_id=event_id,
    )


def visit_recipients(visit: Visit) -> tuple[list[str], list[str]]:
    """(unit contacts, team addresses), without duplicates or empty addresses."""
    User = get_user_model()
    unit_contacts = [visit.unit.email] if visit.unit.email else []
    unit_contacts += list(
        User.objects.filter(unit=visit.unit, is_active=True, groups__name=Role.LIAISON)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    team = list(
        TeamMember.objects.filter(visit=visit, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    unit_contacts = list(dict.fromkeys(unit_contacts))
    return unit_contacts, [e for e in dict.fromkeys(team) if e not in unit_contacts]


def visit_ics(visit: Visit, *, method: str) -> bytes:
    """A one-event iCalendar file; the uid stays the same across moves so calendars update it."""
    calendar = Calendar()
    calendar.add("prodid", "-//CCHC inspections//kiem-tra-cchc//VI")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"visit-{visit.pk}@kiem-tra-cchc")
    event.add("sequence", visit.version)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", visit.starts_at)
    event.add("dtend", visit.ends_at)
    event.add("summary", _("Administrative reform inspection: %(unit)s") % {"unit": visit.unit.name})
    if visit.place:
        event.add("location", visit.place)
    event.add("description", f"{visit.plan.title}\n{visit.plan.decision_label}".strip())
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def visit_notice_send(*, visit_id: int, event_id: int) -> int:
    """Send the e-mail about one visit event; return the number of messages sent (0 or 1).

    Idempotent: the event is claimed (notified_at set) before sending, so a retried task sends
    nothing twice; if sending fails the claim is released and the error re-raised for a retry.
    """
    event = (
        VisitEvent.objects.select_related("visit__unit", "visit__plan", "actor")
        .filter(pk=event_id, visit_id=visit_id, notified_at__isnull=True)
        .first()
    )
    if event is None or event.kind not in NOTICE_KINDS:
        return 0
    if not VisitEvent.objects.filter(pk=event.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    ):
        return 0
    try:
        message = _visit_notice(event)
        sent = message.send() if message else 0
    except Exception:
        VisitEvent.objects.filter(pk=event.pk).update(notified_at=None)
        raise
    return sent


def _visit_notice(event: VisitEvent) -> EmailMessage | None:
    visit = event.visit
    to, cc = visit_recipients(visit)
    if not to and not cc:
        return None
    template_name, method = NOTICE_KINDS[event.kind]
    with translation.override(settings.LANGUAGE_CODE):
        order = list(TeamRole.values)
        members = sorted(visit.team.select_related("user"), key=lambda m: order.index(m.role))
        team = [(m.user.get_full_name() or m.user.username, m.get_role_display()) for m in members]
        context = {
            "visit": visit,
            "unit": visit.unit,
            "plan": visit.plan,
            "event": event,
            "starts_at": timezone.localtime(visit.starts_at),
            "ends_at": timezone.localtime(visit.ends_at),
            "previous": _previous_times(event),
            "team": team,
        }
        subjects = {
            VisitEventKind.SCHEDULED: _("Inspection visit scheduled: %(unit)s on %(date)s"),
            VisitEventKind.RESCHEDULED: _("Inspection visit moved: %(unit)s, now on %(date)s"),
            VisitEventKind.CANCELLED: _("Inspection visit cancelled: %(unit)s on %(date)s"),
        }
        subject = subjects[event.kind] % {
            "unit": visit.unit.name,
            "date": context["starts_at"].strftime("%d/%m/%Y"),
        }
        body = render_to_string(template_name, context)
        ics = visit_ics(visit, method=method)
    message = email_message(subject=subject, body=body, to=to or cc, cc=cc if to else [])
    message.attach("kiem-tra-cchc.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    return message


def _previous_times(event: VisitEvent) -> dict | None:
    before = event.data.get("before") if event.data else None
    if not before:
        return None
    return {
        "starts_at": timezone.localtime(parse_datetime(before["starts_at"])),
        "ends_at": timezone.localtime(parse_datetime(before["ends_at"])),
    }
