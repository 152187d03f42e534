"""Carry-forward of earlier recommendations, and the visit's history panel."""

import datetime as dt

import pytest
from django.urls import reverse

from findings.models import ActionState
from inspections.models import VisitStatus
from inspections.tests.factories import PlanFactory, VisitFactory, at

from .factories import ActionFactory, FindingFactory, conclude

pytestmark = pytest.mark.django_db


def _plan_2026(department, template, units):
    """An earlier plan of the year, over ``units``."""
    return PlanFactory(
        issuing_unit=department,
        template=template,
        year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        units=units,
    )


def test_a_new_visit_shows_the_units_earlier_recommendations_with_their_state(
    client, inspector, leader, visit, department, template, commune, other_commune
):
    earlier_plan = _plan_2026(department, template, [commune, other_commune])
    earlier = VisitFactory(
        plan=earlier_plan,
        unit=commune,
        leader=leader,
        starts_at=at(dt.date(2026, 3, 13), 8),
        ends_at=at(dt.date(2026, 3, 13), 11),
    )
    iso = FindingFactory(
        visit=earlier, created_by=leader, approved=True, recommendation="Vận hành hệ thống ISO 9001."
    )
    FindingFactory(visit=earlier, created_by=leader, approved=True, strength=True)
    conclude(earlier, leader)
    ActionFactory(finding=iso, state=ActionState.REOPENED)
    elsewhere = VisitFactory(
        plan=earlier_plan,
        unit=other_commune,
        leader=leader,
        starts_at=at(dt.date(2026, 3, 14), 8),
        ends_at=at(dt.date(2026, 3, 14), 11),
    )
    FindingFactory(visit=elsewhere, created_by=leader, approved=True)
    client.force_login(inspector)
    response = client.get(reverse("findings:visit_findings", args=[visit.pk]))
    assert [f.pk for f in response.context["carry_forward"]] == [iso.pk]
    body = response.content.decode()
    assert "Vận hành hệ thống ISO 9001." in body
    assert str(ActionState.REOPENED.label) in body or "Reopened" in body


def test_visit_history_shows_status_changes_and_finding_edits(client, leader, head, visit, inspector):
    from inspections.services import visit_transition

    client.force_login(inspector)
    client.post(
        reverse("findings:finding_create", args=[visit.pk]),
        {"kind": "limitation", "text": "Chưa tự kiểm tra CCHC.", "severity": "low", "recommendation": ""},
    )
    visit_transition(visit=visit, status=VisitStatus.SUBMITTED, actor=leader)
    client.force_login(head)
    response = client.get(reverse("findings:visit_findings_history", args=[visit.pk]))
    assert response.status_code == 200
    history = response.context["history"]
    assert history[0].actor == leader
    assert [(c.old, c.new) for c in history[0].changes][0] == (
        str(VisitStatus.IN_PROGRESS.label),
        str(VisitStatus.SUBMITTED.label),
    )
    assert any(e.actor == inspector and e.action == 0 for e in history)


def test_carry_forward_fragment_is_served_to_the_team_and_hidden_from_outsiders(
    client, inspector, outsider, visit
):
    client.force_login(inspector)
    response = client.get(reverse("findings:carry_forward", args=[visit.pk]))
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    client.force_login(outsider)
    assert client.get(reverse("findings:carry_forward", args=[visit.pk])).status_code == 404


def test_the_earlier_recommendations_are_drawn_as_the_template_drew_them(
    client,
    inspector,
    leader,
    visit,
    department,
    template,
    commune,
    other_commune,
    time_machine,
    django_assert_num_queries,
):
    """findings.panels.carry_forward_html against the template the panel was drawn with: every
    kind of row (a notice or none, the unit or one it replaced, an action open, overdue, done or
    none), escaping, both languages, and no row at all."""
    from pathlib import Path

    from django.template import engines
    from django.utils import translation

    from findings import selectors
    from findings.models import Finding
    from findings.panels import carry_forward_html

    time_machine.move_to(dt.datetime(2027, 5, 1, 9, tzinfo=dt.UTC))
    reference = engines["django"].from_string(
        (Path(__file__).parent / "carry_forward_reference.html").read_text(encoding="utf-8")
    )

    def drawn_both_ways():
        items = selectors.carry_forward(visit=visit)
        findings = {
            f.pk: f
            for f in Finding.objects.filter(pk__in=[i.pk for i in items]).select_related(
                "visit__unit", "visit__conclusion", "action"
            )
        }
        return carry_forward_html(items), reference.render({"items": [findings[i.pk] for i in items]})

    ours, theirs = drawn_both_ways()
    assert ours == theirs and "list-group-item" not in ours
    commune.predecessors.add(other_commune)
    earlier_plan = _plan_2026(department, template, [commune, other_commune])
    for n, (unit, states) in enumerate(
        [
            (commune, [ActionState.OPEN, ActionState.VERIFIED, None]),
            (other_commune, [ActionState.REOPENED]),
        ]
    ):
        earlier = VisitFactory(
            plan=earlier_plan,
            unit=unit,
            leader=leader,
            starts_at=at(dt.date(2026, 3, 13 + n), 6),  # 06:00 local, the day before in UTC
            ends_at=at(dt.date(2026, 3, 14 + n), 11),
        )
        findings = [
            FindingFactory(
                visit=earlier, created_by=leader, approved=True, recommendation=f"Sửa <b>{k}</b> & “báo cáo”"
            )
            for k in range(len(states))
        ]
        conclude(earlier, leader)
        for finding, state in zip(findings, states, strict=True):
            if state is not None:
                ActionFactory(finding=finding, state=state, due_date=dt.date(2027, 1, 10 + n))
    # A visit not concluded yet: no notice, no action.
    pending = VisitFactory(
        plan=PlanFactory(
            issuing_unit=department,
            template=template,
            year=2026,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            units=[commune],
        ),
        unit=commune,
        leader=leader,
        starts_at=at(dt.date(2026, 4, 2), 8),
        ends_at=at(dt.date(2026, 4, 2), 11),
    )
    FindingFactory(visit=pending, created_by=leader, recommendation="Chưa kết luận")
    for language in ("vi", "en"):
        with translation.override(language):
            ours, theirs = drawn_both_ways()
        assert ours == theirs, language
    # One query, the units the visit's unit replaced included.
    with django_assert_num_queries(1):
        assert len(selectors.carry_forward(visit=visit)) == 5
    assert ours.count("list-group-item") == 5 and ours.count("text-bg-danger") == 2
    assert "Sửa &lt;b&gt;0&lt;/b&gt; &amp; “báo cáo”" in ours and "13/03/2026" in ours
    # The page and the checklist's fragment show the panel.
    client.force_login(inspector)
    page = client.get(reverse("findings:visit_findings", args=[visit.pk])).content.decode()
    fragment = client.get(reverse("findings:carry_forward", args=[visit.pk])).content.decode()
    with translation.override("vi"):
        expected = str(carry_forward_html(selectors.carry_forward(visit=visit)))
    assert expected in page and fragment == expected


def test_the_history_panel_is_drawn_as_the_template_drew_it(client, inspector, leader, head, visit):
    """findings.panels.history_html against the include the panel was drawn with: created and
    changed lines, the system as actor, long labels and values cut as truncatechars cuts them,
    escaping, both languages, and no line at all."""
    from pathlib import Path

    from django.template import engines
    from django.utils import translation

    from findings.panels import history_html
    from findings.selectors.history import HistoryChange, HistoryEntry
    from inspections.services import visit_transition

    reference = engines["django"].from_string(
        (Path(__file__).parent / "history_reference.html").read_text(encoding="utf-8")
    )
    assert history_html([]) == reference.render({"history": []})
    client.force_login(inspector)
    client.post(
        reverse("findings:finding_create", args=[visit.pk]),
        {
            "kind": "limitation",
            "text": "Chưa <tự> kiểm tra " + "rất dài " * 30,
            "severity": "low",
            "recommendation": "",
        },
    )
    visit_transition(visit=visit, status=VisitStatus.SUBMITTED, actor=leader)
    client.force_login(head)
    history = client.get(reverse("findings:visit_findings_history", args=[visit.pk])).context["history"]
    history.append(
        HistoryEntry(
            at=history[0].at,
            actor=None,
            action=1,
            model_label="Hạn chế",
            object_label="x" * 81,
            changes=[HistoryChange("nội dung", "cũ & <b>" + "a" * 300, "mới")],
        )
    )
    assert len(history) >= 3 and any(e.changes for e in history)
    for language in ("vi", "en"):
        with translation.override(language):
            assert history_html(history) == reference.render({"history": history}), language
    body = client.get(reverse("findings:visit_findings_history", args=[visit.pk])).content.decode()
    assert "Chưa &lt;tự&gt; kiểm tra" in body and 'class="history-panel"' in body


@pytest.mark.postgres
def test_the_visits_history_in_one_query_reads_what_the_orm_reads(
    leader, head, visit, other_visit_of_history
):
    """selectors.history.visit_findings_history (one written-out query) against the ORM reading
    it replaced (audit_entries and the events' queryset): the same lines in the same order, with
    the same actors (the system's as None), whatever the limit; another visit's lines stay out."""
    from findings import selectors, services
    from findings.models import Finding
    from findings.selectors.history import visit_findings_history, visit_findings_history_orm
    from inspections.services import visit_transition

    kept = services.finding_create(
        visit=visit,
        actor=leader,
        kind="limitation",
        text="Chưa niêm yết TTHC.",
        severity="low",
        recommendation="Niêm yết.",
    )
    gone = services.finding_create(visit=visit, actor=leader, kind="strength", text="Tốt.")
    services.finding_update(finding=kept, version=kept.version, actor=leader, text="Chưa niêm yết đủ TTHC.")
    gone.refresh_from_db()
    services.finding_delete(finding=gone, version=gone.version, actor=leader)
    visit_transition(visit=visit, status=VisitStatus.SUBMITTED, actor=leader)
    Finding.objects.filter(pk=kept.pk).update(review_state="approved")
    conclusion = conclude(visit, head)
    ActionFactory(finding=Finding.objects.get(pk=kept.pk), state=ActionState.IN_PROGRESS)

    def orm_reading(limit):
        data = selectors.visit_findings(visit=visit, reviews_of_approved=False)
        return data, visit_findings_history_orm(
            visit=visit, findings=data.all, conclusion=data.conclusion, limit=limit
        )

    for limit in (200, 15, 3, 1):
        data, expected = orm_reading(limit)
        assert data.conclusion == conclusion
        ours = visit_findings_history(visit=visit, findings=data.all, conclusion=data.conclusion, limit=limit)
        assert ours == expected, limit
        assert [str(e.actor) if e.actor else None for e in ours] == [
            str(e.actor) if e.actor else None for e in expected
        ]
    assert len(ours) == 1
    data, expected = orm_reading(200)
    # Lines of each kind: the findings (the removed one too), the visit's events, the conclusion.
    labels = {e.model_label for e in expected}
    assert len(expected) >= 6 and len(labels) >= 3, labels
    assert any(e.action == 2 for e in expected)  # the removed finding
    other = other_visit_of_history
    assert not {e.object_label for e in expected} & {str(f) for f in other.findings.all()}


@pytest.fixture
def other_visit_of_history(leader, department, template, commune):
    """Another visit of the unit with a finding of its own: none of its lines are the visit's."""
    other = VisitFactory(
        plan=_plan_2026(department, template, [commune]),
        unit=commune,
        leader=leader,
        starts_at=at(dt.date(2026, 2, 2), 8),
        ends_at=at(dt.date(2026, 2, 2), 11),
    )
    FindingFactory(visit=other, created_by=leader, text="Của lượt khác.")
    return other


@pytest.mark.postgres
def test_the_written_out_carry_forward_reads_what_the_orm_reads(
    client, inspector, leader, visit, department, template, commune, other_commune
):
    """selectors.carry_forward (its query written out on PostgreSQL) against carry_forward_orm:
    the same rows in the same order: the unit's and a replaced unit's, with a notice or none, an
    action or none; a cancelled visit, strengths and limitations without a
    recommendation left out; and the page shows them."""
    from findings import selectors
    from inspections.models import Visit

    def read_both():
        ours, orm = selectors.carry_forward(visit=visit), selectors.carry_forward_orm(visit=visit)
        assert ours == orm
        return ours

    assert read_both() == []
    shown = []
    for day, unit in ((10, commune), (11, other_commune), (12, commune)):
        earlier = VisitFactory(
            plan=_plan_2026(department, template, [unit]),
            unit=unit,
            leader=leader,
            starts_at=at(dt.date(2026, 3, day), 8),
            ends_at=at(dt.date(2026, 3, day), 11),
        )
        first = FindingFactory(
            visit=earlier, created_by=leader, approved=True, recommendation=f"Khuyến nghị {day}a"
        )
        second = FindingFactory(
            visit=earlier, created_by=leader, approved=True, recommendation=f"Khuyến nghị {day}b"
        )
        FindingFactory(visit=earlier, created_by=leader, approved=True, recommendation="")
        FindingFactory(visit=earlier, created_by=leader, approved=True, strength=True)
        if day != 12:
            conclude(earlier, leader)
            ActionFactory(finding=first, state=ActionState.IN_PROGRESS)
        shown.append((unit, [first.pk, second.pk]))
    cancelled = VisitFactory(
        plan=_plan_2026(department, template, [commune]),
        unit=commune,
        leader=leader,
        starts_at=at(dt.date(2026, 3, 9), 8),
        ends_at=at(dt.date(2026, 3, 9), 11),
    )
    FindingFactory(visit=cancelled, created_by=leader, approved=True, recommendation="Đã hủy")
    Visit.objects.filter(pk=cancelled.pk).update(status=VisitStatus.CANCELLED)
    # The replaced unit is not read until the unit replaces it.
    assert [r.pk for r in read_both()] == [*shown[2][1], *shown[0][1]]
    commune.predecessors.add(other_commune)
    rows = read_both()
    assert [r.pk for r in rows] == [*shown[2][1], *shown[1][1], *shown[0][1]]
    assert [r.reference is None for r in rows] == [True, True, False, False, False, False]
    assert [r.action_id is not None for r in rows] == [False, False, True, False, True, False]
    client.force_login(inspector)
    body = client.get(reverse("findings:visit_findings", args=[visit.pk])).content.decode()
    assert all(f"Khuyến nghị {day}{k}" in body for day in (10, 11, 12) for k in "ab")
    assert "Đã hủy" not in body
