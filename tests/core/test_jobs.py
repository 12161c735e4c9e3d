"""Jobs: long operations run by a worker with visible progress (comptoir.core.jobs)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from comptoir.core.errors import DomainError, NotFound
from comptoir.core.jobs import (
    JobProgress,
    job_create,
    job_get,
    job_run,
    jobs_recent,
    operation,
)
from comptoir.core.models import AuditEntry, ECBRate, Job
from tests.parties.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and pages in English, the source language (French is checked elsewhere)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


MODULE = __name__
SEEN: dict[str, list] = {"progress": []}


@operation("test.count")
def _count(job: Job, progress) -> dict:
    """Counts the bytes of its input, reporting each one; the job row shows the progress."""
    progress.set_total(len(job.input))
    progress.note("Counting")
    for _ in bytes(job.input):
        progress.advance(1)
        SEEN["progress"].append(
            Job.objects.values_list("total", "message", "status").get(pk=job.pk)
        )
    return {"bytes": len(job.input), "echo": job.params.get("echo")}


@operation("test.refused")
def _refused(job: Job, progress) -> dict:
    """Writes, then finds problems: its transaction rolls back, the job lists them."""
    with transaction.atomic():
        ECBRate.objects.create(effective_date=date(2031, 1, 1), rate=Decimal("1.00"))
        raise DomainError(
            code="refused",
            message="2 problems",
            details={"errors": [{"code": "a", "message": "A"}, {"code": "b", "message": "B"}]},
        )


@operation("test.crash")
def _crash(job: Job, progress) -> dict:
    with transaction.atomic():
        ECBRate.objects.create(effective_date=date(2032, 1, 1), rate=Decimal("1.00"))
        raise RuntimeError("disk on fire")


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _create(kind: str, *, actor=None, data: bytes = b"", **kwargs) -> Job:
    return job_create(kind=kind, organization_id=7, actor=actor, data=data, **kwargs)


def test_a_job_runs_after_commit_and_records_its_result(
    immediate, django_capture_on_commit_callbacks
):
    user = make_user()
    SEEN["progress"].clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = _create("test.count", actor=user, data=b"abcd", params={"echo": "hi"}, filename="f")
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED  # not before the commit
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.percent == 100
    assert job.result == {"bytes": 4, "echo": "hi"}
    assert (job.total, job.done, job.errors) == (4, 4, [])
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert bytes(job.input) == b""  # the upload is not kept once the job ended
    assert job.task_id and job.created_by == user
    # while it runs, the page already sees the amount of work and what is being done
    assert SEEN["progress"][0] == (4, "Counting", Job.Status.RUNNING)
    entry = AuditEntry.objects.get(action="job.create")
    assert entry.actor == user and entry.organization_id == 7 and entry.data["kind"] == "test.count"


def test_the_database_queue_holds_the_task_until_a_worker_runs_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _create("test.count", data=b"xy")
    job.refresh_from_db()
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.args_kwargs["args"] == [job.pk, MODULE]
    assert job.status == Job.Status.QUEUED and job.percent is None
    assert job_run(job_id=job.pk, module=MODULE) == Job.Status.DONE  # what the worker calls
    assert job_run(job_id=job.pk, module=MODULE) == Job.Status.DONE  # delivered twice: once
    job.refresh_from_db()
    assert job.result["bytes"] == 2


def test_a_refusal_fails_the_job_with_every_problem_and_changes_nothing():
    job = _create("test.refused", data=b"x")
    assert job_run(job_id=job.pk, module=MODULE) == Job.Status.FAILED
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == "2 problems"
    assert [e["code"] for e in job.errors] == ["a", "b"]
    assert not ECBRate.objects.filter(effective_date=date(2031, 1, 1)).exists()
    assert bytes(job.input) == b""


def test_a_crash_fails_the_job_without_details_and_is_raised_for_the_worker_log():
    job = _create("test.crash")
    with pytest.raises(RuntimeError):
        job_run(job_id=job.pk, module=MODULE)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    [error] = job.errors
    assert error["code"] == "internal_error" and "nothing was changed" in error["message"]
    assert "disk on fire" not in error["message"]
    assert not ECBRate.objects.filter(effective_date=date(2032, 1, 1)).exists()


def test_unknown_kinds_and_foreign_modules_are_refused():
    with pytest.raises(ValueError):
        _create("test.nothing")
    job = _create("test.count")
    with pytest.raises(ValueError):
        job_run(job_id=job.pk, module="os.path.somewhere")
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED


def test_progress_is_written_at_most_every_interval():
    job = _create("test.count")
    progress = JobProgress(job.pk, interval=3600)
    progress.set_total(10)
    for _ in range(9):
        progress.advance()
    job.refresh_from_db()
    assert (job.total, job.done) == (10, 0)  # advances within the interval wait
    progress.note("Saving")
    job.refresh_from_db()
    assert (job.done, job.message, job.percent) == (9, "Saving", 90)
    progress.advance(5)  # never beyond the total
    progress.flush()
    job.refresh_from_db()
    assert job.done == 10


def test_a_job_is_found_only_within_its_organization():
    job = _create("test.count")
    assert job_get(organization_id=7, job_id=job.pk) == job
    with pytest.raises(NotFound):
        job_get(organization_id=8, job_id=job.pk)
    assert jobs_recent(organization_id=7, kind="test.count") == [job]
    assert jobs_recent(organization_id=8) == []
