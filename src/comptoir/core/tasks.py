"""Background tasks of the kernel."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from comptoir.core import clock, sweeps


@task()
def run_due_sweeps(until_iso: str | None = None) -> dict[str, int]:
    """Enqueued every minute by `comptoir clock`; runs every sweep up to now (or `until_iso`)."""
    until = datetime.fromisoformat(until_iso) if until_iso else clock.now()
    return sweeps.run_all(until=until)


@task()
def run_job(job_id: int, module: str) -> str:
    """Enqueued when a job is created (`comptoir.core.jobs.job_create`): run its operation with a
    progress reporter; returns the job's final status."""
    from comptoir.core.jobs import job_run

    return job_run(job_id=job_id, module=module)
