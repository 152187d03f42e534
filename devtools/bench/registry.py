"""The page registry of `manage.py bench`: which modules describe pages, and what they declare.

Every page module (``devtools.bench.pages.<app>``, listed in MODULES) declares optional names
that :func:`discover` reads:

``PAGES``
    A list of dicts, each the keyword arguments of :class:`Page`::

        PAGES = [
            {"name": "unit list", "url": "units:list", "role": Role.SCHEDULER},
            {"name": "unit detail", "url": lambda data: data.province.get_absolute_url(),
             "role": Role.SCHEDULER, "setup": None},
        ]

    ``url`` is a URL name without arguments, or a callable taking the :class:`BenchData` and
    returning the path. ``role`` is the role whose user requests the page (``data.users[role]``),
    or None for an anonymous visitor. ``setup``, optional, is called with the data before the page
    is measured (to add the rows only that page needs). ``method`` is "get" (default) or "post";
    a POST sends ``body(data)`` form-encoded, a dict built again before every request (outside
    the timing) so that each one can carry a fresh version or token.

``build(data, size)``
    Adds the module's rows to ``data`` for the data set ``size`` ("small" or "large";
    ``data.scale`` is 1 or 10). Builders run in MODULES order, which follows the dependency
    arrows (units before inspections before findings before reports), so a module can use what
    the ones before it put on ``data``. The units builder fills ``data.users``.

``URLS`` (optional)
    URL patterns served under ``/__bench__/`` while benchmarking only (baseline pages that
    production does not have).

``grows`` (a page entry's optional key)
    Why the page's time may grow with the data (an export that must hold every row): such a page
    is left out of the growth check (``manage.py bench --max-growth``), which otherwise fails the
    bench when a page's median on the large set passes ``max_growth`` times the small set's.

``BUDGETS`` (optional)
    A list of dicts ``{"page": name, "baseline": name or "floor", "max_ratio": 1.5}``: the page's
    median time may be at most ``max_ratio`` times the baseline's, measured in the same run. The
    report lists each budget with its ratio on every data set.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.urls import reverse

# The data sets: name -> scale. The large one has ten times the rows of the small one.
SIZES = {"small": 1, "large": 10}

# The page every other one is held to on the large set (issue 17: within 1.5 x of it).
PLAIN_PAGE = "plain table, 100 rows"

# The page modules, in the order their builders run (each may use what the previous ones built).
MODULES = [
    "devtools.bench.pages.units",
    "devtools.bench.pages.inspections",
    "devtools.bench.pages.checklist",
    "devtools.bench.pages.findings",
    "devtools.bench.pages.dashboards",
    "devtools.bench.pages.reports",
    "devtools.bench.pages.reform_index",
]


class BenchError(Exception):
    """A registered page or data builder is wrong (unknown role, bad URL)."""


class BenchData(SimpleNamespace):
    """The rows of one data set, as the builders left them (``data.province``, ``data.users``...)."""

    def __init__(self, size: str):
        super().__init__(size=size, scale=SIZES[size], users={})


@dataclass(frozen=True)
class Page:
    name: str
    url: str | Callable[[BenchData], str]
    role: str | None
    setup: Callable[[BenchData], None] | None = None
    status: int = 200
    method: str = "get"
    body: Callable[[BenchData], dict] | None = None
    # Why this page's time may grow with the data (exports of every row); "" for a page that must
    # not grow (see the growth check in results.Result.over_growth).
    grows: str = ""

    def resolve(self, data: BenchData) -> str:
        return self.url(data) if callable(self.url) else reverse(self.url)

    @property
    def role_label(self) -> str:
        return str(self.role) if self.role else "anonymous"


@dataclass(frozen=True)
class Budget:
    page: str
    baseline: str
    max_ratio: float


@dataclass(frozen=True)
class Registry:
    pages: list[Page]
    builders: list[Callable[[BenchData, str], None]]
    urls: list = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)


def discover(modules: list[str] = MODULES) -> Registry:
    """Import every page module and collect its PAGES, URLS, BUDGETS and build()."""
    pages, builders, urls, budgets = [], [], [], []
    for name in modules:
        module = importlib.import_module(name)
        if callable(getattr(module, "build", None)):
            builders.append(module.build)
        for entry in getattr(module, "PAGES", []):
            try:
                pages.append(Page(**entry))
            except TypeError as exc:
                raise BenchError(f"{name}: bad page entry {entry!r}: {exc}") from exc
        urls += getattr(module, "URLS", [])
        for entry in getattr(module, "BUDGETS", []):
            try:
                budgets.append(Budget(**entry))
            except TypeError as exc:
                raise BenchError(f"{name}: bad budget entry {entry!r}: {exc}") from exc
    return Registry(pages=pages, builders=builders, urls=urls, budgets=budgets)


def build_data(size: str, builders) -> BenchData:
    data = BenchData(size)
    for builder in builders:
        builder(data, size)
    return data
