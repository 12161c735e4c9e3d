"""Back office: the operator edits the rate tables and reads (only reads) the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from comptoir.core.models import AuditEntry, ECBRate, LegalInterestRate


@admin.register(LegalInterestRate)
class LegalInterestRateAdmin(admin.ModelAdmin):
    """One row per half-year: add the new arrêté's rate each June and December."""

    list_display = ("valid_from", "valid_to", "rate", "source")
    ordering = ("-valid_from",)
    date_hierarchy = "valid_from"


@admin.register(ECBRate)
class ECBRateAdmin(admin.ModelAdmin):
    """One row per change of the ECB main refinancing rate, from its effective date."""

    list_display = ("effective_date", "rate", "source")
    ordering = ("-effective_date",)
    date_hierarchy = "effective_date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and hash-chained (P8)."""

    list_display = ("seq", "at", "actor", "organization_id", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_type", "object_id", "hash")
    ordering = ("-seq",)
    list_select_related = ("actor",)
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
