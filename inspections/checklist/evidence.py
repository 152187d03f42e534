"""Evidence files of answers (tài liệu kiểm chứng): photos from the phone's camera and documents.

A file is accepted by what it contains, never by its name (see core.uploads.upload_check:
images re-encoded upright, PDF, DOCX and XLSX checked without ever unpacking a member whole);
anything else is refused with a message and nothing is stored. The stored file's SHA-256 is
kept; uploading the same file twice to one answer (a retried upload on a weak connection)
returns the first copy.
Files live in private storage under MEDIA_ROOT/evidence/ and are only streamed by a view that
checks the visit's access.
"""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

# The checks moved to core.uploads; the names stay importable here for their callers.
from core.uploads import SUFFIXES, CheckedFile, upload_check

from ..models import Answer, AnswerEvidence, Criterion, Visit, VisitStatus


def evidence_check(*, upload: UploadedFile) -> CheckedFile:
    """Read ``upload`` and return what would be stored, or raise ValidationError saying why not
    (see core.uploads.upload_check, which this calls)."""
    return upload_check(upload=upload)


def _answer_for(visit: Visit, criterion: Criterion) -> Answer:
    Answer.objects.bulk_create([Answer(visit=visit, criterion=criterion)], ignore_conflicts=True)
    return Answer.objects.get(visit=visit, criterion=criterion)


def evidence_add(
    *, visit: Visit, criterion: Criterion, actor, upload: UploadedFile, token: uuid.UUID | None = None
) -> AnswerEvidence:
    """Check ``upload`` (see evidence_check) and attach it to the visit's answer to ``criterion``.

    Only while the visit is in progress. Returns the existing row when the same content is
    already attached to that answer, or when ``token`` (the phone's id of this upload) was
    already stored with this answer: a resent upload is stored once. Raises ValidationError
    with a message naming the file.
    """
    if visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(_("This visit is not in progress: its evidence can no longer be changed."))
    if token is not None:
        sent = AnswerEvidence.objects.filter(client_token=token).select_related("answer").first()
        if sent is not None:
            if (sent.answer.visit_id, sent.answer.criterion_id) != (visit.pk, criterion.pk):
                raise ValidationError(_("This upload belongs to another answer."))
            return sent
    checked = evidence_check(upload=upload)
    digest = hashlib.sha256(checked.content).hexdigest()
    with transaction.atomic():
        answer = _answer_for(visit, criterion)
        if existing := answer.evidence.filter(sha256=digest).first():
            return existing
        evidence = AnswerEvidence(
            answer=answer,
            original_name=checked.name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=digest,
            uploaded_by=actor,
            client_token=token,
        )
        evidence.file.save(
            f"upload{SUFFIXES[checked.content_type]}", ContentFile(checked.content), save=False
        )
        try:
            with transaction.atomic():
                evidence.save()
        except IntegrityError:
            # Two uploads of the same file (or two sends of one upload) raced; the other one won.
            evidence.file.delete(save=False)
            same = Q(answer=answer, sha256=digest)
            return AnswerEvidence.objects.filter(same | Q(client_token=token) if token else same).first()
        except BaseException:
            evidence.file.delete(save=False)
            raise
    # Should a caller's transaction roll back, the file stays on disk unlinked: harmless, as no
    # row points to it and private storage serves nothing by itself.
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: AnswerEvidence) -> None:
    """Detach ``evidence`` from its answer and delete the file once the transaction commits.

    Only while the visit is in progress.
    """
    if evidence.answer.visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(_("This visit is not in progress: its evidence can no longer be changed."))
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
