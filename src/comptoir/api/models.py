"""What the API keeps of its own: the `Idempotency-Key` of each creation it made, so that a
retried call (a double click, a timeout) replays the first answer instead of creating twice."""

from __future__ import annotations

from django.db import models


class IdempotencyKey(models.Model):
    """One creation made through the API with an `Idempotency-Key` header, per organization: the
    operation, a hash of the request and the id of what it created. Written in the same
    transaction as the creation itself."""

    organization = models.ForeignKey(
        "parties.Organization", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=80)
    operation = models.CharField(max_length=60)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request.")
    object_id = models.BigIntegerField(help_text="What the first call created.")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="api_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
