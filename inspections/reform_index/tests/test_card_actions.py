"""The scorecard's four one-button steps (submit, send, respond, approve) behave alike: the step's
role moves the card on with a message; an outsider gets 404, a staff member who only reads 403;
a form the step refuses changes nothing and says why."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from units.roles import Role
from units.tests.factories import UserFactory

from ..models import CardStatus, CriterionScore, Scorecard
from .factories import fill_and_submit

ACTIONS = {
    # name: (state before, the role's fixture, its POST data, state after)
    "card_submit": ("filled", "liaison", lambda c: {"version": c.version}, CardStatus.SUBMITTED),
    "card_send": ("submitted", "inspector", lambda c: {"version": c.version}, CardStatus.APPRAISED),
    "card_respond": ("appraised", "liaison", lambda c: {"response": "Đúng hạn."}, CardStatus.RESPONDED),
    "card_approve": ("responded", "head", lambda c: {"version": c.version}, CardStatus.APPROVED),
}


def _at(card, liaison, state):
    CriterionScore.objects.filter(scorecard=card).update(self_score=Decimal("1.5"), explanation="Có báo cáo")
    if state != "filled":
        fill_and_submit(card, actor=liaison)
    if state in ("appraised", "responded"):
        Scorecard.objects.filter(pk=card.pk).update(status=CardStatus(state))
    return Scorecard.objects.get(pk=card.pk)


@pytest.mark.parametrize("name", ACTIONS)
def test_the_steps_role_moves_the_card_on_with_a_message(client, request, card, liaison, name):
    state, role, data, after = ACTIONS[name]
    card = _at(card, liaison, state)
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse(f"reform_index:{name}", args=[card.pk]), data(card))
    assert response.status_code == 302 and response.url == card.get_absolute_url()
    assert Scorecard.objects.get(pk=card.pk).status == after
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]


@pytest.mark.parametrize("name", ACTIONS)
def test_outsiders_get_404_and_readers_403(client, request, card, liaison, other_commune, outsider, name):
    state, role, data, _after = ACTIONS[name]
    card = _at(card, liaison, state)
    other_liaison = UserFactory(username="tanmy", unit=other_commune, roles=[Role.LIAISON])
    reader = UserFactory(username="reader", unit=card.round.province, roles=[Role.SCHEDULER])
    url = reverse(f"reform_index:{name}", args=[card.pk])
    for user, status in ((outsider, 404), (other_liaison, 404), (reader, 403)):
        client.force_login(user)
        assert client.post(url, data(card)).status_code == status, user
    assert Scorecard.objects.get(pk=card.pk).status == card.status


@pytest.mark.parametrize("name", ["card_submit", "card_send", "card_approve"])
def test_a_malformed_version_changes_nothing_and_says_why(client, request, card, liaison, name):
    state, role, _data, _after = ACTIONS[name]
    card = _at(card, liaison, state)
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse(f"reform_index:{name}", args=[card.pk]), {"version": "x"})
    assert response.status_code == 302
    assert Scorecard.objects.get(pk=card.pk).status == card.status
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
