"""The demo round of the reform index: Đồng Tháp, this year, every step represented."""

import io

import pytest
from django.core.management import call_command

from inspections.reform_index.models import CardStatus, IndexRound, Scorecard

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_round_in_dong_thap_at_every_step(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    index_round = IndexRound.objects.get()
    assert index_round.province.code == "DT"
    statuses = set(Scorecard.objects.values_list("status", flat=True))
    assert {CardStatus.DRAFT, CardStatus.SUBMITTED, CardStatus.APPRAISED, CardStatus.APPROVED} <= statuses
    assert Scorecard.objects.get(unit__code="DT-BTM").status == CardStatus.DRAFT
