"""The conclusion notice: numbered in sequence per issuing unit, year and symbol, it turns every
approved recommendation into a remediation action owned by the inspected unit."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.security_events import record_document_issued
from core.versioning import check_version
from inspections.models import Visit, VisitStatus
from inspections.services import visit_transition
from units.models import Unit

from ..models import Conclusion, ConclusionCounter, Finding, RemediationAction, ReviewState
from ..selectors import default_symbol, issuing_body_of
from .notifications import conclusion_queue

# How many times a number taken behind the counter's back (by hand, in the admin) is skipped.
NUMBER_ATTEMPTS = 5


def default_due_date(on: date | None = None) -> date:
    """The conclusion's default remediation deadline: REMEDIATION_DEFAULT_DAYS after ``on``."""
    return (on or timezone.localdate()) + timedelta(days=settings.REMEDIATION_DEFAULT_DAYS)


def conclusion_number_next(*, issuing_unit: Unit, year: int, symbol: str) -> int:
    """Take the next number of the (issuing unit, year, symbol) sequence. Call inside a transaction.

    The counter row is locked (SELECT ... FOR UPDATE) until the transaction ends, so concurrent
    conclusions of the same issuer wait for each other on PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers. A number is never handed out twice.
    """
    counter, _created = ConclusionCounter.objects.get_or_create(
        issuing_unit=issuing_unit, year=year, symbol=symbol
    )
    counter = ConclusionCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def visit_conclude(
    *,
    visit: Visit,
    actor,
    version: int | None,
    date: date,
    signer_name: str,
    signer_title: str,
    authority_line: str = "",
    symbol: str = "",
    due_date: date | None = None,
    due_dates: dict[int, date] | None = None,
) -> Conclusion:
    """The leader concludes a reviewed visit.

    Issues the next number of the issuer's sequence for ``date``'s year, records the notice
    (signer, title, default deadline), creates one remediation action per approved
    recommendation (due on ``due_dates[finding id]`` or the default), moves the visit to
    concluded and e-mails the unit after the commit. Raises ValidationError.
    """
    locked = Visit.objects.select_for_update().select_related("plan__issuing_unit", "unit").get(pk=visit.pk)
    check_version(locked, version)
    if locked.status != VisitStatus.REVIEWED:
        raise ValidationError(
            _("Only a reviewed visit is concluded; this visit is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    if Conclusion.objects.filter(visit=locked).exists():
        raise ValidationError(_("This visit is already concluded."))
    findings = list(locked.findings.all())
    if any(f.review_state != ReviewState.APPROVED for f in findings):
        raise ValidationError(_("Every finding must be approved before the conclusion."))
    due_date = due_date or default_due_date(date)
    due_dates = due_dates or {}
    errors = {}
    if date < timezone.localtime(locked.starts_at).date():
        errors["date"] = [_("The notice cannot be dated before the visit.")]
    if due_date < date:
        errors["due_date"] = [_("The deadline cannot be before the date of the notice.")]
    if any(d < date for d in due_dates.values()):
        errors["due_dates"] = [_("A deadline cannot be before the date of the notice.")]
    if not signer_name.strip():
        errors["signer_name"] = [_("This field is required.")]
    if not signer_title.strip():
        errors["signer_title"] = [_("This field is required.")]
    issuing_unit = locked.plan.issuing_unit
    symbol = symbol.strip() or default_symbol(issuing_unit)
    errors.update(_body_mismatch(issuing_unit, symbol=symbol, authority_line=authority_line))
    if errors:
        raise ValidationError(errors)
    with acting_as(actor):
        conclusion = _create_numbered(
            visit=locked,
            issuing_unit=issuing_unit,
            year=date.year,
            symbol=symbol,
            date=date,
            signer=actor,
            signer_name=signer_name.strip(),
            signer_title=signer_title.strip(),
            authority_line=authority_line.strip(),
            due_date=due_date,
            created_by=actor,
        )
        record_document_issued(
            actor=actor, document="conclusion", number=conclusion.reference, object_id=conclusion.pk
        )
        for finding in findings:
            if _becomes_action(finding):
                RemediationAction.objects.create(
                    finding=finding, unit=locked.unit, due_date=due_dates.get(finding.pk, due_date)
                )
        visit_transition(visit=locked, status=VisitStatus.CONCLUDED, actor=actor, version=locked.version)
        _issue_notice(conclusion=conclusion, actor=actor)
    conclusion_queue(conclusion_id=conclusion.pk)
    return conclusion


def _body_mismatch(issuing_unit: Unit, *, symbol: str, authority_line: str) -> dict:
    """Errors when the symbol or the authority line is not the issuing body's: a notice under the
    People's Committee's letterhead is not signed "KT. GIÁM ĐỐC", nor numbered TB-ĐKT."""
    body = issuing_body_of(issuing_unit)
    if body is None:
        return {}
    errors = {}
    if not symbol.endswith(f"-{body.symbol}"):
        errors["symbol"] = [
            _("The symbol must be the issuing body's (%(symbol)s).") % {"symbol": f"…-{body.symbol}"}
        ]
    line = authority_line.strip().upper()
    _prefix, _sep, role = line.partition(" ")
    title = body.signer_title.strip().upper()
    roles = {body.authority_role, title, title.removeprefix("PHÓ ").strip()} - {""}
    if body.authority_role and line and role.strip() not in roles:
        errors["authority_line"] = [
            _("%(body)s signs as %(line)s.") % {"body": body.name, "line": body.authority_line}
        ]
    return errors


def _issue_notice(*, conclusion: Conclusion, actor) -> None:
    """Concluding issues the notice: its documents are built and frozen now, in this transaction.

    The builder lives above findings (reports), so it is named in settings.CONCLUSION_NOTICE_ISSUER
    (config wires the layers; decision 0008) rather than imported here.
    """
    issuer = getattr(settings, "CONCLUSION_NOTICE_ISSUER", "")
    if issuer:
        import_string(issuer)(conclusion=conclusion, actor=actor)


def _becomes_action(finding: Finding) -> bool:
    return finding.is_limitation and bool(finding.recommendation.strip())


def _create_numbered(*, issuing_unit: Unit, year: int, symbol: str, **fields) -> Conclusion:
    for attempt in range(NUMBER_ATTEMPTS):
        number = conclusion_number_next(issuing_unit=issuing_unit, year=year, symbol=symbol)
        try:
            with transaction.atomic():
                return Conclusion.objects.create(
                    issuing_unit=issuing_unit, year=year, symbol=symbol, number=number, **fields
                )
        except IntegrityError:
            # The number was taken outside the counter; the unique constraint caught it. Skip it.
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
