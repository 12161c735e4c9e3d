"""Payments and collection: what was paid, by which method, and what the terms let a seller claim.

The ledger holds the amounts (open items, matchings); these models hold the facts around them: the
payment and its source, the SEPA mandate and debits, the imported bank statements, the late cases
the collection sweep works on, the formal notices, suspensions, deposits and marketplace payouts.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.i18n import active_lang

ZERO = Decimal("0.00")
Org = "parties.Organization"


class Method(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    SEPA_DEBIT = "sepa_debit", _("SEPA direct debit")
    LCR = "lcr", _("LCR")
    CARD = "card", _("Card")
    PAYPAL = "paypal", _("PayPal")
    PAY_BY_INVOICE = "pay_by_invoice", _("Pay by invoice")
    FINANCING_PARTNER = "financing_partner", _("Financing partner")
    CHEQUE = "cheque", _("Cheque")
    SET_OFF = "set_off", _("Set-off by the seller")


class Payment(models.Model):
    """Money received from a buyer for a seller, on the day the funds were available (PT4).

    Its ledger open item (negative) is matched against the buyer's debts in the order PT7 gives;
    what is left unallocated stays on the buyer's account as a credit."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Recorded by hand")
        STATEMENT = "statement", _("Bank statement")
        DIRECT_DEBIT = "direct_debit", _("Direct debit")
        CARD = "card", _("Card provider")
        FINANCING = "financing", _("Financing partner")
        SET_OFF = "set_off", _("Set-off")

    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="payments_made")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="payments_received")
    method = models.CharField(max_length=20, choices=Method.choices)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    value_date = models.DateField(help_text="PT4: the day the funds are available to the seller.")
    reference = models.CharField(max_length=140, blank=True)
    payer_iban = models.CharField(max_length=34, blank=True)
    idempotency_key = models.CharField(max_length=80)
    open_item = models.OneToOneField(
        "ledger.OpenItem", null=True, on_delete=models.PROTECT, related_name="payment"
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        "parties.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "idempotency_key"], name="payments_payment_idempotent"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payment_positive"),
        ]
        indexes = [models.Index(fields=["buyer", "seller", "value_date"])]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} {self.buyer_id}→{self.seller_id} {self.value_date}"


class Mandate(models.Model):
    """A SEPA Core direct-debit mandate signed by a buyer in favour of a seller."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")

    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="mandates_signed")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="mandates_held")
    reference = models.CharField(max_length=35, unique=True)  # UMR
    debtor_name = models.CharField(max_length=70)
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    signed_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    first_collected_on = models.DateField(null=True, blank=True)  # FRST until then, then RCUR
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "seller"],
                condition=Q(status="active"),
                name="payments_one_active_mandate",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class SepaCreditor(models.Model):
    """The seller's SEPA creditor identifier (ICS), needed to collect by direct debit."""

    seller = models.OneToOneField(Org, on_delete=models.PROTECT, related_name="sepa_creditor")
    creditor_id = models.CharField(max_length=35)
    # SEPA Core: the debtor is told 14 calendar days ahead unless the parties agreed a shorter time
    prenotification_days = models.PositiveSmallIntegerField(default=14)
    # what the seller's bank charges for a returned debit (PT12 "bank fees")
    return_fee = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO)

    def __str__(self) -> str:
        return self.creditor_id


class DebitBatch(models.Model):
    """One pain.008 file handed to the seller's bank."""

    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="debit_batches")
    message_id = models.CharField(max_length=35, unique=True)
    created_at = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=14, decimal_places=2)
    xml = models.BinaryField()

    def __str__(self) -> str:
        return self.message_id


class DirectDebit(models.Model):
    """One collection of an invoice (or instalment) under a mandate, announced before it runs."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        EXPORTED = "exported", _("Sent to the bank")
        COLLECTED = "collected", _("Collected")
        REJECTED = "rejected", _("Rejected (R-transaction)")
        CANCELLED = "cancelled", pgettext_lazy("direct debit", "Cancelled")

    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="debits")
    open_item = models.ForeignKey("ledger.OpenItem", on_delete=models.PROTECT, related_name="+")
    end_to_end_id = models.CharField(max_length=35, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    collection_date = models.DateField()
    sequence = models.CharField(max_length=4, default="FRST")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    prenotified_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        DebitBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="debits"
    )
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="direct_debit"
    )
    return_reason = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["seller", "status", "collection_date"])]

    def __str__(self) -> str:
        return self.end_to_end_id


class StatementImport(models.Model):
    """One bank statement imported; the same file (same hash) or the same statement id on the same
    account is never imported twice."""

    seller = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_imports"
    )
    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=200, blank=True)
    account_iban = models.CharField(max_length=34)
    statement_id = models.CharField(max_length=140)
    imported_at = models.DateTimeField()
    lines = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    to_review = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.account_iban} {self.statement_id}"


class StatementEntry(models.Model):
    """A booked movement of an imported statement and what reconciliation made of it."""

    class Status(models.TextChoices):
        MATCHED = "matched", pgettext_lazy("statement entry", "Matched")
        REVIEW = "review", _("To review")
        RETURNED = "returned", _("Direct debit returned")
        IGNORED = "ignored", _("Ignored")

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="entries")
    bank_reference = models.CharField(max_length=140)
    account_iban = models.CharField(max_length=34)
    booking_date = models.DateField()
    value_date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=280, blank=True)
    counterparty_name = models.CharField(max_length=140, blank=True)
    counterparty_iban = models.CharField(max_length=34, blank=True)
    end_to_end_id = models.CharField(max_length=35, blank=True)
    return_reason = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.CharField(max_length=300, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account_iban", "bank_reference"], name="payments_entry_once"
            )
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.bank_reference} {self.amount} {self.status}"


class LateCase(models.Model):
    """A late invoice the collection sweep works on (PT11): interest runs from `interest_from`
    (the due date, then the last posting) on the open amount; costs are charged once."""

    class Stage(models.TextChoices):
        LATE = "late", _("Late")
        REMINDED = "reminded", _("Reminded")
        FORMAL_NOTICE = "formal_notice", _("Formal notice sent")
        RESOLVED = "resolved", _("Sale resolved")
        SETTLED = "settled", _("Settled")

    open_item = models.OneToOneField(
        "ledger.OpenItem", on_delete=models.PROTECT, related_name="late_case"
    )
    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    invoice_date = models.DateField()
    incl_vat = models.DecimalField(max_digits=14, decimal_places=2)
    excl_vat = models.DecimalField(max_digits=14, decimal_places=2)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.LATE)
    interest_from = models.DateField()
    interest_posted = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    interest_accrued = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    accrued_on = models.DateField()
    indemnity_posted = models.BooleanField(default=False)
    collection_costs_posted = models.BooleanField(default=False)
    reminders = models.PositiveSmallIntegerField(default=0)
    last_reminder_on = models.DateField(null=True, blank=True)
    notice_deadline = models.DateField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    settled_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField()
    # the invoice is a consumer's (O17): the B2B late-payment clauses do not apply [004 §8.10]
    consumer = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["seller", "buyer"]),
            models.Index(
                fields=["stage"], condition=~Q(stage="settled"), name="payments_open_case"
            ),
        ]

    def __str__(self) -> str:
        return f"late {self.open_item_id} {self.stage}"


class FormalNotice(models.Model):
    """A mise en demeure (N1): the generated letter, its sending and the deadline it opens."""

    case = models.ForeignKey(LateCase, on_delete=models.PROTECT, related_name="notices")
    sent_on = models.DateField()
    deadline = models.DateField()
    amount_claimed = models.DecimalField(max_digits=14, decimal_places=2)
    letter = models.JSONField(default=dict)  # what the letter says, frozen when it is decided
    pdf = models.BinaryField(default=b"", blank=True)  # rendered in the background
    sent_at = models.DateTimeField()
    mailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notice {self.case_id} {self.sent_on}"


class Suspension(models.Model):
    """The buyer's orders and deliveries with a seller are suspended (PT11, F8), and its payment
    terms cut to cash until `terms_cut_until` (003 §7)."""

    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    since = models.DateField()
    reason = models.CharField(max_length=300)
    rule = models.CharField(max_length=8, default="PT11")
    lifted_on = models.DateField(null=True, blank=True)
    terms_cut_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "seller"],
                condition=Q(lifted_on__isnull=True),
                name="payments_one_active_suspension",
            )
        ]

    def __str__(self) -> str:
        return f"suspension {self.buyer_id}/{self.seller_id} since {self.since}"


class Deposit(models.Model):
    """A security deposit (PT9): received, held without interest, returned minus what is owed."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        RETURNED = "returned", _("Returned")

    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    received_on = models.DateField()
    deducted = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.HELD)
    contract_ended_on = models.DateField(null=True, blank=True)
    return_due_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    returned_amount = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)

    def __str__(self) -> str:
        return f"deposit {self.buyer_id}/{self.seller_id} {self.amount}"

    @property
    def held(self) -> Decimal:
        return self.amount - self.deducted - self.returned_amount


class CreditLimit(models.Model):
    """The cap a seller sets on a buyer's outstanding (PT10)."""

    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    set_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "seller"], name="payments_one_credit_limit")
        ]

    def __str__(self) -> str:
        return f"limit {self.buyer_id}/{self.seller_id} {self.amount}"


class Payout(models.Model):
    """What the operator owes a marketplace seller for one collected payment (PT14): the amount
    incl. VAT minus the commission incl. its VAT; paid by SEPA credit transfer (pain.001)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        EXPORTED = "exported", _("Sent to the bank")
        PAID = "paid", _("Paid")  # the operator's bank debited the transfer (statement or by hand)

    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="payouts")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="payout")
    gross = models.DecimalField(max_digits=14, decimal_places=2)
    commission = models.DecimalField(max_digits=14, decimal_places=2)  # incl. VAT
    net = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    end_to_end_id = models.CharField(max_length=35, unique=True)
    message_id = models.CharField(max_length=35, blank=True)
    created_at = models.DateTimeField()
    exported_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)  # PT14: the transfer left the account
    commission_invoice = models.OneToOneField(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The operator's commission invoice (I8), settled by deduction from this payout.",
    )

    def __str__(self) -> str:
        return f"payout {self.seller_id} {self.net}"


class RebateAgreement(models.Model):
    """A quarterly rebate set with a buyer at the start of the quarter (PT13 [003 §8]): a percent
    of the rebatable turnover from each threshold reached (tiers, highest reached applies)."""

    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(help_text="First day of the quarter.")
    period_end = models.DateField(help_text="Last day of the quarter.")
    tiers = models.JSONField(help_text='[{"threshold": "0.00", "percent": "2"}, …]')
    set_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "seller", "period_start"], name="payments_one_rebate_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"rebate {self.buyer_id}/{self.seller_id} {self.period_start}"


class RebateSettlement(models.Model):
    """What a rebate agreement gave at the end of its quarter: earned or forfeited, and why."""

    agreement = models.OneToOneField(
        RebateAgreement, on_delete=models.PROTECT, related_name="settlement"
    )
    turnover = models.DecimalField(max_digits=14, decimal_places=2)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    earned = models.DecimalField(max_digits=14, decimal_places=2)
    offset = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    due = models.DecimalField(max_digits=14, decimal_places=2)
    forfeited = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True, help_text="In French: the record.")
    reason_en = models.CharField(max_length=300, blank=True)
    open_item = models.OneToOneField(
        "ledger.OpenItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_on = models.DateField()

    def __str__(self) -> str:
        return f"rebate {self.agreement_id}: {self.due}"

    @property
    def reason_text(self) -> str:
        """The reason in the reader's language (the French one when there is no English)."""
        return self.reason_en if active_lang() == "en" and self.reason_en else self.reason


class CardIntent(models.Model):
    """A card payment asked of the payment provider (PT1), before the order proceeds (O10, PT2
    [000 §7.7] cash at order); once the provider confirms, it becomes a Payment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=20)
    provider_reference = models.CharField(max_length=100, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=64)  # the order number
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="card_intent"
    )
    refunded = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_reference} {self.status}"


class CardRefund(models.Model):
    """The card refund of a credit note (I5, O12) for an order paid by card at order (PT1): one
    per credit note, whatever happens; a failed one waits here for the retry sweep."""

    class Status(models.TextChoices):
        FAILED = "failed", _("Failed, waiting for retry")
        SUCCEEDED = "succeeded", _("Refunded")
        # deducted from other debts, or already refunded
        NOTHING = "nothing", _("Nothing to refund")

    intent = models.ForeignKey(CardIntent, on_delete=models.PROTECT, related_name="refunds")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    credit_note = models.OneToOneField(
        "billing.Invoice", on_delete=models.PROTECT, related_name="card_refund"
    )
    credit_note_number = models.CharField(max_length=35)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    status = models.CharField(max_length=10, choices=Status.choices)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    provider_refund_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)  # failed: when the sweep retries
    # the seller asked "retry now": the attempt is queued for the worker until it runs
    retry_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "credit_note_number"], name="payments_card_refund_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_number} {self.status} {self.amount}"


class FinancingPlan(models.Model):
    """An invoice assigned to the financing partner (PT3 [000 §1, §7.8]): the partner paid the
    seller at once, minus its fees; the buyer repays the partner on this schedule."""

    invoice_item = models.OneToOneField(
        "ledger.OpenItem", on_delete=models.PROTECT, related_name="financing_plan"
    )
    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    partner = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    partner_fee = models.DecimalField(max_digits=14, decimal_places=2)
    schedule = models.JSONField(help_text='[{"due": "2027-01-30", "amount": "400.00"}, …]')
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"financing {self.invoice_item_id} {self.partner}"


class LcrRemittance(models.Model):
    """One CFONB 160 "remise de LCR" file handed to the seller's bank (PT4): each LCR it carries
    points to it, so that an LCR is never remitted twice."""

    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="lcr_remittances")
    reference = models.CharField(max_length=11, unique=True)  # the header's remittance reference
    created_at = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=14, decimal_places=2)
    content = models.TextField()  # the file as sent, records separated by CR LF

    def __str__(self) -> str:
        return self.reference


class ScheduledPayment(models.Model):
    """What the buyer is to pay for an invoice, when and how (PT2): from the invoice and the
    option the buyer chose, as the terms engine computes it; one row per instalment."""

    invoice_item = models.ForeignKey(
        "ledger.OpenItem", on_delete=models.PROTECT, related_name="schedule"
    )
    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=Method.choices)
    number = models.PositiveSmallIntegerField(default=1)
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    collection_date = models.DateField(null=True, blank=True)  # direct debit day (PT2 [001 §4])
    discount_deadline = models.DateField(null=True, blank=True)  # cash discount (PT2 [003 §7])
    discount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    explanation = models.CharField(max_length=400, blank=True)
    lcr_remittance = models.ForeignKey(
        LcrRemittance,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lcrs",
        help_text="LCR only: the CFONB file that remitted it to the bank (exported once).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invoice_item", "number"], name="payments_schedule_number_once"
            )
        ]
        indexes = [models.Index(fields=["seller", "method", "due_date"])]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} on {self.due_date}"


class LcrReturn(models.Model):
    """An LCR its bank returned unpaid (effet impayé, PT4): the LCR it was, the bank's reason, the
    day, and what the return did — the payment reversed when its funds had been deemed
    available, the debt owed anew, the fee charged (none while the terms set none). One per LCR:
    a second return of the same LCR changes nothing."""

    lcr = models.OneToOneField(
        ScheduledPayment, on_delete=models.PROTECT, related_name="lcr_return"
    )
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=24)  # a code of services.lcr.REASONS, or "other"
    detail = models.CharField(max_length=80, blank=True)  # the bank's own words
    returned_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reversed_payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversed_amount = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    fee = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"LCR {self.lcr_id} returned {self.returned_on} ({self.reason})"


class Refund(models.Model):
    """What a seller owes back to a buyer for money received otherwise than by card (O12, O17):
    a prepayment of an order that did not go ahead, the sums a consumer's withdrawal makes due,
    what a consumer's credit note leaves, or a B2B buyer's credit refunded on request (I5). Paid
    back by SEPA credit transfer (pain.001) or by hand; one per source (`source_key`: the order
    for O12, the withdrawal for O17, the credit note `AV:<number>`, the request `I5:…`), so that
    creating it again changes nothing. Cancelled (due, held or exported only): the credit stays.
    Held at export when the buyer's credit no longer covers it (`held_*`), until the seller
    releases it (back to due) or cancels it; paid beyond the buyer's credit: `beyond_credit`."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        HELD = "held", _("Held")
        EXPORTED = "exported", _("Sent to the bank")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", pgettext_lazy("refund", "Cancelled")

    class Rule(models.TextChoices):
        O12 = "O12", _("O12 — the seller cancelled after payment")
        O17 = "O17", _("O17 — consumer's withdrawal")
        I5 = "I5", _("I5 — a credit refunded on request")

    buyer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="refunds_owed")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=64, help_text="The order number.")
    rule = models.CharField(max_length=3, choices=Rule.choices)
    reason = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.TRANSFER)
    source_key = models.CharField(max_length=80)
    creditor_name = models.CharField(max_length=70, blank=True)
    creditor_iban = models.CharField(max_length=34, blank=True)
    creditor_bic = models.CharField(max_length=11, blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    end_to_end_id = models.CharField(max_length=35, unique=True)
    message_id = models.CharField(max_length=35, blank=True)
    created_at = models.DateTimeField()
    exported_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(
        "parties.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    open_item = models.OneToOneField(
        "ledger.OpenItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund",
        help_text="Money going out, matched against the buyer's credit once paid.",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "parties.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.CharField(
        max_length=40, blank=True, help_text="Why the export held it back (a code)."
    )
    held_credit = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the buyer's credit still covered for it when it was held.",
    )
    beyond_credit = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text="Paid beyond the buyer's credit at that moment: what the buyer owes back.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller", "source_key"], name="payments_refund_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["due", "held", "exported", "paid", "cancelled"]),
                name="payments_refund_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["seller", "status", "due_on"])]

    def __str__(self) -> str:
        return f"refund {self.reference} {self.amount} {self.status}"
