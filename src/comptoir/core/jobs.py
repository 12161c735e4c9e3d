"""Long operations run by a worker, with progress people can watch (the `Job` model).

A context registers an operation under a name with `@operation("catalog.import")`: a function
`(job, progress) -> dict` that reads its input from the job, reports progress through `progress`
and returns the result to show. `job_create` records the job and enqueues the generic task
`comptoir.core.tasks.run_job` once the transaction commits; the worker imports the operation's
module, marks the job running, calls the operation and records the result (`job_finish`) or the
problems that stopped it (`job_fail`).

Contract of an operation: it checks everything first, then writes in one transaction, so that a
failure (a refusal, a crash, a killed worker) leaves either the whole change or none of it. Progress
is written on the job row at most every `JobProgress.interval` seconds, through a connection of its
own on PostgreSQL (outside the operation's transaction), so that pages polling the job see it move.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from functools import partial
from importlib import import_module
from typing import Any, Protocol

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.audit import jsonable
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.models import Job
from comptoir.core.services import audit_record

__all__ = [
    "JobProgress",
    "NullProgress",
    "Progress",
    "job_create",
    "job_fail",
    "job_finish",
    "job_get",
    "job_run",
    "jobs_recent",
    "operation",
]

MESSAGE_MAX = 300
logger = logging.getLogger("comptoir.jobs")


class Progress(Protocol):
    """What an operation reports while it works: how much there is, how much is done, and what
    it is doing now (a short sentence for people)."""

    def set_total(self, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def note(self, message: str) -> None: ...


class NullProgress:
    """Progress nobody watches (a service called directly, a test)."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.message = ""

    def set_total(self, total: int) -> None:
        self.total = max(0, int(total))

    def advance(self, n: int = 1) -> None:
        self.done += n

    def note(self, message: str) -> None:
        self.message = message


class JobProgress(NullProgress):
    """Progress written on a job row: at the first report, then at most every `interval` seconds
    and whenever the message changes, so that a 10,000-line file costs a few dozen updates.

    On PostgreSQL, a report made inside the operation's transaction goes through a connection of
    its own (autocommit, opened at the first such report, closed by `close`), so that other
    connections, the job page polling the bar, see it at once instead of at the commit. Outside a
    transaction, and on SQLite (one writer at a time: a second connection would wait for the
    operation's commit, see docs/core.md), the report is written on the operation's connection.
    If the own connection cannot write the row (not visible from outside yet, locked, the
    database unreachable) the report falls back to the operation's connection."""

    #: How long the own connection waits for a lock on the job row before falling back (ms).
    LOCK_TIMEOUT_MS = 1000

    def __init__(
        self, job_id: int, *, interval: float = 0.5, own_connection: bool | None = None
    ) -> None:
        super().__init__()
        self.job_id = job_id
        self.interval = interval
        self._written_at: float | None = None
        if own_connection is None:
            own_connection = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
        self.own_connection = own_connection
        self._connection: BaseDatabaseWrapper | None = None

    def set_total(self, total: int) -> None:
        super().set_total(total)
        self.done = min(self.done, self.total) if self.total else self.done
        self.flush()

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        if self._written_at is None or time.monotonic() - self._written_at >= self.interval:
            self.flush()

    def note(self, message: str) -> None:
        super().note(message[:MESSAGE_MAX])
        self.flush()

    def flush(self) -> None:
        values = {
            "total": self.total,
            "done": min(self.done, self.total) if self.total else 0,
            "message": self.message,
            "progress_at": clock.now(),  # a sign of life for `core.fail_stalled_jobs`
        }
        in_transaction = transaction.get_connection().in_atomic_block
        if not (self.own_connection and in_transaction and self._write_apart(values)):
            Job.objects.filter(pk=self.job_id).update(**values)
        self._written_at = time.monotonic()

    def _write_apart(self, values: dict[str, Any]) -> bool:
        """Write the progress through the own connection; False when it could not."""
        try:
            if self._connection is None:
                self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
                with self._connection.cursor() as cursor:
                    cursor.execute(f"SET lock_timeout = {int(self.LOCK_TIMEOUT_MS)}")
            quote = self._connection.ops.quote_name
            meta = Job._meta
            sets = ", ".join(f"{quote(meta.get_field(f).column)} = %s" for f in values)
            # names from the model, values as parameters
            sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
            with self._connection.cursor() as cursor:
                cursor.execute(sql, [*values.values(), self.job_id])
                written = cursor.rowcount == 1
        except DatabaseError:
            logger.warning("job %s: progress written with the operation instead", self.job_id)
            self.close()
            self.own_connection = False  # do not wait on the lock again
            return False
        return written

    def close(self) -> None:
        """Close the own connection, if one was opened (the worker calls it when the job ends)."""
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None


Operation = Callable[[Job, Progress], dict[str, Any]]

_OPERATIONS: dict[str, Operation] = {}


def operation(kind: str) -> Callable[[Operation], Operation]:
    """Register `fn` as the operation run by jobs of `kind` (one function per kind)."""

    def register(fn: Operation) -> Operation:
        known = _OPERATIONS.get(kind)
        if known is not None and (known.__module__, known.__qualname__) != (
            fn.__module__,
            fn.__qualname__,
        ):
            raise ValueError(f"job kind {kind!r} is already registered by {known.__module__}")
        _OPERATIONS[kind] = fn
        return fn

    return register


def _language(language: str | None) -> str:
    return (language or translation.get_language() or settings.LANGUAGE_CODE)[:8]


@transaction.atomic
def job_create(
    *,
    kind: str,
    organization_id: int,
    actor: Any,
    params: dict[str, Any] | None = None,
    data: bytes = b"",
    filename: str = "",
    language: str | None = None,
) -> Job:
    """Record a job of a registered `kind` for an organization and enqueue it on commit.

    `data` is the uploaded file the operation reads (kept until the job ends), `params` its
    options (JSON), `language` the language of the messages it writes (the current one by
    default). The caller has checked the actor's rights on the organization.
    """
    fn = _OPERATIONS.get(kind)
    if fn is None:
        raise ValueError(f"no operation registered for job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        organization_id=int(organization_id),
        created_by=actor if getattr(actor, "pk", None) is not None else None,
        params=jsonable(params or {}),
        input=bytes(data),
        filename=filename[:200],
        language=_language(language),
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        organization_id=job.organization_id,
        action="job.create",
        obj_type="core.Job",
        obj_id=job.pk,
        data={"kind": kind, "filename": job.filename, "bytes": len(data)},
    )
    transaction.on_commit(partial(_enqueue, job.pk, fn.__module__))
    return job


def _enqueue(job_id: int, module: str) -> None:
    from comptoir.core.tasks import run_job

    result = run_job.enqueue(job_id, module)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


def job_get(*, organization_id: int, job_id: int) -> Job:
    """A job of the organization; another organization's job is `NotFound`, like a missing one."""
    job = Job.objects.filter(pk=job_id, organization_id=organization_id).first()
    if job is None:
        raise NotFound(_("Job"), field="job")
    return job


def jobs_recent(*, organization_id: int, kind: str | None = None, limit: int = 10) -> list[Job]:
    """The organization's latest jobs (of one kind), newest first, without their input."""
    jobs = Job.objects.filter(organization_id=organization_id).defer("input")
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    return list(jobs.order_by("-created_at", "-pk")[:limit])


def _start(job_id: int) -> Job | None:
    """Mark a queued job running; None when it is missing or already taken (a task delivered
    twice runs the operation once)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Job.Status.QUEUED:
            return None
        job.status = Job.Status.RUNNING
        job.started_at = job.progress_at = clock.now()
        job.save(update_fields=["status", "started_at", "progress_at"])
    return job


def job_run(*, job_id: int, module: str) -> str:
    """Run a queued job's operation (what the worker does); returns the job's final status.

    A `DomainError` from the operation fails the job with its problems (`details["errors"]` when
    it lists several, else the error itself); any other exception fails it with a generic message
    and is raised again so that the worker logs it.
    """
    if module not in sys.modules:  # a fresh worker: importing the module registers its operations
        if not module.startswith("comptoir."):
            raise ValueError(f"job operations live in comptoir modules, not {module!r}")
        import_module(module)
    job = _start(job_id)
    if job is None:
        status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return status or "missing"
    with translation.override(job.language or settings.LANGUAGE_CODE):
        fn = _OPERATIONS.get(job.kind)
        if fn is None:
            job_fail(
                job_id=job.pk,
                errors=[{"code": "unknown_operation", "message": _("Unknown operation.")}],
            )
            return Job.Status.FAILED
        progress = JobProgress(job.pk)
        try:
            result = fn(job, progress)
        except DomainError as error:
            progress.close()
            listed = error.details.get("errors") if error.details else None
            job_fail(
                job_id=job.pk,
                errors=listed if isinstance(listed, list) else [error.as_dict()],
                message=error.message,
            )
            return Job.Status.FAILED
        except Exception:
            progress.close()
            job_fail(
                job_id=job.pk,
                errors=[
                    {
                        "code": "internal_error",
                        "message": _(
                            "An unexpected error stopped the job; nothing was changed. "
                            "Try again, or contact the operator if it happens again."
                        ),
                    }
                ],
            )
            raise
        progress.close()
    job_finish(job_id=job.pk, result=result)
    return Job.Status.DONE


@transaction.atomic
def job_finish(*, job_id: int, result: dict[str, Any], message: str = "") -> Job:
    """The operation succeeded: record its result; the bar shows 100 %; the input is dropped."""
    job = Job.objects.select_for_update().get(pk=job_id)
    job.status = Job.Status.DONE
    job.result = jsonable(result)
    job.done = job.total
    job.message = message[:MESSAGE_MAX]
    job.finished_at = clock.now()
    job.input = b""
    job.save(update_fields=["status", "result", "done", "message", "finished_at", "input"])
    return job


@transaction.atomic
def job_fail(*, job_id: int, errors: list[dict[str, Any]], message: str = "") -> Job:
    """The operation stopped: record why (each error a dict with `code` and `message`)."""
    job = Job.objects.select_for_update().get(pk=job_id)
    job.status = Job.Status.FAILED
    job.errors = jsonable(errors)
    job.message = message[:MESSAGE_MAX]
    job.finished_at = clock.now()
    job.input = b""
    job.save(update_fields=["status", "errors", "message", "finished_at", "input"])
    return job
