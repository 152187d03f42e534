"""The visit form drawn in Python (units.widgets.crispy_field_html, the people read as names):
the markup crispy-forms drew, field by field, fresh and refused, and the page through the view."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from inspections.forms import BulkScheduleForm, UserChoiceField, VisitForm
from inspections.models import VisitStatus
from inspections.selectors import plan_units_without_visit, team_candidates
from units.roles import Role
from units.tests.factories import UserFactory
from units.widgets import crispy_field_html

from .factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(department, leader, inspector):
    odd = UserFactory(
        username="la",
        unit=department,
        roles=[Role.INSPECTOR],
        first_name="<Lạ>",
        last_name="& Co",
        position="",
    )
    deputy = UserFactory(
        username="pho",
        unit=department,
        roles=[Role.HEAD],
        first_name="Văn Phó",
        position='Phó "trưởng" phòng',
    )
    return {"leader": leader, "inspector": inspector, "odd": odd, "deputy": deputy}


def _forms(plan, commune, people):
    candidates = team_candidates(plan=plan)
    draft = VisitFactory(
        plan=plan, unit=commune, leader=people["leader"], members=[people["odd"]], status=VisitStatus.DRAFT
    )
    scheduled = VisitFactory(
        plan=plan, unit=plan.units.exclude(pk=commune.pk).first(), leader=people["deputy"], status="scheduled"
    )
    refused = {
        "unit": "999999",
        "day": "32/13/2027",
        "start_time": "25:00",
        "end_time": "",
        "place": 'Hội trường <"A">',
        "notes": "Mang <b>hồ sơ</b> & sổ",
        "deputies": [str(people["deputy"].pk), "999999"],
        "members": [str(people["odd"].pk)],
    }
    return {
        "new": lambda: VisitForm(plan=plan, candidates=candidates, initial={"unit": str(commune.pk)}),
        "draft": lambda: VisitForm(plan=plan, candidates=candidates, visit=draft),
        "scheduled": lambda: VisitForm(plan=plan, candidates=candidates, visit=scheduled),
        "refused": lambda: _refused(VisitForm(refused, plan=plan, candidates=candidates)),
        "refused edit": lambda: _refused(
            VisitForm({**refused, "leader": "x"}, plan=plan, candidates=candidates, visit=draft)
        ),
        "bulk": lambda: BulkScheduleForm(
            plan=plan, units=plan_units_without_visit(plan=plan), candidates=candidates
        ),
    }


def _refused(form):
    assert not form.is_valid()
    form.add_error(None, "Đã cũ <b>.")
    return form


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_field_is_drawn_as_crispy_forms_draws_it(language, plan, commune, people):
    forms = _forms(plan, commune, people)
    with translation.override(language):
        for name, make in forms.items():
            ours_form, theirs_form = make(), make()
            names = (
                ["leader", "deputies", "members", "secretary"] if name == "bulk" else list(ours_form.fields)
            )
            for field in names:
                theirs = as_crispy_field(theirs_form[field])
                assert parse_html(ours_form.crispy[field]) == parse_html(theirs), (name, field)
                # Twice (the classes are set once, not added again).
                assert parse_html(crispy_field_html(ours_form[field])) == parse_html(theirs), (name, field)


def test_the_people_are_read_as_names_and_labelled_as_the_field_labels_them(plan, commune, people):
    form = _forms(plan, commune, people)["new"]()
    field = form.fields["leader"]
    expected = [("", field.empty_label)] + [
        (user.pk, UserChoiceField.label_from_instance(field, user)) for user in team_candidates(plan=plan)
    ]
    assert list(field.choices) == expected
    assert any(" · " in label for _pk, label in expected)  # a position shown
    html = str(form.crispy["deputies"])
    assert "&amp; Co &lt;Lạ&gt;</option>" in html and "Văn Phó · Phó &quot;trưởng&quot; phòng" in html
    assert list(form.fields["unit"].choices)[1:] == [(u.pk, u.name) for u in form.fields["unit"].queryset]


def test_the_edit_page_shows_the_team_chosen_and_saves_a_change(client, scheduler, plan, commune, people):
    visit = VisitFactory(
        plan=plan,
        unit=commune,
        leader=people["leader"],
        members=[people["odd"]],
        status=VisitStatus.SCHEDULED,
    )
    client.force_login(scheduler)
    url = reverse("inspections:visit_edit", args=[visit.pk])
    body = client.get(url).content.decode()
    assert f'<option value="{people["leader"].pk}" selected>' in body
    assert f'<option value="{people["odd"].pk}" selected>' in body
    assert 'class="fastselect form-select" id="id_leader" name="leader" required' in body
    assert 'id="id_deputies_helptext" class="form-text"' in body
    assert 'name="day"' not in body  # a scheduled visit moves through "Reschedule"

    response = client.post(
        url,
        {
            "version": visit.version,
            "place": "Hội trường",
            "notes": "",
            "leader": people["inspector"].pk,
            "members": [people["odd"].pk, people["leader"].pk],
        },
    )
    assert response.status_code == 302
    assert {(m.user_id, m.role) for m in visit.team.all()} == {
        (people["inspector"].pk, "leader"),
        (people["odd"].pk, "member"),
        (people["leader"].pk, "member"),
    }

    refused = client.post(url, {"version": visit.version, "place": "x" * 300, "members": ["999999"]})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert 'class="fastselect form-select is-invalid"' in body and 'aria-invalid="true"' in body
    assert "invalid-feedback" in body
