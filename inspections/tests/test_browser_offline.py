"""A visit taken offline: the inspector keeps the checklist on the phone, opens it later in a
fresh browser with no signal, fills it, reloads it, and everything reaches the server exactly
once when the connection returns; a teammate's answer given meanwhile is presented, not lost;
an ended session loses nothing.

The browser is a persistent profile (the service worker, the Cache API and IndexedDB survive
closing it), with the phone's viewport and the network switched off by Playwright.
"""

import io
import random
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from PIL import Image, ImageFilter
from playwright.sync_api import expect

from inspections.checklist.answers import AnswerChange, answer_save
from inspections.models import Answer, AnswerEvidence, AnswerResult, Criterion, Visit
from units.models import User

from . import test_browser_checklist as checklist_tests
from .test_browser_checklist import (
    PHONE,
    QUEUE_KEYS,
    log_in,
    row,
    status,
    unanswered,
    watch,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAKE = "Mang theo để làm ngoại tuyến"
# The files waiting in the phone's queue (IndexedDB): their size, type and width.
KEPT_FILES = """async () => {
  const { createStore, values } = await import("/static/vendor/idb-keyval/index.js");
  const queues = await values(createStore("kiemtra-checklist", "queue"));
  const files = queues.flat().filter((item) => item.kind === "evidence").map((item) => item.file);
  return Promise.all(files.map(async (file) => ({
    size: file.size, type: file.type, width: (await createImageBitmap(file)).width,
  })));
}"""

# The fixture of the checklist's browser tests: the demo data (role groups: the root conftest).
demo = checklist_tests.demo


def photo(width: int, height: int, seed: int, quality: int = 90) -> bytes:
    """A photo-like JPEG (blurred noise: it compresses like a real photo, not like a flat colour)."""
    noise = random.Random(seed).randbytes(width // 4 * (height // 4) * 3)
    small = Image.frombytes("RGB", (width // 4, height // 4), noise).filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    small.resize((width, height), Image.BICUBIC).save(out, "JPEG", quality=quality)
    return out.getvalue()


def evidence_files() -> list[Path]:
    return [f for f in (Path(settings.MEDIA_ROOT) / "evidence").rglob("*") if f.is_file()]


@pytest.fixture
def phone(browser_type, browser_type_launch_args, tmp_path):
    """Open the same phone's browser again and again (its profile kept on disk)."""
    opened = []

    def open_browser():
        context = browser_type.launch_persistent_context(
            tmp_path / "profile",
            **browser_type_launch_args,
            locale="vi-VN",
            viewport=PHONE,
            service_workers="allow",
        )
        opened.append(context)
        return context

    yield open_browser
    for context in opened:
        context.close()  # a no-op for one the test closed


def take_offline(phone, live_server, url):
    context = phone()
    page = context.pages[0] if context.pages else context.new_page()
    problems = watch(page)
    log_in(page, live_server.url, "kiemtra", url)
    page.get_by_role("button", name=TAKE).click()
    expect(page.locator("#offline-status")).to_contain_text("Đã lưu trên thiết bị lúc")
    context.close()
    return problems


def test_a_visit_taken_offline_is_filled_in_a_fresh_browser_with_no_signal_and_sent_once(
    live_server, phone, demo: Visit
):
    url = reverse("inspections:checklist", args=[demo.pk])
    problems = take_offline(phone, live_server, url)
    todo = [c for c in unanswered(demo) if c.answer_kind == "score"]
    contested, first, second, skipped = todo[:4]
    figures = Criterion.objects.get(domain__template=demo.template, code="7.2")
    figures_version = Answer.objects.filter(visit=demo, criterion=figures).values_list("version", flat=True)
    figures_before = figures_version.first() or 0
    history_before = LogEntry.objects.count()
    evidence_before, files_before = AnswerEvidence.objects.count(), len(evidence_files())
    # Meanwhile the team leader answers one of them from the office.
    leader = User.objects.get(username="truongdoan")
    answer_save(
        visit=demo,
        criterion=contested,
        actor=leader,
        base_version=0,
        change=AnswerChange(score=Decimal(0), note="Trưởng đoàn: không đạt"),
    )

    # Later, in the commune office with no signal: a fresh start of the phone's browser.
    context = phone()
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    problems += watch(page)
    page.goto(live_server.url + url)
    expect(page.locator("#offline-banner")).to_be_visible()
    # The kept copy: the leader's answer, given after it was kept, is not in it.
    expect(row(page, contested).locator("input[name=score]")).to_have_value("")

    for criterion in (contested, first, second):
        row(page, criterion).locator("[data-score]").last.click()
        expect(status(page, criterion)).to_have_attribute("data-state", "waiting")
    note = row(page, first).locator("textarea[name=note]")
    note.fill("Ghi chú khi không có sóng.")
    note.blur()
    inputs = row(page, figures).locator("input[name^=figure-]")
    inputs.nth(0).fill("500")
    inputs.nth(1).fill("300")
    inputs.nth(2).fill("100")
    inputs.nth(2).blur()
    expect(status(page, figures)).to_have_attribute("data-state", "waiting")
    row(page, skipped).locator("label:has(.na-toggle)").click()
    expect(status(page, skipped)).to_have_attribute("data-state", "waiting")
    # Two photos of the one-stop desk: shrunk and kept on the phone, shown at once.
    row(page, second).locator("input[type=file][multiple]").set_input_files(
        [
            {"name": f"mot-cua-{n}.jpg", "mimeType": "image/jpeg", "buffer": photo(2600, 1950, n)}
            for n in (1, 2)
        ]
    )
    expect(row(page, second).locator(".pending-uploads li img")).to_have_count(2)
    expect(page.locator("#queue-banner")).to_have_attribute("data-count", "7")

    # A reload with no signal: the page and every change are still there, waiting.
    page.reload()
    expect(page.locator("#queue-banner")).to_have_attribute("data-count", "7")
    expect(row(page, second).locator(".pending-uploads li img")).to_have_count(2)
    for criterion in (contested, first, second, figures, skipped):
        expect(status(page, criterion)).to_have_attribute("data-state", "waiting")
    expect(note).to_have_value("Ghi chú khi không có sóng.")
    expect(row(page, skipped).locator(".na-toggle")).to_be_checked()
    assert not Answer.objects.filter(visit=demo, criterion__in=[first, second, skipped]).exists()

    # The connection returns: everything is sent, once.
    context.set_offline(False)
    for criterion in (first, second, figures, skipped):
        expect(status(page, criterion)).to_have_attribute("data-state", "saved")
    # The leader's answer is presented to choose, not overwritten.
    expect(status(page, contested)).to_have_attribute("data-state", "conflict")
    expect(status(page, contested)).to_contain_text("Trưởng đoàn: không đạt")
    expect(row(page, second).locator(".evidence-list li")).to_have_count(2)
    expect(row(page, second).locator(".pending-uploads li")).to_have_count(0)
    expect(page.locator("#queue-banner")).to_be_hidden()
    assert page.evaluate(QUEUE_KEYS) == []

    photos = AnswerEvidence.objects.filter(answer__visit=demo, answer__criterion=second)
    assert sorted(photos.values_list("original_name", flat=True)) == ["mot-cua-1.jpg", "mot-cua-2.jpg"]
    assert {max(Image.open(p.file.path).size) for p in photos} == {1600}
    assert AnswerEvidence.objects.count() == evidence_before + 2
    assert len(evidence_files()) == files_before + 2
    saved = {a.criterion_id: a for a in Answer.objects.filter(visit=demo)}
    assert saved[contested.pk].note == "Trưởng đoàn: không đạt"
    assert saved[contested.pk].version == 1
    # Two changes of one answer (the score, then the note): two versions, each applied once.
    assert (saved[first.pk].version, saved[first.pk].note) == (2, "Ghi chú khi không có sóng.")
    assert saved[first.pk].score == first.max_score
    assert saved[second.pk].version == 1
    assert (saved[skipped.pk].version, saved[skipped.pk].result) == (1, AnswerResult.NOT_APPLICABLE)
    keys = [figure["key"] for figure in figures.figures]
    assert {key: saved[figures.pk].figures.get(key) for key in keys[:3]} == dict(
        zip(keys[:3], (500, 300, 100), strict=True)
    )
    assert saved[figures.pk].version == figures_before + 1
    # History: one entry per applied change, a first answer included (the security issue's audit
    # rule): the leader's answer, the first criterion's answer and then its note, the second
    # criterion, the not-applicable mark and the figures. The device's stale change to the
    # contested criterion was not applied, so it has none.
    assert LogEntry.objects.count() - history_before == 6
    assert [p for p in problems if "409" not in p] == []


def test_a_session_that_ends_while_offline_loses_nothing(live_server, phone, demo: Visit):
    url = reverse("inspections:checklist", args=[demo.pk])
    take_offline(phone, live_server, url)
    criterion = next(c for c in unanswered(demo) if c.answer_kind == "score")

    context = phone()
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(live_server.url + url)
    context.set_offline(True)
    row(page, criterion).locator("[data-score]").last.click()
    expect(status(page, criterion)).to_have_attribute("data-state", "waiting")
    # The session ends while the phone has no signal.
    Session.objects.all().delete()
    context.set_offline(False)
    expect(status(page, criterion)).to_have_attribute("data-state", "login")
    expect(page.locator("#queue-banner")).to_be_visible()
    assert not Answer.objects.filter(visit=demo, criterion=criterion).exists()

    # Logging in again (another tab) and coming back: the change is sent.
    other = context.new_page()
    log_in(other, live_server.url, "kiemtra", url)
    expect(status(other, criterion)).to_have_attribute("data-state", "saved")
    answer = Answer.objects.get(visit=demo, criterion=criterion)
    assert (answer.score, answer.version) == (criterion.max_score, 1)
    assert other.evaluate(QUEUE_KEYS) == []


def test_a_4_mb_photo_is_shrunk_on_the_phone_before_it_is_sent(live_server, page, demo: Visit):
    url = reverse("inspections:checklist", args=[demo.pk])
    problems = watch(page)
    log_in(page, live_server.url, "kiemtra", url)
    criterion = next(c for c in unanswered(demo) if c.answer_kind == "score")
    big = photo(4000, 3000, 7, quality=98)
    assert len(big) > 3_500_000
    # Without a connection, to look at what the phone keeps to send.
    page.context.set_offline(True)
    row(page, criterion).locator("input[type=file][capture]").set_input_files(
        {"name": "bien-nhan.jpg", "mimeType": "image/jpeg", "buffer": big}
    )
    # The thumbnail shows at once.
    expect(row(page, criterion).locator(".pending-uploads li img")).to_have_count(1)
    kept = page.evaluate(KEPT_FILES)
    assert len(kept) == 1 and kept[0]["type"] == "image/jpeg"
    assert kept[0]["size"] < 400_000
    assert kept[0]["width"] == 1600

    page.context.set_offline(False)
    expect(row(page, criterion).locator(".evidence-list")).to_contain_text("bien-nhan.jpg")
    expect(row(page, criterion).locator(".pending-uploads li")).to_have_count(0)
    evidence = AnswerEvidence.objects.get(answer__visit=demo, answer__criterion=criterion)
    assert Image.open(evidence.file.path).size == (1600, 1200)
    assert problems == []
