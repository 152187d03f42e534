"""Security events kept in the database (NĐ 85/2016 level 3 / TCVN 11930:2017: security audit).

What is recorded, and from where:

- sign-ins, failed sign-ins, sign-outs: Django's auth signals; lockouts: django-axes'
  ``user_locked_out`` signal; expired sessions: core/sessions.py;
- role and right changes with old and new values: ``User.groups`` / ``User.user_permissions`` /
  ``Group.permissions`` changes and ``is_superuser`` / ``is_staff`` / ``is_active`` on save.
  These are signal receivers on purpose (the house style avoids signals): the Django admin and
  ``manage.py`` change these rows without any service of ours, and every path must be recorded;
- exports of lists (reports/exports.py) and issued documents (findings/services/conclusion.py):
  a one-line call to :func:`record_export` / :func:`record_document_issued`.

The actor and address of a change come from the request (auditlog's middleware keeps them for
the current request); outside a request (a command, the worker) they are empty.
Events are never edited; :func:`security_events_prune` deletes those past the retention period.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import SecurityEvent, SecurityEventKind

logger = logging.getLogger("security")

PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "is_active")


def _client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind nginx the address is the proxy's; the first X-Forwarded-For hop is the client's.
    forwarded = request.headers.get("X-Forwarded-For", "")
    address = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None
    return address


def _current_request_actor():
    """(actor, address) of the request being served, as auditlog's middleware noted them."""
    from auditlog.context import auditlog_value

    context = auditlog_value.get({})
    actor = context.get("actor")
    return (actor if getattr(actor, "is_authenticated", False) else None), context.get("remote_addr")


def record(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    subject: str = "",
    ip_address: str | None = None,
    detail: dict | None = None,
) -> SecurityEvent:
    """Write one event (also to the "security" log). ``user`` defaults to the request's user."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    if user is None and request is None:
        user, address = _current_request_actor()
        ip_address = ip_address or address
    event = SecurityEvent.objects.create(
        kind=kind,
        actor_id=user.pk if user is not None else None,
        actor_username=(user.get_username() if user is not None else username)[:150],
        subject_username=subject[:150],
        ip_address=ip_address or _client_ip(request),
        detail=detail or {},
    )
    logger.info(
        "security event %s",
        kind,
        extra={"event": kind, "user": event.actor_username, "ip": event.ip_address, "detail": event.detail},
    )
    return event


# Calls from the application ----------------------------------------------------------------------


def record_export(request, *, name: str, fmt: str) -> None:
    """A list was downloaded (``name`` is the file name without extension)."""
    record(
        SecurityEventKind.EXPORT,
        request=request,
        detail={"export": name, "format": fmt, "query": request.GET.urlencode()},
    )


def record_document_issued(*, actor, document: str, number: str, object_id: int) -> None:
    """A numbered document (a conclusion notice) was issued; recorded when the transaction commits."""

    def write():
        _, address = _current_request_actor()
        record(
            SecurityEventKind.DOCUMENT_ISSUED,
            user=actor,
            ip_address=address,
            detail={"document": document, "number": number, "id": object_id},
        )

    transaction.on_commit(write)


def record_session_expired(request, *, reason: str) -> None:
    record(SecurityEventKind.SESSION_EXPIRED, request=request, detail={"reason": reason})


def security_events_prune(*, now=None) -> int:
    """Delete the events older than SECURITY_EVENT_RETENTION_DAYS; returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SECURITY_EVENT_RETENTION_DAYS)
    deleted, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


# Receivers (connected in CoreConfig.ready) -------------------------------------------------------


def on_login(sender, request, user, **kwargs):
    record(SecurityEventKind.LOGIN, request=request, user=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(SecurityEventKind.LOGOUT, request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Never the password: only the name that was typed.
    record(SecurityEventKind.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")))


def on_locked_out(sender, request, username, ip_address, **kwargs):
    record(SecurityEventKind.LOCKOUT, request=request, username=username or "", ip_address=ip_address)


def on_password_changed(user):
    record(SecurityEventKind.PASSWORD_CHANGED, subject=user.get_username())


def _names(relation, model, pk_set) -> list[str]:
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    return sorted(
        f"{p.content_type.app_label}.{p.codename}"
        for p in model.objects.filter(pk__in=pk_set).select_related("content_type")
    )


def on_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Roles (groups) and permissions of a user, or permissions of a role, with old and new values."""
    if reverse or action not in (
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    ):
        return
    field = _watched_field(sender)
    if field is None:
        return
    relation = getattr(instance, field)
    if action.startswith("pre_"):
        instance._security_before = {
            **getattr(instance, "_security_before", {}),
            field: set(relation.values_list("pk", flat=True)),
        }
        return
    before = getattr(instance, "_security_before", {}).pop(field, set())
    after = set(relation.values_list("pk", flat=True))
    if before == after:
        return
    kind = SecurityEventKind.ROLES_CHANGED if field == "groups" else SecurityEventKind.PRIVILEGES_CHANGED
    subject = (
        instance.get_username()
        if hasattr(instance, "get_username")
        else f"{Group._meta.verbose_name}: {instance.name}"
    )
    record(
        kind,
        subject=subject,
        detail={
            "field": field,
            "old": _names(relation, model, before),
            "new": _names(relation, model, after),
        },
    )


def _watched_field(through) -> str | None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if through is user_model.groups.through:
        return "groups"
    if through is user_model.user_permissions.through:
        return "user_permissions"
    if through is Group.permissions.through:
        return "permissions"
    return None


def on_user_pre_save(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(PRIVILEGE_FIELDS):
        return  # e.g. last_login on every sign-in: nothing to compare
    old = sender.objects.filter(pk=instance.pk).values(*PRIVILEGE_FIELDS).first()
    if old is None:
        return
    changes = {f: [old[f], getattr(instance, f)] for f in PRIVILEGE_FIELDS if old[f] != getattr(instance, f)}
    if changes:
        record(
            SecurityEventKind.PRIVILEGES_CHANGED,
            subject=instance.get_username(),
            detail={
                "field": "flags",
                "old": {f: v[0] for f, v in changes.items()},
                "new": {f: v[1] for f, v in changes.items()},
            },
        )


def on_user_post_save(sender, instance, created, raw=False, **kwargs):
    if created and not raw and (instance.is_superuser or instance.is_staff):
        record(
            SecurityEventKind.PRIVILEGES_CHANGED,
            subject=instance.get_username(),
            detail={"field": "flags", "old": {}, "new": {f: getattr(instance, f) for f in PRIVILEGE_FIELDS}},
        )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import m2m_changed, post_save, pre_save

    user_model = get_user_model()
    user_logged_in.connect(on_login, dispatch_uid="core.security_events.login")
    user_logged_out.connect(on_logout, dispatch_uid="core.security_events.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="core.security_events.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="core.security_events.locked_out")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="core.security_events.m2m")
    pre_save.connect(on_user_pre_save, sender=user_model, dispatch_uid="core.security_events.user_pre_save")
    post_save.connect(
        on_user_post_save, sender=user_model, dispatch_uid="core.security_events.user_post_save"
    )
