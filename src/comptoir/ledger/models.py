"""Double-entry journal, open items and their matching (lettrage).

Journal entries and lines are insert-only: `save()` on an existing row, `delete()` and queryset
`update()`/`delete()` raise. Corrections are new entries. Balance of every entry is enforced by the
posting service (comptoir.ledger.services.journal_entry_post); each line has exactly one positive
side (database CheckConstraint).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.errors import DomainError

ZERO = Decimal("0.00")


def _immutable(what: str) -> DomainError:
    return DomainError(
        code="immutable",
        message=_("%(what)s is insert-only; post a correcting entry instead.") % {"what": what},
        rule="I9",
    )


class InsertOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise _immutable(self.model.__name__)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _immutable(self.model.__name__)


class InsertOnlyModel(models.Model):
    objects = InsertOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _immutable(type(self).__name__)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _immutable(type(self).__name__)


class AccountPurpose(models.TextChoices):
    RECEIVABLE = "receivable", gettext_lazy("Receivable (customer)")
    PAYABLE = "payable", gettext_lazy("Payable (supplier)")
    SELLER_REVENUE = "seller_revenue", gettext_lazy("Seller revenue")
    VAT_COLLECTED = "vat_collected", gettext_lazy("VAT collected")
    OPERATOR_COMMISSION = "operator_commission", gettext_lazy("Operator commission")
    FUNDS_HELD_FOR_SELLERS = "funds_held_for_sellers", gettext_lazy("Funds held for sellers")
    DEPOSITS_HELD = "deposits_held", gettext_lazy("Deposits held")
    FINANCING_PARTNER = "financing_partner", gettext_lazy("Financing partner")
    BANK = "bank", gettext_lazy("Bank")


class Account(models.Model):
    Purpose = AccountPurpose

    party = models.ForeignKey(
        "parties.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    purpose = models.CharField(max_length=32, choices=AccountPurpose.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party", "purpose"],
                condition=Q(party__isnull=False),
                name="ledger_account_party_purpose_unique",
            ),
            models.UniqueConstraint(
                fields=["purpose"],
                condition=Q(party__isnull=True),
                name="ledger_account_platform_purpose_unique",
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=AccountPurpose.values),
                name="ledger_account_purpose_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.party_id or 'platform'}"


class JournalEntry(InsertOnlyModel):
    journal = models.CharField(max_length=4, default="OD")  # FEC JournalCode: VE sales, OD misc.
    date = models.DateField()
    label = models.CharField(max_length=200)
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField()
    # What the label says, as structured facts written by the posting context (e.g. {"kind":
    # "interest", "reference": "FA-…", "on": "2026-11-20"}), so that pages can say it in the
    # reader's language; `label` stays the record as written. None: entries posted before it
    # existed, or by a context that gives none.
    data = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.journal} {self.reference} {self.label}"


class JournalLine(InsertOnlyModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    debit = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    credit = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="ledger_line_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} D {self.debit} C {self.credit}"


class OpenItem(models.Model):
    """An amount a party owes (positive) or is owed (negative) on an account, until matched.

    `open_amount` goes towards zero as matchings are made; it has the sign of `amount`."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", gettext_lazy("Invoice")
        CREDIT_NOTE = "credit_note", gettext_lazy("Credit note")
        PAYMENT = "payment", gettext_lazy("Payment")
        INTEREST = "interest", gettext_lazy("Late-payment interest")
        FEE = "fee", gettext_lazy("Fee")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="open_items")
    # indexed as the first column of (party, counterparty, due_date) below
    party = models.ForeignKey(
        "parties.Organization",
        on_delete=models.PROTECT,
        related_name="open_items",
        db_index=False,
    )
    counterparty = models.ForeignKey(
        "parties.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterparty_open_items",
    )
    entry = models.ForeignKey(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="open_items"
    )
    reference = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    open_amount = models.DecimalField(max_digits=14, decimal_places=2)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["party", "counterparty", "due_date"]),
            # open credit notes, looked up at every issue to settle them (billing, I5)
            models.Index(
                fields=["party", "counterparty"],
                condition=Q(kind="credit_note") & ~Q(open_amount=0),
                name="ledger_open_credit_note_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(amount__gt=0) & Q(open_amount__gte=0) & Q(open_amount__lte=F("amount"))
                )
                | (Q(amount__lt=0) & Q(open_amount__lte=0) & Q(open_amount__gte=F("amount"))),
                name="ledger_open_item_open_within_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.open_amount}/{self.amount}"


class Matching(InsertOnlyModel):
    """Lettrage: `amount` (positive) of debit item A settled by credit item B."""

    item_a = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="matchings_as_a")
    item_b = models.ForeignKey(OpenItem, on_delete=models.PROTECT, related_name="matchings_as_b")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_matching_positive")
        ]

    def __str__(self) -> str:
        return f"{self.item_a_id} ↔ {self.item_b_id}: {self.amount}"
