"""The one place e-mails are built: every message of the application comes from ``email_message``.

Subjects are made of names people typed (a unit's name, a finding's action): a line break in one
would make Django refuse the header (BadHeaderError) and the notice would never go out. The
subject is folded to one line here, whatever it was built from.
"""

from django.conf import settings
from django.core.mail import EmailMessage


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks, tabs) as one space, trimmed."""
    return " ".join(str(text).split())


def email_message(*, subject: str, body: str, to: list[str], cc: list[str] = ()) -> EmailMessage:
    """An e-mail from DEFAULT_FROM_EMAIL with a one-line subject (the caller sends it)."""
    return EmailMessage(
        subject=one_line(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=list(to), cc=list(cc)
    )
