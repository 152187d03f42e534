"""Role x URL matrix: every URL pattern, every role, two kinds of outsiders, GET and POST.

The world: one province (Đồng Tháp) with its Department of Home Affairs, a commune with an
in-progress visit (answer, evidence file) and a concluded one (finding, conclusion, remediation
action with an attachment and an extension request, a generated report). Outsiders: staff of
another province holding every role, and the liaison of another commune of the same province.

The test fails on any 500, on any 200 to an outsider for one of these objects, on any successful
POST (2xx or a redirect) by an outsider on one of them, on the first province's names showing
in an outsider's list pages, on a GET answer that differs from what ``MATRIX`` says each role
may see, and on a URL pattern that ``MATRIX`` does not know (add it when you add a URL).
"""

import datetime as dt
import re
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.jobs import Job, JobState
from findings.models import ActionState, RemediationUpdate, UpdateAttachment, UpdateKind
from findings.tests.factories import ActionFactory, ConclusionFactory, FindingFactory
from inspections.models import Answer, AnswerEvidence, AnswerResult, Criterion, PlanStatus, VisitStatus
from inspections.reform_index.models import IndexEvidence
from inspections.reform_index.services import round_open
from inspections.tests.factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from reports.models import Report, ReportFormat, ReportKind, ReportState
from reports.services.issuing import notice_issue
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

MARK = "Q7X"  # in the names of the first province's objects; never in an outsider's page
PRIVATE = "Z9K"  # in the commune's own records (findings, updates, files): never in another unit's pages
ROLES = ("scheduler", "inspector", "leader", "head", "liaison", "admin")
OUTSIDERS = ("outsider", "other_liaison")
EVERYONE = frozenset(ROLES + OUTSIDERS)
STAFF = {"scheduler", "inspector", "leader", "head", "admin"}
TEAM = {"inspector", "leader"}


@dataclass(frozen=True)
class Entry:
    """How to fill a pattern's kwargs and which roles get a 200 on GET.

    ``scoped`` URLs name an object of the first province: outsiders must never get a 200 there.
    List pages (``scoped=False``) may answer outsiders, but with nothing of the first province.
    """

    kwargs: object = None  # world -> kwargs
    sees: frozenset = frozenset()
    scoped: bool = True
    query: object = None  # world -> query string parameters


def E(kwargs=None, sees=(), *, scoped=True, query=None):  # noqa: N802  a table row
    return Entry(kwargs, frozenset(sees), scoped, query)


def L(sees=EVERYONE, *, query=None):  # noqa: N802  a list page, no object
    return Entry(None, frozenset(sees), False, query)


CSV = {"format": "csv"}
SCHEDULERS = {"scheduler", "admin", "outsider"}  # the outsider holds every staff role at home
HEADS = {"head", "admin", "outsider"}
LIAISONS = {"liaison", "other_liaison"}


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


MATRIX = {
    "home": L(),
    # For load balancers: no login, nothing of any province.
    "healthz": L(),
    "readyz": L(),
    # The checklist's service worker: a script holding no data, asked for without a session.
    "service_worker": L(),
    "login": L(()),  # a signed-in user is sent on to their home page
    "logout": L(()),  # POST only
    "password_change": L(),
    "password_change_done": L(),
    "session_keepalive": L(),
    "set_language": L(()),  # POST only
    "units:list": L(),
    "units:tree": L(),
    "units:create": L(SCHEDULERS),
    "units:import": L(SCHEDULERS),
    "units:import_confirm": L(()),
    "units:detail": E(pk("commune"), EVERYONE - set(OUTSIDERS)),
    "units:edit": E(pk("commune"), {"scheduler", "admin"}),
    # A unit's inspections, its predecessors' included: whoever may see the unit.
    "search:unit_visits": E(pk("commune"), EVERYONE - set(OUTSIDERS)),
    "inspections:template_list": L(),
    "inspections:template_import": L({"admin"}),
    # Checklist templates are the national criteria, the same for every province and unit.
    "inspections:template_preview": E(pk("template"), EVERYONE, scoped=False),
    "inspections:template_download": E(
        lambda w: {"pk": w.template.pk, "fmt": "xlsx"}, EVERYONE, scoped=False
    ),
    "inspections:template_publish": E(pk("template"), (), scoped=False),
    "inspections:template_new_version": E(pk("template"), (), scoped=False),
    "inspections:plan_list": L(EVERYONE - LIAISONS),
    "inspections:plan_create": L(SCHEDULERS),
    "inspections:plan_detail": E(pk("plan"), STAFF),
    "inspections:plan_edit": E(pk("plan"), {"scheduler", "admin"}),
    "inspections:plan_approve": E(pk("plan"), ()),
    "inspections:plan_close": E(pk("plan"), ()),
    "inspections:plan_bulk_schedule": E(pk("plan"), {"scheduler", "admin"}),
    "inspections:visit_create": E(pk("plan"), {"scheduler", "admin"}),
    "inspections:visit_list": L(),
    "inspections:visit_calendar": L(),
    "inspections:my_visits": L(),
    "inspections:visit_detail": E(pk("visit"), STAFF | {"liaison"}),
    # The visit is in progress: no more editing or rescheduling; cancelling asks for a reason.
    "inspections:visit_edit": E(pk("visit"), ()),
    "inspections:visit_reschedule": E(pk("visit"), ()),
    "inspections:visit_cancel": E(pk("visit"), {"scheduler", "admin"}),
    "inspections:visit_start": E(pk("visit"), ()),
    "inspections:checklist": E(pk("visit"), STAFF),
    "inspections:answer_row": E(lambda w: {"pk": w.visit.pk, "criterion_pk": w.criterion.pk}, STAFF),
    "inspections:answer_save": E(lambda w: {"pk": w.visit.pk, "criterion_pk": w.criterion.pk}, ()),
    "inspections:evidence_upload": E(lambda w: {"pk": w.visit.pk, "criterion_pk": w.criterion.pk}, ()),
    # Evidence is part of the checklist: whoever may not read the answers may not read it.
    "inspections:evidence_download": E(lambda w: {"pk": w.visit.pk, "evidence_pk": w.evidence.pk}, STAFF),
    "inspections:evidence_remove": E(lambda w: {"pk": w.visit.pk, "evidence_pk": w.evidence.pk}, ()),
    "inspections:visit_submit": E(pk("visit"), ()),
    "inspections:visit_reopen": E(pk("visit"), ()),
    "inspections:self_assessment": E(pk("visit"), {"liaison"}),
    "inspections:self_answer_save": E(lambda w: {"pk": w.visit.pk, "criterion_pk": w.criterion.pk}, ()),
    "findings:visit_findings": E(pk("concluded"), STAFF | {"liaison"}),
    "findings:visit_findings_history": E(pk("concluded"), STAFF | {"liaison"}),
    "findings:carry_forward": E(pk("visit"), STAFF),
    "findings:finding_create": E(pk("visit"), TEAM),
    "findings:finding_from_answer": E(lambda w: {"pk": w.visit.pk, "criterion_pk": w.criterion.pk}, ()),
    "findings:findings_submit": E(pk("visit"), ()),
    "findings:visit_review": E(pk("concluded"), {"head"}),
    "findings:review_finish": E(pk("concluded"), ()),
    # The form opens for the leader; concluding twice is refused by the service, with a message.
    "findings:visit_conclude": E(pk("concluded"), {"leader"}),
    "findings:finding_detail": E(pk("finding"), STAFF | {"liaison"}),
    # The form still opens for the team after the conclusion; the service refuses the change.
    "findings:finding_edit": E(pk("finding"), TEAM),
    "findings:finding_delete": E(pk("finding"), ()),
    "findings:finding_move": E(pk("finding"), ()),
    "findings:finding_review": E(pk("finding"), ()),
    "findings:review_queue": L({"head", "outsider"}),
    "findings:action_list": L(),
    "findings:action_detail": E(pk("action"), STAFF | {"liaison"}),
    "findings:action_progress": E(pk("action"), ()),
    "findings:action_done": E(pk("action"), ()),
    "findings:action_extension": E(pk("action"), ()),
    "findings:action_extension_decide": E(lambda w: {"pk": w.action.pk, "update_pk": w.extension.pk}, ()),
    "findings:action_verify": E(pk("action"), ()),
    "findings:action_reopen": E(pk("action"), ()),
    "findings:attachment_download": E(pk("attachment"), STAFF | {"liaison"}),
    "findings:my_unit": L(LIAISONS),
    # The 2025 merger's guided action and the actions closed units kept: whoever keeps the unit tree.
    "findings:unit_merger": L(SCHEDULERS),
    "findings:closed_unit_actions": L(SCHEDULERS),
    "findings:action_reassign": E(pk("action"), ()),  # POST only
    "dashboards:head": L(HEADS),
    "dashboards:ranking": L(HEADS),
    "dashboards:actions": L(),
    "dashboards:export_units": L(query=lambda w: CSV),
    "dashboards:export_visits": L(query=lambda w: CSV),
    "dashboards:export_plans": L(query=lambda w: CSV),
    "dashboards:export_actions": L(query=lambda w: CSV),
    "search:search": L(),
    "reports:list": L(),
    "reports:panel": E(None, STAFF | {"liaison"}, query=lambda w: {"visit": w.concluded.pk}),
    "reports:request": L(()),  # POST only
    "reports:detail": E(pk("report"), STAFF | {"liaison"}),
    "reports:status": E(pk("report"), STAFF | {"liaison"}),
    "reports:download": E(pk("report"), STAFF | {"liaison"}),
    "reports:retry": E(pk("report"), ()),  # POST only
    # Plan approval: every decision is a POST (GET answers 405); outsiders get 404 on POST.
    "inspections:plan_submit": E(pk("plan"), ()),
    "inspections:plan_return": E(pk("plan"), ()),
    "inspections:amendment_approve": E(lambda w: {"pk": w.plan.pk, "number": 1}, ()),
    "inspections:amendment_return": E(lambda w: {"pk": w.plan.pk, "number": 1}, ()),
    "inspections:template_import_job": E(lambda w: {"pk": w.template_job.pk}, {"admin"}),
    "units:import_job": E(lambda w: {"pk": w.unit_job.pk}, {"scheduler"}),
    # Issuing a produced follow-up or summary (number, date, signature) is the Department head's;
    # a notice is issued by concluding, so a conclusion report has no such page.
    "reports:issue": E(pk("report"), ()),
    "reports:issued_detail": E(pk("issued"), STAFF | {"liaison"}),
    "reports:issued_download": E(lambda w: {"pk": w.issued.pk, "fmt": "pdf"}, STAFF | {"liaison"}),
    # A correction of an issued notice is signed by the visit's team leader.
    "reports:issued_correct": E(pk("issued"), {"leader"}),
    # The reform index: a round of the first province (not published yet), the commune's scorecard.
    "reform_index:round_list": L(),
    "reform_index:round_open": L({"admin"}),
    "reform_index:round_detail": E(pk("index_round"), STAFF),
    "reform_index:round_publish": E(pk("index_round")),
    "reform_index:ranking": E(pk("index_round"), STAFF),
    "reform_index:ranking_download": E(lambda w: {"pk": w.index_round.pk, "fmt": "pdf"}),
    "reform_index:card_detail": E(pk("index_card"), STAFF | {"liaison"}),
    "reform_index:card_score": E(
        lambda w: {"pk": w.index_card.pk, "domain_pk": w.criterion.domain_id}, {"liaison"}
    ),
    "reform_index:card_submit": E(pk("index_card")),
    "reform_index:card_appraise": E(pk("index_card"), TEAM),
    "reform_index:card_send": E(pk("index_card")),
    "reform_index:card_respond": E(pk("index_card")),
    "reform_index:card_approve": E(pk("index_card")),
    "reform_index:evidence_download": E(pk("index_evidence"), STAFF | {"liaison"}),
}
# Every page of the Django admin: only for staff accounts (is_staff); others go to its login.
ADMIN_NAMESPACE = "admin"


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


ALL = list(_walk(get_resolver().url_patterns))
APP_NAMES = sorted({name for name, _ in ALL if not name.startswith(f"{ADMIN_NAMESPACE}:")})
ADMIN_PAGES = sorted(
    {name for name, p in ALL if name.startswith(f"{ADMIN_NAMESPACE}:") and not p.pattern.regex.groupindex}
)
# The admin's own sign-in and sign-out pages answer everyone.
ADMIN_OPEN = {"admin:login", "admin:logout"}


# The world -----------------------------------------------------------------------------------


def _build():
    w = SimpleNamespace()
    province = UnitFactory(name=f"UBND tỉnh Đồng Tháp {MARK}", kind=UnitKind.PROVINCE)
    department = UnitFactory(
        name=f"Sở Nội vụ {MARK}", short_name="SNV", kind=UnitKind.DEPARTMENT, parent=province
    )
    district = UnitFactory(name=f"Huyện Thanh Bình {MARK}", kind=UnitKind.DISTRICT, parent=province)
    w.commune = UnitFactory(name=f"Xã Bình Tấn {MARK}", kind=UnitKind.COMMUNE, parent=district)
    other_commune = UnitFactory(name="Xã Tân Mỹ", kind=UnitKind.COMMUNE, parent=district)
    other_province = UnitFactory(name="UBND tỉnh Thái Nguyên", kind=UnitKind.PROVINCE)
    other_department = UnitFactory(
        name="Sở Nội vụ Thái Nguyên", kind=UnitKind.DEPARTMENT, parent=other_province
    )
    w.users = {
        "scheduler": UserFactory(username="m_scheduler", unit=department, roles=[Role.SCHEDULER]),
        "inspector": UserFactory(username="m_inspector", unit=department, roles=[Role.INSPECTOR]),
        "leader": UserFactory(username="m_leader", unit=department, roles=[Role.INSPECTOR]),
        "head": UserFactory(username="m_head", unit=department, roles=[Role.HEAD]),
        "liaison": UserFactory(username="m_liaison", unit=w.commune, roles=[Role.LIAISON]),
        "admin": UserFactory(username="m_admin", unit=department, roles=[Role.ADMIN], is_staff=True),
        "outsider": UserFactory(
            username="m_outsider", unit=other_department, roles=[Role.SCHEDULER, Role.INSPECTOR, Role.HEAD]
        ),
        "other_liaison": UserFactory(username="m_other_liaison", unit=other_commune, roles=[Role.LIAISON]),
    }
    u = w.users
    w.template = ChecklistTemplateFactory()
    w.criterion = Criterion.objects.filter(domain__template=w.template).order_by("id").first()
    w.plan = PlanFactory(
        issuing_unit=department,
        template=w.template,
        title=f"Kế hoạch kiểm tra {MARK}",
        units=[w.commune],
        created_by=u["scheduler"],
        status=PlanStatus.IN_PROGRESS,
        approved_by=u["head"],
        approved_at=timezone.now(),
    )
    w.visit = VisitFactory(
        plan=w.plan,
        unit=w.commune,
        leader=u["leader"],
        members=[u["inspector"]],
        status=VisitStatus.IN_PROGRESS,
    )
    answer = Answer.objects.create(
        visit=w.visit,
        criterion=w.criterion,
        result=AnswerResult.MET,
        score=w.criterion.max_score,
        updated_by=u["leader"],
        updated_at=timezone.now(),
        version=1,
    )
    w.evidence = AnswerEvidence(
        answer=answer,
        original_name=f"bien-ban-{MARK}-{PRIVATE}.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=u["inspector"],
    )
    w.evidence.file.save("bien-ban.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    w.evidence.save()
    earlier_plan = PlanFactory(
        issuing_unit=department,
        template=w.template,
        year=2026,
        title=f"Kế hoạch kiểm tra năm trước {MARK}",
        units=[w.commune],
        created_by=u["scheduler"],
        status=PlanStatus.IN_PROGRESS,
        approved_by=u["head"],
        approved_at=timezone.now(),
    )
    w.concluded = VisitFactory(
        plan=earlier_plan,
        unit=w.commune,
        leader=u["leader"],
        members=[u["inspector"]],
        starts_at=at(dt.date(2026, 5, 5), 8),
        ends_at=at(dt.date(2026, 5, 5), 11),
    )
    w.finding = FindingFactory(
        visit=w.concluded, created_by=u["leader"], approved=True, text=f"Hạn chế {MARK} {PRIVATE}"
    )
    conclusion = ConclusionFactory(visit=w.concluded, created_by=u["leader"])
    w.concluded.status = VisitStatus.CONCLUDED
    w.concluded.save(update_fields=["status"])
    w.issued = notice_issue(conclusion=conclusion)
    # Background jobs are their requester's alone: the scheduler's unit import, the
    # administrator's checklist import.
    w.unit_job = Job.objects.create(kind="units.import", user=u["scheduler"], state=JobState.DONE)
    w.template_job = Job.objects.create(
        kind="inspections.template_import", user=u["admin"], state=JobState.DONE
    )
    w.action = ActionFactory(finding=w.finding, unit=w.commune, state=ActionState.IN_PROGRESS)
    progress = RemediationUpdate.objects.create(
        action=w.action, kind=UpdateKind.PROGRESS, text=f"Tiến độ {MARK} {PRIVATE}", actor=u["liaison"]
    )
    w.attachment = UpdateAttachment(
        update=progress, original_name="anh.jpg", content_type="image/jpeg", size=4, sha256="0" * 64
    )
    w.attachment.file.save("anh.jpg", ContentFile(b"\xff\xd8\xff\xe0"), save=False)
    w.attachment.save()
    w.extension = RemediationUpdate.objects.create(
        action=w.action,
        kind=UpdateKind.EXTENSION_REQUEST,
        text="Xin gia hạn",
        requested_due_date=dt.date(2027, 6, 30),
        actor=u["liaison"],
    )
    w.report = Report(
        kind=ReportKind.CONCLUSION,
        format=ReportFormat.DOCX,
        visit=w.concluded,
        state=ReportState.DONE,
        requested_by=u["leader"],
        filename=f"ket-luan-{MARK}.docx",
        size=4,
    )
    w.report.file.save("ket-luan.docx", ContentFile(b"PK\x03\x04"), save=False)
    w.report.save()
    w.index_round = round_open(
        actor=u["admin"], province=province, year=2027, template=w.template, units=[w.commune, other_commune],
        self_deadline=dt.date(2099, 1, 1), appraisal_deadline=dt.date(2099, 2, 1),
        response_deadline=dt.date(2099, 3, 1),
    )  # fmt: skip
    w.index_card = w.index_round.scorecards.get(unit=w.commune)
    w.index_evidence = IndexEvidence(
        score=w.index_card.scores.first(), original_name=f"ke-hoach-{MARK}-{PRIVATE}.pdf",
        content_type="application/pdf", size=9, sha256="0" * 64, uploaded_by=u["liaison"],
    )  # fmt: skip
    w.index_evidence.file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    w.index_evidence.save()
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    # Where the root conftest points every test's MEDIA_ROOT, so the world's files stay found.
    media = tmp_path_factory.getbasetemp() / "media"
    media.mkdir(exist_ok=True)
    old_media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = media
    with django_db_blocker.unblock(), transaction.atomic():
        for role in Role.values:
            Group.objects.get_or_create(name=role)
        w = _build()
        w.sessions = {}
        for who, user in w.users.items():
            browser = Client()
            browser.force_login(user)
            w.sessions[who] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        yield w
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = old_media


# The walk ------------------------------------------------------------------------------------


def test_no_row_of_the_matrix_lets_an_outsider_see_an_object_of_the_first_province():
    assert [name for name, entry in MATRIX.items() if entry.scoped and entry.sees & set(OUTSIDERS)] == []


def test_the_matrix_knows_every_url_pattern():
    unknown = [name for name in APP_NAMES if name not in MATRIX]
    gone = [name for name in MATRIX if name not in APP_NAMES]
    assert unknown == [], "add these URL names to MATRIX (kwargs and who may see them)"
    assert gone == [], "these URL names are gone: remove them from MATRIX"


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("name", APP_NAMES)
def test_who_gets_what(client, db, world, name):
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
    if entry.query:
        url += "?" + urlencode(entry.query(world))
    problems = []

    anonymous = client.get(url)
    if anonymous.status_code >= 500:
        problems.append(f"anonymous GET: {anonymous.status_code}")

    for who in ROLES + OUTSIDERS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[who]
        got = client.get(url)
        body = _body(got)
        if got.status_code >= 500:
            problems.append(f"{who} GET: {got.status_code}")
        elif (got.status_code == 200) != (who in entry.sees):
            problems.append(
                f"{who} GET: {got.status_code}, expected {'200' if who in entry.sees else 'not 200'}"
            )
        if who == "outsider" and _shows(MARK, body):
            problems.append(f"{who} GET shows the first province's data")
        if who == "other_liaison" and _shows(PRIVATE, body):
            problems.append(f"{who} GET shows another unit's records")
        with transaction.atomic():
            posted = client.post(url, {})
            transaction.set_rollback(True)
        if posted.status_code >= 500:
            problems.append(f"{who} POST: {posted.status_code}")
        if who in OUTSIDERS and entry.scoped and posted.status_code < 400:
            problems.append(f"{who} POST succeeded: {posted.status_code}")

    assert not problems, f"{name}: " + "; ".join(problems)


def _shows(mark: str, body: str) -> bool:
    """``mark`` as a word of the page, not three letters inside a random token (a CSRF token or a
    file's storage name holds letters and digits: "Q7X" turned up in one once)."""
    return re.search(rf"(?<![A-Za-z0-9]){mark}(?![A-Za-z0-9])", body) is not None


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_are_for_staff_only(client, db, world, name):
    url = reverse(name)
    for who in ("inspector", "head", "liaison", "outsider"):
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[who]
        response = client.get(url)
        assert response.status_code < 500, (who, url)
        if name not in ADMIN_OPEN:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (who, url)
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["admin"]
    assert client.get(url).status_code in (200, 302, 403, 405)
