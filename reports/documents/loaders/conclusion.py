"""The data of the conclusion notice of a visit (reports.documents.conclusion builds it)."""

from collections import defaultdict

from django.utils import timezone

from findings.models import (
    Conclusion,
    Finding,
    FindingCause,
    FindingKind,
    ReviewState,
)
from findings.selectors import default_symbol, issuing_body_of
from inspections.models import (
    TEAM_WORDS,
    AnswerKind,
    Domain,
    TeamRole,
    Visit,
)
from inspections.models.answers import Answer

from ..data import (
    ConclusionNoticeData,
    DomainSection,
    Figure,
    Letterhead,
    Recommendation,
    Signer,
)
from ..style import short_date
from ..terms import as_of
from .common import (
    answer_figures,
    archive_line,
    body_names,
    figures_fact,
    place_of,
    plan_grounds,
)


def _domain_of(finding: Finding) -> Domain | None:
    if finding.domain_id:
        return finding.domain
    if finding.criterion_id:
        return finding.criterion.domain
    return None


def _grouped(findings: list[Finding], domains: list[Domain]) -> list[tuple[Domain | None, list[Finding]]]:
    by_domain: dict[int | None, list[Finding]] = defaultdict(list)
    for finding in findings:
        domain = _domain_of(finding)
        by_domain[domain.pk if domain else None].append(finding)
    ordered = [(d, by_domain[d.pk]) for d in domains if by_domain.get(d.pk)]
    if by_domain.get(None):
        ordered.append((None, by_domain[None]))
    return ordered


def conclusion_notice_data(*, visit: Visit) -> ConclusionNoticeData:
    """The notice of ``visit``: its conclusion's number, signer and deadline once concluded; before
    that a draft ("DỰ THẢO") of the findings not returned to the team, signed by the leader."""
    visit = (
        Visit.objects.select_related("plan__issuing_unit__parent", "unit", "template")
        .prefetch_related("team__user")
        .get(pk=visit.pk)
    )
    plan, issuing_unit = visit.plan, visit.plan.issuing_unit
    conclusion = Conclusion.objects.filter(visit=visit).first()
    domains = list(Domain.objects.filter(template=visit.template_id).order_by("order", "id"))
    findings = list(
        Finding.objects.filter(visit=visit)
        .exclude(review_state=ReviewState.RETURNED)
        .select_related("domain", "criterion__domain", "action__unit")
        .order_by("order", "id")
    )
    strengths = [f for f in findings if f.kind == FindingKind.STRENGTH]
    limitations = [f for f in findings if f.kind == FindingKind.LIMITATION]
    figures_by_domain: dict[int, list[Figure]] = defaultdict(list)
    facts_by_domain: dict[int, list[str]] = defaultdict(list)
    answers = (
        Answer.objects.filter(visit=visit, criterion__answer_kind=AnswerKind.FIGURES)
        .select_related("criterion")
        .order_by("criterion__domain__order", "criterion__order", "criterion_id")
    )
    stated: set = set()  # the dossiers received, written once even when two answers repeat it
    for answer in answers:
        figures_by_domain[answer.criterion.domain_id] += answer_figures(answer, answer.criterion)
        fact = figures_fact(answer, answer.criterion, stated=stated)
        if fact:
            facts_by_domain[answer.criterion.domain_id].append(fact)

    # The checklist's titles in the words of the visit's time (before or since the 2025 reform).
    era = timezone.localdate(visit.starts_at)
    results = []
    strength_groups = dict((d.pk if d else None, items) for d, items in _grouped(strengths, domains))
    for domain in domains:
        points = [f.text.strip() for f in strength_groups.get(domain.pk, [])]
        figures = figures_by_domain.get(domain.pk, [])
        facts = facts_by_domain.get(domain.pk, [])
        if points or facts:
            results.append(
                DomainSection(title=as_of(domain.title, era), points=points, figures=figures, facts=facts)
            )
    if strength_groups.get(None):
        results.append(
            DomainSection(title="Nội dung khác", points=[f.text.strip() for f in strength_groups[None]])
        )
    limitation_sections = [
        DomainSection(
            title=as_of(d.title, era) if d else "Nội dung khác", points=[f.text.strip() for f in items]
        )
        for d, items in _grouped(limitations, domains)
    ]

    causes = {FindingCause.SUBJECTIVE: [], FindingCause.OBJECTIVE: []}
    for finding in limitations:
        note = finding.cause_note.strip()
        if finding.cause in causes and note and note not in causes[finding.cause]:
            causes[finding.cause].append(note)

    recommendations = []
    for finding in limitations:
        if not finding.recommendation.strip():
            continue
        action = getattr(finding, "action", None)
        recommendations.append(
            Recommendation(
                text=finding.recommendation.strip(),
                responsible=action.unit.name if action else visit.unit.name,
                due_on=action.due_date if action else (conclusion.due_date if conclusion else None),
            )
        )

    parent_body, issuing_body = body_names(issuing_unit)
    team_word, leader_word = TEAM_WORDS.get(plan.team_kind, TEAM_WORDS["doan"])
    if conclusion:
        signer = Signer(conclusion.authority_line, conclusion.signer_title, conclusion.signer_name)
    else:
        # The draft: the leader's name under the usual deputy's line, until the leader concludes.
        leader = visit.leader
        signer = Signer("KT. Giám đốc", "Phó Giám đốc", leader.get_full_name() if leader else "")
    recipients = [visit.unit.name]
    body = issuing_body_of(issuing_unit)
    if body is not None and body.recipient_lines:
        recipients += body.recipient_lines
    elif parent_body:
        recipients.append(f"{parent_body} (để b/c)")
    recipients += [f"Thành viên {team_word}", archive_line(issuing_unit)]
    opening = _grounds(plan, issuing_body, team_word) + [
        _session(visit, team_word, leader_word),
        f"Trên cơ sở báo cáo của đơn vị và kết quả kiểm tra thực tế, {issuing_body} thông báo kết luận "
        "kiểm tra như sau:",
    ]
    return ConclusionNoticeData(
        letterhead=Letterhead(
            parent_body=parent_body,
            issuing_body=issuing_body,
            symbol=conclusion.symbol if conclusion else default_symbol(issuing_unit),
            number=str(conclusion.number) if conclusion else "",
            place=place_of(issuing_unit),
            issued_on=conclusion.date if conclusion else None,
            year=conclusion.year if conclusion else plan.year,
        ),
        subject=f"Kết luận kiểm tra công tác cải cách hành chính năm {plan.year}\ntại {visit.unit.name}",
        unit_name=visit.unit.name,
        issuer_name=issuing_body,
        opening=opening,
        results=results,
        limitations=limitation_sections,
        subjective_causes=causes[FindingCause.SUBJECTIVE],
        objective_causes=causes[FindingCause.OBJECTIVE],
        recommendations=recommendations,
        report_back_by=conclusion.due_date if conclusion else None,
        recipients=recipients,
        signer=signer,
        is_draft=conclusion is None,
        team_word=team_word,
    )


def _grounds(plan, issuing_body: str, team_word: str) -> list[str]:
    """ "Căn cứ Kế hoạch ...;" and, when entered, "Căn cứ Quyết định số ... về việc thành lập Đoàn ...;"."""
    lines = [f"Căn cứ {plan_grounds(plan)};"]
    if plan.team_decision_number:
        when = f" ngày {short_date(plan.team_decision_date)}" if plan.team_decision_date else ""
        lines.append(
            f"Căn cứ Quyết định số {plan.team_decision_number}{when} của {issuing_body} về việc thành lập "
            f"{team_word} công tác cải cách hành chính năm {plan.year};"
        )
    return lines


def _person(user) -> str:
    name = user.get_full_name() or user.get_username()
    position = (getattr(user, "position", "") or "").strip()
    return f"{name} ({position})" if position else name


def _session(visit: Visit, team_word: str, leader_word: str) -> str:
    """When, who led, who else: "Ngày 13/03/2020, từ 08 giờ 00 đến 11 giờ 30, Đoàn kiểm tra do ông/bà
    X làm Trưởng đoàn đã kiểm tra ... Thành viên: ..."."""
    start, end = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
    when = f"Ngày {short_date(start.date())}"
    if start.date() == end.date():
        when += f", từ {start:%H} giờ {start:%M} đến {end:%H} giờ {end:%M}"
    else:
        when = f"Từ ngày {short_date(start.date())} đến ngày {short_date(end.date())}"
    members = visit.team_in_order
    leader = next((m.user for m in members if m.role == TeamRole.LEADER), None)
    others = [m for m in members if m.role != TeamRole.LEADER]
    lead = f" do {_person(leader)} làm {leader_word}" if leader else ""
    text = f"{when}, {team_word}{lead} đã kiểm tra công tác cải cách hành chính tại {visit.unit.name}."
    if others:
        names = ", ".join(
            _person(m.user) + (" - thư ký" if m.role == TeamRole.SECRETARY else "") for m in others
        )
        text += f" Thành viên {team_word} gồm: {names}."
    return text
