"""Writes to checklist templates: create from a validated spec, publish, start a new version."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ChecklistTemplate, Criterion, Domain, TemplateStatus


@dataclass
class CriterionSpec:
    code: str
    title: str
    guidance: str = ""
    max_score: Decimal = Decimal(0)
    answer_kind: str = "score"
    applies_to: list[str] = field(default_factory=list)
    evidence_required: bool = False
    figures: list[dict] = field(default_factory=list)
    figure_rules: list[str] = field(default_factory=list)


@dataclass
class DomainSpec:
    code: str
    title: str
    max_score: Decimal | None = None
    criteria: list[CriterionSpec] = field(default_factory=list)


@dataclass
class TemplateSpec:
    """A checklist as read from a file, already validated (see inspections/checklist/import_export.py)."""

    code: str
    title: str
    version: str
    scale_total: Decimal = Decimal(100)
    scoring_note: str = ""
    evidence_note: str = ""
    domains: list[DomainSpec] = field(default_factory=list)


def template_ensure_editable(template: ChecklistTemplate) -> None:
    """Raise ValidationError when ``template`` is published: published versions are frozen."""
    if template.is_frozen:
        raise ValidationError(
            _("Version %(version)s of %(code)s is published and can no longer change; start a new version.")
            % {"version": template.version, "code": template.code}
        )


def _next_number(code: str) -> int:
    return (ChecklistTemplate.objects.filter(code=code).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def template_create(*, spec: TemplateSpec, created_by=None, publish: bool = False) -> ChecklistTemplate:
    """Create a version from ``spec``; a draft with the same code and label is replaced in place.

    Raises ValidationError when that code and label belong to a published (frozen) version.
    Everything happens in one transaction: a failure leaves nothing behind.
    """
    template = (
        ChecklistTemplate.objects.select_for_update().filter(code=spec.code, version=spec.version).first()
    )
    fields = {
        "title": spec.title,
        "scale_total": spec.scale_total,
        "scoring_note": spec.scoring_note,
        "evidence_note": spec.evidence_note,
    }
    if template is not None:
        template_ensure_editable(template)
        for name, value in fields.items():
            setattr(template, name, value)
        template.save(update_fields=list(fields))
        template.domains.all().delete()
    else:
        template = ChecklistTemplate.objects.create(
            code=spec.code,
            version=spec.version,
            number=_next_number(spec.code),
            created_by=created_by,
            **fields,
        )
    _create_content(template, spec.domains)
    if publish:
        template = template_publish(template=template)
    return template


def _create_content(template: ChecklistTemplate, domains: list[DomainSpec]) -> None:
    created = Domain.objects.bulk_create(
        Domain(template=template, order=i, code=d.code, title=d.title, max_score=d.max_score)
        for i, d in enumerate(domains, start=1)
    )
    Criterion.objects.bulk_create(
        Criterion(
            domain=domain,
            order=j,
            code=c.code,
            title=c.title,
            guidance=c.guidance,
            max_score=c.max_score,
            answer_kind=c.answer_kind,
            applies_to=list(c.applies_to),
            evidence_required=c.evidence_required,
            figures=[dict(f) for f in c.figures],
            figure_rules=list(c.figure_rules),
        )
        for domain, spec in zip(created, domains, strict=True)
        for j, c in enumerate(spec.criteria, start=1)
    )


def template_spec(template: ChecklistTemplate) -> TemplateSpec:
    """The content of ``template`` as a spec (for export and for copying)."""
    domains = template.domains.order_by("order", "id").prefetch_related("criteria")
    return TemplateSpec(
        code=template.code,
        title=template.title,
        version=template.version,
        scale_total=template.scale_total,
        scoring_note=template.scoring_note,
        evidence_note=template.evidence_note,
        domains=[
            DomainSpec(
                code=d.code,
                title=d.title,
                max_score=d.max_score,
                criteria=[
                    CriterionSpec(
                        code=c.code,
                        title=c.title,
                        guidance=c.guidance,
                        max_score=c.max_score,
                        answer_kind=c.answer_kind,
                        applies_to=list(c.applies_to),
                        evidence_required=c.evidence_required,
                        figures=[dict(f) for f in c.figures],
                        figure_rules=list(c.figure_rules),
                    )
                    for c in sorted(d.criteria.all(), key=lambda c: (c.order, c.pk))
                ],
            )
            for d in domains
        ],
    )


@transaction.atomic
def template_publish(*, template: ChecklistTemplate) -> ChecklistTemplate:
    """Freeze a draft version so plans can use it. Refuses a version without criteria."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    template_ensure_editable(template)
    if not Criterion.objects.filter(domain__template=template).exists():
        raise ValidationError(_("A version without criteria cannot be published."))
    template.status = TemplateStatus.PUBLISHED
    template.published_at = timezone.now()
    template.save(update_fields=["status", "published_at"])
    return template


def _next_label(code: str, label: str) -> str:
    """“0.1” -> “0.2”, “2025” -> “2026”, anything else gets “-2”, “-3”... until unused."""
    taken = set(ChecklistTemplate.objects.filter(code=code).values_list("version", flat=True))
    match = re.fullmatch(r"(.*?)(\d+)", label)
    candidate = f"{match.group(1)}{int(match.group(2)) + 1}" if match else f"{label}-2"
    n = 2
    while candidate in taken:
        n += 1
        candidate = f"{match.group(1)}{int(match.group(2)) + n - 1}" if match else f"{label}-{n}"
    return candidate


@transaction.atomic
def template_new_version(
    *, template: ChecklistTemplate, created_by=None, version: str = ""
) -> ChecklistTemplate:
    """Copy ``template`` (domains and criteria) into a new draft version for editing.

    The copy gets the next version number of the code and ``version`` as its label (by default
    the label incremented: 0.1 -> 0.2). The original is untouched, so visits keep their version.
    """
    spec = template_spec(template)
    label = version or _next_label(template.code, template.version)
    if ChecklistTemplate.objects.filter(code=template.code, version=label).exists():
        raise ValidationError(_("This template already has a version with this label."))
    copy = ChecklistTemplate.objects.create(
        code=template.code,
        title=template.title,
        version=label,
        number=_next_number(template.code),
        based_on=template,
        scale_total=template.scale_total,
        scoring_note=template.scoring_note,
        evidence_note=template.evidence_note,
        created_by=created_by,
    )
    _create_content(copy, spec.domains)
    return copy
