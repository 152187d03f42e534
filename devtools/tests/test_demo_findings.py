"""The demo data of findings and remediation, and the whole flow walked from it.

“Done when” of the findings issue: from the demo data, xã Bình Tấn's limitations are reviewed,
concluded with a number, remedied by the commune's liaison with an attachment and an extension
request, and verified; every step is in the history.
"""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from devtools.demo import findings as demo
from findings.models import (
    ActionState,
    Conclusion,
    ExtensionDecision,
    Finding,
    FindingKind,
    RemediationAction,
    RemediationUpdate,
    ReviewState,
    UpdateKind,
)
from findings.selectors.history import action_history
from findings.tests.factories import PDF
from inspections.checklist.answers import AnswerChange, answer_save
from inspections.models import Answer, Criterion, Visit, VisitStatus
from units.models import User

TODAY = date(2026, 11, 23)


@pytest.fixture
def loaded(demo_day):
    """The demo, loaded once for this module (devtools/tests/conftest.py), on 23/11/2026."""


def _user(username):
    return User.objects.get(username=username)


def test_binh_tan_2020_is_concluded_remedied_and_verified_in_the_demo(loaded):
    visit = Visit.objects.get(unit__code="DT-TB-BT", plan__year=2020)
    assert visit.conclusion.reference == "1/TB-SNV"
    assert (visit.conclusion.authority_line, visit.conclusion.signer_title) == (
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
    )
    texts = " ".join(visit.findings.limitations().values_list("text", flat=True))
    for words in ("ISO 9001", "văn thư, lưu trữ", "sổ đăng ký văn bản đi", "đối thoại"):
        assert words in texts
    assert not visit.findings.exclude(review_state=ReviewState.APPROVED).exists()
    iso = RemediationAction.objects.get(finding__visit=visit, finding__criterion__code="7.7")
    assert iso.state == ActionState.VERIFIED
    assert iso.due_date == date(2020, 8, 31)
    kinds = list(iso.updates.order_by("at").values_list("kind", flat=True))
    assert kinds == ["progress", "extension_request", "extension_decision", "reported_done", "verification"]
    assert iso.updates.get(kind=UpdateKind.EXTENSION_REQUEST).decision == ExtensionDecision.GRANTED
    assert iso.updates.filter(attachments__isnull=False).exists()
    history = action_history(action=iso, updates=list(iso.updates.all()))
    assert {e.actor.username for e in history} == {"truongdoan", "binhtan", "lanhdao", "kiemtra"}
    assert all(e.at.year == 2020 for e in history)
    states = set(RemediationAction.objects.values_list("state", flat=True))
    assert states == set(ActionState.values)
    assert RemediationAction.objects.overdue(TODAY).exists()


def test_every_concluded_demo_visit_has_its_issued_notice_as_it_was_issued(loaded):
    from docx import Document

    from reports.models import IssuedDocument, IssuedKind

    concluded = Visit.objects.filter(status=VisitStatus.CONCLUDED)
    assert concluded.count() >= 20
    assert not concluded.filter(conclusion__isnull=True).exists()
    notices = IssuedDocument.objects.filter(kind=IssuedKind.NOTICE)
    assert set(notices.values_list("visit_id", flat=True)) == set(concluded.values_list("pk", flat=True))
    visit = Visit.objects.get(unit__code="DT-TB-BT", plan__year=2020)
    notice = notices.get(visit=visit)
    assert (notice.reference, notice.date) == ("1/TB-SNV", visit.conclusion.date)
    with notice.docx.open("rb") as f:
        text = "\n".join(p.text for p in Document(f).paragraphs)
    # The ISO action was extended to 31/08/2020 after the notice; the notice keeps its 30/06/2020.
    assert "30/06/2020" in text and "31/08/2020" not in text
    # Thái Nguyên 2020: the provincial committee's team issues; letterhead, symbol and signer agree.
    du = notices.get(visit__unit__code="TN-PL-DU")
    with du.docx.open("rb") as f:
        document = Document(f)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "UBND TỈNH THÁI NGUYÊN" in cells and "ĐOÀN KIỂM TRA" in cells
    assert du.symbol == "TB-ĐKT" and "TRƯỞNG ĐOÀN" in cells and "GIÁM ĐỐC" not in cells
    iso = RemediationAction.objects.get(finding__visit=visit, finding__criterion__code="7.7")
    assert iso.due_date.isoformat() not in {r["due_on"] for r in notice.snapshot["recommendations"]}


def test_loading_the_demo_twice_changes_nothing(loaded):
    from reports.models import IssuedDocument

    def counts():
        return (
            Finding.objects.count(),
            RemediationAction.objects.count(),
            RemediationUpdate.objects.count(),
            Conclusion.objects.count(),
            IssuedDocument.objects.count(),
        )

    before = counts()
    with time_machine.travel(TODAY, tick=False):
        demo.load()
    assert counts() == before


def _answer_the_rest(visit, inspector):
    for criterion in Criterion.objects.filter(domain__template=visit.template):
        if not criterion.applies_to_kind(visit.unit.kind):
            continue
        answer = Answer.objects.filter(visit=visit, criterion=criterion).first()
        if answer is not None and answer.result:
            continue
        answer_save(
            visit=visit,
            criterion=criterion,
            actor=inspector,
            base_version=answer.version if answer else 0,
            change=AnswerChange(not_applicable=True, note="Kiểm tra lại kỳ sau."),
        )


def test_the_whole_flow_walks_from_the_demo_visit_in_progress(
    loaded, client, django_capture_on_commit_callbacks
):
    visit = Visit.objects.get(unit__code="DT-TB-BT", status=VisitStatus.IN_PROGRESS)
    leader, inspector, head, liaison = (_user(n) for n in ("truongdoan", "kiemtra", "lanhdao", "binhtan"))
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        # The team sees the 2020 recommendations to check on site, finishes the checklist, submits.
        client.force_login(inspector)
        page = client.get(reverse("findings:visit_findings", args=[visit.pk]))
        assert len(page.context["carry_forward"]) == 7
        _answer_the_rest(visit, inspector)
        client.force_login(leader)
        client.post(reverse("findings:findings_submit", args=[visit.pk]), {"version": visit.version})
        visit.refresh_from_db()
        assert visit.status == VisitStatus.SUBMITTED
        # The head approves every finding and the review.
        client.force_login(head)
        for finding in visit.findings.all():
            client.post(
                reverse("findings:finding_review", args=[finding.pk]),
                {f"f{finding.pk}-version": finding.version, f"f{finding.pk}-decision": "approved"},
            )
        client.post(reverse("findings:review_finish", args=[visit.pk]))
        visit.refresh_from_db()
        assert visit.status == VisitStatus.REVIEWED
        # The leader concludes: this year's first notice of the Department.
        client.force_login(leader)
        form = client.get(reverse("findings:visit_conclude", args=[visit.pk])).context["form"]
        data = {name: form[name].value() for name in form.fields}
        data = {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if v is not None
        }
        client.post(reverse("findings:visit_conclude", args=[visit.pk]), data)
        conclusion = Conclusion.objects.get(visit=visit)
        assert conclusion.reference == "1/TB-SNV" and conclusion.year == TODAY.year
        assert (conclusion.authority_line, conclusion.signer_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
        action = RemediationAction.objects.get(finding__visit=visit, finding__criterion__code="3.5")
        # The liaison reports progress with a file and asks for more time; the head grants it.
        client.force_login(liaison)
        client.post(
            reverse("findings:action_progress", args=[action.pk]),
            {
                "progress-version": action.version,
                "progress-text": "Đã lập phiếu xin lỗi cho 109 hồ sơ còn thiếu.",
                "progress-files": [SimpleUploadedFile("phieu-xin-loi.pdf", PDF)],
            },
        )
        action.refresh_from_db()
        client.post(
            reverse("findings:action_extension", args=[action.pk]),
            {
                "extension-version": action.version,
                "extension-requested_due_date": date(TODAY.year + 1, 3, 31).isoformat(),
                "extension-reason": "Chờ phần mềm một cửa bổ sung mẫu phiếu.",
            },
        )
        request = RemediationUpdate.objects.get(action=action, kind=UpdateKind.EXTENSION_REQUEST)
        client.force_login(head)
        client.post(
            reverse("findings:action_extension_decide", args=[action.pk, request.pk]), {"decision": "granted"}
        )
        client.force_login(liaison)
        action.refresh_from_db()
        client.post(
            reverse("findings:action_done", args=[action.pk]),
            {"done-version": action.version, "done-text": "100% hồ sơ trễ hạn có phiếu xin lỗi."},
        )
        # A team member verifies.
        client.force_login(inspector)
        action.refresh_from_db()
        client.post(reverse("findings:action_verify", args=[action.pk]), {"verify-version": action.version})
    action.refresh_from_db()
    assert action.state == ActionState.VERIFIED
    assert action.due_date == date(TODAY.year + 1, 3, 31)
    assert action.updates.filter(attachments__isnull=False).count() == 1
    client.force_login(head)
    history = client.get(reverse("findings:visit_findings_history", args=[visit.pk])).context["history"]
    actors = {e.actor.username for e in history if e.actor}
    assert {"truongdoan", "kiemtra", "lanhdao"} <= actors
    visit_statuses = [
        c.new for e in history for c in e.changes if e.model_label == str(Visit._meta.verbose_name)
    ]
    for status in (VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED):
        assert str(status.label) in visit_statuses
    action_history = client.get(action.get_absolute_url()).context["history"]
    assert {e.actor.username for e in action_history if e.actor} == {
        "binhtan",
        "lanhdao",
        "kiemtra",
        "truongdoan",
    }
    assert Finding.objects.filter(visit=visit, kind=FindingKind.LIMITATION).count() == 4
