"""Demo findings, reviews, conclusions and remediation from the seed articles (`manage.py load_demo`,
after the inspections demo).

- xã Bình Tấn, 13/03/2020 (seed 002): the strengths and limitations the article reports (ISO 9001
  system not operated, records staff untrained, document registers kept wrongly, no dialogue
  plan, no self-inspection ...), reviewed by the Department head, concluded with a numbered notice,
  and remedied by the commune's liaison (binhtan) through the real services: progress with
  attachments, an extension granted and one refused, actions reported done, verified by the team,
  one reopened, and some still open (overdue). Every step is in the history panels.
- thị trấn Đu and xã Vô Tranh, 12/08/2020 (seed 004): one-stop-shop layout, weak self-inspection,
  planning not close to local reality ...
- Bắc Ninh 2018 (seed 001): the common limitations (late dossiers, procedures not updated at the
  one-stop shop, no name boards, incomplete reception registers) at three of the visited units.
- This year's visit of xã Bình Tấn (in progress): the team's draft findings, and the 2020
  recommendations carried forward, so the whole flow (submit, review, conclude, remedy, verify)
  can be walked from there.

Events are dated as they would have happened (the audit log too). Idempotent: a visit that
already has a conclusion (or, for the visit in progress, findings) is left alone. The liaisons
and heads of the other provinces' units are made up for the demo. No e-mail goes out: the demo's
services are called with notify=False.
"""

from datetime import date, datetime, time, timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import acting_as
from core.uploads import CheckedFile
from findings import services
from findings.models import (
    Conclusion,
    ExtensionDecision,
    Finding,
    FindingReview,
    RemediationAction,
    RemediationUpdate,
    ReviewDecision,
    ReviewState,
)
from findings.selectors import default_symbol, issuer_signature, signature_defaults
from inspections.models import Criterion, Visit, VisitStatus
from reports.services.issuing import notice_issue
from units.models import IssuingBody, IssuingBodyKind, Unit

from .findings_data import ACCOUNTS, BINH_TAN_2020, CURRENT_DRAFTS, Seed, VisitSeed
from .findings_data_north import BAC_NINH_2018, THI_TRAN_DU_2020, VO_TRANH_2020


def _when(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


class _Dated:
    """Date the audit entries written inside the block (and nothing else) at ``when``."""

    def __init__(self, when: datetime):
        self.when = when

    def __enter__(self):
        self.before = LogEntry.objects.aggregate(last=Max("id"))["last"] or 0
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            LogEntry.objects.filter(id__gt=self.before).update(timestamp=self.when)


def _pdf(title: str) -> bytes:
    """A one-page PDF whose only text is ``title`` (ASCII file names are the titles here)."""
    text = title.replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _accounts(users: dict) -> None:
    User = get_user_model()
    units = {u.code: u for u in Unit.objects.filter(code__in=[a[2] for a in ACCOUNTS])}
    for username, role, unit_code, last_name, first_name, position in ACCOUNTS:
        if unit_code not in units:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(settings.DEMO_PASSWORD)
        user.last_name, user.first_name, user.position = last_name, first_name, position
        user.unit = units[unit_code]
        user.email = f"{username}@demo.cchc.local"
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user


def _visit(unit_code: str, day: date) -> Visit | None:
    """The unit's visit in the plan of ``day``'s year (the inspections demo spreads some visits)."""
    return (
        Visit.objects.filter(unit__code=unit_code, plan__year=day.year)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("plan__issuing_unit", "unit", "template")
        .first()
    )


def _criteria(visit: Visit) -> dict[str, Criterion]:
    return {
        c.code: c
        for c in Criterion.objects.filter(domain__template_id=visit.template_id).select_related("domain")
    }


def _add_findings(
    visit: Visit, seeds: list[Seed], author, when: datetime, state: str
) -> list[tuple[Finding, Seed]]:
    criteria = _criteria(visit)
    made = []
    with _Dated(when), acting_as(author):
        for order, seed in enumerate(seeds, start=1):
            criterion = criteria.get(seed.code)
            finding = Finding.objects.create(
                visit=visit,
                kind=seed.kind,
                criterion=criterion,
                domain=criterion.domain if criterion else None,
                text=seed.edited_from or seed.text,
                cause=seed.cause,
                severity=seed.severity,
                recommendation=seed.recommendation,
                review_state=state,
                order=order,
                created_by=author,
            )
            made.append((finding, seed))
    Finding.objects.filter(pk__in=[f.pk for f, _s in made]).update(created_at=when, updated_at=when)
    return made


def _review(made: list[tuple[Finding, Seed]], head, when: datetime) -> None:
    with _Dated(when), acting_as(head):
        for finding, seed in made:
            if seed.edited_from:
                before = {"text": finding.text, "recommendation": finding.recommendation}
                finding.text = seed.text
                finding.save(update_fields=["text", "updated_at"])
                FindingReview.objects.create(
                    finding=finding, decision=ReviewDecision.EDITED, before=before, actor=head, at=when
                )
            else:
                FindingReview.objects.create(
                    finding=finding, decision=ReviewDecision.APPROVED, actor=head, at=when
                )


def _conclude(visit: Visit, seed: VisitSeed, made, users) -> Conclusion:
    """Issue the notice of a visit the inspections demo already walked to “concluded”."""
    leader = users[seed.leader]
    when = _when(seed.notice_day, 15)
    signature = issuer_signature(visit.plan.issuing_unit) or signature_defaults(user=leader)
    with _Dated(when), acting_as(leader):
        number = services.conclusion_number_next(
            issuing_unit=visit.plan.issuing_unit, year=seed.notice_day.year, symbol=seed.symbol
        )
        conclusion = Conclusion.objects.create(
            visit=visit,
            issuing_unit=visit.plan.issuing_unit,
            year=seed.notice_day.year,
            symbol=seed.symbol,
            number=number,
            date=seed.notice_day,
            signer=leader,
            **signature,
            due_date=seed.due,
            created_by=leader,
        )
        for finding, finding_seed in made:
            if finding.is_limitation and finding.recommendation:
                RemediationAction.objects.create(
                    finding=finding, unit=visit.unit, due_date=finding_seed.due or seed.due
                )
    Conclusion.objects.filter(pk=conclusion.pk).update(created_at=when)
    RemediationAction.objects.filter(finding__visit=visit).update(created_at=when, updated_at=when)
    return conclusion


def _remedy(visit: Visit, seed: VisitSeed, made, users) -> None:
    """Play each action's story through the remediation services, dated after the notice."""
    people = {"liaison": users[seed.liaison], "head": users[seed.head], "verifier": users[seed.verifier]}
    for finding, finding_seed in made:
        if not finding_seed.steps:
            continue
        action = RemediationAction.objects.get(finding=finding)
        for step in finding_seed.steps:
            when = _when(seed.notice_day + timedelta(days=step.days), 10)
            actor = people[step.actor]
            files = (
                [CheckedFile(_pdf(step.attachment.removesuffix(".pdf")), "application/pdf", step.attachment)]
                if step.attachment
                else []
            )
            with _Dated(when):
                action.refresh_from_db()
                if step.kind == "progress":
                    update = services.action_post_progress(
                        action=action, actor=actor, text=step.text, files=files, notify=False
                    )
                elif step.kind == "done":
                    update = services.action_report_done(
                        action=action, actor=actor, text=step.text, files=files, notify=False
                    )
                elif step.kind == "extension":
                    update = services.action_request_extension(
                        action=action,
                        actor=actor,
                        reason=step.text,
                        requested_due_date=step.new_due,
                        notify=False,
                    )
                elif step.kind in ("grant", "refuse"):
                    request = services.pending_extension(action)
                    update = services.action_decide_extension(
                        action=action,
                        request=request,
                        actor=actor,
                        decision=ExtensionDecision.GRANTED
                        if step.kind == "grant"
                        else ExtensionDecision.REFUSED,
                        comment=step.text,
                        notify=False,
                    )
                elif step.kind == "verify":
                    update = services.action_verify(
                        action=action, actor=actor, comment=step.text, notify=False
                    )
                else:
                    update = services.action_reopen(
                        action=action, actor=actor, comment=step.text, notify=False
                    )
            RemediationUpdate.objects.filter(pk=update.pk).update(at=when)
            update.attachments.update(uploaded_at=when)
            RemediationAction.objects.filter(pk=action.pk).update(updated_at=when)


def _concluded_visit(seed: VisitSeed, users) -> bool:
    visit = _visit(seed.unit_code, seed.day)
    needed = {seed.leader, seed.head, seed.liaison, seed.verifier}
    if visit is None or visit.status != VisitStatus.CONCLUDED or not needed <= users.keys():
        return False
    if Conclusion.objects.filter(visit=visit).exists() or visit.findings.exists():
        return False
    day = timezone.localdate(visit.starts_at)
    made = _add_findings(
        visit, seed.findings, users[seed.leader], _when(day + timedelta(days=3), 16), ReviewState.APPROVED
    )
    _review(made, users[seed.head], _when(day + timedelta(days=5), 10))
    conclusion = _conclude(visit, seed, made, users)
    # Issued as concluded, before the remediation story: its extensions never reach the notice.
    notice_issue(conclusion=conclusion, actor=conclusion.created_by, at=_when(seed.notice_day, 15))
    _remedy(visit, seed, made, users)
    return True


# Who issued the seeds' documents (docs/seeds): the Departments of Home Affairs, and in Thái Nguyên
# 2020 the provincial People's Committee's inspection team (notices TB-ĐKT signed by its leader).
ISSUING_BODIES = [
    dict(
        unit="DT-SNV",
        name="Sở Nội vụ",
        parent_name="UBND tỉnh Đồng Tháp",
        symbol="SNV",
        place="Đồng Tháp",
        authority_line="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Đỗ Thị Thanh Trang",
        recipients="UBND tỉnh Đồng Tháp (để b/c)",
    ),
    dict(
        unit="BN-SNV",
        name="Sở Nội vụ",
        parent_name="UBND tỉnh Bắc Ninh",
        symbol="SNV",
        place="Bắc Ninh",
        authority_line="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Trần Văn Minh",
        recipients="UBND tỉnh Bắc Ninh (để b/c)",
    ),
    dict(
        unit="TN-SNV",
        name="Sở Nội vụ",
        parent_name="UBND tỉnh Thái Nguyên",
        symbol="SNV",
        place="Thái Nguyên",
        authority_line="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn Hiển",
    ),
    dict(
        unit="TN",
        kind=IssuingBodyKind.TEAM,
        name="Đoàn kiểm tra công tác cải cách hành chính",
        parent_name="UBND tỉnh Thái Nguyên",
        symbol="ĐKT",
        place="Thái Nguyên",
        authority_line="",
        signer_title="TRƯỞNG ĐOÀN",
        signer_name="Nguyễn Văn Hiển",
        recipients="UBND tỉnh Thái Nguyên (để b/c)\nSở Nội vụ",
    ),
]


def _issuing_bodies() -> None:
    """The demo's issuing bodies (left as they are when an administrator already set them)."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[b["unit"] for b in ISSUING_BODIES])}
    for fields in ISSUING_BODIES:
        unit = units.get(fields["unit"])
        if unit is not None and not IssuingBody.objects.filter(unit=unit).exists():
            IssuingBody.objects.create(**{**fields, "unit": unit})


def _notice_for_the_rest() -> int:
    """A numbered notice for every visit the inspections demo walked to “concluded” without a seed
    of its own: dated a week after the visit, signed by its leader, deadline a month later (as the
    seeds' notices are). A concluded visit never stands without its notice."""
    made = 0
    visits = (
        Visit.objects.filter(status=VisitStatus.CONCLUDED, conclusion__isnull=True)
        .select_related("plan__issuing_unit")
        .prefetch_related("team__user")
        .order_by("starts_at", "pk")
    )
    for visit in visits:
        leader = visit.leader
        if leader is None:
            continue
        day = timezone.localdate(visit.ends_at) + timedelta(days=7)
        issuer = visit.plan.issuing_unit
        symbol = default_symbol(issuer)
        with _Dated(_when(day, 15)), acting_as(leader):
            number = services.conclusion_number_next(issuing_unit=issuer, year=day.year, symbol=symbol)
            conclusion = Conclusion.objects.create(
                visit=visit,
                issuing_unit=issuer,
                year=day.year,
                symbol=symbol,
                number=number,
                date=day,
                signer=leader,
                **(issuer_signature(issuer) or signature_defaults(user=leader)),
                due_date=day + timedelta(days=30),
                created_by=leader,
            )
            for finding in visit.findings.all():
                if finding.is_limitation and finding.recommendation:
                    RemediationAction.objects.get_or_create(
                        finding=finding, defaults={"unit": visit.unit, "due_date": conclusion.due_date}
                    )
        made += 1
    return made


def _issue_notices() -> int:
    """Issue (build and freeze) the notice of every demo conclusion not issued yet."""
    issued = 0
    for conclusion in Conclusion.objects.filter(issued_documents__isnull=True).order_by("date", "pk"):
        notice_issue(conclusion=conclusion, actor=conclusion.created_by, at=_when(conclusion.date, 15))
        issued += 1
    return issued


def _current_visit(users) -> bool:
    visit = (
        Visit.objects.filter(unit__code="DT-TB-BT", status=VisitStatus.IN_PROGRESS)
        .select_related("template")
        .order_by("-starts_at")
        .first()
    )
    if visit is None or visit.findings.exists() or "kiemtra" not in users:
        return False
    _add_findings(visit, CURRENT_DRAFTS, users["kiemtra"], timezone.now(), ReviewState.DRAFT)
    return True


@transaction.atomic
def load() -> dict[str, int]:
    """Load the demo findings and remediation; return how many visits were given findings now."""
    if not settings.DEBUG:
        raise RuntimeError("Demo data is never loaded in a production configuration (DJANGO_DEBUG=0).")
    User = get_user_model()
    names = {
        "truongdoan",
        "kiemtra",
        "lanhdao",
        "binhtan",
        "tn.truongdoan",
        "tn.kiemtra",
        "bn.truongdoan",
        "bn.kiemtra",
    }
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    _accounts(users)
    _issuing_bodies()
    done = sum(
        _concluded_visit(seed, users)
        for seed in [BINH_TAN_2020, THI_TRAN_DU_2020, VO_TRANH_2020, *BAC_NINH_2018]
    )
    done += _current_visit(users)
    _notice_for_the_rest()
    _issue_notices()
    return {"visits": done, "findings": Finding.objects.count(), "actions": RemediationAction.objects.count()}
