"""The schedule of an issued invoice (PT2, PT3): amounts and due dates for the option the buyer
chose — one payment, cash with a discount window, end-of-month terms, instalments or deferral —
computed by the terms engine from the invoice's figures, and the LCR to present (PT4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from comptoir.billing.models import Invoice
from comptoir.ledger.models import OpenItem
from comptoir.payments.models import ScheduledPayment
from comptoir.payments.policy import payment_policy
from comptoir.terms.engine.adapter import policy_for
from comptoir.terms.engine.payment import payment_options
from comptoir.terms.engine.quote import PaymentOption, VatLine


def _choose(options: list[PaymentOption], method: str, variant: str) -> PaymentOption | None:
    """The option of `method`; `variant` picks "×3" instalments or "+45" deferral labels."""
    candidates = [o for o in options if o.method == method]
    if variant:
        for o in candidates:
            if o.label.endswith(variant):
                return o
    plain = [o for o in candidates if not o.instalments and o.rule != "PT3"]
    found = plain or candidates
    return found[0] if found else None


def schedule_for_invoice(
    *, invoice: Invoice, method: str, order_date: date, variant: str = ""
) -> list[ScheduledPayment]:
    """Store the schedule of `invoice` paid by `method` (idempotent: an existing one is kept)."""
    item = OpenItem.objects.filter(
        party_id=invoice.recipient_id,
        counterparty_id=invoice.issuer_id,
        reference=invoice.number,
        kind=OpenItem.Kind.INVOICE,
    ).first()
    if item is None or invoice.issue_date is None:
        return []
    existing = list(ScheduledPayment.objects.filter(invoice_item=item).order_by("number"))
    if existing:
        return existing
    policy = payment_policy(invoice.issuer_id, invoice.issue_date)
    if policy is None:
        return []
    vat = [VatLine(v.rate, v.base, v.amount) for v in invoice.vat_breakdown.all()]
    options = payment_options(
        policy_for(policy.document).payment,
        invoice.issue_date,
        order_date,
        invoice.total_excl_vat,
        invoice.total_incl_vat,
        vat,
        goods_excl_vat=invoice.line_total - invoice.allowance_total,
    )
    option = _choose(options, method, variant)
    if option is None:
        rows = [(1, invoice.due_date or invoice.issue_date, invoice.total_incl_vat)]
    elif option.instalments:
        rows = [(i.number, i.due, i.amount) for i in option.instalments]
    else:
        # the invoice's due date is authoritative (a terms cut may have brought it forward)
        rows = [(1, invoice.due_date or option.due_dates[-1], invoice.total_incl_vat)]
    made = [
        ScheduledPayment(
            invoice_item=item,
            buyer_id=invoice.recipient_id,
            seller_id=invoice.issuer_id,
            method=method or "transfer",
            number=number,
            due_date=due,
            amount=amount,
            collection_date=option.collection_date if option else None,
            discount_deadline=option.discount_deadline if option else None,
            discount=option.discount if option else None,
            explanation=(option.explanation.fr if option else "")[:400],
        )
        for number, due, amount in rows
    ]
    return ScheduledPayment.objects.bulk_create(made)


@dataclass(frozen=True)
class LcrToPresent:
    reference: str
    buyer: str
    amount: Any
    due_date: date
    present_by: date  # PT4 [003 §7]: received 12 days before the due date counts on time


def lcr_to_present(*, seller: Any, until: date) -> list[LcrToPresent]:
    """The LCR of `seller` still open and due by `until`, with the day each must reach the bank
    (PT4: `lcr_received_days_before_due`, 12 days in the selective-beauty terms)."""
    rows: QuerySet[ScheduledPayment] = (
        ScheduledPayment.objects.filter(
            seller=seller, method="lcr", due_date__lte=until, invoice_item__open_amount__gt=0
        )
        .select_related("invoice_item", "buyer")
        .order_by("due_date", "pk")
    )
    out = []
    for row in rows:
        policy = payment_policy(row.seller_id, row.due_date)
        days = policy.document.payment.counts_as_paid.lcr_received_days_before_due if policy else 0
        out.append(
            LcrToPresent(
                row.invoice_item.reference,
                row.buyer.legal_name,
                min(row.amount, row.invoice_item.open_amount),
                row.due_date,
                row.due_date - timedelta(days=days or 0),
            )
        )
    return out
