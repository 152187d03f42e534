"""The checklist in a real Chromium on the static files as production serves them: collectstatic'd
with the project's storage, served by WhiteNoise (the live server's own static handler would serve
the plain source files). Every script the page runs is a hashed, year-long immutable file; the
checklist still saves an answer; and "take this visit with me" keeps the hashed modules."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import Page, expect

from inspections.checklist.offline import CACHE
from inspections.models import Visit, VisitStatus
from inspections.tests.test_browser_checklist import log_in, row, status, unanswered, watch

from .test_static_storage import YEAR

PHONE = {"width": 375, "height": 812}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]

HASHED = re.compile(r"\.[0-9a-f]{12}\.js$")
KEPT = """async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = True  # the demo loads only there; production (below) turns it off again
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return Visit.objects.select_related("unit").get(unit__code="DT-TB-BT", status=VisitStatus.IN_PROGRESS)


def test_the_checklist_runs_on_hashed_long_cached_modules_and_keeps_them_offline(
    live_server, page: Page, demo: Visit, production
):
    served = {}

    def whitenoise(route):
        path = route.request.url.removeprefix(live_server.url)
        response = production(RequestFactory().get(path))
        served[path] = response.get("Cache-Control", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)

    page.context.route(f"{live_server.url}{settings.STATIC_URL}**", whitenoise)
    problems = watch(page)
    url = reverse("inspections:checklist", args=[demo.pk])
    log_in(page, live_server.url, "kiemtra", url)

    first = next(c for c in unanswered(demo) if c.answer_kind == "score")
    row(page, first).locator("[data-score]").last.click()
    expect(status(page, first)).to_have_attribute("data-state", "saved")

    # main.js and the ten modules it imports, and idb-keyval, under their hashed names, for a year.
    # (The page's <link rel=modulepreload> still names the plain files: see test_static_storage.)
    scripts = {p: cache for p, cache in served.items() if HASHED.search(p)}
    modules = [p for p in scripts if "/js/checklist/" in p]
    assert len(modules) == 11, sorted(served)
    assert any("/vendor/idb-keyval/" in p for p in scripts)
    long_cached = {p: cache for p, cache in scripts.items() if YEAR in cache and "immutable" in cache}
    assert long_cached == scripts

    page.get_by_role("button", name="Mang theo để làm ngoại tuyến").click()
    expect(page.locator("#offline-status")).to_contain_text("Đã lưu trên thiết bị lúc")
    kept = set(page.evaluate(KEPT, CACHE))
    assert set(modules) <= kept
    assert problems == []
