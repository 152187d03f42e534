"""The dashboard, search and download pages measured by `manage.py bench`, and the national run.

Registered like every app's bench module (PAGES and build, read by reports.bench). The builder
adds three plan years of finished, scored and concluded visits of the units builder's province
(30 communes small, 300 large) with findings and remediation actions, through the national
generator (reports.dashboards.generator), without the answers themselves: the dashboards read
the per-visit roll-up rows, never the answers.

``manage.py bench --national`` measures the department head's dashboard and its neighbours on the
national data set of ``manage.py generate_national`` instead: see :func:`run_national`.
"""

from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment
from django.urls import reverse

from units.roles import Role

from .dashboards.generator import NATIONAL_ADMIN, TEMPLATE_CODE, Generator, existing_province

# The national run: the head dashboard must stay within these (issue: national-scale speed).
NATIONAL_MAX_MS = 100
NATIONAL_MAX_QUERIES = 15
NATIONAL_HEAD = "lanhdao.qg01"
NATIONAL_BEGIN = (
    "<!-- national-scale figures: written by `manage.py bench --national`, kept by the other runs -->"
)
NATIONAL_END = "<!-- end of the national-scale figures -->"


def build(data, size):
    inspector = data.users[Role.INSPECTOR]
    inspectors = list(
        get_user_model().objects.filter(unit=inspector.unit, groups__name=Role.INSPECTOR).order_by("pk")[:6]
    )
    province = existing_province(
        province=data.province, department=data.department, head=data.users[Role.HEAD], inspectors=inspectors
    )
    generator = Generator(seed=7, log=lambda message: None)
    checklist = generator.checklist(code=f"BENCH-DASH-{size}")
    visits = 3 * len(province.units)
    generator.history([province], checklist, visits=visits, findings=9 * visits, answers=False)
    data.dashboard_commune = province.units[0]


PAGES = [
    {"name": "head dashboard", "url": "dashboards:head", "role": Role.HEAD},
    {
        "name": "head dashboard, every year",
        "url": lambda data: reverse("dashboards:head") + "?year=",
        "role": Role.HEAD,
    },
    {
        "name": "head dashboard, one commune",
        "url": lambda data: reverse("dashboards:head") + f"?unit={data.dashboard_commune.pk}",
        "role": Role.HEAD,
    },
    {"name": "unit ranking", "url": "dashboards:ranking", "role": Role.HEAD},
    {
        "name": "remediation follow-up, overdue",
        "url": lambda data: reverse("dashboards:actions") + "?lateness=overdue",
        "role": Role.HEAD,
    },
    {
        "name": "overdue actions as XLSX",
        "url": lambda data: reverse("dashboards:actions") + "?lateness=overdue&format=xlsx",
        "role": Role.HEAD,
    },
    {
        "name": "visit list as CSV",
        "url": lambda data: reverse("dashboards:export_visits") + "?format=csv",
        "role": Role.SCHEDULER,
    },
    {
        "name": "search “mot cua”",
        "url": lambda data: reverse("search:search") + "?q=mot+cua",
        "role": Role.HEAD,
    },
    {
        "name": "search findings “ho so tre han”",
        "url": lambda data: reverse("search:search") + "?q=ho+so+tre+han&kind=findings",
        "role": Role.HEAD,
    },
    {
        "name": "search “binh tan”",
        "url": lambda data: reverse("search:search") + "?q=binh+tan",
        "role": Role.LIAISON,
    },
]


# The national-scale run ----------------------------------------------------------------------------

NATIONAL_PAGES = [
    ("head dashboard (current plan year)", NATIONAL_HEAD, lambda: reverse("dashboards:head")),
    ("head dashboard, every year", NATIONAL_HEAD, lambda: reverse("dashboards:head") + "?year="),
    ("unit ranking", NATIONAL_HEAD, lambda: reverse("dashboards:ranking")),
    (
        "remediation follow-up, overdue",
        NATIONAL_HEAD,
        lambda: reverse("dashboards:actions") + "?lateness=overdue",
    ),
    ("search “mot cua”", NATIONAL_HEAD, lambda: reverse("search:search") + "?q=mot+cua"),
    ("national dashboard, every province", NATIONAL_ADMIN, lambda: reverse("dashboards:head")),
    ("home of the province's scheduler", "chuyenvien.qg01", lambda: reverse("home")),
    ("home of a commune liaison", "daumoi.qg01", lambda: reverse("home")),
]


def national_rows(*, repeat: int, warmup: int, progress: Callable[[str], None]) -> list[tuple]:
    """(page, user, queries, median ms, status) of each national page, on the configured database."""
    from .bench import measure

    User = get_user_model()
    rows = []
    for name, username, url in NATIONAL_PAGES:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        result = measure(client, url(), repeat=repeat, warmup=warmup)
        status = result.error or 200
        rows.append((name, username, result.queries, result.median_ms, status))
        progress(f"{name}: {result.queries} queries, {result.median_ms} ms {result.error}")
    return rows


def national_dataset() -> str:
    from findings.models import Finding
    from inspections.models import Answer, Visit, VisitDomainScore
    from units.models import Unit, UnitKind

    counts = [
        (Unit.objects.filter(kind=UnitKind.PROVINCE).count(), "provinces"),
        (Unit.objects.filter(kind=UnitKind.COMMUNE).count(), "communes"),
        (Visit.objects.count(), "visits"),
        (Answer.objects.count(), "answers"),
        (VisitDomainScore.objects.count(), "domain roll-up rows"),
        (Finding.objects.count(), "findings"),
    ]
    return ", ".join(f"{n:,} {label}".replace(",", " ") for n, label in counts)


def run_national(
    *, repeat: int, warmup: int, output: Path | None, write: Callable[[str], None], progress
) -> bool:
    """Measure the national pages; print them, write them into ``output``'s kept header. Returns
    whether the head dashboard stayed within NATIONAL_MAX_MS and NATIONAL_MAX_QUERIES."""
    from inspections.models import ChecklistTemplate

    from .bench import machine_info

    if not ChecklistTemplate.objects.filter(code=TEMPLATE_CODE).exists():
        raise LookupError(
            "No national data set in this database: createdb kiemtra_national, then "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiemtra_national manage.py migrate && "
            "manage.py generate_national --scale 1.0"
        )
    setup_test_environment(debug=False)
    try:
        dataset = national_dataset()
        rows = national_rows(repeat=repeat, warmup=warmup, progress=progress)
    finally:
        teardown_test_environment()
    machine = machine_info()
    head = rows[0] if rows else None
    within = bool(head) and head[4] == 200 and head[2] <= NATIONAL_MAX_QUERIES and head[3] <= NATIONAL_MAX_MS
    lines = national_markdown(rows, dataset=dataset, machine=machine, repeat=repeat, within=within)
    write("\n".join(lines))
    if output is not None:
        write_national_section(output, lines)
    return within


def national_markdown(rows, *, dataset: str, machine: dict, repeat: int, within: bool) -> list[str]:
    verdict = "within" if within else "OVER"
    lines = [
        "## National scale",
        "",
        f"Measured on {machine['date']} with `manage.py bench --national --repeat {repeat}` on "
        f"{machine['database']} ({machine['cores']} cores, {machine['CPU']}), against the data set of "
        "`manage.py generate_national --scale 1.0`: " + dataset + ".",
        "",
        f"Budget of the head dashboard: at most {NATIONAL_MAX_QUERIES} queries and a median of "
        f"{NATIONAL_MAX_MS} ms: **{verdict} budget**.",
        "",
        "| page | user | queries | median ms | status |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {user} | {queries} | {median:.1f} | {status} |"
        for name, user, queries, median, status in rows
    ]
    return lines + [""]


def write_national_section(output: Path, lines: list[str]) -> None:
    """Put the section between its markers, above the marker of the regular run (so it is kept)."""
    from .bench import DEFAULT_HEADER, MARKER

    text = output.read_text(encoding="utf-8") if output.exists() else DEFAULT_HEADER + "\n" + MARKER + "\n"
    section = "\n".join([NATIONAL_BEGIN, *lines, NATIONAL_END])
    if NATIONAL_BEGIN in text and NATIONAL_END in text:
        before, rest = text.split(NATIONAL_BEGIN, 1)
        after = rest.split(NATIONAL_END, 1)[1]
        text = before + section + after
    elif MARKER in text:
        before, after = text.split(MARKER, 1)
        text = before.rstrip("\n") + "\n\n" + section + "\n\n" + MARKER + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
