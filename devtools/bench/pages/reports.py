"""The report pages measured by `manage.py bench`: build() adds reports in every state to the
findings builder's concluded visit (5 small, 50 large), so that the panel, the report page, its
polled status and the documents list are measured on both data sets."""

from django.urls import reverse

from reports.models import Report, ReportFormat, ReportKind, ReportState
from units.roles import Role


def build(data, size: str) -> None:
    """Reports of the concluded visit in every state, ``5 * data.scale`` of them."""
    visit = getattr(data, "concluded_visit", None)
    head = data.users.get(Role.HEAD)
    if visit is None or head is None:
        return
    # One queued and one running report (a database constraint allows one pending report per
    # identity: kind, format, scope); every further round is done or failed.
    first = [ReportState.DONE, ReportState.FAILED, ReportState.QUEUED, ReportState.RUNNING, ReportState.DONE]
    later = [ReportState.DONE, ReportState.FAILED, ReportState.DONE, ReportState.FAILED, ReportState.DONE]
    states = first + later * (data.scale - 1)
    made = Report.objects.bulk_create(
        Report(
            kind=ReportKind.CONCLUSION,
            format=ReportFormat.DOCX if n % 2 else ReportFormat.PDF,
            visit=visit,
            requested_by=head,
            state=state,
            progress=100 if state == ReportState.DONE else 40,
            file=f"reports/bench/{n}.docx" if state == ReportState.DONE else "",
            filename="thong-bao-ket-luan.docx",
            error="The worker stopped." if state == ReportState.FAILED else "",
        )
        for n, state in enumerate(states)
    )
    data.report_visit = visit
    data.report_running = next(r for r in made if r.state == ReportState.RUNNING)


PAGES = [
    {
        "name": "documents panel of a visit",
        "url": lambda data: reverse("reports:panel") + f"?visit={data.report_visit.pk}",
        "role": Role.HEAD,
    },
    {
        "name": "report page (being produced)",
        "url": lambda data: reverse("reports:detail", args=[data.report_running.pk]),
        "role": Role.HEAD,
    },
    {
        "name": "report status poll",
        "url": lambda data: reverse("reports:status", args=[data.report_running.pk]) + "?as=row",
        "role": Role.HEAD,
    },
    {"name": "documents list", "url": "reports:list", "role": Role.HEAD},
]
