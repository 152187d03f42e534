"""E-mails of the reform index, sent by the outbox after the commit (once per key).

The unit's contact address and its active liaisons get them, in Vietnamese.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.links import absolute_url
from core.mail import email_message
from units.roles import Role

from .models import Scorecard


def unit_contacts(unit) -> list[str]:
    """The unit's e-mail and its active liaisons' addresses, without duplicates."""
    addresses = [unit.email] if unit.email else []
    addresses += list(
        get_user_model()
        .objects.filter(unit=unit, is_active=True, groups__name=Role.LIAISON)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(addresses))


OPENED_SUBJECT = _("Reform index %(year)s: self-scoring is open for %(unit)s")
APPRAISED_SUBJECT = _("Reform index %(year)s: the appraisal of %(unit)s is ready")


def _send(card_id: int, template: str, subject) -> int:
    card = Scorecard.objects.select_related("round__province", "unit").filter(pk=card_id).first()
    if card is None:
        return 0
    to = unit_contacts(card.unit)
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            template, {"card": card, "round": card.round, "url": absolute_url(card.get_absolute_url())}
        )
        subject_text = str(subject) % {"year": card.round.year, "unit": card.unit.name}
    return email_message(subject=subject_text, body=body, to=to).send()


def round_opened_send(*, card_id: int) -> int:
    """The notice that the unit's self-scoring of the year is open."""
    return _send(
        card_id,
        "reform_index/emails/round_opened.txt",
        OPENED_SUBJECT,
    )


def appraisal_sent_send(*, card_id: int) -> int:
    """The notice that the appraisal of the unit's self-scoring is ready to be seen and answered."""
    return _send(
        card_id,
        "reform_index/emails/appraisal_sent.txt",
        APPRAISED_SUBJECT,
    )
