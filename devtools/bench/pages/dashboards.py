"""The dashboard, search and download pages measured by `manage.py bench`.

The builder adds three plan years of finished, scored and concluded visits of the units builder's
province (30 communes small, 300 large) with findings and remediation actions, through the
national generator (devtools.national), without the answers themselves: the dashboards read the
per-visit roll-up rows, never the answers. The same pages on the national data set are measured
by `manage.py bench --national` (devtools.bench.national).
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from devtools.national.generator import Generator, existing_province
from reports.dashboards.rollups import dashboards_refresh
from units.roles import Role


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
    # The head's dashboard reads the roll-ups the worker makes every 5 minutes: made once here.
    dashboards_refresh()


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
        "grows": "an export holds every overdue action",
    },
    {
        "name": "visit list as CSV",
        "url": lambda data: reverse("dashboards:export_visits") + "?format=csv",
        "role": Role.SCHEDULER,
        "grows": "an export holds every visit",
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
