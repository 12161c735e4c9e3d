"""Orders in the admin: read-only (changes go through the services and their rules)."""

from __future__ import annotations

from django.contrib import admin

from comptoir.ordering.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderWithdrawal,
    SubstitutionProposal,
    Voucher,
)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in OrderLine._meta.fields]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in OrderEvent._meta.fields]


class SubstitutionProposalInline(admin.TabularInline):
    model = SubstitutionProposal
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in SubstitutionProposal._meta.fields]


class OrderWithdrawalInline(admin.TabularInline):
    model = OrderWithdrawal
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in OrderWithdrawal._meta.fields]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "seller", "buyer", "state", "total_incl_vat", "placed_at"]
    list_filter = ["state", "channel"]
    search_fields = ["number", "buyer__legal_name", "seller__legal_name"]
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [
        OrderLineInline,
        OrderEventInline,
        SubstitutionProposalInline,
        OrderWithdrawalInline,
    ]
    list_select_related = ["seller", "buyer"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = ["code", "seller", "amount", "valid_from", "valid_to", "redeemed_by"]
    search_fields = ["code"]
    readonly_fields = ["redeemed_by"]
