"""Twenty inspectors' phones autosave answers of one visit at once for 30 seconds, through the real
HTTP stack of the live server on PostgreSQL: no answer the server acknowledged may be lost.

Each client owns one criterion and keeps the version the server sends back (X-Answer-Saved), as
static/js/checklist.js does; every acknowledged save changes the note, so the last acknowledged
note of each client must be the one stored. Bounded: 30 s of saves, loopback only.
"""

import http.cookiejar
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from inspections.models import Answer, AnswerKind

from .answer_factories import criteria_of, sized_template, start
from .factories import VisitFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 20
SECONDS = float(os.environ.get("SOAK_SECONDS", "30"))


class Phone:
    """One inspector's browser: its own session cookie and CSRF token."""

    def __init__(self, base: str, sessionid: str, checklist_url: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("Cookie", f"sessionid={sessionid}")]
        with self.opener.open(base + checklist_url, timeout=30) as page:  # sets csrftoken
            assert page.status == 200
        self.csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        self.sessionid = sessionid

    def post(self, url: str, data: dict) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310  loopback http only
            self.base + url,
            data=urllib.parse.urlencode(data).encode(),
            headers={
                "X-CSRFToken": self.csrf,
                "HX-Request": "true",
                "Referer": self.base + url,
                "Cookie": f"sessionid={self.sessionid}; csrftoken={self.csrf}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)


def test_twenty_phones_autosaving_for_30_seconds_lose_no_answer(
    live_server, client, inspector, leader, approved_plan, commune
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers on in-memory SQLite fail instead of waiting")
    approved_plan.template = sized_template(criteria=40)
    approved_plan.save(update_fields=["template"])
    visit = start(VisitFactory(plan=approved_plan, unit=commune, leader=leader, members=[inspector]))
    criteria = [c for c in criteria_of(visit) if c.answer_kind in (AnswerKind.SCORE, AnswerKind.TEXT)][
        :CLIENTS
    ]
    assert len(criteria) == CLIENTS
    client.force_login(inspector)
    sessionid = client.cookies["sessionid"].value
    checklist = reverse("inspections:checklist", args=[visit.pk])

    acknowledged: dict[int, str] = {}
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def phone(criterion):
        device = Phone(live_server.url, sessionid, checklist)
        url = reverse("inspections:answer_save", args=[visit.pk, criterion.pk])
        version, n = 0, 0
        while time.monotonic() < deadline:
            n += 1
            note = f"{criterion.pk}-{n}"
            data = {"version": version, "token": str(uuid.uuid4()), "note": note}
            if criterion.answer_kind == AnswerKind.SCORE:
                data["score"] = "1" if n % 2 else "2"
            else:
                data["text"] = f"Ghi nhận {n}"
            status, headers = device.post(url, data)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    acknowledged[criterion.pk] = note
            if status == 200:
                version = int(headers["X-Answer-Saved"])
            elif status == 409:
                # Someone else's version (cannot happen here: one owner per criterion).
                version = Answer.objects.get(visit=visit, criterion=criterion).version

    threads = [threading.Thread(target=phone, args=(c,)) for c in criteria]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 60)
    assert not any(t.is_alive() for t in threads)

    stored = dict(Answer.objects.filter(visit=visit).values_list("criterion_id", "note"))
    lost = {pk: note for pk, note in acknowledged.items() if stored.get(pk) != note}
    print(
        f"autosave soak: {sum(statuses.values())} saves in {SECONDS:.0f} s, statuses {statuses}, lost {len(lost)}"
    )
    assert len(acknowledged) == CLIENTS, statuses
    assert lost == {}, f"{len(lost)} acknowledged answers lost: {lost}"
