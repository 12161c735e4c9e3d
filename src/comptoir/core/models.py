"""Kernel state: the rate tables the operator maintains, and the append-only audit log."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from comptoir.core.errors import DomainError


class LegalInterestRate(models.Model):
    """The French legal interest rate for a creditor who is a professional, for one half-year.

    Published twice a year by arrêté (JORF, late June and late December). Used for the 3 × floor
    of contractual late-payment rates (C. com. L441-10 II, rule PT11). Rates are in % a year.
    """

    valid_from = models.DateField(unique=True, help_text="First day (1 January or 1 July).")
    valid_to = models.DateField(help_text="Last day (30 June or 31 December).")
    rate = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="% a year, creditor a professional."
    )
    source = models.CharField(max_length=200, blank=True, help_text="Arrêté, JORF reference.")

    class Meta:
        ordering = ["valid_from"]
        verbose_name = "legal interest rate"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="core_legalrate_period_ordered",
                violation_error_code="period_reversed",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0),
                name="core_legalrate_not_negative",
                violation_error_code="negative_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from:%Y-%m-%d}…{self.valid_to:%Y-%m-%d}: {self.rate} %"

    def clean(self) -> None:
        """Refuse a period that overlaps another row's."""
        super().clean()
        if self.valid_from is None or self.valid_to is None:
            return
        overlapping = LegalInterestRate.objects.filter(
            valid_from__lte=self.valid_to, valid_to__gte=self.valid_from
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(
                _("This period overlaps another legal interest rate."), code="overlap"
            )


class ECBRate(models.Model):
    """The ECB main refinancing operations (MRO) rate, from the date it takes effect.

    The default late-payment rate is this rate, as in force on 1 January / 1 July, plus 10 points
    (C. com. L441-10 II, rule PT11). Rates are in % a year.
    """

    effective_date = models.DateField(unique=True, help_text="Date the rate takes effect.")
    rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="MRO rate, % a year.")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["effective_date"]
        verbose_name = "ECB main refinancing rate"

    def __str__(self) -> str:
        return f"from {self.effective_date:%Y-%m-%d}: {self.rate} %"


class ImmutableRecord(DomainError):
    """An insert-only record was asked to change or disappear (ARCHITECTURE principle 4)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            code="immutable",
            message=_("%(what)s entries are append-only: they cannot be changed or deleted.")
            % {"what": what},
            rule="P8",
        )


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Refuses bulk changes: the log only grows, one entry at a time through `audit_record`."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableRecord(_("Audit"))

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise ImmutableRecord(_("Audit"))

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise ImmutableRecord(_("Audit"))

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise ImmutableRecord(_("Audit"))


class AuditEntry(models.Model):
    """One line of the hash-chained, append-only audit log (rule P8 Evidence).

    Write it with `comptoir.core.services.audit_record`, check it with `comptoir audit verify`.
    `seq` numbers the chain without gaps from 1; `hash` covers every field but `id` (see
    `comptoir.core.audit.entry_hash`). `organization_id` is the acting tenant, kept as a plain
    integer so that the kernel does not depend on `parties`.
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (sweeps, tasks).",
    )
    organization_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
            # the operator's log viewer: one company's entries newest first, or a date range
            models.Index(fields=["organization_id", "seq"], name="core_audit_org_seq"),
            models.Index(fields=["at"], name="core_audit_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: saving an entry that already exists raises `ImmutableRecord`."""
        if not self._state.adding:
            raise ImmutableRecord(_("Audit"))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableRecord(_("Audit"))


class Job(models.Model):
    """A long operation run by a worker, with the progress people watch (`comptoir.core.jobs`).

    `organization_id` is the tenant that owns the job (a plain integer, as in `AuditEntry`, so the
    kernel does not depend on `parties`): only its members see the job. `input` holds the uploaded
    file until the job ends; `result` is what the operation returns, `errors` the problems that
    stopped it (each a dict with at least `code` and `message`, often `line`, `column`, `rule`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job", "Queued")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Done")
        FAILED = "failed", gettext_lazy("Failed")

    kind = models.CharField(max_length=100, db_index=True, help_text="Registered operation.")
    organization_id = models.BigIntegerField(db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system started it.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Units of work; 0 = not known yet.")
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True, help_text="Of messages it writes.")
    params = models.JSONField(default=dict, blank=True)
    input = models.BinaryField(default=b"", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(
        null=True, blank=True, help_text="Last progress written (a stalled job is failed)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization_id", "-created_at"], name="core_job_org_recent")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="core_job_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(total=0) | Q(done__lte=F("total")), name="core_job_done_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.status} {self.done}/{self.total}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        """Whole percent done, None while the amount of work is unknown."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
