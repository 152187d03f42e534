"""The report pages: request, panel, page with its polled status, list, download, and who may use them."""

import datetime as dt

import pytest
from django.urls import reverse

from findings.models import ReviewState
from findings.tests.factories import FindingFactory
from reports.models import Report, ReportFormat, ReportKind, ReportState
from reports.services import report_generate

# Every test writes files: under a temporary MEDIA_ROOT.
pytestmark = pytest.mark.usefixtures("media")


def make(user, *, produce=True, **fields) -> Report:
    defaults = {"kind": ReportKind.CONCLUSION, "format": ReportFormat.DOCX}
    report = Report.objects.create(requested_by=user, **{**defaults, **fields})
    if produce:
        report_generate(report_id=report.pk)
        report.refresh_from_db()
    return report


def test_every_page_sends_an_anonymous_visitor_to_log_in(client, binh_tan_visit, head):
    report = make(head, visit=binh_tan_visit, produce=False)
    for url in [
        reverse("reports:list"),
        reverse("reports:panel") + f"?visit={binh_tan_visit.pk}",
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:status", args=[report.pk]),
        reverse("reports:download", args=[report.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    response = client.post(
        reverse("reports:request"), {"kind": "conclusion", "format": "docx", "visit": binh_tan_visit.pk}
    )
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_head_requests_the_notice_and_is_taken_to_its_page(
    client, head, binh_tan_visit, django_capture_on_commit_callbacks
):
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request"), {"kind": "conclusion", "format": "pdf", "visit": binh_tan_visit.pk}
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:detail", args=[report.pk])
    assert (report.kind, report.format, report.visit, report.requested_by) == (
        "conclusion",
        "pdf",
        binh_tan_visit,
        head,
    )
    assert report.state == ReportState.DONE

    page = client.get(response.url)
    assert page.status_code == 200
    assert reverse("reports:download", args=[report.pk]) in page.content.decode()


def test_an_htmx_request_answers_with_the_panel_showing_the_new_report(client, head, binh_tan_visit):
    client.force_login(head)
    response = client.post(
        reverse("reports:request"),
        {"kind": "conclusion", "format": "docx", "visit": binh_tan_visit.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    report = Report.objects.get()
    assert f'id="report-{report.pk}"' in html
    # Still queued in this test (the commit never happens): the row polls its status.
    assert 'hx-trigger="every 2s"' in html
    assert reverse("reports:status", args=[report.pk]) + "?as=row" in html


def test_a_bad_request_changes_nothing_and_says_why(client, head, binh_tan_visit):
    client.force_login(head)
    response = client.post(
        reverse("reports:request"),
        {"kind": "conclusion", "format": "xlsx", "visit": binh_tan_visit.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert Report.objects.count() == 0


def test_request_and_download_refuse_the_wrong_method(client, head, binh_tan_visit):
    client.force_login(head)
    report = make(head, visit=binh_tan_visit)
    assert client.get(reverse("reports:request")).status_code == 405
    assert client.post(reverse("reports:download", args=[report.pk])).status_code == 405
    assert client.post(reverse("reports:status", args=[report.pk])).status_code == 405


def test_the_status_polls_while_pending_and_stops_when_done(client, head, binh_tan_visit):
    client.force_login(head)
    report = make(head, visit=binh_tan_visit, produce=False)
    pending = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in pending
    assert "<progress" in pending

    report_generate(report_id=report.pk)
    done = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in done
    assert reverse("reports:download", args=[report.pk]) in done
    row = client.get(reverse("reports:status", args=[report.pk]) + "?as=row").content.decode()
    assert row.lstrip().startswith("<li") and "hx-trigger" not in row


def test_a_failed_report_shows_its_message(client, head, binh_tan_visit):
    client.force_login(head)
    report = make(head, visit=binh_tan_visit, produce=False)
    Report.objects.filter(pk=report.pk).update(state=ReportState.FAILED, error="The worker stopped.")
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "The worker stopped." in html
    assert "hx-trigger" not in html


def test_download_sends_the_file_as_an_attachment(client, head, binh_tan_visit):
    client.force_login(head)
    report = make(head, visit=binh_tan_visit)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (
        'attachment; filename="thong-bao-ket-luan_12-tb-snv_xa-binh-tan.docx"'
        == response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_a_report_not_done_has_nothing_to_download(client, head, binh_tan_visit):
    client.force_login(head)
    report = make(head, visit=binh_tan_visit, produce=False)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_staff_of_another_province_see_nothing(client, outsider, head, binh_tan_visit, plan_2027):
    report = make(head, visit=binh_tan_visit)
    client.force_login(outsider)
    for url in [
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:status", args=[report.pk]),
        reverse("reports:download", args=[report.pk]),
        reverse("reports:panel") + f"?visit={binh_tan_visit.pk}",
        reverse("reports:panel") + f"?plan={plan_2027.pk}",
        reverse("reports:list") + f"?plan={plan_2027.pk}",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("reports:request"), {"kind": "plan_summary", "format": "docx", "plan": plan_2027.pk}
    )
    assert response.status_code == 404
    assert report.pk not in [r.pk for r in client.get(reverse("reports:list")).context["page"]]
    assert Report.objects.count() == 1


def test_an_inspector_not_on_the_team_cannot_download_the_notice(client, head, binh_tan_visit, department):
    from units.roles import Role
    from units.tests.factories import UserFactory

    stranger = UserFactory(username="stranger", unit=department, roles=[Role.INSPECTOR])
    report = make(head, visit=binh_tan_visit)
    client.force_login(stranger)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_the_liaison_downloads_the_notice_of_their_concluded_visit(client, liaison, head, binh_tan_visit):
    report = make(head, visit=binh_tan_visit)
    client.force_login(liaison)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == report.content_type
    assert report.filename in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == report.file.open("rb").read()


def test_the_liaison_never_sees_a_draft_made_before_the_conclusion(client, liaison, head, binh_tan_visit):
    report = make(head, visit=binh_tan_visit)
    conclusion = binh_tan_visit.conclusion
    Report.objects.filter(pk=report.pk).update(requested_at=conclusion.created_at - dt.timedelta(hours=1))
    client.force_login(liaison)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_the_liaison_cannot_ask_for_the_notice_of_a_visit_in_progress(client, liaison, tan_my_visit, commune):
    tan_my_visit.unit = commune
    tan_my_visit.save(update_fields=["unit"])
    client.force_login(liaison)
    response = client.post(
        reverse("reports:request"), {"kind": "conclusion", "format": "docx", "visit": tan_my_visit.pk}
    )
    assert response.status_code == 404
    assert Report.objects.count() == 0


def test_the_liaison_asks_for_the_follow_up_of_their_unit_but_not_of_another(
    client, liaison, commune, other_commune, binh_tan_visit
):
    client.force_login(liaison)
    ok = client.post(
        reverse("reports:request"),
        {"kind": "follow_up", "format": "xlsx", "unit": commune.pk},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200
    refused = client.post(
        reverse("reports:request"), {"kind": "follow_up", "format": "xlsx", "unit": other_commune.pk}
    )
    assert refused.status_code == 404
    assert list(Report.objects.values_list("unit", flat=True)) == [commune.pk]


def test_liaisons_never_see_plans(client, liaison, plan_2027):
    client.force_login(liaison)
    assert client.get(reverse("reports:panel") + f"?plan={plan_2027.pk}").status_code == 404


def test_the_plan_panel_offers_the_summary_and_the_follow_up(client, scheduler, plan_2027):
    client.force_login(scheduler)
    html = client.get(reverse("reports:panel") + f"?plan={plan_2027.pk}").content.decode()
    assert html.count('name="kind"') == 2
    assert 'value="plan_summary"' in html and 'value="follow_up"' in html
    assert html.count('name="format"') == 5


def test_a_panel_needs_exactly_one_scope(client, head, binh_tan_visit, plan_2027):
    client.force_login(head)
    assert client.get(reverse("reports:panel")).status_code == 404
    url = reverse("reports:panel") + f"?visit={binh_tan_visit.pk}&plan={plan_2027.pk}"
    assert client.get(url).status_code == 404


def test_the_panel_and_list_queries_do_not_grow_with_the_reports(
    client, head, binh_tan_visit, django_assert_max_num_queries
):
    client.force_login(head)
    for state, fmt in [
        ("failed", "docx"),
        ("failed", "pdf"),
        ("failed", "docx"),
        ("queued", "pdf"),
        ("queued", "docx"),
    ]:
        make(head, visit=binh_tan_visit, format=fmt, produce=False, state=state)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:panel") + f"?visit={binh_tan_visit.pk}")
    assert response.content.decode().count("<li") == 5
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:list"))
    assert len(response.context["page"]) == 5


def test_the_button_include_loads_the_panel_and_links_to_the_documents_page(binh_tan_visit):
    from django.template.loader import render_to_string

    html = render_to_string("reports/_report_buttons.html", {"visit": binh_tan_visit})
    assert f'hx-get="{reverse("reports:panel")}?visit={binh_tan_visit.pk}"' in html
    assert f'href="{reverse("reports:list")}?visit={binh_tan_visit.pk}"' in html
    assert "report_panel.js" in html
    assert "style=" not in html


def test_returned_findings_stay_out_of_a_draft_notice_page(client, head, tan_my_visit, inspector):
    FindingFactory(
        visit=tan_my_visit, created_by=inspector, review_state=ReviewState.RETURNED, text="Gửi lại"
    )
    client.force_login(head)
    report = make(head, visit=tan_my_visit)
    assert report.state == ReportState.DONE


def test_the_visit_plan_and_remediation_pages_carry_the_documents_panel(
    client, head, liaison, binh_tan_visit, plan_2027, commune
):
    client.force_login(head)
    visit_page = client.get(reverse("inspections:visit_detail", args=[binh_tan_visit.pk])).content.decode()
    assert f"{reverse('reports:panel')}?visit={binh_tan_visit.pk}" in visit_page
    plan_page = client.get(reverse("inspections:plan_detail", args=[plan_2027.pk])).content.decode()
    assert f"{reverse('reports:panel')}?plan={plan_2027.pk}" in plan_page
    filtered = client.get(reverse("findings:action_list") + f"?plan={plan_2027.pk}").content.decode()
    assert f"{reverse('reports:panel')}?plan={plan_2027.pk}" in filtered

    client.force_login(liaison)
    my_unit = client.get(reverse("findings:my_unit")).content.decode()
    assert f"{reverse('reports:panel')}?unit={commune.pk}" in my_unit


def test_the_documents_list_counts_and_pages_in_one_query_at_any_size(
    client, head, binh_tan_visit, monkeypatch
):
    """The page and the count of every visible report come from one query (reports.paging)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("reports.views.PAGE_SIZE", 2)
    client.force_login(head)
    counts = []
    for extra in (1, 4):
        for _ in range(extra):
            make(head, visit=binh_tan_visit, format="pdf", produce=False, state="failed")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reports:list"))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    page = response.context["page"]
    assert page.paginator.count == 5 and page.paginator.num_pages == 3 and len(page) == 2
    last = client.get(reverse("reports:list"), {"page": 3}).context["page"]
    assert last.number == 3 and len(last) == 1
