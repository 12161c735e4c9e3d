"""The operator's view of webhooks: endpoints and the delivery log, read-only."""

from __future__ import annotations

from django.contrib import admin

from comptoir.webhooks.models import Delivery, Endpoint


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Endpoint)
class EndpointAdmin(ReadOnly):
    list_display = ("url", "organization", "is_active", "created_at", "deleted_at")
    list_filter = ("is_active",)
    search_fields = ("url", "organization__legal_name")
    exclude = ("secret",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("event", "endpoint", "status", "attempts", "next_attempt_at", "delivered_at")
    list_filter = ("status", "event")
    search_fields = ("event", "endpoint__url")
