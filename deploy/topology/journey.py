"""The journey of an inspector through nginx while a web node and a worker die (kill -9).

Log in, open the checklist, autosave answers (one thread saving all along), upload evidence,
request a report through one node, kill that node and a worker, download the report and the
evidence through the surviving node. Every operation must end in success (a retry after a lost
response is allowed: it carries the same change token), and afterwards the database must hold the
state of every request the client saw succeed, each change applied once, every file in the bucket.

Run: deploy/topology/run (CI: .ci/run). Loopback only; bounded (JOURNEY_SECONDS, default 150 s,
setup included); everything it started is stopped at the end.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests
from stack import ROOT, Stack, log

USERNAME = "kiemtra"  # the demo inspector, member of the team of a visit in progress
DEADLINE = time.monotonic() + float(os.environ.get("JOURNEY_SECONDS", "150"))

VISIT_INFO = """
import json
from decimal import Decimal
from inspections.models import Answer, AnswerKind, Criterion, Visit, VisitStatus
visit = Visit.objects.filter(status=VisitStatus.IN_PROGRESS, team__user__username="{user}").order_by("pk").first()
criteria = [c for c in Criterion.objects.filter(domain__template=visit.template).order_by("pk")
            if c.answer_kind == AnswerKind.SCORE and c.applies_to_kind(visit.unit.kind)][:12]
versions = dict(Answer.objects.filter(visit=visit).values_list("criterion_id", "version"))
print(json.dumps({{
    "visit": visit.pk, "plan": visit.plan_id,
    "criteria": [{{"id": c.pk, "max": str(c.max_score), "version": versions.get(c.pk, 0)}} for c in criteria],
}}))
"""


class JourneyFailed(AssertionError):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise JourneyFailed(message)


@dataclass
class Client:
    """An inspector's browser: one session through nginx; resends after a lost response."""

    base: str
    ca: str
    session: requests.Session = field(default_factory=requests.Session)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.session.verify = self.ca

    def csrf(self) -> dict:
        return {"X-CSRFToken": self.session.cookies.get("csrftoken", ""), "Referer": self.base + "/"}

    def call(self, method: str, path: str, *, ok=(200,), attempts: int = 8, **kwargs) -> requests.Response:
        """One operation; a connection error or a 502/503/504 (the node died under it) is retried."""
        last = None
        headers = kwargs.pop("headers", {})
        for attempt in range(attempts):
            check(time.monotonic() < DEADLINE, f"out of time during {method} {path}")
            try:
                response = self.session.request(
                    method,
                    self.base + path,
                    headers={**self.csrf(), **headers},
                    allow_redirects=False,
                    timeout=20,
                    verify=self.ca,
                    **kwargs,
                )
            except requests.ConnectionError as exc:
                last = repr(exc)
            else:
                if response.status_code in ok:
                    return response
                last = f"HTTP {response.status_code}: {response.text[:300]}"
                if response.status_code not in (502, 503, 504):
                    raise JourneyFailed(f"{method} {path}: {last}")
            with self.lock:
                self.retries += 1
            time.sleep(0.2 * (attempt + 1))
            if "files" in kwargs:
                for _name, (_filename, handle, _type) in kwargs["files"]:
                    handle.seek(0)
        raise JourneyFailed(f"{method} {path} failed {attempts} times: {last}")


@dataclass
class Saved:
    version: int
    note: str
    result: str
    score: str
    tokens: set = field(default_factory=set)


class Autosaver:
    """Saves answers of its criteria in turn, as the checklist's script does, until stopped."""

    def __init__(self, client: Client, visit: int, criteria: list[dict]):
        self.client, self.visit, self.criteria = client, visit, criteria
        self.saved: dict[int, Saved] = {}
        self.versions = {c["id"]: c["version"] for c in criteria}
        self.count = 0
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def save_one(self, criterion: dict) -> None:
        self.count += 1
        token = str(uuid.uuid4())
        note = f"Hành trình {self.count}: hồ sơ đúng hạn"
        result, score = ("met", criterion["max"]) if self.count % 2 else ("not_met", "0")
        response = self.client.call(
            "POST",
            f"/inspections/visits/{self.visit}/checklist/{criterion['id']}/save/",
            data={
                "version": self.versions[criterion["id"]],
                "token": token,
                "result": result,
                "score": score,
                "note": note,
            },
            headers={"HX-Request": "true"},
        )
        version = int(response.headers["X-Answer-Saved"])
        check(
            version == self.versions[criterion["id"]] + 1,
            f"save of {criterion['id']} skipped a version: {version}",
        )
        self.versions[criterion["id"]] = version
        saved = self.saved.setdefault(criterion["id"], Saved(version, note, result, score))
        saved.version, saved.note, saved.result, saved.score = version, note, result, score
        saved.tokens.add(token)

    def _run(self):
        try:
            i = 0
            while not self._stop.is_set():
                self.save_one(self.criteria[i % len(self.criteria)])
                i += 1
        except BaseException as exc:  # noqa: BLE001  reported by stop()
            self.error = exc

    def start(self):
        self.thread.start()

    def stop(self):
        self._stop.set()
        self.thread.join(timeout=60)
        if self.error:
            raise self.error


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def journey(stack: Stack) -> dict:
    info = json.loads(stack.manage("shell", "-c", VISIT_INFO.format(user=USERNAME)).strip().splitlines()[-1])
    visit, criteria = info["visit"], info["criteria"]
    check(len(criteria) >= 4, "the demo visit has too few scored criteria")
    client = Client(stack.url, str(stack.ca))

    # Log in (the session lives in the database: every node knows it).
    client.call("GET", "/accounts/login/")
    response = client.call(
        "POST",
        "/accounts/login/",
        ok=(302,),
        data={
            "username": USERNAME,
            "password": os.environ.get("DEMO_PASSWORD", "kiemtra2026"),
            "csrfmiddlewaretoken": client.session.cookies["csrftoken"],
        },
    )
    check(not response.headers["Location"].startswith("/accounts/login/"), "login refused")
    page = client.call("GET", f"/inspections/visits/{visit}/checklist/")
    check('name="version"' in page.text, "the checklist did not open")
    static = re.search(r'/static/[^"]+\.[0-9a-f]{12}\.(?:css|js)', page.text)
    check(static, "the checklist links no hashed static file")
    asset = client.call("GET", static.group(0))
    check("immutable" in asset.headers.get("Cache-Control", ""), "static files lack their long cache header")

    # Autosave all along (a second connection of the same session), on the first criteria;
    # evidence goes on the last one.
    saver_client = Client(stack.url, str(stack.ca))
    saver_client.session.cookies.update(client.session.cookies)
    saver = Autosaver(saver_client, visit, criteria[:-1])
    saver.start()
    evidence_criterion = criteria[-1]["id"]
    files = {"photo.png": png(), "bien-ban.pdf": PDF}
    for name, content in files.items():
        kind = "image/png" if name.endswith(".png") else "application/pdf"
        response = client.call(
            "POST",
            f"/inspections/visits/{visit}/checklist/{evidence_criterion}/evidence/",
            files=[("files", (name, io.BytesIO(content), kind))],
            headers={"HX-Request": "true"},
        )
    evidence_ids = sorted({int(i) for i in re.findall(rf"/visits/{visit}/evidence/(\d+)/", response.text)})
    check(len(evidence_ids) >= len(files), f"evidence list shows {evidence_ids}")

    # A worker dies midway (kill -9); the other takes the queue. (A worker killed while it holds
    # the report is redelivered only after the broker's visibility timeout or the stuck-report
    # sweep, minutes later: longer than this journey may take.)
    time.sleep(2)
    stack.kill("worker1")

    # The report is requested through one node, which then dies; it is downloaded through the other.
    response = client.call(
        "POST",
        "/reports/request/",
        ok=(302,),
        data={"plan": info["plan"], "kind": "plan_summary", "format": "xlsx"},
    )
    report_id = int(re.search(r"/reports/(\d+)/", response.headers["Location"]).group(1))
    requested_on = stack.node_name(response.headers["X-Upstream"])
    stack.kill(requested_on)
    time.sleep(3)  # the saver keeps going: its requests in flight on the dead node are resent

    while True:
        response = client.call("GET", f"/reports/{report_id}/download/", ok=(200, 404))
        if response.status_code == 200:
            break
        check(time.monotonic() < DEADLINE, "the report did not complete in time")
        time.sleep(1)
    # The response came through nginx's internal bucket location (X-Accel-Redirect), so it names
    # no web node; only one is alive.
    served_by = " and ".join(p.name for p in stack.procs if p.name.startswith("web") and p.alive)
    check(response.content[:2] == b"PK", "the report is not an XLSX file")
    check("attachment" in response.headers.get("Content-Disposition", ""), "the report lost its file name")
    downloads = {}
    for evidence_id in evidence_ids:
        got = client.call("GET", f"/inspections/visits/{visit}/evidence/{evidence_id}/")
        downloads[evidence_id] = got.content
        if got.content == PDF:
            # The bucket answers with the type and name the view chose: a PDF opens in the browser.
            check(
                got.headers.get("Content-Type") == "application/pdf",
                f"PDF sent as {got.headers.get('Content-Type')}",
            )
            check(
                got.headers.get("Content-Disposition", "").startswith("inline"), "the PDF lost its file name"
            )
            # One Content-Disposition (the view's), nothing of the bucket's, and nosniff.
            check(got.headers["Content-Disposition"].count("filename") == 1, "Content-Disposition sent twice")
            check(
                not any(h.lower().startswith(("x-amz", "access-control")) for h in got.headers),
                "bucket headers leak",
            )
            check(got.headers.get("X-Content-Type-Options") == "nosniff", "evidence sent without nosniff")
    # A photo is re-encoded on upload (orientation, metadata); a PDF is kept byte for byte.
    check(PDF in downloads.values(), "the PDF came back with other bytes")
    check(len(downloads) == len(files), "an evidence file is missing from the list")
    saver.stop()

    verify(stack, info, saver, list(downloads.values()), report_id)
    return {
        "autosaves": saver.count,
        "criteria saved": len(saver.saved),
        "evidence files": len(files),
        "report": f"#{report_id} requested on {requested_on}, downloaded from {served_by}",
        "retries after lost responses": client.retries + saver_client.retries,
    }


def verify(stack: Stack, info: dict, saver: Autosaver, downloaded: list[bytes], report_id: int) -> None:
    """What the client saw succeed is in the database and the bucket, each change once."""
    os.environ.update(stack.env(DJANGO_SETTINGS_MODULE="config.settings"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from decimal import Decimal

    from inspections.models import Answer, AnswerEvidence
    from reports.models import Report, ReportState

    bucket = stack.s3_client()
    answers = {a.criterion_id: a for a in Answer.objects.filter(visit_id=info["visit"])}
    initial = {c["id"]: c["version"] for c in info["criteria"]}
    for criterion_id, saved in saver.saved.items():
        answer = answers[criterion_id]
        check(
            answer.version == saved.version,
            f"answer {criterion_id}: version {answer.version}, client saw {saved.version}",
        )
        # Each change token applied once: the version grew by exactly the number of changes.
        check(
            answer.version - initial[criterion_id] == len(saved.tokens),
            f"answer {criterion_id}: a change applied twice",
        )
        check(
            (answer.note, answer.result) == (saved.note, saved.result),
            f"answer {criterion_id}: {(answer.note, answer.result)} is not the last save {(saved.note, saved.result)}",
        )
        check(
            answer.score == Decimal(saved.score),
            f"answer {criterion_id}: score {answer.score} != {saved.score}",
        )
    evidence = list(
        AnswerEvidence.objects.filter(
            answer__visit_id=info["visit"], answer__criterion_id=info["criteria"][-1]["id"]
        )
    )
    digests = [e.sha256 for e in evidence]
    check(len(evidence) == len(downloaded), f"{len(evidence)} evidence rows for {len(downloaded)} uploads")
    for content in downloaded:
        digest = hashlib.sha256(content).hexdigest()
        check(digests.count(digest) == 1, "an evidence file is missing or stored twice")
        row = next(e for e in evidence if e.sha256 == digest)
        body = bucket.get_object(Bucket="kiemtra-topology", Key=row.file.name)["Body"].read()
        check(body == content, "the bucket holds other bytes than were uploaded")
    report = Report.objects.get(pk=report_id)
    check(report.state == ReportState.DONE, f"report state {report.state}")
    same = Report.objects.filter(
        requested_by=report.requested_by, plan_id=report.plan_id, kind=report.kind, format=report.format
    )
    check(same.count() == 1, "the report was produced twice")
    head = bucket.head_object(Bucket="kiemtra-topology", Key=report.file.name)
    check(head["ContentLength"] == report.size, "the report in the bucket has another size")


def main() -> int:
    began = time.monotonic()
    stack = Stack(nodes=2, workers=2)
    try:
        with stack:
            try:
                summary = journey(stack)
            except BaseException:
                stack.tail_logs()
                raise
    except (JourneyFailed, TimeoutError, RuntimeError, requests.RequestException) as exc:
        print(f"JOURNEY FAILED: {exc!r}", file=sys.stderr)
        return 1
    log(f"journey passed in {time.monotonic() - began:.0f} s, everything stopped")
    for key, value in summary.items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
