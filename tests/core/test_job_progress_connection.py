"""Progress written through its own connection on PostgreSQL (comptoir.core.jobs.JobProgress):
inside the operation's transaction, the page polling the job sees the bar move at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connections, transaction

from comptoir.core import clock
from comptoir.core.jobs import JobProgress, job_run, operation
from comptoir.core.models import ECBRate, Job
from tests.conftest import on_postgres

MODULE = __name__
SEEN: list[tuple[int, int, str]] = []


def _seen_from_outside(job_id: int) -> tuple[int, int, str]:
    """What another connection (the page polling the job) reads of the job row."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT total, done, message FROM core_job WHERE id = %s", [job_id])
            total, done, message = cursor.fetchone()
    finally:
        other.close()
    return total, done, message


def _job(**kwargs) -> Job:
    return Job.objects.create(
        kind="test.visible", organization_id=7, created_at=clock.now(), **kwargs
    )


@operation("test.visible")
def _visible(job: Job, progress) -> dict:
    """Writes in one transaction, as operations do, and looks at its bar from outside."""
    with transaction.atomic():
        ECBRate.objects.create(effective_date=date(2033, 1, 1), rate=Decimal("1.00"))  # its write
        progress.set_total(4)
        for _ in range(3):
            progress.advance(1)
        progress.note("Three done")  # a note is written at once (advances every 0.5 s)
        SEEN.append(_seen_from_outside(job.pk))
    return {"ok": True}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_seen_by_another_connection() -> None:
    job = _job()
    progress = JobProgress(job.pk, interval=0)
    try:
        with transaction.atomic():
            progress.set_total(10)
            progress.note("Reconciling statement S1")
            progress.advance(3)
            assert _seen_from_outside(job.pk) == (10, 3, "Reconciling statement S1")
            transaction.set_rollback(True)  # the operation fails: its progress stays written
    finally:
        progress.close()
    assert _seen_from_outside(job.pk) == (10, 3, "Reconciling statement S1")
    job.refresh_from_db()
    assert job.progress_at is not None


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_its_own_connection_the_bar_waits_for_the_commit() -> None:
    """What the own connection fixes: the operation's connection is seen only at its commit."""
    job = _job()
    progress = JobProgress(job.pk, interval=0, own_connection=False)
    with transaction.atomic():
        progress.set_total(10)
        progress.advance(3)
        assert _seen_from_outside(job.pk) == (0, 0, "")
    assert _seen_from_outside(job.pk) == (10, 3, "")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_job_run_by_the_worker_shows_its_bar_while_its_transaction_is_open() -> None:
    SEEN.clear()
    job = _job()
    assert job_run(job_id=job.pk, module=MODULE) == Job.Status.DONE
    assert SEEN == [(4, 3, "Three done")]
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == ("done", 4, 4)
    assert ECBRate.objects.filter(effective_date=date(2033, 1, 1)).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_row_the_operation_locked_falls_back_to_the_operation_connection() -> None:
    """The own connection never waits long on the operation itself: after the lock timeout it
    writes with the operation (visible at its commit), and does not try again."""
    job = _job()
    progress = JobProgress(job.pk, interval=0)
    progress.LOCK_TIMEOUT_MS = 200
    try:
        with transaction.atomic():
            Job.objects.select_for_update().get(pk=job.pk)  # the operation holds the row
            progress.set_total(5)
            assert progress.own_connection is False
            assert Job.objects.values_list("total", flat=True).get(pk=job.pk) == 5
            assert _seen_from_outside(job.pk)[0] == 0
    finally:
        progress.close()
    assert _seen_from_outside(job.pk)[0] == 5


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_job_row_not_committed_yet_is_written_by_the_operation_connection() -> None:
    """In a test transaction (or any job row not committed yet) nobody else sees the row: the
    report goes through the operation's connection, as before."""
    job = _job()
    progress = JobProgress(job.pk, interval=0)
    try:
        progress.set_total(3)
        progress.advance(2)
    finally:
        progress.close()
    job.refresh_from_db()
    assert (job.total, job.done) == (3, 2)


@pytest.mark.django_db
def test_on_sqlite_progress_stays_on_the_operation_connection() -> None:
    progress = JobProgress(_job().pk, interval=0)
    assert progress.own_connection is on_postgres()
    with transaction.atomic():
        progress.set_total(2)
        progress.advance(1)
    progress.close()
    assert Job.objects.values_list("total", "done").get() == (2, 1)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_no_second_connection_is_opened() -> None:
    progress = JobProgress(_job().pk, interval=0)
    progress.set_total(2)
    progress.advance(2)
    assert progress._connection is None  # autocommit: the operation's write is seen at once
    assert _seen_from_outside(progress.job_id)[:2] == (2, 2)
