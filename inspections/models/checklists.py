"""Checklist templates: ChecklistTemplate > Domain (lĩnh vực) > Criterion (tiêu chí).

A template is versioned per ``code``: each version has an integer ``number`` (1, 2, ...) and a
free label ("0.1", "2026"). A published version is frozen (services refuse edits, the admin shows
it read-only) because visits point at the exact version they were planned with.
"""

import operator
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.models import UnitKind


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class AnswerKind(models.TextChoices):
    SCORE = "score", _("Score")
    YES_PARTLY_NO = "yes_partly_no", _("Yes / partly / no")
    FIGURES = "figures", _("Figures")
    TEXT = "text", _("Free text")


class ChecklistTemplateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=TemplateStatus.PUBLISHED)


class ChecklistTemplate(models.Model):
    code = models.CharField(
        _("code"), max_length=50, help_text=_("Shared by every version, e.g. CCHC-KT-2025.")
    )
    title = models.CharField(_("title"), max_length=255)
    version = models.CharField(
        _("version"), max_length=30, help_text=_("The version label, e.g. 0.1 or 2026.")
    )
    number = models.PositiveIntegerField(_("version number"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="later_versions",
    )
    scale_total = models.DecimalField(
        _("scale total"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(0)],
    )
    scoring_note = models.TextField(_("scoring note"), blank=True)
    evidence_note = models.TextField(_("evidence note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["code", "-number"]
        constraints = [
            # Also the index of the template list (versions of a code, newest first).
            models.UniqueConstraint(
                fields=["code", "number"], name="inspections_checklisttemplate_code_number"
            ),
            models.UniqueConstraint(
                fields=["code", "version"],
                name="inspections_checklisttemplate_code_version",
                violation_error_message=_("This template already has a version with this label."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=TemplateStatus.values),
                name="inspections_checklisttemplate_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=TemplateStatus.DRAFT) | Q(published_at__isnull=False),
                name="inspections_checklisttemplate_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.code} v{self.version})"

    def get_absolute_url(self):
        return reverse("inspections:template_preview", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        """Published versions never change: visits were planned against them."""
        return self.status == TemplateStatus.PUBLISHED


class Domain(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="domains"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    max_score = models.DecimalField(
        _("max score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["template", "order", "id"]
        constraints = [
            # Also the index that loads a template's domains in order.
            models.UniqueConstraint(fields=["template", "code"], name="inspections_domain_template_code"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Criterion(models.Model):
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 3.2"))
    title = models.CharField(_("title"), max_length=500)
    guidance = models.TextField(_("guidance for the inspector"), blank=True)
    max_score = models.DecimalField(
        _("max score"), max_digits=6, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    answer_kind = models.CharField(
        _("answer kind"), max_length=20, choices=AnswerKind.choices, default=AnswerKind.SCORE
    )
    applies_to = models.JSONField(
        _("applies to"),
        default=list,
        blank=True,
        help_text=_("Unit kinds the criterion applies to; empty means every kind."),
    )
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    figures = models.JSONField(
        _("figures"), default=list, blank=True, help_text=_("For figures answers: a list of {key, label}.")
    )
    figure_rules = models.JSONField(
        _("figure rules"),
        default=list,
        blank=True,
        help_text=_("Checks such as “on_time + late <= received”."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["domain", "order", "id"]
        constraints = [
            # Also the index that loads a domain's criteria in order.
            models.UniqueConstraint(fields=["domain", "code"], name="inspections_criterion_domain_code"),
            models.CheckConstraint(
                condition=Q(answer_kind__in=AnswerKind.values), name="inspections_criterion_answer_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=0), name="inspections_criterion_max_score_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def clean(self):
        """Unit kinds are the unit tree's (a typo would hide the criterion from every checklist)."""
        super().clean()
        kinds = self.applies_to if isinstance(self.applies_to, list) else None
        unknown = [str(k) for k in kinds or [] if k not in UnitKind.values]
        if kinds is None or unknown:
            raise ValidationError(
                {
                    "applies_to": _("Unknown unit kind: %(kinds)s. Use a list of %(known)s.")
                    % {
                        "kinds": ", ".join(unknown) or str(self.applies_to),
                        "known": ", ".join(UnitKind.values),
                    }
                }
            )

    def applies_to_kind(self, kind: str) -> bool:
        return not self.applies_to or kind in self.applies_to

    @property
    def applies_to_labels(self) -> list[str]:
        labels = dict(UnitKind.choices)
        return [str(labels.get(k, k)) for k in self.applies_to]

    def figure_rule_failures(self, values: dict[str, Decimal]) -> list[str]:
        """The rules of ``figure_rules`` that ``values`` break (rules naming a missing figure are skipped)."""
        failures = []
        for rule in self.figure_rules:
            parsed = parse_figure_rule(rule, keys={f["key"] for f in self.figures})
            if parsed.keys() <= values.keys() and not parsed.holds(values):
                failures.append(rule)
        return failures


class FigureRuleError(ValueError):
    pass


_COMPARISONS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq, "<": operator.lt, ">": operator.gt}
_RULE_RE = re.compile(r"^(.+?)(<=|>=|==|<|>)(.+)$")
_TERM_RE = re.compile(r"\s*([+-]?)\s*([A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?)\s*")


@dataclass(frozen=True)
class FigureRule:
    left: tuple[tuple[int, str | Decimal], ...]
    comparison: str
    right: tuple[tuple[int, str | Decimal], ...]

    def keys(self) -> set[str]:
        return {t for _, t in self.left + self.right if isinstance(t, str)}

    def holds(self, values: dict[str, Decimal]) -> bool:
        def total(terms):
            return sum(
                (sign * (Decimal(values[t]) if isinstance(t, str) else t) for sign, t in terms), Decimal(0)
            )

        return _COMPARISONS[self.comparison](total(self.left), total(self.right))


def _parse_side(text: str, keys: set[str] | None) -> tuple[tuple[int, str | Decimal], ...]:
    terms, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TERM_RE.match(text, pos)
        if not match or match.end() == pos or (terms and not match.group(1)):
            raise FigureRuleError(_("cannot read “%(text)s”") % {"text": text})
        sign = -1 if match.group(1) == "-" else 1
        token = match.group(2)
        if token[0].isdigit():
            terms.append((sign, Decimal(token)))
        else:
            if keys is not None and token not in keys:
                raise FigureRuleError(_("“%(key)s” is not one of the figures") % {"key": token})
            terms.append((sign, token))
        pos = match.end()
    if not terms:
        raise FigureRuleError(_("a side of the comparison is empty"))
    return tuple(terms)


def parse_figure_rule(rule: str, *, keys: set[str] | None = None) -> FigureRule:
    """Parse "on_time + late <= received": sums of figures or numbers compared with <, <=, ==, >=, >.

    With ``keys``, every name must be one of them. Raises FigureRuleError with a readable reason.
    """
    match = _RULE_RE.match(str(rule).strip())
    if not match:
        raise FigureRuleError(_("a rule compares two sums with <, <=, ==, >= or >"))
    return FigureRule(_parse_side(match.group(1), keys), match.group(2), _parse_side(match.group(3), keys))
