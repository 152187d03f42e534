"""The list pages' fixed costs (issue 17): the same number of queries for a few rows as for many
(the calendar, the visit list, the visit form, the scheduler's home), the calendar drawn in Python
with the template's markup (grid and phone list, "+N more" to the day's list), the people lists
drawn once and still selecting, the visit table's leader read in the page's one query."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.selects import FastSelect, FastSelectMultiple
from inspections.forms import VisitForm
from inspections.models import TeamMember, TeamRole, VisitStatus
from inspections.selectors import team_candidates
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import VisitFactory, at


def _grow(plan, department, count, *, people, day=date(2027, 1, 4), per_day=5):
    """``count`` more visits of fresh units in ``plan`` (``per_day`` a day from ``day``), each led
    by one of ``people`` with another as member: more rows and more people in every list."""
    for n in range(count):
        when = day + timedelta(days=n // per_day)
        visit = VisitFactory(
            plan=plan,
            unit=UnitFactory(parent=department),
            starts_at=at(when, 7 + n % per_day),
            ends_at=at(when, 8 + n % per_day),
            leader=people[n % len(people)],
            status=VisitStatus.SCHEDULED,
        )
        TeamMember.objects.create(visit=visit, user=people[(n + 1) % len(people)], role=TeamRole.MEMBER)


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_list_pages_run_the_same_queries_for_a_few_rows_and_for_many(
    client, scheduler, approved_plan, department, leader, inspector
):
    client.force_login(scheduler)
    _grow(approved_plan, department, 2, people=[leader, inspector])
    visit = approved_plan.visits.first()
    month = {"year": 2027, "month": 1}
    pages = [
        (reverse("inspections:visit_calendar"), month),
        (reverse("inspections:visit_calendar"), {**month, "view": "list", "leader": leader.pk}),
        (reverse("inspections:visit_list"), {}),
        (reverse("inspections:visit_edit", args=[visit.pk]), {}),
        (reverse("home"), {}),
        (reverse("inspections:plan_detail", args=[approved_plan.pk]), {}),
    ]
    few = [_queries(client, url, params) for url, params in pages]

    people = [UserFactory(unit=department, roles=[Role.INSPECTOR]) for _ in range(6)]
    _grow(approved_plan, department, 40, people=[leader, inspector, *people])
    many = [_queries(client, url, params) for url, params in pages]

    assert many == few


def test_calendar_draws_the_grid_and_the_phone_list_with_links_to_the_days_visits(
    client, scheduler, approved_plan, department, leader, inspector
):
    _grow(approved_plan, department, 5, people=[leader, inspector], per_day=5)
    first = approved_plan.visits.order_by("starts_at").first()
    client.force_login(scheduler)

    response = client.get(
        reverse("inspections:visit_calendar"), {"year": 2027, "month": 1, "plan": approved_plan.pk}
    )

    body = response.content.decode()
    grid = body[body.index('<table class="table table-bordered calendar-grid">') : body.index("</table>")]
    phone = body[body.index('id="calendar-list"') :]
    detail = first.get_absolute_url()
    # The grid: a short link with the unit and the status in its title; three a day, then "+2".
    assert (
        f'<a class="calendar-visit status-scheduled" href="{detail}" title="{first.unit.name} · Đã lên lịch">'
        in grid
    )
    assert grid.count("calendar-visit") == 3
    more = (
        f"{reverse('inspections:visit_list')}?date_from=04/01/2027&amp;date_to=04/01/2027"
        f'&amp;plan={approved_plan.pk}">'
        "+2 cuộc kiểm tra khác</a>"
    )
    assert more in grid and more in phone
    # The phone's list: the day's heading, hours, unit, status and leader.
    assert "04/01/2027</h2>" in phone
    assert (
        f'href="{detail}">07:00–08:00 · {first.unit.name}<br><small>Đã lên lịch · {leader}</small>' in phone
    )
    assert phone.count("calendar-visit") == 3


def test_an_empty_month_says_so(client, scheduler, approved_plan):
    client.force_login(scheduler)

    body = client.get(reverse("inspections:visit_calendar"), {"year": 2030, "month": 5}).content.decode()

    assert "Không có cuộc kiểm tra nào trong tháng." in body or "No visit this month." in body
    assert "calendar-visit" not in body


def test_visit_list_shows_each_visits_leader_or_a_dash(client, scheduler, approved_plan, department, leader):
    led = VisitFactory(
        plan=approved_plan, unit=UnitFactory(parent=department, name="Xã Có Trưởng"), leader=leader
    )
    VisitFactory(plan=approved_plan, unit=UnitFactory(parent=department, name="Xã Chưa Có"))
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_list"))

    body = response.content.decode()
    row = body[body.index(led.unit.name) :]
    assert f'data-label="Trưởng đoàn">{leader}</td>' in row[: row.index("</tr>")]
    row = body[body.index("Xã Chưa Có") :]
    assert 'data-label="Trưởng đoàn">—</td>' in row[: row.index("</tr>")]


def test_shared_people_lists_are_escaped_once_and_each_marks_its_own_choice(
    department, leader, inspector, approved_plan
):
    odd = UserFactory(unit=department, roles=[Role.INSPECTOR], last_name="<b>Lê", first_name="& Co")
    candidates = team_candidates(plan=approved_plan)
    form = VisitForm(
        {"leader": str(odd.pk), "members": [str(leader.pk), str(inspector.pk)]},
        plan=approved_plan,
        candidates=candidates,
    )
    assert isinstance(form.fields["leader"].widget, FastSelect)
    assert isinstance(form.fields["members"].widget, FastSelectMultiple)

    leader_html = str(form["leader"])
    members_html = str(form["members"])
    deputies_html = str(form["deputies"])

    assert "&lt;b&gt;Lê &amp; Co" in leader_html and "<b>" not in leader_html
    assert f'<option value="{odd.pk}" selected>' in leader_html
    assert leader_html.count(" selected>") == 1
    assert " multiple" in members_html and 'size="6"' in members_html
    assert f'<option value="{leader.pk}" selected>' in members_html
    assert f'<option value="{inspector.pk}" selected>' in members_html
    assert " selected>" not in deputies_html
    # The chosen people still come back as users.
    form.is_valid()
    assert form.cleaned_data["leader"] == odd
    assert set(form.cleaned_data["members"]) == {leader, inspector}


def test_one_query_draws_every_field_sharing_a_list(department, leader, inspector, approved_plan):
    form = VisitForm(plan=approved_plan, candidates=team_candidates(plan=approved_plan))

    with CaptureQueriesContext(connection) as queries:
        for name in ("leader", "deputies", "members", "secretary"):
            str(form[name])

    assert len(queries) == 1


def test_fast_select_draws_optgroups_and_plain_choices():
    widget = FastSelect(choices=[("", "—"), ("Miền Bắc", [("1", "Hà Nội"), ("2", "Bắc Ninh")]), ("3", "Huế")])

    html = widget.render("where", "2", attrs={"id": "id_where"})

    assert html.startswith('<select id="id_where" name="where">')
    assert '<optgroup label="Miền Bắc"><option value="1">Hà Nội</option><option value="2" selected>' in html
    assert '<option value="3">Huế</option>' in html


def test_scheduler_home_lists_fifteen_waiting_units_and_counts_the_others(
    client, scheduler, approved_plan, department
):
    for n in range(18):
        approved_plan.units.add(UnitFactory(parent=department, name=f"Xã Chờ {n:02d}"))
    client.force_login(scheduler)

    response = client.get(reverse("home"))

    board = response.context["scheduler_home"]
    waiting = approved_plan.units.count()  # the plan's two communes have no visit either
    assert len(board["waiting"]) == 15
    assert board["waiting_total"] == waiting
    body = response.content.decode()
    assert f'<span class="badge text-bg-secondary">{waiting}</span>' in body
    assert f"và {waiting - 15} đơn vị khác" in body or f"and {waiting - 15} more" in body


def test_plan_page_links_an_inspector_only_to_the_visits_they_are_on(
    client, scheduler, inspector, approved_plan, department, leader
):
    theirs = VisitFactory(plan=approved_plan, unit=UnitFactory(parent=department), leader=inspector)
    other = VisitFactory(plan=approved_plan, unit=UnitFactory(parent=department), leader=leader)
    url = reverse("inspections:plan_detail", args=[approved_plan.pk])

    client.force_login(inspector)
    with CaptureQueriesContext(connection) as few:
        body = client.get(url).content.decode()
    assert f'<a href="{theirs.get_absolute_url()}">{theirs.unit.name}</a>' in body
    assert other.get_absolute_url() not in body and other.unit.name in body
    assert f'data-label="Trưởng đoàn">{leader}</td>' in body

    client.force_login(scheduler)
    body = client.get(url).content.decode()
    assert f'<a href="{other.get_absolute_url()}">{other.unit.name}</a>' in body

    client.force_login(inspector)
    _grow(approved_plan, department, 12, people=[leader, inspector])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_an_inspectors_pages_run_the_same_queries_for_a_few_visits_and_for_many(
    client, inspector, approved_plan, department, leader
):
    client.force_login(inspector)
    _grow(approved_plan, department, 2, people=[inspector, leader])
    pages = [
        (reverse("home"), {}),
        (reverse("inspections:my_visits"), {}),
        (reverse("inspections:my_visits"), {"section": "upcoming"}),
        (reverse("inspections:visit_calendar"), {"year": 2027, "month": 1}),
    ]
    few = [_queries(client, url, params) for url, params in pages]

    _grow(approved_plan, department, 40, people=[inspector, leader])
    many = [_queries(client, url, params) for url, params in pages]

    assert many == few


def test_visit_table_escapes_names_and_mutes_cancelled_visits(client, scheduler, approved_plan, department):
    odd = VisitFactory(
        plan=approved_plan,
        unit=UnitFactory(parent=department, name="Xã <b>Lạ</b> & Co"),
        status=VisitStatus.CANCELLED,
    )
    client.force_login(scheduler)

    body = client.get(reverse("inspections:visit_list")).content.decode()

    assert "<b>Lạ</b>" not in body
    assert f'<a href="{odd.get_absolute_url()}">Xã &lt;b&gt;Lạ&lt;/b&gt; &amp; Co</a>' in body
    row = body[body.rindex("<tr", 0, body.index("Xã &lt;b&gt;")) :]
    assert row.startswith('<tr class="text-muted">')
    assert (
        'data-label="Trạng thái"><span class="badge text-bg-secondary">Đã hủy</span>'
        in row[: row.index("</tr>")]
    )
