"""Model rules: figure rules, constraints, team helpers."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from inspections.models import (
    Criterion,
    FigureRuleError,
    TeamMember,
    TeamRole,
    VisitStatus,
    parse_figure_rule,
)

from .factories import VisitFactory, at


def test_a_figure_rule_compares_sums_of_figures():
    rule = parse_figure_rule("on_time + late <= received", keys={"received", "on_time", "late"})

    assert rule.holds({"received": 2264, "on_time": 2114, "late": 150})
    assert not rule.holds({"received": 2264, "on_time": 2114, "late": 151})
    assert rule.keys() == {"received", "on_time", "late"}


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("on_time + late", "compares two sums"),
        ("on_time <= total", "“total” is not one of the figures"),
        ("on_time late <= received", "cannot read"),
        ("<= received", "compares two sums"),
    ],
)
def test_a_broken_figure_rule_says_why(rule, reason):
    with pytest.raises(FigureRuleError, match=reason):
        parse_figure_rule(rule, keys={"received", "on_time", "late"})


def test_a_criterion_lists_the_rules_its_figures_break(template):
    criterion = Criterion.objects.get(domain__template=template, code="1.2")

    assert criterion.figure_rule_failures({"received": Decimal(10), "on_time": Decimal(12)}) == [
        "on_time <= received"
    ]
    assert criterion.figure_rule_failures({"received": Decimal(10), "on_time": Decimal(9)}) == []
    assert criterion.figure_rule_failures({"received": Decimal(10)}) == []


def test_a_criterion_without_kinds_applies_to_every_unit(template):
    criterion = Criterion.objects.get(domain__template=template, code="1.1")

    assert criterion.applies_to_kind("commune")
    criterion.applies_to = []
    assert criterion.applies_to_kind("province")
    criterion.applies_to = ["department"]
    assert not criterion.applies_to_kind("commune")


def test_a_team_has_one_leader_at_most(visit, inspector):
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.filter(visit=visit, user=inspector).update(role=TeamRole.LEADER)


def test_a_unit_has_one_active_visit_per_plan(visit):
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(plan=visit.plan, unit=visit.unit)

    VisitFactory(plan=visit.plan, unit=visit.unit, status=VisitStatus.CANCELLED)


def test_a_visit_ends_after_it_starts(plan, commune):
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(
            plan=plan, unit=commune, starts_at=at(date(2027, 1, 5), 9), ends_at=at(date(2027, 1, 5), 9)
        )


def test_team_helpers_read_the_loaded_team(visit, leader, inspector, scheduler, django_assert_num_queries):
    visit = type(visit).objects.prefetch_related("team__user").get(pk=visit.pk)

    with django_assert_num_queries(0):
        assert visit.team_role_of(leader) == TeamRole.LEADER
        assert visit.team_role_of(inspector) == TeamRole.MEMBER
        assert not visit.is_team_member(scheduler)
        assert visit.leader == leader
        assert [m.user for m in visit.team_in_order] == [leader, inspector]


def test_a_plan_names_its_decision_the_vietnamese_way(plan):
    assert plan.decision_label == "15/QĐ-SNV of 05/01/2027"
    plan.decision_date = None
    assert plan.decision_label == "15/QĐ-SNV"
    plan.decision_number = ""
    assert plan.decision_label == ""
