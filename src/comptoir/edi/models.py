"""EDI messages received and issued (O14): each stored once, with its raw text, never changed.

Downloads and exports are logged beside them (`EdiExport`), so the message itself stays as it was
received or generated."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from comptoir.core.clock import now
from comptoir.core.errors import DomainError


def _immutable() -> DomainError:
    return DomainError(
        code="edi_message_immutable",
        message=_("An EDI message is stored once and never changed."),
        rule="O14",
    )


class Direction(models.TextChoices):
    IN = "in", gettext_lazy("Received")
    OUT = "out", gettext_lazy("Issued")


class MessageType(models.TextChoices):
    ORDERS = "ORDERS", gettext_lazy("ORDERS (order)")
    ORDRSP = "ORDRSP", gettext_lazy("ORDRSP (order response)")
    DESADV = "DESADV", gettext_lazy("DESADV (despatch advice)")
    INVOIC = "INVOIC", gettext_lazy("INVOIC (invoice, business copy)")
    UNKNOWN = "", gettext_lazy("Unreadable")


class MessageStatus(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("EDI message", "Accepted")
    REFUSED = "refused", pgettext_lazy("EDI message", "Refused")
    ISSUED = "issued", gettext_lazy("Issued")


class EdiMessageQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise _immutable()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _immutable()


class EdiMessage(models.Model):
    direction = models.CharField(max_length=3, choices=Direction.choices)
    message_type = models.CharField(max_length=6, choices=MessageType.choices, blank=True)
    status = models.CharField(max_length=8, choices=MessageStatus.choices)
    interchange_ref = models.CharField(max_length=14, help_text="UNB control reference (0020).")
    message_ref = models.CharField(max_length=14, blank=True, help_text="UNH reference (0062).")
    document_number = models.CharField(max_length=35, blank=True, help_text="BGM 1004.")
    function_code = models.CharField(max_length=3, blank=True, help_text="BGM 1225.")
    sender_gln = models.CharField(max_length=35, blank=True)
    recipient_gln = models.CharField(max_length=35, blank=True)
    seller = models.ForeignKey(
        "parties.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="edi_messages_as_seller",
    )
    buyer = models.ForeignKey(
        "parties.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="edi_messages_as_buyer",
    )
    order = models.ForeignKey(
        "ordering.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="edi_messages",
    )
    errors = models.JSONField(default=list, blank=True)
    raw = models.TextField(help_text="The message as received, or the interchange as issued.")
    source = models.CharField(
        max_length=80,
        blank=True,
        help_text="Issued: what it answers (one message per source). Received: the channel.",
    )
    created_at = models.DateTimeField(default=now)

    objects = EdiMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=["in", "out"]), name="edi_message_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["accepted", "refused", "issued"]),
                name="edi_message_status_valid",
            ),
            # a received interchange is processed once: the same one again creates nothing
            models.UniqueConstraint(
                fields=["sender_gln", "interchange_ref", "message_ref"],
                condition=Q(direction="in"),
                name="edi_message_received_once",
            ),
            # one issued message per event it answers
            models.UniqueConstraint(
                fields=["source"], condition=Q(direction="out"), name="edi_message_issued_once"
            ),
            models.UniqueConstraint(
                fields=["sender_gln", "interchange_ref"],
                condition=Q(direction="out"),
                name="edi_message_issued_reference_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "-created_at"], name="edi_message_seller_idx"),
            models.Index(fields=["buyer", "-created_at"], name="edi_message_buyer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.message_type} {self.interchange_ref}/{self.message_ref}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise _immutable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _immutable()

    @property
    def filename(self) -> str:
        kind = (self.message_type or "EDI").lower()
        return f"{kind}-{self.sender_gln or 'unknown'}-{self.interchange_ref}.edi"


class EdiExport(models.Model):
    """An issued message written out by `comptoir edi export` (no longer pending)."""

    message = models.ForeignKey(EdiMessage, on_delete=models.PROTECT, related_name="exports")
    exported_at = models.DateTimeField(default=now)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-exported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.exported_at:%Y-%m-%d %H:%M}"


class InterchangeCounter(models.Model):
    """The last UNB control reference a sender issued (O14). Locked (`select_for_update`) while a
    message is stored, so two messages of one sender never share a reference; a rolled-back
    message leaves no gap, and a gap would be harmless anyway (the partner only needs them
    unique)."""

    sender_gln = models.CharField(max_length=35, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.sender_gln}: {self.last}"


class RetryStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for a new attempt")
    ISSUED = "issued", gettext_lazy("Issued")
    FAILED = "failed", gettext_lazy("Given up")


class OutboundRetry(models.Model):
    """An ORDRSP, DESADV or INVOIC that could not be built or stored when its event came (O14):
    the sweep `edi.retry_outbound` tries it again with a growing delay, then gives up."""

    source = models.CharField(max_length=80, unique=True, help_text="What the message answers.")
    order = models.ForeignKey(
        "ordering.Order", on_delete=models.PROTECT, related_name="edi_retries"
    )
    status = models.CharField(
        max_length=8, choices=RetryStatus.choices, default=RetryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    message = models.ForeignKey(
        EdiMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="retries"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "issued", "failed"]),
                name="edi_retry_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="edi_retry_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.status}, {self.attempts})"

    @property
    def message_type(self) -> str:
        """ORDRSP, DESADV or INVOIC: the kind written before the colon of `source`."""
        return self.source.partition(":")[0]
