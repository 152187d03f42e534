"""Models of the plumbing: the transactional outbox (see core/outbox.py), security events and
password history (core/security_events.py, core/passwords.py), and the abstract stored file that
evidence and attachments share.

Importing this module also connects the receiver that deletes a file after its row is deleted
(core/files.py): models modules are imported once, when the app registry loads.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .storage import private_storage


class OutboxKind(models.TextChoices):
    TASK = "task", _("Background task")
    EMAIL = "email", _("E-mail")


class OutboxItem(models.Model):
    """A task to hand to the broker or an e-mail to send, written in the transaction of the change
    that calls for it, so that neither is lost when the broker or the mail server is away, and
    marked sent once it was. ``key`` names the event: a second write of the same event (a retried
    request, a re-run service) finds the row already there and sends nothing twice."""

    key = models.CharField(_("event key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OutboxKind.choices)
    # The Celery task's name, or the dotted path of the function that sends the e-mail.
    name = models.CharField(_("handler"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OutboxKind.values), name="core_outboxitem_kind_valid"
            ),
        ]
        indexes = [
            # The sweep: unsent items that are due, oldest first (a partial index stays small).
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="core_outbox_unsent_due"
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Login locked out")
    LOGOUT = "logout", _("Logout")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    PRIVILEGES_CHANGED = "privileges_changed", _("Administrative privileges changed")
    EXPORT = "export", _("Data export")
    DOCUMENT_ISSUED = "document_issued", _("Document issued")


class SecurityEvent(models.Model):
    """One security event (NĐ 85/2016 level 3, TCVN 11930:2017: audit of security events).

    Written by core/security_events.py only; read-only in the admin; deleted only by the daily
    pruning after SECURITY_EVENT_RETENTION_DAYS. Users are kept by id and name, not by foreign key:
    the record stays as it was when an account is renamed or deleted.
    """

    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("event"), max_length=32, choices=SecurityEventKind.choices)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    subject_username = models.CharField(
        _("account affected"),
        max_length=150,
        blank=True,
        help_text=_("The account whose roles or privileges were changed."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security event")
        ordering = ["-at", "-id"]
        indexes = [
            # The admin's list (newest first) and the pruning (at < cut-off).
            models.Index(fields=["at"], name="core_secevent_at"),
            # The admin's filter by event and by user.
            models.Index(fields=["kind", "at"], name="core_secevent_kind_at"),
            models.Index(fields=["actor_username", "at"], name="core_secevent_user_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SecurityEventKind.values), name="core_securityevent_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.actor_username}".strip()


class PasswordHistory(models.Model):
    """The hash of each password a user had, newest last (core/passwords.py keeps the last few)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    password = models.CharField(_("password (hashed)"), max_length=128)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous password")
        indexes = [
            # A user's last passwords, newest first (the history check and the expiry check).
            models.Index(fields=["user", "-created_at"], name="core_pwhistory_user_created"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%d/%m/%Y}"


def stored_file_path(instance: "StoredFile", filename: str) -> str:
    """A random name under the model's ``upload_folder``, by month: the original name is kept in
    a column, never trusted as a path, and names on disk are never guessable."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{instance.upload_folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class StoredFile(models.Model):
    """A file as it was uploaded, kept privately (core/storage.py; a view hands it out after its
    access check): the file, its name on the sender's device, its checked content type, its size
    and its SHA-256 (a resent upload is found by it). Inspection evidence, reform-index evidence
    and remediation attachments; each names its folder (``upload_folder``) and its constraints."""

    upload_folder = "files"

    file = models.FileField(_("file"), storage=private_storage, upload_to=stored_file_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


from . import files  # noqa: E402, F401  connects the post_delete receiver (see the docstring)
from .jobs import Job, JobState  # noqa: E402, F401  (the model of core/jobs.py)
