from datetime import date

import pytest
from django.urls import reverse

from ..models import CriterionScore, IndexRound, Scorecard
from .factories import index_template

URL = reverse("reform_index:round_open")


def _post(index_tpl, province, units=(), year=2026, **extra):
    return {
        "province": province.pk,
        "year": year,
        "template": index_tpl.pk,
        "units": [u.pk for u in units],
        "self_deadline": "2099-02-01",
        "appraisal_deadline": "2099-02-15",
        "response_deadline": "2099-02-28",
        **extra,
    }


def test_anonymous_is_sent_to_the_login(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_the_administrator_opens_a_round_and_every_unit_in_scope_is_told(
    client,
    administrator,
    province,
    department,
    commune,
    other_commune,
    liaison,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    liaison.email = "binhtan@example.vn"
    liaison.save(update_fields=["email"])
    index_tpl = index_template()
    client.force_login(administrator)
    assert client.get(URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _post(index_tpl, province, [commune, other_commune]))
    index_round = IndexRound.objects.get()
    assert response["Location"] == index_round.get_absolute_url()
    assert set(Scorecard.objects.values_list("unit", flat=True)) == {commune.pk, other_commune.pk}
    assert CriterionScore.objects.count() == 2 * 6
    assert [m.to for m in mailoutbox] == [["binhtan@example.vn"]]
    assert "2026" in mailoutbox[0].subject and "Xã Bình Tấn" in mailoutbox[0].subject
    # The liaison's home shows the task.
    client.force_login(liaison)
    home = client.get(reverse("home")).content.decode()
    assert 'id="home-reform-index"' in home
    assert Scorecard.objects.get(unit=commune).get_absolute_url() in home


def test_empty_scope_means_every_department_and_commune_of_the_province(
    client, administrator, province, department, commune, other_commune, foreign_commune
):
    client.force_login(administrator)
    client.post(URL, _post(index_template(), province))
    assert set(Scorecard.objects.values_list("unit", flat=True)) == {
        department.pk,
        commune.pk,
        other_commune.pk,
    }


def test_deadlines_out_of_order_are_refused_next_to_the_field(client, administrator, province, commune):
    client.force_login(administrator)
    response = client.post(URL, _post(index_template(), province, [commune], response_deadline="2099-01-01"))
    assert response.status_code == 200
    assert (
        "self-scoring" in response.context["form"].errors["response_deadline"][0]
        or response.context["form"].errors["response_deadline"]
    )
    assert not IndexRound.objects.exists()


def test_a_second_round_for_the_same_year_is_refused(client, administrator, province, commune, index_round):
    client.force_login(administrator)
    response = client.post(URL, _post(index_round.template, province, [commune]))
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert IndexRound.objects.count() == 1


def test_a_unit_of_another_province_is_refused(client, administrator, province, foreign_commune):
    client.force_login(administrator)
    response = client.post(URL, _post(index_template(), province, [foreign_commune]))
    assert response.status_code == 200
    assert response.context["form"].errors["units"]


@pytest.mark.parametrize("role", ["scheduler", "inspector", "head", "liaison"])
def test_only_the_administrator_opens_a_round(client, request, role, province, commune):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _post(index_template(), province, [commune])).status_code == 403
    assert not IndexRound.objects.exists()


def test_the_round_page_is_for_the_province_staff(client, index_round, scheduler, outsider, liaison):
    url = index_round.get_absolute_url()
    client.force_login(scheduler)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(liaison)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)


def test_deadline_order_is_also_a_database_rule(index_round):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        IndexRound.objects.filter(pk=index_round.pk).update(response_deadline=date(2000, 1, 1))


def test_the_liaison_finds_the_scorecard_from_the_menu_page(client, liaison, card, outsider):
    client.force_login(liaison)
    page = client.get(reverse("reform_index:round_list")).content.decode()
    assert card.get_absolute_url() in page
    # The round itself is not listed before publication (it is the department's).
    assert card.round.get_absolute_url() + '"' not in page
    client.force_login(outsider)
    assert card.get_absolute_url() not in client.get(reverse("reform_index:round_list")).content.decode()
