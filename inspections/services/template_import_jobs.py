"""The checklist import as a background job (core.jobs): the upload page keeps the file in a
private folder and queues the job; the result page follows it and links to the new version."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from core.jobs import Job, job_claim, job_finish, job_progress, job_start

from ..checklist.import_export import ChecklistImportError, checklist_import

JOB_KIND = "inspections.template_import"


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def template_import_start(*, content: bytes, filename: str, publish: bool, user) -> Job:
    """Keep the uploaded file (private, never served) and queue its import."""
    stored = f"{secrets.token_urlsafe(24)}.upload"
    fd = os.open(_folder() / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return job_start(
        kind=JOB_KIND,
        user=user,
        task="inspections.tasks.template_import_run",
        payload={"stored": stored, "filename": filename, "publish": publish},
    )


def template_import_run(*, job_id: int) -> None:
    """Import the kept file (idempotent: a job already taken is left alone); the file is removed
    afterwards. Every problem of the file is kept on the job for the result page."""
    job = job_claim(job_id)
    if job is None:
        return
    path = _folder() / Path(job.payload.get("stored", "missing")).name
    try:
        job_progress(job, 20, _("Reading the file"))
        content = path.read_bytes()
        job_progress(job, 50, _("Checking and saving the criteria"))
        template = checklist_import(
            content=content,
            filename=job.payload.get("filename", ""),
            created_by=get_user_model().objects.get(pk=job.user_id),
            publish=bool(job.payload.get("publish")),
        )
    except FileNotFoundError:
        job_finish(job, error=_("The uploaded file is no longer there. Upload it again."))
        return
    except ChecklistImportError as exc:
        job_finish(job, result={"errors": exc.errors}, error=_("Nothing was imported."))
        return
    except Exception as exc:
        job_finish(job, error=_("The import stopped: %(error)s") % {"error": exc})
        raise
    finally:
        path.unlink(missing_ok=True)
    job_finish(job, result={"template_id": template.pk, "name": str(template)})
