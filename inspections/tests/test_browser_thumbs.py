"""The checklist made for thumbs, on a 375 px phone and a 1366 px laptop: every control at least
44 x 44 px on the phone, a focus ring that does not look like a chosen answer, the sticky bar
never hiding the focused control, "next unanswered", and axe-core (vendored in
tests/vendor/axe-core, injected by Playwright) finding no serious or critical violation."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from inspections.models import Visit

from . import test_browser_checklist as checklist_tests
from .test_browser_checklist import PHONE, log_in, row, unanswered, watch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # axe is injected as an inline script, which the page's Content Security Policy refuses.
    pytest.mark.browser_context_args(viewport=PHONE, bypass_csp=True),
]

AXE = Path(settings.BASE_DIR) / "tests" / "vendor" / "axe-core" / "axe.min.js"
LAPTOP = {"width": 1366, "height": 768}

demo = checklist_tests.demo

# The visible controls of the checklist smaller than 44 x 44 px (a hidden input counts through
# the label a thumb presses).
SMALL_TARGETS = """() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, label.btn";
  const inside = selector.split(", ").map((one) => "#checklist " + one).join(", ");
  return Array.from(document.querySelectorAll(inside))
    .filter((el) => !el.classList.contains("visually-hidden") && el.getClientRects().length)
    .map((el) => ({ el, box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && (box.width < 44 || box.height < 44))
    .map(({ el, box }) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.name || "").trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0].target.join(" ")}`);
}"""


def open_checklist(page, live_server, visit):
    url = reverse("inspections:checklist", args=[visit.pk])
    log_in(page, live_server.url, "kiemtra", url)
    return url


def test_every_control_of_the_checklist_is_thumb_sized_on_a_phone(live_server, page, demo: Visit):
    problems = watch(page)
    open_checklist(page, live_server, demo)
    checklist_tests.snap(page, "checklist-thumbs-top")

    assert page.evaluate(SMALL_TARGETS) == []
    assert [p for p in problems if "CSP" not in p] == []


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["375", "1366"])
def test_axe_finds_no_serious_violation_on_the_checklist(live_server, page, demo: Visit, size):
    open_checklist(page, live_server, demo)
    page.set_viewport_size(size)
    page.add_script_tag(path=AXE)

    assert page.evaluate(AXE_RUN) == []


def test_a_focused_score_does_not_look_chosen_and_the_bar_never_hides_the_focus(
    live_server, page, demo: Visit
):
    problems = watch(page)
    open_checklist(page, live_server, demo)
    criterion = next(c for c in unanswered(demo) if c.answer_kind == "score")
    scores = row(page, criterion).locator("[data-score]")
    scores.last.click()
    expect(scores.last).to_have_attribute("aria-pressed", "true")

    # Keyboard focus on an unchosen score: ringed, not filled like the chosen one.
    row(page, criterion).locator("input[name=score]").focus()
    page.keyboard.press("Tab")
    expect(scores.first).to_be_focused()
    look = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.outlineStyle]; }"
    focused, chosen = scores.first.evaluate(look), scores.last.evaluate(look)
    assert focused[0] != chosen[0]
    assert focused[1] == "solid"

    # Tabbing back from a control just under the sticky bar: the control before it shows in full.
    note = row(page, criterion).locator("textarea[name=note]")
    note.focus()
    note.evaluate("el => el.scrollIntoView({ block: 'start' })")
    page.keyboard.press("Shift+Tab")
    bar = page.locator(".checklist-bar").evaluate("el => el.getBoundingClientRect().bottom")
    top = page.evaluate("document.activeElement.getBoundingClientRect().top")
    assert page.evaluate("document.activeElement !== document.body")
    assert top >= bar - 1
    assert problems == []


def test_next_unanswered_brings_the_next_unanswered_criterion_under_the_thumb(live_server, page, demo: Visit):
    problems = watch(page)
    open_checklist(page, live_server, demo)
    todo = unanswered(demo)
    button = page.get_by_role("button", name="Câu chưa trả lời tiếp theo")

    button.click()
    first = row(page, todo[0])
    expect(first.locator(":focus")).to_have_count(1)
    button.click()
    expect(row(page, todo[1]).locator(":focus")).to_have_count(1)
    bar = page.locator(".checklist-bar").evaluate("el => el.getBoundingClientRect().bottom")
    assert row(page, todo[1]).evaluate("el => el.getBoundingClientRect().top") >= bar - 1
    assert problems == []
