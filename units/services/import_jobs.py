"""The unit import's write step as a background job (core.jobs): the confirm page queues it and
sends the user to a result page that follows its progress."""

from django.utils.translation import gettext as _

from core.jobs import Job, job_claim, job_finish, job_progress, job_start

from .import_rows import UnitImportInvalid
from .imports import unit_import_apply, unit_import_unstash

JOB_KIND = "units.import"


def unit_import_start(*, token: str, user) -> Job:
    """Queue the import of the rows stashed under ``token`` (checked by the confirm view)."""
    return job_start(kind=JOB_KIND, user=user, task="units.tasks.unit_import_run", payload={"token": token})


def unit_import_run(*, job_id: int) -> None:
    """Apply a queued unit import (idempotent: a job already taken is left alone). The rows are
    checked again against the units as they are now; any problem fails the job, writing nothing."""
    job = job_claim(job_id)
    if job is None:
        return
    try:
        job_progress(job, 20, _("Reading the checked rows"))
        rows = unit_import_unstash(token=job.payload.get("token", ""), user=job.user)
        if rows is None:
            job_finish(
                job, error=_("This preview has expired or was already imported. Upload the file again.")
            )
            return
        job_progress(job, 50, _("Checking against the unit tree and writing"))
        counts = unit_import_apply(rows=rows, user=job.user)
    except UnitImportInvalid as invalid:
        errors = [
            {"line": e.line, "column": str(e.column_label), "message": str(e.message)}
            for e in invalid.result.errors
        ]
        job_finish(
            job,
            result={"errors": errors},
            error=_("The units changed since the preview: nothing was imported."),
        )
        return
    except Exception as exc:
        job_finish(job, error=_("The import stopped: %(error)s") % {"error": exc})
        raise
    job_finish(job, result=counts)
