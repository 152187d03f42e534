"""The documents list's and panel's rows drawn in Python (reports.report_rows) are the markup of
reports/_report_row.html, in every state a report can be in."""

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reports.models import Report, ReportFormat, ReportKind, ReportState
from reports.report_rows import for_rows, report_rows_html

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def every_state(head, binh_tan_visit):
    head.last_name, head.first_name = "Nguyễn <Văn>", "A & B"
    head.save(update_fields=["last_name", "first_name"])
    long_ago = timezone.now() - dt.timedelta(hours=2)
    made = [
        dict(state=ReportState.DONE, progress=100, file="reports/x.docx"),
        dict(state=ReportState.FAILED, error='Lỗi <script>"x"</script> & hỏng', format=ReportFormat.PDF),
        dict(state=ReportState.QUEUED, progress=0),
        dict(state=ReportState.QUEUED, attempts=1, kind=ReportKind.FOLLOW_UP, unit=binh_tan_visit.unit),
        dict(state=ReportState.RUNNING, progress=40, heartbeat_at=timezone.now(), format=ReportFormat.PDF),
        dict(state=ReportState.RUNNING, progress=70, heartbeat_at=long_ago, format=ReportFormat.XLSX),
    ]
    reports = []
    for n, fields in enumerate(made):
        fields = {"kind": ReportKind.CONCLUSION, "format": ReportFormat.DOCX, **fields}
        if "unit" not in fields:
            # One pending report per identity (kind, format, scope): a plan, visit or unit each.
            fields.setdefault("visit", binh_tan_visit)
        report = Report.objects.create(requested_by=head, **fields)
        Report.objects.filter(pk=report.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=n))
        reports.append(report)
    return list(for_rows(Report.objects.filter(pk__in=[r.pk for r in reports])).order_by("-requested_at"))


@pytest.mark.parametrize("token", ["", "tok3n-abc"])
def test_each_row_is_the_markup_the_template_drew(every_state, token):
    ours = report_rows_html(every_state, csrf_token=token)
    assert len(ours) == len(every_state) == 6
    for report, row in zip(every_state, ours, strict=True):
        context = {"report": report, "csrf_token": token} if token else {"report": report}
        assert row == render_to_string("reports/_report_row.html", context), report.state
    html = "".join(ours)
    assert "<script>" not in html and "&lt;script&gt;" in html and "Nguyễn &lt;Văn&gt; A &amp; B" in html
    assert html.count('hx-trigger="every 2s"') == 4  # the queued and running ones poll
    assert ("csrfmiddlewaretoken" in html) == bool(token)


def test_the_list_and_the_panel_draw_those_rows_with_the_token_of_the_retry_form(
    client, head, binh_tan_visit, every_state, django_assert_max_num_queries
):
    client.force_login(head)
    with django_assert_max_num_queries(5):
        listing = client.get(reverse("reports:list"))
    panel = client.get(reverse("reports:panel") + f"?visit={binh_tan_visit.pk}")
    for response in (listing, panel):
        html = response.content.decode()
        for report in every_state:
            if report.visit_id or response is listing:
                assert f'id="report-{report.pk}"' in html
        failed = next(r for r in every_state if r.state == ReportState.FAILED)
        retry = reverse("reports:retry", args=[failed.pk])
        # Without JavaScript "Try again" posts the form itself: it carries the token.
        form = re.search(rf'<form method="post" action="{retry}".*?</form>', html).group(0)
        assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', form)
    # The page's rows read no more than the row shows: no visit, plan or unit joined.
    assert len(listing.context["page"]) == 6
