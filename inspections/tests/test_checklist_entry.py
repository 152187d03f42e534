"""The inspector on site opens the checklist of a visit in progress in one tap, from the home
page and from “my visits” (a visit not started yet still opens the visit's page)."""

import pytest
from django.urls import reverse

from .answer_factories import start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("where", ["home", "inspections:my_visits"])
def test_a_visit_in_progress_opens_its_checklist_directly(client, inspector, visit, where):
    started = start(visit)
    client.force_login(inspector)

    html = client.get(reverse(where)).content.decode()

    checklist = reverse("inspections:checklist", args=[started.pk])
    assert f'href="{checklist}">{started.unit.name}</a>' in html


def test_a_visit_not_started_opens_the_visits_page(client, inspector, visit):
    client.force_login(inspector)

    html = client.get(reverse("home")).content.decode()

    assert f'href="{visit.get_absolute_url()}">{visit.unit.name}</a>' in html
    assert reverse("inspections:checklist", args=[visit.pk]) not in html
