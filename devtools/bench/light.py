"""The light-page budget: the demo checklist (52 criteria) opened by an inspector's phone on slow
3G (Chromium's network emulation: 400 ms latency, 400 kbit/s each way, 375 x 812 px).

First visit: an empty browser cache; later visit: the same browser again. Figures: bytes
transferred (compressed, as on the wire: HTML, CSS, scripts, fonts, images) and the time until
the page is usable (DOMContentLoaded: the deferred scripts and the checklist's modules have run,
so a tap saves). The budget: at most 100 KB and 3 s first, 1 s later.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings

BEGIN = "<!-- light-page figures: written by `manage.py bench_light`, kept by the other runs -->"
END = "<!-- end of the light-page figures -->"
CHROMIUM = "/usr/bin/chromium"
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
PHONE = {"width": 375, "height": 812}
BUDGET = {"first_kb": 100, "first_s": 3.0, "later_s": 1.0}


@dataclass
class Visit:
    kilobytes: float
    seconds: float
    requests: int
    # (bytes on the wire, Content-Encoding, URL path) of each request, largest first.
    details: list = field(default_factory=list)


def _visit(page, cdp, url: str) -> Visit:
    sizes: dict[str, float] = {}
    responses: dict[str, tuple[str, str]] = {}

    def received(event):
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        path = event["response"]["url"].split("://", 1)[-1].split("/", 1)[-1]
        responses[event["requestId"]] = (headers.get("content-encoding", "-"), "/" + path)

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    details = sorted(((size, *responses.get(rid, ("?", "?"))) for rid, size in sizes.items()), reverse=True)
    return Visit(kilobytes=sum(sizes.values()) / 1024, seconds=seconds, requests=len(sizes), details=details)


def measure(base_url: str, path: str, username: str) -> tuple[Visit, Visit]:
    """Log in at full speed, then open ``path`` twice on slow 3G: cold cache, then warm."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"]
        )
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        page.goto(f"{base_url}/accounts/login/?next={path}")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(settings.DEMO_PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_url(f"{base_url}{path}")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        page.goto("about:blank")
        first = _visit(page, cdp, base_url + path)
        page.goto("about:blank")
        cdp2 = context.new_cdp_session(page)
        cdp2.send("Network.enable")
        cdp2.send("Network.emulateNetworkConditions", SLOW_3G)
        later = _visit(page, cdp2, base_url + path)
        browser.close()
    return first, later


def within(first: Visit, later: Visit) -> bool:
    return (
        first.kilobytes <= BUDGET["first_kb"]
        and first.seconds <= BUDGET["first_s"]
        and later.seconds <= BUDGET["later_s"]
    )


def section(first: Visit, later: Visit, *, criteria: int, when: str) -> list[str]:
    def verdict(ok: bool) -> str:
        return "within budget" if ok else "**over budget**"

    return [
        "## Light-page budget: the checklist on slow 3G",
        "",
        f"Measured {when} by `manage.py bench_light`: the demo checklist ({criteria} criteria) on a "
        "375 x 812 phone, Chromium's network emulation at 400 ms latency and 400 kbit/s. Served as "
        "in production: DEBUG off, the pages gzipped by Django, the static files collected with hashed "
        "names and their compressed copies (`collectstatic`) and served by WhiteNoise. `make bench` "
        "fails when a figure is over budget.",
        "",
        "| visit | transferred | requests | usable after | budget |",
        "|---|---|---|---|---|",
        f"| first (empty cache) | {first.kilobytes:.1f} KB | {first.requests} | {first.seconds:.2f} s | "
        f"100 KB, 3 s: {verdict(first.kilobytes <= BUDGET['first_kb'] and first.seconds <= BUDGET['first_s'])} |",
        f"| later | {later.kilobytes:.1f} KB | {later.requests} | {later.seconds:.2f} s | "
        f"1 s: {verdict(later.seconds <= BUDGET['later_s'])} |",
        "",
    ]
