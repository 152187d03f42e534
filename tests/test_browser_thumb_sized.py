"""Every control a finger's size on a phone, across the site (375 x 812, the demo data): links,
buttons, fields and the header's name, menu button and menu entries at least 44 x 44 px; a check
box or radio button counts through its label, which is what a thumb presses. Inline links inside
running text are not counted (WCAG 2.5.8 exempts them); the checklist has its own test
(inspections/tests/test_browser_thumbs.py)."""

import pytest
from django.urls import reverse

from inspections.models import Visit
from inspections.tests.test_browser_checklist import PHONE, demo, log_in  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]

SMALL_TARGETS = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  return Array.from(document.querySelectorAll(selector))
    .filter((el) => !el.matches(".visually-hidden, .visually-hidden-focusable") && el.getClientRects().length)
    .map((el) => ({ el, box: ((el.type === "checkbox" || el.type === "radio") && el.labels.length ? el.labels[0] : el).getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && (box.width < 44 || box.height < 44))
    .map(({ el, box }) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.name || "").trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
}"""


def _small_targets(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    found = [f"{url}: {target}" for target in page.evaluate(SMALL_TARGETS)]
    page.locator(".navbar-toggler").click()
    page.locator("#nav-main.show").wait_for()
    found += [f"{url} (menu open): {target}" for target in page.evaluate(SMALL_TARGETS)]
    return found


PAGES = {
    "chuyenvien": ["home", "visit_list", "calendar", "plan", "unit_list", "unit"],
    "kiemtra": ["home", "my_visits", "visit", "actions"],
    "lanhdao": ["home", "actions", "review_queue", "reports", "unit"],
    "binhtan": ["home", "my_unit"],
}


def test_every_control_is_thumb_sized_on_a_phone(live_server, page, demo):  # noqa: F811
    visit = Visit.objects.filter(unit=demo.unit).order_by("pk").first()
    urls = {
        "home": reverse("home"),
        "visit_list": reverse("inspections:visit_list"),
        "calendar": reverse("inspections:visit_calendar"),
        "plan": reverse("inspections:plan_detail", args=[demo.plan_id]),
        "unit_list": reverse("units:list"),
        "unit": reverse("units:detail", args=[demo.unit.parent_id]),
        "my_visits": reverse("inspections:my_visits"),
        "visit": reverse("inspections:visit_detail", args=[visit.pk]),
        "actions": reverse("findings:action_list"),
        "review_queue": reverse("findings:review_queue"),
        "reports": reverse("reports:list"),
        "my_unit": reverse("findings:my_unit"),
    }
    small = []
    for username, pages in PAGES.items():
        page.goto("about:blank")
        page.context.clear_cookies()
        log_in(page, live_server.url, username, urls["home"])
        for name in pages:
            small += [f"{username} {target}" for target in _small_targets(page, live_server.url + urls[name])]

    assert small == []
