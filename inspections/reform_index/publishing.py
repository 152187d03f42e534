"""Publishing the ranking of a round: the head asks, the worker issues it.

``round_publish_request`` checks that every scorecard is approved, records the signer and writes
the issuing task to the outbox in the same transaction. ``ranking_issue`` (in the worker) takes the
next "BC-…" number of the head's department, builds the DOCX, PDF and XLSX once from the ranking
as it stands, and freezes them: an IssuedDocument (reports/, decision 0008) holds the DOCX and PDF
with their hashes and the snapshot the page shows; the workbook is kept beside it on the round.
"""

import dataclasses
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import outbox
from core.text import fold
from core.versioning import check_version, update_versioned
from findings.services.conclusion import conclusion_number_next
from reports.documents.loaders.common import body_names, place_of, report_recipients, report_symbol
from reports.models import IssuedDocument, IssuedKind

from .documents import ranking_docx, ranking_pdf, ranking_subject, ranking_xlsx
from .models import CardStatus, IndexRound, RoundStatus
from .ranking import ranking_compute

TASK = "inspections.reform_index.tasks.ranking_issue"


@transaction.atomic
def round_publish_request(
    *,
    index_round: IndexRound,
    actor,
    version: int | None,
    signer_name: str,
    signer_title: str,
    authority_line: str = "",
) -> IndexRound:
    """Ask the worker to issue the ranking of ``index_round``. Only when every scorecard is
    approved; idempotent (a round already publishing or published is returned as it is). Raises
    ValidationError naming the units still waiting, or a missing signer."""
    locked = IndexRound.objects.select_for_update().get(pk=index_round.pk)
    if locked.status != RoundStatus.OPEN:
        return locked
    check_version(locked, version)
    waiting = list(
        locked.scorecards.exclude(status=CardStatus.APPROVED)
        .values_list("unit__name", flat=True)
        .order_by("unit__name")
    )
    if waiting:
        raise ValidationError(
            _("Every scorecard must be approved first; still waiting: %(units)s.")
            % {"units": ", ".join(waiting)}
        )
    errors = {}
    if not signer_name.strip():
        errors["signer_name"] = [_("This field is required.")]
    if not signer_title.strip():
        errors["signer_title"] = [_("This field is required.")]
    if actor.unit_id is None:
        errors["__all__"] = [_("Your account has no home unit to issue the ranking under.")]
    if errors:
        raise ValidationError(errors)
    update_versioned(
        locked,
        status=RoundStatus.PUBLISHING,
        publish_requested_by=actor,
        signer={
            "name": signer_name.strip(),
            "title": signer_title.strip(),
            "authority_line": authority_line.strip(),
        },
    )
    outbox.enqueue_task(TASK, key=f"reform_index.ranking_issue:{locked.pk}", round_id=locked.pk)
    return locked


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def ranking_issue(*, round_id: int) -> IssuedDocument | None:
    """Issue the ranking of round ``round_id`` (the worker). Idempotent: a round already issued
    returns its document; a round not asked to publish does nothing."""
    index_round = (
        IndexRound.objects.select_for_update(of=("self",))
        .select_related("province", "template", "publish_requested_by__unit", "issued_document")
        .filter(pk=round_id)
        .first()
    )
    if index_round is None or index_round.status == RoundStatus.OPEN:
        return None
    if index_round.issued_document_id:
        return index_round.issued_document
    issuing_unit = index_round.publish_requested_by.unit
    today = timezone.localdate()
    parent_body, issuing_body = body_names(issuing_unit)
    symbol = report_symbol(issuing_unit, "BC")
    number = conclusion_number_next(issuing_unit=issuing_unit, year=today.year, symbol=symbol)
    signer = index_round.signer
    snapshot = dataclasses.asdict(ranking_compute(index_round=index_round))
    snapshot["issue"] = {
        "parent_body": parent_body,
        "issuing_body": issuing_body,
        "symbol": symbol,
        "number": number,
        "date": today.isoformat(),
        "place": place_of(issuing_unit),
        "authority_line": signer.get("authority_line", ""),
        "signer_title": signer["title"],
        "signer_name": signer["name"],
        "recipients": report_recipients(issuing_unit, ""),
    }
    docx = ranking_docx(snapshot, issued_on=today)
    pdf = ranking_pdf(snapshot, issued_on=today)
    xlsx = ranking_xlsx(snapshot)
    doc = IssuedDocument(
        kind=IssuedKind.INDEX_RANKING,
        unit=index_round.province,
        issuing_unit=issuing_unit,
        issuer_name=issuing_body,
        year=today.year,
        symbol=symbol,
        number=number,
        date=today,
        authority_line=signer.get("authority_line", ""),
        signer_title=signer["title"],
        signer_name=signer["name"],
        subject=ranking_subject(snapshot),
        snapshot=snapshot,
        issued_by=index_round.publish_requested_by,
        issued_at=timezone.now(),
        token=secrets.token_hex(8),
    )
    stem = "_".join(slugify(fold(p)) for p in ["Chi so CCHC", str(index_round.year), f"{number}-{symbol}"])[
        :150
    ]
    doc.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    doc.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    doc.docx_sha256, doc.pdf_sha256 = _sha(docx), _sha(pdf)
    doc.save()
    index_round.ranking_xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    index_round.ranking_xlsx_sha256 = _sha(xlsx)
    index_round.issued_document = doc
    index_round.status = RoundStatus.PUBLISHED
    index_round.published_at = timezone.now()
    index_round.save(
        update_fields=["ranking_xlsx", "ranking_xlsx_sha256", "issued_document", "status", "published_at"]
    )
    return doc
