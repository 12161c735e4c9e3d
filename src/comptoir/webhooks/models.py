"""Webhooks: the endpoints an organization registers and the log of every delivery to them.

State and constraints only. Changes go through `services`, reads through `queries`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from comptoir.core.clock import now


class Endpoint(models.Model):
    """A URL of an organization that receives the events it subscribed to, signed with its
    secret. Deleting one keeps the row (and its delivery log) with `deleted_at` set."""

    organization = models.ForeignKey(
        "parties.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, help_text="Signing secret (shown once).")
    events = models.JSONField(default=list, help_text="Event names subscribed to.")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "deleted_at"], name="webhook_org_idx")]

    def __str__(self) -> str:
        return self.url


ENDPOINT_DELETED = gettext_noop("Endpoint deleted.")
ENDPOINT_DISABLED = gettext_noop("Endpoint disabled.")
OWN_ERRORS = {ENDPOINT_DELETED, ENDPOINT_DISABLED}
"""The errors Comptoir writes itself; the others are the receiver's or the network's words."""


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event sent to one endpoint: the delivery log, and the retry schedule while pending."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField(help_text="The body sent, without its delivery id.")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.PENDING) | Q(next_attempt_at__isnull=True),
                name="webhook_delivery_done_has_no_next_attempt",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"

    @property
    def last_error_text(self) -> str:
        """The last error in the reader's language when Comptoir wrote it."""
        return gettext(self.last_error) if self.last_error in OWN_ERRORS else self.last_error
