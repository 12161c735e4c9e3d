"""Carts and orders: one cart per (buyer, seller) (O1), orders with their state, stored deadlines
(N2), the accepted terms version and the buyer's electronic signature (O9, N3).

State changes go through `comptoir.ordering.services` only (one service per transition, checked
against `comptoir.ordering.rules.TRANSITIONS`); every change appends an `OrderEvent`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from comptoir.ordering.notes import text_of
from comptoir.ordering.rules import exception_reason

ZERO = Decimal("0.00")


class Cart(models.Model):
    buyer = models.ForeignKey(
        "parties.Organization", on_delete=models.CASCADE, related_name="carts"
    )
    seller = models.ForeignKey(
        "parties.Organization", on_delete=models.CASCADE, related_name="carts_received"
    )
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "seller"], name="ordering_cart_per_seller")
        ]

    def __str__(self) -> str:
        return f"cart {self.buyer_id}→{self.seller_id}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="ordering_cart_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="ordering_cart_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class OrderState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    HELD = "held", _("Held for review")
    MODIFIED = "modified", _("Modified by the seller")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended (force majeure)")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    FROZEN = "frozen", _("Frozen")
    REFUSED = "refused", _("Refused")
    LAPSED = "lapsed", _("Lapsed")
    CANCELLED = "cancelled", _("Cancelled")


ACTION_LABELS = {
    "place": _("Order placed"),
    "hold": _("Held for review"),
    "release": _("Review hold lifted"),
    "accept": _("Accepted by the seller"),
    "auto_accept": _("Accepted (automatic acceptance)"),
    "modify": _("Modified by the seller"),
    "confirm_modification": _("Modification confirmed"),
    "decline_modification": _("Modification declined"),
    "refuse": _("Refused by the seller"),
    "lapse": _("Lapsed: no answer in time"),
    "note_acceptance_overdue": _("Seller's answer overdue"),
    "process": _("Processed (monthly batch)"),
    "start": _("Preparation started"),
    "edit": _("Changed by the buyer"),
    "change": _("Changed with the seller's consent"),
    "cancel": _("Cancelled"),
    "suspend": _("Suspended (force majeure)"),
    "resume": _("Resumed"),
    "ship": _("Shipped"),
    "deliver": _("Delivered"),
    "freeze": _("Frozen: final"),
    "resolve": _("Resolved: goods not collected"),
    "invoice": _("Invoiced"),
    "mark_manual_handling": _("Marked for manual handling"),
    "propose_substitution": _("Replacement proposed by the seller"),
    "answer_substitution": _("Replacement answered by the buyer"),
    "withdraw": _("Withdrawal by the consumer"),
    "waive_prepayment": _("Immediate payment not required by the seller"),
    "prepayment_received": _("Prepayment received (bank statement)"),
}


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    EDI = "edi", _("EDI")


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    buyer = models.ForeignKey(
        "parties.Organization", on_delete=models.PROTECT, related_name="orders"
    )
    seller = models.ForeignKey(
        "parties.Organization", on_delete=models.PROTECT, related_name="orders_received"
    )
    state = models.CharField(max_length=16, choices=OrderState.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    checkout = models.CharField(
        max_length=36, blank=True, help_text="Marketplace checkout grouping (O1)."
    )
    idempotency_key = models.CharField(max_length=80)
    request_hash = models.CharField(max_length=64)
    # O9 / N3: the electronic signature and the terms version the buyer accepted.
    terms_version = models.ForeignKey(
        "terms.TermsVersion", on_delete=models.PROTECT, related_name="orders"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField()
    signed_ip = models.GenericIPAddressField(null=True, blank=True)
    signed_user_agent = models.CharField(max_length=300, blank=True)
    # What was agreed: the engine's quote (JSON), the payment option and the delivery address.
    quote = models.JSONField()
    payment_method = models.CharField(max_length=32, blank=True)
    # PT2, PT3: the key of the payment option chosen among the quote's (e.g.
    # "financing_partner:+45"); empty: the method's first option
    payment_option = models.CharField(max_length=48, blank=True)
    delivery_address = models.JSONField(default=dict)
    delivery_country = models.CharField(max_length=2, default="FR")
    voucher_code = models.CharField(max_length=40, blank=True)
    total_excl_vat = models.DecimalField(max_digits=14, decimal_places=2)
    total_vat = models.DecimalField(max_digits=14, decimal_places=2)
    total_incl_vat = models.DecimalField(max_digits=14, decimal_places=2)
    prepayment_required = models.BooleanField(default=False)
    hold_reason = models.TextField(blank=True)
    # N2: every deadline stored; the sweep acts on `next_deadline_at` / `next_action`.
    acceptance_due_on = models.DateField(null=True, blank=True)
    processing_on = models.DateField(null=True, blank=True)
    estimated_delivery_on = models.DateField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    next_deadline_at = models.DateTimeField(null=True, blank=True)
    next_action = models.CharField(max_length=24, blank=True)
    resume_state = models.CharField(max_length=16, blank=True)
    state_changed_at = models.DateTimeField()
    reason = models.TextField(blank=True, help_text="Why it was refused, lapsed or cancelled.")
    texts = models.JSONField(
        null=True,
        blank=True,
        help_text="The reason and hold reason in parts, for each reader's language (notes).",
    )
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # O17: placed by a consumer. Terms between professionals (recovery indemnity, late-payment
    # penalties of C. com. L441-10) do not apply to it: whoever bills or collects reads this.
    consumer = models.BooleanField(default=False)
    withdrawal_waiver = models.BooleanField(
        default=False,
        help_text="Express consent to immediate performance and waiver (L221-28 1°, 13°; D4).",
    )
    withdrawal_from = models.CharField(
        max_length=12, blank=True, help_text="O17: 'delivery', 'conclusion' or '' (no right)."
    )
    withdrawal_due_on = models.DateField(null=True, blank=True)
    # O11: manual handling [002 §4.3] and fees of changes after acceptance [002 §4.8]; both are
    # charges of the quote (and so of the invoice), kept here so every re-quote keeps them.
    manual_handling = models.BooleanField(default=False)
    handling_fee = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Excl. VAT, notified by the seller when the terms leave it to the contract.",
    )
    extra_fees = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], name="ordering_order_idempotency"
            ),
            models.CheckConstraint(
                condition=Q(state__in=OrderState.values), name="ordering_order_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_from__in=["", "delivery", "conclusion"]),
                name="ordering_order_withdrawal_from_valid",
            ),
            models.CheckConstraint(
                condition=Q(handling_fee__isnull=True) | Q(handling_fee__gt=0),
                name="ordering_order_handling_fee_pos",
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "state"]),
            # the lists of orders, newest first, one page at a time (ordering.queries.order_page)
            models.Index(fields=["buyer", "-placed_at", "-id"], name="order_buyer_list_idx"),
            models.Index(fields=["seller", "-placed_at", "-id"], name="order_seller_list_idx"),
            # the seller's orders to answer, the nearest deadline first (ordering.queries.inbox_for;
            # ascending is NULLS LAST on PostgreSQL, which SQLite's indexes cannot say)
            models.Index(
                models.F("seller"),
                models.F("acceptance_due_on"),
                models.F("placed_at"),
                models.F("id"),
                condition=Q(state__in=["submitted", "held"]),
                name="order_inbox_idx",
            ),
            models.Index(
                fields=["next_deadline_at"],
                condition=Q(next_deadline_at__isnull=False),
                name="ordering_order_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"order #{self.pk}"

    @property
    def reason_text(self) -> str:
        """Why it was refused, lapsed or cancelled, in the reader's language."""
        return text_of(self.reason, (self.texts or {}).get("reason"))

    @property
    def hold_reason_text(self) -> str:
        """Why it is held for review (O10), in the reader's language."""
        return text_of(self.hold_reason, (self.texts or {}).get("hold_reason"))


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    requested_quantity = models.PositiveIntegerField()
    quantity = models.PositiveIntegerField(help_text="After the O4 adjustment or a modification.")
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, help_text="Excl. VAT.")
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(max_digits=14, decimal_places=2)
    reserved_quantity = models.PositiveIntegerField(default=0, help_text="Stock held (O13).")
    shipped_quantity = models.PositiveIntegerField(default=0)
    substitute_for = models.CharField(max_length=64, blank=True, help_text="C6 substitution.")
    # O17: the terms' exception attached to the line (a key of WITHDRAWAL_EXCEPTIONS)
    withdrawal_exception = models.CharField(max_length=48, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="ordering_line_position"),
            models.CheckConstraint(
                condition=Q(reserved_quantity__lte=models.F("quantity")),
                name="ordering_line_reserved_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} × {self.quantity}"

    @property
    def withdrawal_exception_reason(self) -> str:
        """The exception and its legal reference, in French, as shown to the consumer."""
        return exception_reason(self.withdrawal_exception) if self.withdrawal_exception else ""


class OrderEvent(models.Model):
    """The order's timeline: each transition, who made it, and the rule behind it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    rule = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["order", "at"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action} → {self.to_state}"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def note_text(self) -> str:
        """The note in the reader's language (the stored French when it has no parts)."""
        return text_of(self.note, (self.data or {}).get("note_parts"))

    @property
    def to_state_label(self) -> str:
        return str(OrderState(self.to_state).label) if self.to_state in OrderState.values else ""


class Voucher(models.Model):
    """O15: a free promotional voucher of one shop, used once, on one order, before it is
    finalized. The engine checks its period, its excluded items and the value of the goods."""

    seller = models.ForeignKey(
        "parties.Organization", on_delete=models.CASCADE, related_name="vouchers"
    )
    code = models.CharField(max_length=40)
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Excl. VAT: comes off the goods' taxable base."
    )
    valid_from = models.DateField()
    valid_to = models.DateField()
    excluded_skus = models.JSONField(default=list, blank=True)
    redeemed_by = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller", "code"], name="ordering_voucher_code"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ordering_voucher_amount_pos"),
        ]

    def __str__(self) -> str:
        return self.code


class SubstitutionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the buyer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    # C6: the order ended, shipped or was invoiced before the buyer answered
    LAPSED = "lapsed", _("No longer answerable")


class SubstitutionProposal(models.Model):
    """C6 [002 §4.6]: for a line the seller cannot supply, a replacement product of the same
    seller at its price on the order's date, which the buyer accepts or declines."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="substitutions")
    line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_sku = models.CharField(max_length=64)
    original_title = models.CharField(max_length=255)
    original_quantity = models.PositiveIntegerField()
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, help_text="Excl. VAT.")
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=SubstitutionStatus.choices, default=SubstitutionStatus.PENDING
    )
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "original_sku"],
                condition=Q(status="pending"),
                name="ordering_substitution_one_open_per_line",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SubstitutionStatus.values),
                name="ordering_substitution_status_valid",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="ordering_substitution_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.original_sku} → {self.sku} × {self.quantity} ({self.status})"


class OrderWithdrawal(models.Model):
    """O17: a consumer's withdrawal from some or all lines, and the refund it makes due within
    14 days of the notification (L221-24; 001 §10), by the means used to pay."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="withdrawals")
    notified_at = models.DateTimeField()
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lines = models.JSONField(default=list)
    refund_amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Incl. VAT.")
    refund_due_on = models.DateField()
    refund_method = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["notified_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refund_amount__gte=0), name="ordering_withdrawal_refund_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} withdrawal {self.refund_amount} by {self.refund_due_on}"
