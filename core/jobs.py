"""Long work a user waits for (an import): its state and progress, for a result page to show.

A view writes a Job and queues its task through the outbox in one transaction, then sends the
user to the job's page; the task claims the job (queued -> running, once), reports its progress
and finishes it with a result or an error. The page refreshes itself until the job is over. The
same page works whether the worker is a real process (Redis, DJANGO_TASKS=files) or in-process.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import outbox


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Working")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    payload = models.JSONField(_("input"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=JobState.values), name="core_job_state_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="core_job_progress_percent"),
        ]
        indexes = [
            # A user's recent jobs of one kind.
            models.Index(fields=["user", "kind", "-created_at"], name="core_job_user_kind"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)


def job_start(*, kind: str, user, task: str, payload: dict) -> Job:
    """Write a job and queue ``task(job_id=...)`` after the commit (through the outbox)."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, user=user, payload=payload)
        outbox.enqueue_task(task, key=f"core.job:{job.pk}", job_id=job.pk)
    return job


def job_claim(job_id: int) -> Job | None:
    """Take a queued job (once: a re-delivered task finds it running or over and gets None)."""
    if not Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(state=JobState.RUNNING, progress=5):
        return None
    return Job.objects.get(pk=job_id)


def job_progress(job: Job, percent: int, step: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(progress=max(0, min(percent, 99)), step=step)


def job_finish(job: Job, *, result: dict | None = None, error: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        state=JobState.FAILED if error else JobState.DONE,
        progress=100,
        result=result or {},
        error=error,
        finished_at=timezone.now(),
    )
