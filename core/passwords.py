"""Password policy (NĐ 85/2016 level 3: identification and authentication), in Vietnamese.

Validators (AUTH_PASSWORD_VALIDATORS): a minimum length (PASSWORD_MIN_LENGTH, default 10), at
least one letter and one digit, none of the last PASSWORD_HISTORY_COUNT passwords (5); Django's
similarity, common-password and all-digits checks stay, with Vietnamese messages. The history is
written by :meth:`PasswordHistoryValidator.password_changed`, which Django calls whenever a
password is saved (the form, the admin, ``changepassword``).

Optional expiry: with PASSWORD_MAX_AGE_DAYS set, :class:`PasswordExpiryMiddleware` sends a user
whose password is older to the password change page until it is changed.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PasswordHistory

# How long a passed expiry check holds for a session (one query per session and hour, not per request).
EXPIRY_CHECK_SECONDS = 3600
EXPIRY_SESSION_KEY = "_password_fresh_until"


class MinimumLengthValidator:
    def __init__(self, min_length: int | None = None):
        self._min_length = min_length

    @property
    def min_length(self) -> int:
        # Read at each check: Django builds the validators once per process.
        return self._min_length or settings.PASSWORD_MIN_LENGTH

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("This password is too short: it must contain at least %(min_length)d characters."),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return _("Your password must contain at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }


class CharacterClassesValidator:
    """At least one letter and one digit ("hoanghoa" and "12345678901" are refused)."""

    def validate(self, password, user=None):
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(
                _("The password must contain both letters and digits."), code="password_classes"
            )

    def get_help_text(self):
        return _("Your password must contain both letters and digits.")


class PasswordHistoryValidator:
    """None of the user's last ``count`` passwords; keeps that history when a password changes."""

    def __init__(self, count: int | None = None):
        self._count = count

    @property
    def count(self) -> int:
        return self._count or settings.PASSWORD_HISTORY_COUNT

    def _recent(self, user):
        return PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = list(self._recent(user).values_list("password", flat=True)[: self.count])
        if user.password and user.password not in hashes:
            hashes.append(user.password)  # set before the history existed
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _("The new password must not be one of your last %(count)d passwords.")
                % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .security_events import on_password_changed

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = self._recent(user).values_list("pk", flat=True)[self.count :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        on_password_changed(user)

    def get_help_text(self):
        return _("Your new password must differ from your last %(count)d passwords.") % {"count": self.count}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(
                _("The password is too similar to the account's details (username, name, e-mail)."),
                code="password_too_similar",
            ) from exc

    def get_help_text(self):
        return _("Your password must not be too similar to your account's details.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(
                _("This password is too common and easy to guess."), code="password_too_common"
            ) from exc

    def get_help_text(self):
        return _("Your password must not be a commonly used password.")


def password_changed_at(user):
    """When the user's current password was set (their sign-up date if no history was kept)."""
    latest = (
        PasswordHistory.objects.filter(user=user).order_by("-created_at").values_list("created_at", flat=True)
    )
    return latest.first() or user.date_joined


def password_expired(user, *, now=None) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    return password_changed_at(user) + timedelta(days=days) <= (now or timezone.now())


class PasswordExpiryMiddleware:
    """With PASSWORD_MAX_AGE_DAYS set, an expired password must be changed before anything else.

    Must come after AuthenticationMiddleware and MessageMiddleware.
    """

    ALLOWED = ("password_change", "password_change_done", "logout", "session_keepalive")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PASSWORD_MAX_AGE_DAYS and request.user.is_authenticated and self._must_change(request):
            if request.path not in {reverse(name) for name in self.ALLOWED}:
                messages.warning(
                    request,
                    _("Your password is more than %(days)d days old. Please change it to continue.")
                    % {"days": settings.PASSWORD_MAX_AGE_DAYS},
                )
                return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change(request) -> bool:
        now = time.time()
        if request.session.get(EXPIRY_SESSION_KEY, 0) > now:
            return False
        if password_expired(request.user):
            request.session.pop(EXPIRY_SESSION_KEY, None)
            return True
        request.session[EXPIRY_SESSION_KEY] = now + EXPIRY_CHECK_SECONDS
        return False
