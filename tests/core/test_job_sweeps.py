"""Sweeps of the jobs: stalled or never-started jobs are failed with a clear message, the input of
finished jobs is purged after 30 days; idempotent, with frozen time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import translation

from comptoir.core import clock
from comptoir.core.job_sweeps import fail_stalled_jobs, purge_job_inputs
from comptoir.core.jobs import JobProgress, job_finish, job_run
from comptoir.core.models import AuditEntry, Job
from comptoir.core.sweeps import registered

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=clock.PARIS)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def job(status: str = Job.Status.QUEUED, *, at: datetime = T0, language: str = "en", **extra):
    values = {"kind": "test.sweep", "organization_id": 7, "created_at": at, "language": language}
    return Job.objects.create(status=status, input=b"a;b\n1;2\n", **(values | extra))


def test_the_sweeps_are_registered():
    names = {sweep.name for sweep in registered()}
    assert {"core.fail_stalled_jobs", "core.purge_job_inputs"} <= names


def test_a_running_job_without_progress_for_30_minutes_fails():
    stalled = job(Job.Status.RUNNING, started_at=T0, progress_at=T0 + timedelta(minutes=5))
    alive = job(Job.Status.RUNNING, started_at=T0, progress_at=T0 + timedelta(minutes=20))
    assert fail_stalled_jobs(until=T0 + timedelta(minutes=34)) == 0  # 29 minutes: not yet
    assert fail_stalled_jobs(until=T0 + timedelta(minutes=35)) == 1
    stalled.refresh_from_db()
    alive.refresh_from_db()
    assert stalled.status == Job.Status.FAILED and alive.status == Job.Status.RUNNING
    assert stalled.errors[0]["code"] == "stalled"
    assert "30 minutes" in stalled.message and "Start it again" in stalled.message
    assert stalled.finished_at == T0 + timedelta(minutes=35)
    assert stalled.input == b"a;b\n1;2\n"  # kept for 30 days
    entry = AuditEntry.objects.get(action="job.fail_stalled")
    assert entry.organization_id == 7 and entry.data["was"] == "running"
    # idempotent: nothing more to do at the same instant or later for this job
    assert fail_stalled_jobs(until=T0 + timedelta(minutes=35)) == 0
    assert AuditEntry.objects.filter(action="job.fail_stalled").count() == 1


def test_a_running_job_that_never_reported_counts_from_its_start():
    running = job(Job.Status.RUNNING, started_at=T0 + timedelta(hours=1))
    assert fail_stalled_jobs(until=T0 + timedelta(hours=1, minutes=29)) == 0
    assert fail_stalled_jobs(until=T0 + timedelta(hours=1, minutes=30)) == 1
    running.refresh_from_db()
    assert running.status == Job.Status.FAILED


def test_a_job_queued_for_2_hours_fails_and_is_never_run():
    queued = job(Job.Status.QUEUED, language="fr")
    recent = job(Job.Status.QUEUED, at=T0 + timedelta(hours=1))
    done = job(Job.Status.DONE, finished_at=T0)
    assert fail_stalled_jobs(until=T0 + timedelta(hours=2)) == 1
    queued.refresh_from_db()
    assert queued.status == Job.Status.FAILED and queued.errors[0]["code"] == "not_started"
    with translation.override("fr"):  # written in the job's language
        assert queued.message  # French when translated, English source otherwise
    assert Job.objects.get(pk=recent.pk).status == Job.Status.QUEUED
    assert Job.objects.get(pk=done.pk).status == Job.Status.DONE
    # a worker that picks the task up late does not run it
    assert job_run(job_id=queued.pk, module="comptoir.core.jobs") == Job.Status.FAILED


def test_progress_is_what_keeps_a_job_alive():
    running = job(Job.Status.RUNNING, started_at=T0, progress_at=T0)
    with clock.frozen(T0 + timedelta(minutes=25)):
        progress = JobProgress(running.pk, interval=0)
        progress.set_total(10)
        progress.advance(3)
    running.refresh_from_db()
    assert running.progress_at == T0 + timedelta(minutes=25) and running.done == 3
    assert fail_stalled_jobs(until=T0 + timedelta(minutes=40)) == 0
    assert fail_stalled_jobs(until=T0 + timedelta(minutes=55)) == 1


def test_inputs_of_finished_jobs_are_purged_after_30_days_the_rest_kept():
    failed = job(Job.Status.FAILED, finished_at=T0, errors=[{"code": "x", "message": "m"}])
    done = job(Job.Status.DONE, finished_at=T0 + timedelta(days=1), result={"created": 3})
    running = job(Job.Status.RUNNING, started_at=T0 - timedelta(days=40))
    assert purge_job_inputs(until=T0 + timedelta(days=30) - timedelta(seconds=1)) == 0
    assert purge_job_inputs(until=T0 + timedelta(days=30)) == 1
    failed.refresh_from_db()
    assert bytes(failed.input) == b"" and failed.errors == [{"code": "x", "message": "m"}]
    assert bytes(Job.objects.get(pk=done.pk).input) == b"a;b\n1;2\n"
    assert purge_job_inputs(until=T0 + timedelta(days=31)) == 1
    done.refresh_from_db()
    assert done.result == {"created": 3} and bytes(done.input) == b""
    assert bytes(Job.objects.get(pk=running.pk).input) == b"a;b\n1;2\n"  # not finished
    assert purge_job_inputs(until=T0 + timedelta(days=90)) == 0  # idempotent


def test_a_job_finished_normally_has_no_input_left_to_purge():
    finished = job(Job.Status.RUNNING, started_at=T0)
    with clock.frozen(T0 + timedelta(minutes=1)):
        job_finish(job_id=finished.pk, result={"ok": True})
    assert purge_job_inputs(until=T0 + timedelta(days=60)) == 0
    assert Job.objects.filter(pk=finished.pk).count() == 1
