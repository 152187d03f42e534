"""Running `manage.py bench`: build each data set, measure the floor and every page on it.

Each data set is built in a transaction that is rolled back afterwards, inside a throwaway
database created like the test runner's (environment.throwaway_database: never the developer's).
"""

import gc
import importlib
import logging
import statistics
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from django.utils import translation

from .environment import machine_info
from .registry import PLAIN_PAGE, SIZES, BenchData, BenchError, Page, Registry, build_data
from .results import Measurement, Result, Row

HELLO_PATH = "__bench__/hello/"
FORM_ENCODED = "application/x-www-form-urlencoded"


def hello(request):
    """The floor: the least a login-required page costs (session, user, middleware)."""
    return HttpResponse("ok")


@cache
def bench_urlconf(extra: tuple = ()):
    """config.urls plus the hello-world floor and the apps' URLS under __bench__/, only while
    benchmarking (production has neither)."""
    root = importlib.import_module(settings.ROOT_URLCONF)
    bench = [path(HELLO_PATH, hello, name="bench_hello")]
    if extra:
        bench.append(path("__bench__/", include(list(extra))))
    return type("BenchURLConf", (), {"urlpatterns": [*bench, *root.urlpatterns]})


def measure(
    client: Client,
    url: str,
    *,
    repeat: int,
    warmup: int,
    status: int = 200,
    method: str = "get",
    body: Callable[[], dict] | None = None,
) -> Measurement:
    """Query count of one request, and the median time of ``repeat`` requests after ``warmup``.

    A POST's ``body()`` is built before each request, outside its timing and query count."""

    def request():
        if method == "post":
            # Encoded as a browser (and htmx) sends a form without files.
            return client.post(url, urlencode(payload, doseq=True), content_type=FORM_ENCODED)
        return client.get(url)

    payload = None
    try:
        for _ in range(warmup):
            payload = body() if body else {}
            request()
        payload = body() if body else {}
        with CaptureQueriesContext(connection) as queries:
            response = request()
        # Now: every request_started empties the connection's query log.
        count = len(queries)
        if response.status_code != status:
            return Measurement(error=f"HTTP {response.status_code} for {url} (expected {status})")
        gc.collect()
        timings = []
        for _ in range(repeat):
            payload = body() if body else {}
            start = time.perf_counter()
            request()
            timings.append(time.perf_counter() - start)
    except Exception as exc:  # a broken page is reported in the table, the others still run
        return Measurement(error=f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
    return Measurement(queries=count, median_ms=statistics.median(timings) * 1000)


def measure_pair(
    first: Callable[[], Callable], second: Callable[[], Callable], *, repeat: int, warmup: int
) -> float:
    """The ratio of the median times of two requests, timed alternately (first, second, first...)
    so that a change in the machine's load weighs on both. Each argument prepares one request
    (outside the timing) and returns the function that sends it."""
    for _ in range(warmup):
        first()()
        second()()
    gc.collect()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for prepare, series in ((first, times[0]), (second, times[1])):
            send = prepare()
            start = time.perf_counter()
            send()
            series.append(time.perf_counter() - start)
    return statistics.median(times[0]) / statistics.median(times[1])


def _prepared(data: BenchData, page: "Page | None", hello_user) -> Callable[[], Callable]:
    """A request of ``page`` (the floor when None) ready for measure_pair."""
    if page is None:
        client = Client()
        client.force_login(hello_user)
        return lambda: lambda: client.get("/" + HELLO_PATH)
    client, url = _client_for(data, page.role), page.resolve(data)
    if page.method == "post":

        def prepare():
            payload = urlencode(page.body(data) if page.body else {}, doseq=True)
            return lambda: client.post(url, payload, content_type=FORM_ENCODED)

        return prepare
    return lambda: lambda: client.get(url)


def _measure_budgets(registry: "Registry", data: BenchData, hello_user, *, repeat: int, warmup: int) -> dict:
    pages = {page.name: page for page in reversed(registry.pages)}
    ratios = {}
    for budget in registry.budgets:
        if budget.page not in pages or (budget.baseline != "floor" and budget.baseline not in pages):
            continue
        try:
            ratios[(budget.page, budget.baseline, data.size)] = measure_pair(
                _prepared(data, pages[budget.page], hello_user),
                _prepared(data, pages.get(budget.baseline), hello_user),
                repeat=repeat,
                warmup=warmup,
            )
        except Exception:  # the page's own row reports what is wrong; the budget falls back to it
            logging.getLogger(__name__).debug("paired measurement of %s failed", budget.page, exc_info=True)
    return ratios


def _measure_against_plain(rows: list[Row], data: BenchData, hello_user, *, repeat: int, warmup: int) -> None:
    """Each page timed alternately with the plain 100-row page (Row.plain_paired), when the run
    includes it: the "x plain" column and the growth check read these ratios."""
    plain = next((row.page for row in rows if row.page.name == PLAIN_PAGE), None)
    if plain is None:
        return
    for row in rows:
        measured = row.by_size.get(data.size)
        if measured is None or measured.error:
            continue
        if row.page is plain:
            row.plain_paired[data.size] = 1.0
            continue
        try:
            row.plain_paired[data.size] = measure_pair(
                _prepared(data, row.page, hello_user),
                _prepared(data, plain, hello_user),
                repeat=repeat,
                warmup=warmup,
            )
        except Exception:  # the page's own row reports what is wrong
            logging.getLogger(__name__).debug("paired measurement of %s failed", row.page.name, exc_info=True)


def _client_for(data: BenchData, role: str | None) -> Client:
    client = Client()
    if role is not None:
        user = data.users.get(role)
        if user is None:
            raise BenchError(f"No user for role {role!r}: a bench builder must put one in data.users.")
        client.force_login(user)
    return client


def run(
    registry: Registry,
    *,
    repeat: int = 15,
    warmup: int = 2,
    sizes=tuple(SIZES),
    progress: Callable[[str], None] = lambda message: None,
) -> Result:
    """Build each data set, measure the floor and every page on it, roll the data set back."""
    rows = [Row(page) for page in registry.pages]
    floor: dict[str, Measurement] = {}
    datasets: dict[str, str] = {}
    paired: dict = {}
    for size in sizes:
        with _quiet(), transaction.atomic():
            started = time.perf_counter()
            data = build_data(size, registry.builders)
            _analyze()
            datasets[size] = _row_counts()
            # The builder's thousands of model instances stay referenced by ``data``; a web
            # process holds none of them. Frozen, the garbage collector no longer walks them at
            # every full collection (that alone made the floor 1.7 x slower on the large set).
            gc.collect()
            gc.freeze()
            progress(f"{size} data set built in {time.perf_counter() - started:.1f} s: {datasets[size]}")
            hello_user = next(iter(data.users.values()), None)
            if hello_user is None:
                raise BenchError("No bench builder created any user.")
            with override_settings(ROOT_URLCONF=bench_urlconf(tuple(registry.urls))):
                client = Client()
                client.force_login(hello_user)
                floor[size] = measure(client, "/" + HELLO_PATH, repeat=repeat, warmup=warmup)
                for row in rows:
                    page = row.page
                    try:
                        if page.setup:
                            page.setup(data)
                        url = page.resolve(data)
                        client = _client_for(data, page.role)
                    except BenchError:
                        raise
                    except Exception as exc:
                        row.by_size[size] = Measurement(error=f"setup: {type(exc).__name__}: {exc}"[:200])
                        continue
                    body = (lambda page=page, data=data: page.body(data)) if page.body else None
                    row.by_size[size] = measure(
                        client,
                        url,
                        repeat=repeat,
                        warmup=warmup,
                        status=page.status,
                        method=page.method,
                        body=body,
                    )
                    progress(f"{size:<5}  {page.name}")
                _measure_against_plain(rows, data, hello_user, repeat=repeat, warmup=warmup)
                paired.update(_measure_budgets(registry, data, hello_user, repeat=repeat, warmup=warmup))
            transaction.set_rollback(True)
        gc.unfreeze()
    return Result(
        floor=floor,
        rows=rows,
        repeat=repeat,
        machine=machine_info(),
        datasets=datasets,
        budgets=list(registry.budgets),
        paired=paired,
    )


def _analyze() -> None:
    """Give PostgreSQL's planner the data set's statistics, as autovacuum does for a production
    database (it cannot here: the rows are not committed). Without them the planner guesses a
    few rows per table and joins every visit of a province before sorting a page of 50."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # Likewise autovacuum moves the rows a GIN index received (the search's trigram
            # indexes) from its pending list into the index; left there, every search scans the
            # list row by row (500 pages for the findings' recommendations on the large set).
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE a.amname = 'gin' AND n.nspname = current_schema()"
            )


def _row_counts() -> str:
    """'378 units, 351 users': the rows of the project's own models (not Django's or libraries')."""
    counts = []
    for model in apps.get_models():
        if Path(model._meta.app_config.path).parent == Path(settings.BASE_DIR):
            if n := model._default_manager.count():
                with translation.override("en"):
                    counts.append(f"{n} {model._meta.verbose_name_plural}")
    return ", ".join(counts)


@contextmanager
def _quiet():
    """Silence per-request log lines (axes logs every login) and whitenoise's missing-dir warning."""
    logging.disable(logging.INFO)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "No directory at", UserWarning)
            yield
    finally:
        logging.disable(logging.NOTSET)
