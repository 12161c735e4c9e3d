"""Fulfilment and reception (F1–F11, A5): shipments and their parcels, deliveries with reserves,
the contestation deadline of each delivered order, refusals and the charges they cause, address
change requests, claims, returnable packaging and digital keys.

Rows change through `comptoir.fulfilment.services` only; orders move through the ordering
services those call (`order_record_shipment`, `order_record_delivery`, `order_freeze`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.ordering.notes import text_of

ZERO = Decimal("0.00")


# --- shipments (F1, F2, F9) -------------------------------------------------------------------


class ShipmentState(models.TextChoices):
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused")
    RETURNED = "returned", _("Uncollected, returned")


class Shipment(models.Model):
    """One departure of goods of an order (F2), possibly in several parcels."""

    order = models.ForeignKey("ordering.Order", on_delete=models.PROTECT, related_name="shipments")
    number = models.CharField(max_length=40, unique=True)
    carrier = models.CharField(max_length=100)
    state = models.CharField(
        max_length=12, choices=ShipmentState.choices, default=ShipmentState.SHIPPED
    )
    shipped_at = models.DateTimeField()
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # F1: the promise (from the order) against what happened.
    estimated_delivery_on = models.DateField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    # F9: the incoterm and where the risk passes to the buyer.
    delivery_country = models.CharField(max_length=2, default="FR")
    incoterm = models.CharField(max_length=3, blank=True)
    risk_passes_at = models.CharField(max_length=32, blank=True)
    incoterm_clause = models.TextField(blank=True)

    class Meta:
        ordering = ["shipped_at", "pk"]
        indexes = [models.Index(fields=["order", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ShipmentState.values), name="fulfilment_shipment_state"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Parcel(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="parcels")
    tracking_number = models.CharField(max_length=80)
    carrier = models.CharField(max_length=100)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "tracking_number"], name="fulfilment_parcel_tracking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "ordering.OrderLine", on_delete=models.PROTECT, related_name="shipment_lines"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["order_line__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="fulfilment_shipment_line_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fulfilment_ship_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"


# --- delivery and reserves (F3) ---------------------------------------------------------------


class ReserveKind(models.TextChoices):
    DAMAGED = "damaged", _("Damaged parcel")
    MISSING_ITEM = "missing_item", _("Missing item")
    MISSING_PARCEL = "missing_parcel", _("Missing parcel")
    WRONG_PRODUCT = "wrong_product", _("Wrong product")


class Delivery(models.Model):
    """The signed delivery note of one shipment, as the seller reports it (F3)."""

    shipment = models.OneToOneField(Shipment, on_delete=models.PROTECT, related_name="delivery")
    delivered_on = models.DateField()
    signed_by = models.CharField(max_length=200)
    with_reserves = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.shipment} livrée le {self.delivered_on}"


class Reserve(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="reserves")
    kind = models.CharField(max_length=16, choices=ReserveKind.choices)
    text = models.TextField(blank=True)
    opposable = models.BooleanField(
        default=True, help_text="False once the terms' confirmation deadline passed (F4)."
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReserveKind.values), name="fulfilment_reserve_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


# --- contestation and freezing (F4, F5) -------------------------------------------------------


class ContestationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("deadline", "Open")
    CONTESTED = "contested", _("Contested")
    VALIDATED = "validated", _("Validated")
    LAPSED = "lapsed", pgettext_lazy("contestation", "Lapsed")
    RESOLVED = "resolved", pgettext_lazy("contestation", "Resolved")


class Contestation(models.Model):
    """The contestation window of a delivered order (F4) and how it ended (F5)."""

    order = models.OneToOneField(
        "ordering.Order", on_delete=models.PROTECT, related_name="contestation"
    )
    delivered_on = models.DateField()
    deadline_on = models.DateField(null=True, blank=True, help_text="Last day to contest.")
    deadline_at = models.DateTimeField(
        null=True, blank=True, help_text="End of the last day, Paris time: the sweep acts then."
    )
    period = models.CharField(max_length=120, blank=True)
    on_silence = models.CharField(max_length=16, default="no_claim")
    clause = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ContestationStatus.choices, default=ContestationStatus.OPEN
    )
    reason = models.TextField(blank=True)
    lines = models.JSONField(default=list, blank=True, help_text="Contested lines and quantities.")
    contested_at = models.DateTimeField(null=True, blank=True)
    contested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            models.Index(
                fields=["deadline_at"],
                condition=Q(status="open", deadline_at__isnull=False),
                name="fulfilment_contest_due_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ContestationStatus.values),
                name="fulfilment_contestation_status",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} → {self.deadline_on}"


class FollowUpKind(models.TextChoices):
    CONFIRM_RESERVES = "confirm_reserves", _("Reserves confirmed")
    CARRIER_PROTEST = "carrier_protest", _("Carrier protest")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("deadline", "Open")
    DONE = "done", _("Done in time")
    LAPSED = "lapsed", pgettext_lazy("deadline", "Lapsed")


class ReserveFollowUp(models.Model):
    """What the buyer must do after writing reserves, before a deadline of the terms (F4, N2):
    confirm them to the seller, protest to the carrier."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="follow_ups")
    order = models.ForeignKey(
        "ordering.Order", on_delete=models.PROTECT, related_name="reserve_follow_ups"
    )
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    deadline_on = models.DateField(help_text="Last day.")
    deadline_at = models.DateTimeField(help_text="End of the last day, Paris time.")
    counting = models.CharField(max_length=120)
    clause = models.TextField(blank=True)
    status = models.CharField(
        max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    consequence = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline_at", "pk"]
        indexes = [
            models.Index(
                fields=["deadline_at"],
                condition=Q(status="open"),
                name="fulfilment_followup_due_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "kind"], name="fulfilment_followup_once"),
            models.CheckConstraint(
                condition=Q(kind__in=FollowUpKind.values), name="fulfilment_followup_kind"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FollowUpStatus.values), name="fulfilment_followup_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} → {self.deadline_on}"


class WrongGoodsKind(models.TextChoices):
    WRONG = "wrong", pgettext_lazy("wrong goods", "Wrong product")
    EXCESS = "excess", _("Excess goods")


class WrongGoodsStatus(models.TextChoices):
    OPEN = "open", _("To return")
    RETURNED = "returned", pgettext_lazy("wrong goods", "Returned")
    CHARGED = "charged", _("Kept and charged")


class WrongGoods(models.Model):
    """Wrong or excess goods delivered: returned by the deadline, or paid at the usual price
    (F4, [002 §9.1])."""

    order = models.ForeignKey(
        "ordering.Order", on_delete=models.PROTECT, related_name="wrong_goods"
    )
    kind = models.CharField(max_length=8, choices=WrongGoodsKind.choices)
    description = models.CharField(max_length=300)
    sku = models.CharField(max_length=64, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, help_text="Usual price.")
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("20"))
    received_on = models.DateField()
    deadline_on = models.DateField()
    deadline_at = models.DateTimeField()
    clause = models.TextField(blank=True)
    status = models.CharField(
        max_length=8, choices=WrongGoodsStatus.choices, default=WrongGoodsStatus.OPEN
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField()
    returned_on = models.DateField(null=True, blank=True)
    return_reference = models.CharField(max_length=120, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    charge = models.OneToOneField(
        "Charge", null=True, blank=True, on_delete=models.PROTECT, related_name="wrong_goods"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "wrong goods"
        ordering = ["deadline_at", "pk"]
        indexes = [
            models.Index(
                fields=["deadline_at"], condition=Q(status="open"), name="fulfilment_wrong_due_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fulfilment_wrong_qty"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="fulfilment_wrong_price"),
            models.CheckConstraint(
                condition=Q(status__in=WrongGoodsStatus.values), name="fulfilment_wrong_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"


# --- refused delivery (F7) --------------------------------------------------------------------


class Refusal(models.Model):
    shipment = models.OneToOneField(Shipment, on_delete=models.PROTECT, related_name="refusal")
    reason = models.TextField()
    valid_reason = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.shipment} refusée"


class Charge(models.Model):
    """An amount the buyer owes because of fulfilment (F7), for billing to invoice."""

    order = models.ForeignKey("ordering.Order", on_delete=models.PROTECT, related_name="charges")
    refusal = models.ForeignKey(
        Refusal, null=True, blank=True, on_delete=models.PROTECT, related_name="charges"
    )
    code = models.CharField(max_length=40)
    amount_excl_vat = models.DecimalField(max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("20"))
    rule = models.CharField(max_length=16)
    explanation = models.TextField(help_text="In French: the record, and the invoice's line.")
    explanation_parts = models.JSONField(
        null=True, blank=True, help_text="The explanation in parts, for each reader's language."
    )
    created_at = models.DateTimeField(default=now)
    invoiced = models.BooleanField(default=False, help_text="Set once on the buyer's next invoice.")
    invoiced_with = models.ForeignKey(
        "ordering.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The order whose invoice carried the charge.",
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The standalone invoice that carried the charge (no next invoice came).",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_excl_vat__gte=0), name="fulfilment_charge_amount"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.amount_excl_vat}"

    @property
    def explanation_text(self) -> str:
        """The explanation in the reader's language (the stored French without parts)."""
        return text_of(self.explanation, self.explanation_parts)


class NoticeStatus(models.TextChoices):
    SENT = "sent", _("Notice sent")
    COLLECTED = "collected", pgettext_lazy("collection notice", "Collected")
    EXPIRED = "expired", _("Unanswered")
    RESOLVED = "resolved", _("Order resolved")


class CollectionNotice(models.Model):
    """The formal notice to take possession of uncollected goods (F7, N1): when it stays
    unanswered for the terms' delay, the seller may record the resolution of the order."""

    shipment = models.OneToOneField(
        Shipment, on_delete=models.PROTECT, related_name="collection_notice"
    )
    order = models.ForeignKey(
        "ordering.Order", on_delete=models.PROTECT, related_name="collection_notices"
    )
    letter = models.TextField(help_text="The text of the registered letter.")
    letter_reference = models.CharField(max_length=120, blank=True)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline_at = models.DateTimeField(help_text="When the notice has stayed unanswered.")
    clause = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.SENT
    )
    expired_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [
            models.Index(
                fields=["deadline_at"], condition=Q(status="sent"), name="fulfilment_notice_due_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NoticeStatus.values), name="fulfilment_notice_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.status}"


# --- delivery address change (F6) -------------------------------------------------------------


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class AddressChangeRequest(models.Model):
    order = models.ForeignKey(
        "ordering.Order", on_delete=models.CASCADE, related_name="address_change_requests"
    )
    requested_address = models.JSONField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="fulfilment_address_status"
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="pending"),
                name="fulfilment_one_pending_address_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"


# --- claims (A5) ------------------------------------------------------------------------------


class ClaimStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("claim", "Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Claim(models.Model):
    order = models.ForeignKey("ordering.Order", on_delete=models.PROTECT, related_name="claims")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by_organization = models.ForeignKey(
        "parties.Organization", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="fulfilment_claim_status"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class ClaimMessage(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "parties.Organization", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id} #{self.pk}"


class ClaimAttachment(models.Model):
    message = models.ForeignKey(ClaimMessage, on_delete=models.CASCADE, related_name="attachments")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="claims/%Y/%m/")

    def __str__(self) -> str:
        return self.file_name


# --- returnable packaging (F10) ---------------------------------------------------------------


class PackagingDeposit(models.Model):
    """A deposit charged on returnable packaging sent with an order (F10), billed as its own
    line on the order's invoice, or on the buyer's next one when that is already issued."""

    order = models.ForeignKey(
        "ordering.Order", on_delete=models.PROTECT, related_name="packaging_deposits"
    )
    item_name = models.CharField(max_length=100)
    unit = models.CharField(max_length=30, default="unit")
    quantity = models.PositiveIntegerField()
    unit_deposit = models.DecimalField(max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="0: a returnable deposit stays outside the VAT base (CGI art. 267).",
    )
    created_at = models.DateTimeField()
    invoiced = models.BooleanField(default=False, help_text="Set once billed on an invoice.")
    invoiced_with = models.ForeignKey(
        "ordering.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The order whose invoice carried the deposit.",
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The standalone invoice that carried the deposit (no next invoice came).",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fulfilment_deposit_qty"),
            models.CheckConstraint(
                condition=Q(unit_deposit__gte=0), name="fulfilment_deposit_amount"
            ),
        ]
        indexes = [
            models.Index(
                fields=["order"], condition=Q(invoiced=False), name="fulfilment_deposit_unbilled"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_name} × {self.quantity}"


class PackagingReturn(models.Model):
    buyer = models.ForeignKey("parties.Organization", on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey("parties.Organization", on_delete=models.PROTECT, related_name="+")
    item_name = models.CharField(max_length=100)
    quantity = models.PositiveIntegerField()
    returned_on = models.DateField()
    returned_clean = models.BooleanField(help_text="Returned clean and unlabelled (F10).")
    refund_due = models.DecimalField(
        max_digits=14, decimal_places=2, default=ZERO, help_text="Deposit owed back (F10)."
    )
    explanation = models.TextField(blank=True)
    explanation_parts = models.JSONField(
        null=True, blank=True, help_text="The explanation in parts, for each reader's language."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    credited = models.BooleanField(
        default=False, help_text="Set once deducted from the buyer's next invoice."
    )
    credited_with = models.ForeignKey(
        "ordering.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The order whose invoice deducted the refund.",
    )
    kept = models.BooleanField(
        default=False,
        help_text="Not returned by the deadline: the packaging is sold, its VAT charged (F10).",
    )
    request_key = models.CharField(
        max_length=80,
        blank=True,
        help_text="The form's key: a double submit records one return.",
    )

    class Meta:
        ordering = ["returned_on", "pk"]
        indexes = [models.Index(fields=["buyer", "seller", "item_name"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fulfilment_return_qty"),
            models.UniqueConstraint(
                fields=["seller", "request_key"],
                condition=~Q(request_key=""),
                name="fulfilment_return_request_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_name} × {self.quantity}"

    @property
    def explanation_text(self) -> str:
        """The explanation in the reader's language (the stored French without parts)."""
        return text_of(self.explanation, self.explanation_parts)


class DepositCredit(models.Model):
    """The part of a deposit refund (F10, I5) credited by a standalone credit note of the invoice
    that charged the deposit, when no next invoice came to deduct it."""

    packaging_return = models.ForeignKey(
        PackagingReturn, on_delete=models.PROTECT, related_name="credits"
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The invoice that charged the deposit.",
    )
    credit_note = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fulfilment_credit_amount")
        ]

    def __str__(self) -> str:
        return f"{self.packaging_return} → {self.amount}"


# --- digital delivery (F11) -------------------------------------------------------------------


class DigitalKey(models.Model):
    seller = models.ForeignKey(
        "parties.Organization", on_delete=models.CASCADE, related_name="digital_keys"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    key = models.TextField()
    order_line = models.ForeignKey(
        "ordering.OrderLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="digital_keys",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["product"],
                condition=Q(order_line__isnull=True),
                name="fulfilment_free_key_idx",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["product", "key"], name="fulfilment_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} key #{self.pk}"


class DigitalDelivery(models.Model):
    """One e-mail with keys sent to the buyer (F11)."""

    order = models.ForeignKey(
        "ordering.Order", on_delete=models.PROTECT, related_name="digital_deliveries"
    )
    sent_to = models.EmailField()
    language = models.CharField(max_length=5)
    sent_at = models.DateTimeField()
    keys = models.ManyToManyField(DigitalKey, related_name="deliveries")

    class Meta:
        verbose_name_plural = "digital deliveries"
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.sent_to}"
