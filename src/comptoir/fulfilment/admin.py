from django.contrib import admin

from comptoir.fulfilment.models import (
    AddressChangeRequest,
    Charge,
    Claim,
    ClaimMessage,
    Contestation,
    DigitalKey,
    PackagingDeposit,
    PackagingReturn,
    Parcel,
    Shipment,
    ShipmentLine,
)


class ParcelInline(admin.TabularInline):
    model = Parcel
    extra = 0


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0
    raw_id_fields = ["order_line"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "carrier", "state", "shipped_at", "delivered_on", "incoterm"]
    list_filter = ["state", "incoterm"]
    search_fields = ["number", "order__number", "parcels__tracking_number"]
    raw_id_fields = ["order", "shipped_by"]
    inlines = [ShipmentLineInline, ParcelInline]


@admin.register(Contestation)
class ContestationAdmin(admin.ModelAdmin):
    list_display = ["order", "delivered_on", "deadline_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["order", "contested_by", "closed_by"]


@admin.register(Charge)
class ChargeAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "amount_excl_vat", "rule", "invoiced"]
    raw_id_fields = ["order", "refusal"]


@admin.register(AddressChangeRequest)
class AddressChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["order", "status", "requested_at", "decided_at"]
    raw_id_fields = ["order", "requested_by", "decided_by"]


class ClaimMessageInline(admin.StackedInline):
    model = ClaimMessage
    extra = 0
    raw_id_fields = ["author", "organization"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["subject", "order", "status", "updated_at"]
    list_filter = ["status"]
    raw_id_fields = ["order", "opened_by", "opened_by_organization"]
    inlines = [ClaimMessageInline]


@admin.register(PackagingDeposit)
class PackagingDepositAdmin(admin.ModelAdmin):
    list_display = ["order", "item_name", "quantity", "unit_deposit"]
    raw_id_fields = ["order"]


@admin.register(PackagingReturn)
class PackagingReturnAdmin(admin.ModelAdmin):
    list_display = ["buyer", "seller", "item_name", "quantity", "returned_clean", "refund_due"]
    raw_id_fields = ["buyer", "seller", "recorded_by"]


@admin.register(DigitalKey)
class DigitalKeyAdmin(admin.ModelAdmin):
    list_display = ["product", "seller", "order_line", "assigned_at"]
    raw_id_fields = ["seller", "product", "order_line"]
