"""Invoices and credit notes, their lines and VAT breakdown, number series, rendered documents.

Amounts are computed once by `billing.rules.compute_totals` and stored. An issued document never
changes (I9): `save()` and `delete()` refuse once the stored status is `issued`; the only allowed
transition is draft → issued, made by `billing.services.invoice_issue` under a row lock.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from comptoir.core.errors import DomainError


def _immutable(what: str) -> DomainError:
    return DomainError(
        code="document_issued",
        message=_("%(what)s is issued and can no longer change; issue a credit note instead.")
        % {"what": what},
        rule="I9",
    )


class Kind(models.TextChoices):
    INVOICE = "invoice", gettext_lazy("Invoice")
    CREDIT_NOTE = "credit_note", gettext_lazy("Credit note")


class Status(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    ISSUED = "issued", pgettext_lazy("invoice", "Issued")


class Category(models.TextChoices):
    SALE = "sale", gettext_lazy("Sale")
    COMMISSION = "commission", gettext_lazy("Commission")


class InvoiceQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        if self.filter(status=Status.ISSUED).exists():
            raise _immutable(_("Invoice"))
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status=Status.ISSUED).exists():
            raise _immutable(_("Invoice"))
        return super().delete()


class Invoice(models.Model):
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INVOICE)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.SALE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    issuer = models.ForeignKey(
        "parties.Organization", on_delete=models.PROTECT, related_name="issued_invoices"
    )
    recipient = models.ForeignKey(
        "parties.Organization", on_delete=models.PROTECT, related_name="received_invoices"
    )
    number = models.CharField(max_length=35, null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    sale_date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    issuer_snapshot = models.JSONField()
    recipient_snapshot = models.JSONField()
    delivery_address = models.JSONField(null=True, blank=True)
    references = models.JSONField(default=dict, blank=True)
    payment_terms_text = models.CharField(max_length=300, blank=True)
    nature = models.CharField(max_length=8, default="goods")
    currency = models.CharField(max_length=3, default="EUR")
    mentions = models.JSONField(default=list, blank=True)
    # O17: the buyer bought as a consumer: no B2B late-payment mentions, no recovery indemnity
    consumer = models.BooleanField(default=False)
    charges = models.JSONField(default=list, blank=True)
    allowances = models.JSONField(default=list, blank=True)
    line_total = models.DecimalField(max_digits=14, decimal_places=2)
    charge_total = models.DecimalField(max_digits=14, decimal_places=2)
    allowance_total = models.DecimalField(max_digits=14, decimal_places=2)
    total_excl_vat = models.DecimalField(max_digits=14, decimal_places=2)
    total_vat = models.DecimalField(max_digits=14, decimal_places=2)
    total_incl_vat = models.DecimalField(max_digits=14, decimal_places=2)
    credited_invoice = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    created_at = models.DateTimeField()

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=Q(number__isnull=False),
                name="billing_invoice_number_unique_per_issuer",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True)
                | Q(status="issued", number__isnull=False, issue_date__isnull=False),
                name="billing_invoice_number_iff_issued",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["invoice", "credit_note"]), name="billing_invoice_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credited_invoice__isnull=True)
                | Q(kind="credit_note", credited_invoice__isnull=False),
                name="billing_credit_note_references_invoice",
            ),
        ]
        indexes = [models.Index(fields=["issuer", "status", "issue_date"])]

    def __str__(self) -> str:
        return self.number or f"draft #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_stored_status", None) == Status.ISSUED:
            raise _immutable(_("Invoice %(number)s") % {"number": self.number})
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if getattr(self, "_stored_status", None) == Status.ISSUED or self.status == Status.ISSUED:
            raise _immutable(_("Invoice %(number)s") % {"number": self.number})
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Invoice:
        obj = super().from_db(db, field_names, values)
        obj._stored_status = obj.__dict__.get("status")
        return obj

    @property
    def is_issued(self) -> bool:
        return self.status == Status.ISSUED


class _ChildQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        if self.filter(invoice__status=Status.ISSUED).exists():
            raise _immutable(_("Invoice line"))
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(invoice__status=Status.ISSUED).exists():
            raise _immutable(_("Invoice line"))
        return super().delete()


class _InvoiceChild(models.Model):
    objects = _ChildQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._invoice_issued():
            raise _immutable(_("Invoice line"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._invoice_issued():
            raise _immutable(_("Invoice line"))
        return super().delete(*args, **kwargs)

    def _invoice_issued(self) -> bool:
        return Invoice.objects.filter(pk=self.invoice_id, status=Status.ISSUED).exists()


class InvoiceLine(_InvoiceChild):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    sku = models.CharField(max_length=64, blank=True)
    gtin = models.CharField(max_length=14, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    unit_code = models.CharField(max_length=3, default="C62")
    net_unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    net_amount = models.DecimalField(max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class VatBreakdown(_InvoiceChild):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_breakdown")
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    category = models.CharField(max_length=2, default="S")
    base = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-rate"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "rate"], name="billing_vat_rate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rate} %: {self.base} → {self.amount}"


class NumberSeries(models.Model):
    """Gapless counter per issuer, document kind and year, locked in the issue transaction."""

    issuer = models.ForeignKey("parties.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    year = models.PositiveIntegerField()
    prefix = models.CharField(max_length=8)
    next_number = models.PositiveIntegerField(default=1)
    last_issue_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "kind", "year"], name="billing_series_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year} next {self.next_number}"

    def format(self, n: int) -> str:
        return f"{self.prefix}-{self.year}-{n:06d}"


class InvoiceDocument(models.Model):
    """The rendered PDF/A-3 (Factur-X XML embedded) of an issued document, kept apart so that
    rendering in the background never touches the immutable invoice row."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="document")
    pdf = models.FileField(upload_to="invoices/%Y/")
    xml_sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.pdf.name
