"""The demo checklist of xã Bình Tấn filled in a real, phone-sized browser with a weak connection.

The inspector answers on a 375 px screen, loses the connection half-way and keeps working (the
answers wait on the device, a banner counts them), closes the tab, comes back online: everything
reaches the server. They attach a photo; the team leader submits. Chromium also reports what the
test client cannot see: scripts or styles refused by the Content Security Policy, JavaScript
errors, failed requests. Screenshots at phone and desktop size go to test-results/browser/.
"""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from inspections.checklist.answers import AnswerChange, answer_save
from inspections.models import Answer, AnswerEvidence, AnswerResult, Criterion, Visit, VisitStatus
from units.models import User

SHOTS = Path("test-results/browser")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
IGNORED_URLS = ("/favicon.ico",)
# The keys of the queues kept in the browser's IndexedDB (static/js/checklist/journal.js).
QUEUE_KEYS = """async () => {
  const { createStore, keys } = await import("/static/vendor/idb-keyval/index.js");
  const all = await keys(createStore("kiemtra-checklist", "queue"));
  return all.filter((key) => String(key).startsWith("kiemtra:queue:"));
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())
    return Visit.objects.select_related("unit").get(unit__code="DT-TB-BT", status=VisitStatus.IN_PROGRESS)


def watch(page: Page) -> list[str]:
    """Collect console errors, uncaught exceptions and failed requests (but the offline ones)."""
    problems: list[str] = []

    def on_console(msg):
        url = msg.location.get("url", "")
        if (
            msg.type == "error"
            and not url.endswith(IGNORED_URLS)
            and "ERR_INTERNET_DISCONNECTED" not in msg.text
        ):
            problems.append(f"console: {msg.text} ({url})")

    page.add_init_script(CSP_LISTENER)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"exception: {exc}"))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith(IGNORED_URLS)
            and problems.append(f"HTTP {r.status}: {r.url}")
        ),
    )
    return problems


def log_in(page: Page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}{reverse('login')}?next={next_url}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(settings.DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"{base_url}{next_url}")


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("375x812", PHONE), ("1280x800", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(PHONE)


def snap(page: Page, name: str, target=None) -> None:
    """What the phone's screen shows now (around ``target``), for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if target is not None:
        target.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / f"{name}-375x812-screen.png")


def row(page: Page, criterion: Criterion):
    return page.locator(f'article[data-criterion="{criterion.pk}"]')


def status(page: Page, criterion: Criterion):
    return row(page, criterion).locator(".answer-status")


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2600, 1950), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def unanswered(visit: Visit) -> list[Criterion]:
    answered = set(
        Answer.objects.filter(visit=visit).exclude(result="").values_list("criterion_id", flat=True)
    )
    criteria = Criterion.objects.filter(domain__template=visit.template).order_by(
        "domain__order", "order", "id"
    )
    return [c for c in criteria if c.applies_to_kind(visit.unit.kind) and c.pk not in answered]


def test_an_inspector_fills_the_checklist_on_a_phone_through_a_lost_connection_and_the_leader_submits(
    live_server, page: Page, demo: Visit
):
    url = reverse("inspections:checklist", args=[demo.pk])
    problems = watch(page)
    log_in(page, live_server.url, "kiemtra", url)
    todo = [c for c in unanswered(demo) if c.answer_kind == "score"]
    figures = Criterion.objects.get(domain__template=demo.template, code="7.2")

    snap(page, "checklist-top")
    # Online: one tap on a quick score saves the answer, and the totals follow.
    scored = Answer.objects.filter(visit=demo, result__in=["met", "partly", "not_met"]).count()
    first = todo[0]
    row(page, first).locator("[data-score]").last.click()
    expect(status(page, first)).to_have_attribute("data-state", "saved")
    expect(page.locator("#checklist-progress .progress-count")).to_contain_text(f"{scored + 1} / ")
    # Figures give their rates in Vietnamese numbers.
    inputs = row(page, figures).locator("input[name^=figure-]")
    inputs.nth(0).fill("1.000")
    inputs.nth(1).fill("600")
    inputs.nth(2).fill("200")
    row(page, figures).locator("[data-score]").last.click()
    expect(status(page, figures)).to_contain_text("60,0\u00a0%")
    expect(status(page, figures)).to_contain_text("20,0\u00a0%")
    snap(page, "checklist-figures", row(page, figures))

    # The connection drops: the inspector keeps answering; the answers wait on the device.
    page.context.set_offline(True)
    expect(page.locator("#offline-banner")).to_be_visible()
    offline = todo[1:4]
    for criterion in offline:
        row(page, criterion).locator("[data-score]").first.click()
        expect(status(page, criterion)).to_have_attribute("data-state", "waiting")
    note = row(page, offline[0]).locator("textarea[name=note]")
    note.fill("Chưa có kế hoạch tuyên truyền năm; đơn vị hứa bổ sung trong tháng.")
    note.blur()
    expect(page.locator("#queue-banner")).to_be_visible()
    expect(page.locator("#queue-banner .queue-text")).to_contain_text("3")
    snap(page, "checklist-offline", row(page, offline[1]))
    shoot(page, "checklist-offline")
    assert not Answer.objects.filter(visit=demo, criterion__in=offline).exclude(result="").exists()

    # The tab is closed while offline; nothing is lost: a new tab, back online, sends it all.
    context = page.context
    page.close()
    context.set_offline(False)
    page = context.new_page()
    problems += watch(page)
    page.goto(live_server.url + url)
    for criterion in offline:
        expect(status(page, criterion)).to_have_attribute("data-state", "saved")
    expect(page.locator("#queue-banner")).to_be_hidden()
    # The list of unanswered criteria follows the answers sent from the device.
    for criterion in offline:
        expect(page.locator(f"#missing-{criterion.pk}")).to_have_count(0)
    saved = {a.criterion_id: a for a in Answer.objects.filter(visit=demo, criterion__in=offline)}
    assert {c.pk: saved[c.pk].result for c in offline} == {c.pk: AnswerResult.NOT_MET for c in offline}
    assert saved[offline[0].pk].note.startswith("Chưa có kế hoạch tuyên truyền năm")
    assert page.evaluate(QUEUE_KEYS) == []

    # A photo from the phone: scaled down on the phone, stored privately, listed under the criterion.
    row(page, first).locator("input[type=file][multiple]").set_input_files(
        {"name": "bo-phan-mot-cua.jpg", "mimeType": "image/jpeg", "buffer": photo()}
    )
    expect(row(page, first).locator(".evidence-list")).to_contain_text("bo-phan-mot-cua.jpg")
    snap(page, "checklist-photo", row(page, first))
    evidence = AnswerEvidence.objects.get(answer__visit=demo, answer__criterion=first)
    assert max(Image.open(evidence.file.path).size) == 1600
    shoot(page, "checklist-filled")

    # The rest of the team answers the remaining criteria; the leader submits.
    colleague = User.objects.get(username="kiemtra")
    for criterion in unanswered(demo):
        kind_change = (
            AnswerChange(score=Decimal(criterion.max_score))
            if criterion.answer_kind in {"score", "figures"}
            else AnswerChange(result=AnswerResult.MET)
        )
        answer_save(visit=demo, criterion=criterion, actor=colleague, base_version=0, change=kind_change)
    leader = context.browser.new_context(locale="vi-VN", viewport=PHONE)
    leader_page = leader.new_page()
    problems += watch(leader_page)
    log_in(leader_page, live_server.url, "truongdoan", url)
    expect(leader_page.locator(".missing-list")).to_have_count(0)
    shoot(leader_page, "checklist-ready-to-submit")
    leader_page.locator("#submit form [type=submit]").click()
    # The findings app takes the submission over (it also hands the findings to the head).
    leader_page.wait_for_url(re.compile(rf"/visits/{demo.pk}/$"))
    demo.refresh_from_db()
    assert demo.status == VisitStatus.SUBMITTED
    leader.close()

    assert problems == []


def test_a_conflict_shows_the_other_persons_answer_and_keeping_theirs_reloads_it(
    live_server, page: Page, demo: Visit
):
    url = reverse("inspections:checklist", args=[demo.pk])
    problems = watch(page)
    log_in(page, live_server.url, "kiemtra", url)
    criterion = next(c for c in unanswered(demo) if c.answer_kind == "score")
    # The leader saves the same answer first, from another device.
    leader = User.objects.get(username="truongdoan")
    answer_save(
        visit=demo,
        criterion=criterion,
        actor=leader,
        base_version=0,
        change=AnswerChange(score=Decimal(0), note="Không đạt"),
    )

    row(page, criterion).locator("[data-score]").last.click()

    expect(status(page, criterion)).to_have_attribute("data-state", "conflict")
    expect(status(page, criterion)).to_contain_text("Không đạt")
    expect(status(page, criterion)).to_contain_text(str(leader))
    # In Vietnamese, every word of it.
    conflict = status(page, criterion).locator(".answer-conflict")
    expect(conflict).to_contain_text("Câu trả lời đã lưu:")
    expect(conflict.locator("button[hx-get]")).to_have_text("Giữ câu trả lời đã lưu")
    expect(conflict.locator("button[data-overwrite]")).to_have_text("Ghi đè bằng câu trả lời của tôi")
    for english in ("Their answer", "Keep theirs", "Overwrite with mine", "saved this answer"):
        expect(conflict).not_to_contain_text(english)
    snap(page, "checklist-conflict", row(page, criterion))
    assert Answer.objects.get(visit=demo, criterion=criterion).note == "Không đạt"
    row(page, criterion).locator("button[hx-get]").click()
    expect(row(page, criterion).locator("textarea[name=note]")).to_have_value("Không đạt")
    expect(status(page, criterion).locator("input[name=version]")).to_have_value("1")
    # 409 is the conflict answered on purpose, not a failure.
    assert [p for p in problems if "409" not in p] == []


def test_the_liaison_self_assesses_on_a_phone(live_server, page: Page, demo: Visit):
    url = reverse("inspections:self_assessment", args=[demo.pk])
    problems = watch(page)
    log_in(page, live_server.url, "binhtan", url)
    criterion = Criterion.objects.get(domain__template=demo.template, code="2.1")

    row(page, criterion).locator("[data-score]").last.click()
    row(page, criterion).locator("textarea[name=self_note]").fill("Đã trình 02 văn bản theo kế hoạch.")
    row(page, criterion).locator("textarea[name=self_note]").blur()

    expect(row(page, criterion).locator(".answer-status")).to_have_attribute("data-state", "saved")
    snap(page, "checklist-self-assessment", row(page, criterion))
    expect(row(page, criterion).locator(".answer-status")).to_contain_text("✓")
    page.wait_for_function("!document.querySelector('form[data-autosave].htmx-request')")
    answer = Answer.objects.get(visit=demo, criterion=criterion)
    assert answer.self_score == criterion.max_score
    assert answer.self_note == "Đã trình 02 văn bản theo kế hoạch."
    assert problems == []


def score_input(page: Page, criterion: Criterion):
    return row(page, criterion).locator("input[name=score]")


def test_a_reload_on_one_device_never_brings_back_an_answer_changed_since_on_another(
    live_server, browser, demo: Visit
):
    # The same inspector on two devices: device 1 sets 2.2 = 2, device 2 then sets 2.2 = 0,
    # device 1 merely reloads its page. The database must keep 0.
    url = reverse("inspections:checklist", args=[demo.pk])
    criterion = Criterion.objects.get(domain__template=demo.template, code="2.2")
    one = browser.new_context(locale="vi-VN", viewport=PHONE).new_page()
    two = browser.new_context(locale="vi-VN", viewport=PHONE).new_page()
    problems = watch(one) + watch(two)

    log_in(one, live_server.url, "kiemtra", url)
    score_input(one, criterion).fill("2")
    score_input(one, criterion).blur()
    expect(status(one, criterion)).to_have_attribute("data-state", "saved")
    one.wait_for_load_state("networkidle")
    assert Answer.objects.get(visit=demo, criterion=criterion).score == Decimal(2)

    log_in(two, live_server.url, "kiemtra", url)
    score_input(two, criterion).fill("0")
    score_input(two, criterion).blur()
    expect(status(two, criterion)).to_have_attribute("data-state", "saved")
    assert Answer.objects.get(visit=demo, criterion=criterion).score == Decimal(0)
    history_before = Answer.objects.get(visit=demo, criterion=criterion).version

    one.reload()
    one.wait_for_load_state("networkidle")

    answer = Answer.objects.get(visit=demo, criterion=criterion)
    assert (answer.score, answer.version) == (Decimal(0), history_before)
    # The server confirmed device 1's change long ago: nothing of it stays on the device.
    expect(score_input(one, criterion)).to_have_value("0")
    expect(status(one, criterion)).to_have_attribute("data-state", "idle")
    expect(one.locator("#queue-banner")).to_be_hidden()
    assert one.evaluate(QUEUE_KEYS) == []
    assert problems == []


def test_a_refused_figure_is_not_shown_again_after_a_reload(live_server, page: Page, demo: Visit):
    url = reverse("inspections:checklist", args=[demo.pk])
    problems = watch(page)
    log_in(page, live_server.url, "kiemtra", url)
    figures = Criterion.objects.get(domain__template=demo.template, code="7.2")
    stored = Answer.objects.filter(visit=demo, criterion=figures).first()
    received = row(page, figures).locator("input[name=figure-received]")
    before = received.input_value()

    # More dossiers online than received: refused (one change of the form).
    row(page, figures).locator("input[name=figure-online_full]").evaluate("el => { el.value = '50'; }")
    row(page, figures).locator("input[name=figure-online_partial]").evaluate("el => { el.value = '0'; }")
    received.fill("1")
    received.blur()
    expect(status(page, figures)).to_have_attribute("data-state", "invalid")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(QUEUE_KEYS) == []

    page.reload()
    page.wait_for_load_state("networkidle")

    expect(received).to_have_value(before)
    expect(status(page, figures)).to_have_attribute("data-state", "idle")
    after = Answer.objects.filter(visit=demo, criterion=figures).first()
    assert (after.figures if after else None) == (stored.figures if stored else None)
    assert [p for p in problems if "422" not in p] == []


def test_the_missing_list_follows_the_answers_as_they_are_saved(live_server, page: Page, demo: Visit):
    url = reverse("inspections:checklist", args=[demo.pk])
    problems = watch(page)
    log_in(page, live_server.url, "kiemtra", url)
    todo = unanswered(demo)
    colleague = User.objects.get(username="truongdoan")
    for criterion in todo[1:]:
        change = (
            AnswerChange(score=Decimal(criterion.max_score))
            if criterion.answer_kind in {"score", "figures"}
            else AnswerChange(result=AnswerResult.MET)
        )
        answer_save(visit=demo, criterion=criterion, actor=colleague, base_version=0, change=change)

    last = todo[0]
    if last.answer_kind in {"score", "figures"}:
        row(page, last).locator("[data-score]").last.click()
    else:
        row(page, last).locator("input[name=result][value=met]").check(force=True)
    expect(status(page, last)).to_have_attribute("data-state", "saved")

    progress = page.locator("#checklist-progress")
    applicable = progress.get_attribute("data-applicable")
    expect(progress).to_have_attribute("data-answered", applicable)
    expect(page.locator("#checklist-missing")).to_contain_text("Đã trả lời tất cả tiêu chí")
    expect(page.locator("#checklist-missing .missing-list li")).to_have_count(0)
    assert problems == []


def test_the_journal_module_keeps_changes_in_order_and_forgets_only_confirmed_ones(
    live_server, page: Page, demo: Visit
):
    url = reverse("inspections:checklist", args=[demo.pk])
    log_in(page, live_server.url, "kiemtra", url)

    result = page.evaluate(
        """async () => {
            const { Journal } = await import("/static/js/checklist/journal.js");
            const { createStore, get } = await import("/static/vendor/idb-keyval/index.js");
            const journal = new Journal("test:journal");
            await journal.open();
            journal.remember("/a", "t1", [["score", "1"], ["version", "3"]], false);
            journal.remember("/b", "t2", [["score", "1"], ["version", "0"]], false);
            journal.remember("/a", "t3", [["score", "2"], ["version", "3"]], false);
            const counted = journal.countAnswers();
            // The server confirmed t1 at version 4: t3, made on top of it, now starts from 4.
            journal.confirm("t1", "4");
            const after = journal.load();
            await journal.saved();
            const stored = await get("test:journal", createStore("kiemtra-checklist", "queue"));
            // A new page reads what the last one kept.
            const again = await new Journal("test:journal").open();
            journal.forget("t2");
            journal.forget("t3");
            await journal.saved();
            const left = await get("test:journal", createStore("kiemtra-checklist", "queue"));
            return { counted, after, stored: stored.length, again: again.length, left: left === undefined };
        }"""
    )

    assert result["counted"] == 2
    assert [item["id"] for item in result["after"]] == ["t2", "t3"]
    assert ["version", "4"] in result["after"][1]["fields"]
    assert ["version", "0"] in result["after"][0]["fields"]
    assert (result["stored"], result["again"]) == (2, 2)
    assert result["left"] is True


def test_the_scripts_messages_come_from_the_page_in_vietnamese(live_server, page: Page, demo: Visit):
    url = reverse("inspections:checklist", args=[demo.pk])
    problems = watch(page)
    log_in(page, live_server.url, "kiemtra", url)
    criterion = next(c for c in unanswered(demo) if c.answer_kind == "score")

    page.context.set_offline(True)
    row(page, criterion).locator("[data-score]").first.click()

    expect(status(page, criterion).locator(".status-note")).to_have_text(
        "Mất kết nối: đã lưu trên thiết bị này, sẽ gửi khi có kết nối trở lại."
    )
    expect(page.locator("#queue-banner .queue-text")).to_have_text("Còn 1 câu trả lời chờ gửi.")
    page.context.set_offline(False)
    expect(status(page, criterion)).to_have_attribute("data-state", "saved")
    assert problems == []


def test_the_menu_works_on_the_phone_though_bootstraps_script_waits_for_its_first_tap(
    live_server, page: Page, demo: Visit
):
    url = reverse("inspections:checklist", args=[demo.pk])
    problems = watch(page)
    log_in(page, live_server.url, "kiemtra", url)
    expect(page.locator(".checklist-bar")).to_be_visible()
    assert page.evaluate("() => typeof window.bootstrap") == "undefined"

    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav-main")).to_be_visible()
    # The tap on the menu loaded Bootstrap and was given to it: the menu opens (its slide ended,
    # as a person's next tap comes after it; under CI's load a tap during the slide was lost once).
    assert page.evaluate("() => typeof window.bootstrap") == "object"
    expect(page.locator("#nav-main")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.locator("#nav-main .dropdown-toggle").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    assert problems == []
