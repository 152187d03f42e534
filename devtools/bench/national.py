"""`manage.py bench --national`: the department head's dashboard and its neighbours on the
national data set of `manage.py generate_national`, in the configured database (no throwaway
database: the data set takes minutes to make). The figures go into a section of their own of
docs/PERFORMANCE.md, above the marker of the regular run, which keeps them.
"""

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment
from django.urls import reverse

from devtools.national.generator import NATIONAL_ADMIN, TEMPLATE_CODE
from findings.models import Finding
from inspections.models import Answer, ChecklistTemplate, Visit, VisitDomainScore
from reports.dashboards.rollups import dashboards_refresh
from units.models import Unit, UnitKind

from .environment import machine_info
from .render import DEFAULT_HEADER, MARKER
from .runner import measure, measure_pair

# The national run: the head dashboard must stay within these (issue: national-scale speed), and
# the administrator's dashboard of the whole country within NATIONAL_MAX_MS. Both read the
# roll-ups the worker makes (reports.dashboards.rollups), made once before measuring.
MAX_MS = 50
MAX_QUERIES = 20
NATIONAL_MAX_MS = 150
HEAD = "lanhdao.qg01"
NATIONAL_PAGE = "national dashboard, every province"
BEGIN = "<!-- national-scale figures: written by `manage.py bench --national`, kept by the other runs -->"
END = "<!-- end of the national-scale figures -->"


PAGES = [
    ("head dashboard (current plan year)", HEAD, lambda: reverse("dashboards:head")),
    ("head dashboard, every year", HEAD, lambda: reverse("dashboards:head") + "?year="),
    ("unit ranking", HEAD, lambda: reverse("dashboards:ranking")),
    (
        "remediation follow-up, overdue",
        HEAD,
        lambda: reverse("dashboards:actions") + "?lateness=overdue",
    ),
    ("search “mot cua”", HEAD, lambda: reverse("search:search") + "?q=mot+cua"),
    (NATIONAL_PAGE, NATIONAL_ADMIN, lambda: reverse("dashboards:head")),
    ("home of the province's scheduler", "chuyenvien.qg01", lambda: reverse("home")),
    ("home of a commune liaison", "daumoi.qg01", lambda: reverse("home")),
    ("visit list, every visit", NATIONAL_ADMIN, lambda: reverse("inspections:visit_list")),
]

# The national visit list against Django's admin changelist of the same visits (all 10 000, the
# admin's 100 rows a page against the list's 50), requests alternating: issue 17 holds the list
# to at most half of the changelist's time.
VISIT_LIST = "visit list, every visit"
CHANGELIST = "admin changelist of the visits"
MAX_CHANGELIST_RATIO = 0.5
# A superuser made for the changelist inside a transaction that is rolled back (the data set's
# administrator holds the role, not Django's staff flag that the admin site asks for).
CHANGELIST_USER = "bench.changelist"


def measure_pages(*, repeat: int, warmup: int, progress: Callable[[str], None]) -> list[tuple]:
    """(page, user, queries, median ms, status) of each national page, on the configured database."""
    User = get_user_model()
    rows = []
    for name, username, url in PAGES:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        result = measure(client, url(), repeat=repeat, warmup=warmup)
        status = result.error or 200
        # A page that fails is reported as such (its row), the others are still measured.
        cpu = None if result.error else _cpu_median_ms(client, url(), repeat=repeat)
        rows.append((name, username, result.queries, result.median_ms, status, cpu))
        progress(f"{name}: {result.queries} queries, {result.median_ms} ms ({cpu} ms CPU) {result.error}")
    return rows


def _cpu_median_ms(client: Client, url: str, *, repeat: int) -> float:
    """Median CPU time of this process for one request (Python: Django, the view, the template;
    not the database server's): what the wall-clock median would be on an idle machine, less the
    SQL. A shared machine's load shows in the wall-clock median, hardly in this one."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        client.get(url)
        times.append((time.process_time() - started) * 1000)
    return round(statistics.median(times), 1)


def measure_changelist(*, repeat: int, warmup: int) -> tuple[tuple, float | None]:
    """The admin changelist of every visit (its row), and the national visit list's time over the
    changelist's, requests alternating (measure_pair). Nothing is kept: the superuser the admin
    site needs is made in a transaction rolled back at the end."""
    User = get_user_model()
    admin = User.objects.filter(username=NATIONAL_ADMIN).first()
    changelist_url = reverse("admin:inspections_visit_changelist")
    with transaction.atomic():
        superuser = User.objects.create(username=CHANGELIST_USER, is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(superuser)
        result = measure(client, changelist_url, repeat=repeat, warmup=warmup)
        row = (CHANGELIST, "superuser", result.queries, result.median_ms, result.error or 200)
        ratio = None
        if admin is not None and not result.error:
            mine = Client()
            mine.force_login(admin)
            list_url = reverse("inspections:visit_list")
            ratio = measure_pair(
                lambda: lambda: mine.get(list_url),
                lambda: lambda: client.get(changelist_url),
                repeat=repeat,
                warmup=warmup,
            )
        transaction.set_rollback(True)
    return row, ratio


def dataset_counts() -> str:
    counts = [
        (Unit.objects.filter(kind=UnitKind.PROVINCE).count(), "provinces"),
        (Unit.objects.filter(kind=UnitKind.COMMUNE).count(), "communes"),
        (Visit.objects.count(), "visits"),
        (Answer.objects.count(), "answers"),
        (VisitDomainScore.objects.count(), "domain roll-up rows"),
        (Finding.objects.count(), "findings"),
    ]
    return ", ".join(f"{n:,} {label}".replace(",", " ") for n, label in counts)


def migrate_data_set() -> int:
    """Apply the migrations the data set's database lacks (it outlives the code it was made with,
    and measuring an old schema would fail, or measure what production no longer runs); returns
    how many. A database that does not exist raises the connection's error (the run is skipped)."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return len(plan)


def run(*, repeat: int, warmup: int, output: Path | None, write: Callable[[str], None], progress) -> bool:
    """Make the dashboard roll-ups (as the worker does), measure the national pages; print them,
    write them into ``output``'s kept header. Returns whether the head dashboard stayed within
    MAX_MS and MAX_QUERIES and the administrator's national dashboard within NATIONAL_MAX_MS."""
    migrated = migrate_data_set()
    if migrated:
        write(f"Migrated the national data set's database first ({migrated} migrations not applied yet).")
    if not ChecklistTemplate.objects.filter(code=TEMPLATE_CODE).exists():
        raise LookupError(
            "No national data set in this database: createdb kiemtra_national, then "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiemtra_national manage.py migrate && "
            "manage.py generate_national --scale 1.0"
        )
    setup_test_environment(debug=False)
    try:
        dataset = dataset_counts()
        refresh = dashboards_refresh()
        progress(f"dashboard roll-ups made in {refresh.seconds:.1f} s")
        rows = measure_pages(repeat=repeat, warmup=warmup, progress=progress)
        changelist, ratio = measure_changelist(repeat=repeat, warmup=warmup)
        rows.append((*changelist, None))  # no CPU figure: measured alternating with the list
    finally:
        teardown_test_environment()
    machine = machine_info()
    head = rows[0] if rows else None
    national = next((row for row in rows if row[0] == NATIONAL_PAGE), None)
    head_within = bool(head) and head[4] == 200 and head[2] <= MAX_QUERIES and head[3] <= MAX_MS
    national_within = bool(national) and national[4] == 200 and national[3] <= NATIONAL_MAX_MS
    list_within = ratio is not None and ratio <= MAX_CHANGELIST_RATIO
    within = head_within and national_within and list_within
    lines = render_markdown(
        rows,
        dataset=dataset,
        machine=machine,
        repeat=repeat,
        within={"head": head_within, "national": national_within, "list": list_within},
        refresh_seconds=refresh.seconds,
        changelist_ratio=ratio,
    )
    write("\n".join(lines))
    if output is not None:
        write_section(output, lines)
    return within


def render_markdown(
    rows,
    *,
    dataset: str,
    machine: dict,
    repeat: int,
    within: dict,
    refresh_seconds: float | None = None,
    changelist_ratio: float | None = None,
) -> list[str]:
    def verdict(ok: bool) -> str:
        return "within budget" if ok else "OVER budget"

    shown = "-" if changelist_ratio is None else f"{changelist_ratio:.2f}"
    lines = [
        "## National scale",
        "",
        f"Measured on {machine['date']} with `manage.py bench --national --repeat {repeat}` on "
        f"{machine['database']} ({machine['cores']} cores, {machine['CPU']}, load average "
        f"{os.getloadavg()[0]:.1f} when it ended), against the data set of "
        "`manage.py generate_national --scale 1.0`: " + dataset + ".",
        "",
        f"Budgets: the head dashboard at most {MAX_QUERIES} queries and a median of {MAX_MS} ms: "
        f"**{verdict(within['head'])}**; the administrator's national dashboard a median of "
        f"{NATIONAL_MAX_MS} ms: **{verdict(within['national'])}**; the national visit list at most "
        f"{MAX_CHANGELIST_RATIO:g} x Django's admin changelist of the same visits (requests "
        f"alternating): {shown} x, **{verdict(within['list'])}**. The dashboards read the roll-ups "
        "(`reports/dashboards/rollups.py`, made by the worker every 5 minutes)"
        + (
            f", made once before measuring in {refresh_seconds:.1f} s."
            if refresh_seconds is not None
            else "."
        ),
        "",
        "| page | user | queries | median ms | CPU ms of the web process | status |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {user} | {'-' if queries is None else queries} | {'-' if median is None else f'{median:.1f}'} | {'-' if cpu is None else f'{cpu:.1f}'} | {status} |"
        for name, user, queries, median, status, cpu in rows
    ]
    return lines + [""]


def write_section(output: Path, lines: list[str], *, begin: str = BEGIN, end: str = END) -> None:
    """Put the section between its markers, above the marker of the regular run (so it is kept)."""
    text = output.read_text(encoding="utf-8") if output.exists() else DEFAULT_HEADER + "\n" + MARKER + "\n"
    section = "\n".join([begin, *lines, end])
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    elif MARKER in text:
        before, after = text.split(MARKER, 1)
        text = before.rstrip("\n") + "\n\n" + section + "\n\n" + MARKER + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
