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
from findings.selectors import default_symbol
from inspections.models import (
    AnswerKind,
    Domain,
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
from .common import (
    answer_figures,
    archive_line,
    body_names,
    place_name,
    plan_grounds,
    province_of,
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
    answers = (
        Answer.objects.filter(visit=visit, criterion__answer_kind=AnswerKind.FIGURES)
        .select_related("criterion")
        .order_by("criterion__domain__order", "criterion__order", "criterion_id")
    )
    for answer in answers:
        figures_by_domain[answer.criterion.domain_id] += answer_figures(answer, answer.criterion)

    results = []
    strength_groups = dict((d.pk if d else None, items) for d, items in _grouped(strengths, domains))
    for domain in domains:
        points = [f.text.strip() for f in strength_groups.get(domain.pk, [])]
        figures = figures_by_domain.get(domain.pk, [])
        if points or figures:
            results.append(DomainSection(title=domain.title, points=points, figures=figures))
    if strength_groups.get(None):
        results.append(
            DomainSection(title="Nội dung khác", points=[f.text.strip() for f in strength_groups[None]])
        )
    limitation_sections = [
        DomainSection(title=d.title if d else "Nội dung khác", points=[f.text.strip() for f in items])
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
    visit_day = timezone.localtime(visit.starts_at).date()
    leader = visit.leader
    if conclusion:
        signer = Signer(conclusion.authority_line, conclusion.signer_title, conclusion.signer_name)
    else:
        signer = Signer("KT. Giám đốc", "Phó Giám đốc", leader.get_full_name() if leader else "")
    recipients = [visit.unit.name]
    if parent_body:
        recipients.append(f"{parent_body} (để b/c)")
    recipients += ["Thành viên Đoàn kiểm tra", archive_line(issuing_unit)]
    return ConclusionNoticeData(
        letterhead=Letterhead(
            parent_body=parent_body,
            issuing_body=issuing_body,
            symbol=conclusion.symbol if conclusion else default_symbol(issuing_unit),
            number=str(conclusion.number) if conclusion else "",
            place=place_name(province_of(issuing_unit)),
            issued_on=conclusion.date if conclusion else None,
            year=conclusion.year if conclusion else plan.year,
        ),
        subject=f"Kết luận kiểm tra công tác cải cách hành chính năm {plan.year}\ntại {visit.unit.name}",
        unit_name=visit.unit.name,
        issuer_name=issuing_body,
        opening=[
            f"Thực hiện {plan_grounds(plan)}, ngày {short_date(visit_day)}, Đoàn kiểm tra của {issuing_body} "
            f"đã kiểm tra công tác cải cách hành chính tại {visit.unit.name}.",
            f"Trên cơ sở báo cáo của đơn vị và kết quả kiểm tra thực tế, {issuing_body} thông báo kết luận "
            "kiểm tra như sau:",
        ],
        results=results,
        limitations=limitation_sections,
        subjective_causes=causes[FindingCause.SUBJECTIVE],
        objective_causes=causes[FindingCause.OBJECTIVE],
        recommendations=recommendations,
        report_back_by=conclusion.due_date if conclusion else None,
        recipients=recipients,
        signer=signer,
        is_draft=conclusion is None,
    )
