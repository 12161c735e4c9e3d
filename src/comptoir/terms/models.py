"""Stored terms of sale: one row per version of a seller's terms document (N3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comptoir.core.clock import now


class TermsStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class TermsVersion(models.Model):
    """A version of a seller's terms: the TOML source as written, its parsed JSON, its hash.

    Version numbers are gapless per seller (1, 2, 3 …): a draft takes the next number when it is
    created and is never deleted. A published version is immutable; an order records the version
    it was placed under (``terms_in_force`` finds it).
    """

    seller = models.ForeignKey(
        "parties.Organization", on_delete=models.PROTECT, related_name="terms_versions"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=TermsStatus.choices, default=TermsStatus.DRAFT)
    preset = models.CharField(max_length=32, blank=True)
    source = models.TextField(help_text="The TOML document as written.")
    parsed = models.JSONField(help_text="The validated document (decimals as strings).")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the TOML source.")
    lint_report = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    effective_from = models.DateField(
        null=True, blank=True, help_text="First day (Paris) the version governs new orders."
    )

    class Meta:
        ordering = ["seller_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "version"], name="terms_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="terms_version_positive"),
            models.CheckConstraint(
                condition=Q(status__in=TermsStatus.values), name="terms_version_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=TermsStatus.DRAFT)
                | Q(published_at__isnull=False, effective_from__isnull=False),
                name="terms_version_published_dated",
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "status", "effective_from"], name="terms_in_force_idx"),
        ]

    def __str__(self) -> str:
        return f"terms v{self.version} of {self.seller_id} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == TermsStatus.PUBLISHED
