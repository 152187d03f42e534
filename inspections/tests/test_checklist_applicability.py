"""Every level can be scored: the CCHC checklist names the unit kinds of each criterion (former
districts and departments included), a visit's checklist shows exactly the criteria of its unit's
kind, and the totals count only those."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from inspections.checklist.answers import visit_scores_refresh
from inspections.checklist.selectors import checklist_for_visit, visit_totals
from inspections.models import Answer, AnswerResult, Criterion, VisitDomainScore, VisitStatus
from inspections.services import checklist_import
from units.models import UnitKind
from units.tests.factories import UnitFactory

from .answer_factories import start
from .factories import PlanFactory, VisitFactory

DATA = Path(__file__).resolve().parent.parent / "data" / "checklist_cchc.yaml"


@pytest.fixture
def cchc(db):
    return checklist_import(content=DATA.read_bytes(), filename=DATA.name, publish=True)


def _applicable(template, kind) -> list[str]:
    return [
        c.code
        for c in Criterion.objects.filter(domain__template=template).order_by("domain__order", "order")
        if c.applies_to_kind(kind)
    ]


def test_every_kind_that_is_inspected_has_criteria_in_every_domain(cchc):
    for kind in (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE):
        codes = _applicable(cchc, kind)
        assert {code.split(".")[0] for code in codes} == {str(n) for n in range(1, 10)}, kind
    district = _applicable(cchc, UnitKind.DISTRICT)
    assert len(district) == 51
    # Not for a district: the commune's civil-status books, the archives of units merged in 2025
    # and grassroots democracy in the commune.
    assert {"3.9", "8.7", "9.2"}.isdisjoint(district)
    assert "6.4" in district and "6.4" in _applicable(cchc, UnitKind.DEPARTMENT)
    assert "6.4" not in _applicable(cchc, UnitKind.COMMUNE)
    assert "3.9" in _applicable(cchc, UnitKind.COMMUNE) and "3.9" not in _applicable(
        cchc, UnitKind.DEPARTMENT
    )
    assert len(_applicable(cchc, UnitKind.OFFICE)) == 15
    # Every criterion names its kinds: none is left to "every kind" by omission.
    assert not Criterion.objects.filter(domain__template=cchc, applies_to=[]).exists()


@pytest.fixture
def district_visit(cchc, department, district, leader, inspector, head):
    plan = PlanFactory(issuing_unit=department, template=cchc, units=[district])
    return start(
        VisitFactory(
            plan=plan, unit=district, leader=leader, members=[inspector], status=VisitStatus.SCHEDULED
        )
    )


def test_a_former_districts_checklist_shows_exactly_its_criteria(client, inspector, district_visit, cchc):
    client.force_login(inspector)

    response = client.get(reverse("inspections:checklist", args=[district_visit.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    shown = [row.criterion.code for s in checklist_for_visit(visit=district_visit).sections for row in s.rows]
    assert shown == _applicable(cchc, UnitKind.DISTRICT)
    assert html.count('<form class="answer-form"') == len(shown) == 51
    assert "Lập, ghi chép, quản lý sổ hộ tịch và sổ chứng thực" not in html  # 3.9: communes only
    assert "Thực hiện dân chủ ở cấp xã" not in html
    assert "Ban hành kế hoạch CCHC năm của cơ quan, đơn vị" in html
    # A criterion of another kind is not found on this visit.
    other = Criterion.objects.get(domain__template=cchc, code="3.9")
    url = reverse("inspections:answer_save", args=[district_visit.pk, other.pk])
    assert client.post(url, {"version": 0, "score": "1"}).status_code == 404


def test_a_districts_totals_count_only_its_criteria(district_visit, cchc, leader):
    criteria = list(Criterion.objects.filter(domain__template=cchc).select_related("domain"))
    # Every criterion answered at its maximum, even those of other kinds (as a stale import would).
    Answer.objects.bulk_create(
        Answer(
            visit=district_visit,
            criterion=c,
            result=AnswerResult.MET,
            score=c.max_score,
            version=1,
            updated_by=leader,
        )
        for c in criteria
    )

    visit_scores_refresh(visit=district_visit)

    applicable = [c for c in criteria if c.applies_to_kind(UnitKind.DISTRICT)]
    totals = visit_totals(visit=district_visit)
    assert totals.applicable == totals.answered == 51
    assert totals.max_points == sum((c.max_score for c in applicable), Decimal(0)) == Decimal("94.5")
    assert totals.points == totals.max_points
    tthc = VisitDomainScore.objects.get(visit=district_visit, domain__code="3")
    assert tthc.max_points == Decimal(18)  # 20 less 3.9 (2 points)
    assert tthc.applicable == 8


def test_a_city_issues_its_own_plan_for_its_wards(client, scheduler, department, province, cchc):
    """A city (before 2025 a district-level unit) inspecting its wards is offered as the issuer and
    the plan it issues is its own."""
    from inspections.models import InspectionPlan

    city = UnitFactory(name="UBND thành phố Sa Đéc", kind=UnitKind.DISTRICT, parent=province)
    ward = UnitFactory(name="UBND Phường 1", kind=UnitKind.COMMUNE, parent=city)
    client.force_login(scheduler)

    form = client.get(reverse("inspections:plan_create")).context["form"]
    assert city in form.fields["issuing_unit"].queryset
    response = client.post(
        reverse("inspections:plan_create"),
        {
            "year": 2027,
            "title": "Kế hoạch kiểm tra công tác cải cách hành chính năm 2027",
            "issuing_unit": city.pk,
            "template": cchc.pk,
            "period_start": "01/01/2027",
            "period_end": "31/12/2027",
            "units": [ward.pk],
            "purpose": "Kiểm tra công tác cải cách hành chính tại các phường.",
            "team_kind": "doan",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    plan = InspectionPlan.objects.get(title__endswith="năm 2027")
    assert plan.issuing_unit == city and list(plan.units.all()) == [ward]


def test_a_criterion_naming_an_unknown_unit_kind_is_refused(cchc):
    from django.core.exceptions import ValidationError

    criterion = Criterion.objects.get(domain__template=cchc, code="1.1")
    criterion.applies_to = ["district", "huyen"]
    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()
    assert "huyen" in str(caught.value.message_dict["applies_to"])
    criterion.applies_to = ["district", "commune"]
    criterion.full_clean()
