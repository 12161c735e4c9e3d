"""Sweeps of the jobs (`comptoir.core.jobs`): a job whose worker died never finishes by itself.

- `core.fail_stalled_jobs`: a job running with no progress written for `STALLED_AFTER`, or
  still queued `QUEUED_TOO_LONG` after it was created, is marked failed with a message that says
  so, in the job's language. A queued job failed here is never run afterwards (the worker only
  starts queued jobs). An operation writes all or nothing (the jobs' contract), so a killed job
  changed nothing.
- `core.purge_job_inputs`: the uploaded input of a job finished `INPUT_KEPT` ago is dropped;
  the row, its result and its errors stay. (Finishing through `job_finish` / `job_fail` already
  drops it; a job failed by the sweep above keeps it that long, for whoever looks into it.)

Both are idempotent: they select by stored instants against `until` and by status, and change a
row once. Registered from `comptoir.core.sweeps.registered`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.core.models import Job
from comptoir.core.services import audit_record
from comptoir.core.sweeps import register

STALLED_AFTER = timedelta(minutes=30)
QUEUED_TOO_LONG = timedelta(hours=2)
INPUT_KEPT = timedelta(days=30)
BATCH = 500


def _stale(until: datetime) -> Q:
    """Running with no sign of life (progress, else start) since `STALLED_AFTER`, or queued
    since `QUEUED_TOO_LONG` (needs the `last_progress` annotation)."""
    stalled = Q(status=Job.Status.RUNNING, last_progress__lte=until - STALLED_AFTER)
    return stalled | Q(status=Job.Status.QUEUED, created_at__lte=until - QUEUED_TOO_LONG)


def _message(job: Job) -> tuple[str, str]:
    """(code, message) of the failure, in the job's language."""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if job.status == Job.Status.RUNNING:
            return "stalled", _(
                "The job stopped reporting progress for 30 minutes: it was interrupted and "
                "nothing was changed. Start it again."
            )
        return "not_started", _(
            "The job waited 2 hours without starting: it was cancelled and nothing was changed. "
            "Start it again."
        )


@register("core.fail_stalled_jobs", order=10)
def fail_stalled_jobs(*, until: datetime) -> int:
    """Mark failed the jobs running without progress or queued for too long (see the module)."""
    changed = 0
    with transaction.atomic():
        query = (
            Job.objects.annotate(last_progress=Coalesce("progress_at", "started_at", "created_at"))
            .filter(_stale(until))
            .defer("input")
            .order_by("pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        for job in query[:BATCH]:
            code, message = _message(job)
            previous = job.status
            job.status = Job.Status.FAILED
            job.errors = [{"code": code, "message": message}]
            job.message = message[:300]
            job.finished_at = until
            job.save(update_fields=["status", "errors", "message", "finished_at"])
            audit_record(
                actor=None,
                organization_id=job.organization_id,
                action="job.fail_stalled",
                obj_type="core.Job",
                obj_id=job.pk,
                data={"kind": job.kind, "was": previous, "code": code},
            )
            changed += 1
    return changed


@register("core.purge_job_inputs", order=900)
def purge_job_inputs(*, until: datetime) -> int:
    """Drop the uploaded input of jobs finished more than 30 days before `until`."""
    finished = Job.objects.filter(
        status__in=[Job.Status.DONE, Job.Status.FAILED],
        finished_at__lte=until - INPUT_KEPT,
    ).exclude(input=b"")
    ids = list(finished.order_by("pk").values_list("pk", flat=True)[:BATCH])
    if not ids:
        return 0
    return Job.objects.filter(pk__in=ids).exclude(input=b"").update(input=b"")
