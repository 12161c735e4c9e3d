"""The schedule of an issued invoice (PT2, PT3): amounts and due dates for the option the buyer
chose — one payment, cash with a discount window, end-of-month terms, instalments or deferral —
computed by the terms engine from the invoice's figures, and the LCR to present (PT4)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from comptoir.billing.models import Invoice, VatBreakdown
from comptoir.ledger.bulk import insert_rows
from comptoir.ledger.models import OpenItem
from comptoir.payments.models import ScheduledPayment
from comptoir.payments.policy import PaymentPolicy, payment_policy
from comptoir.terms.engine.adapter import policy_for
from comptoir.terms.engine.payment import payment_options
from comptoir.terms.engine.quote import PaymentOption, VatLine

#: Rows per query in the batch path.
CHUNK = 1000
_KEYS = {"invoice_item", "buyer", "seller"}


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


#: The columns of a schedule row, in the order `_rows` gives them.
FIELDS = (
    "invoice_item",
    "buyer",
    "seller",
    "method",
    "number",
    "due_date",
    "amount",
    "collection_date",
    "discount_deadline",
    "discount",
    "explanation",
)


def _rows(
    *,
    invoice: Invoice,
    item_id: int,
    method: str,
    order_date: date,
    variant: str,
    policy: PaymentPolicy,
    vat: list[VatLine],
) -> list[tuple[Any, ...]]:
    """The schedule rows of one invoice, as values in the order of `FIELDS`: one path for the
    invoices issued one by one and those of the monthly batch, so both get the same schedule."""
    assert invoice.issue_date is not None
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
    return [
        (
            item_id,
            invoice.recipient_id,
            invoice.issuer_id,
            method or "transfer",
            number,
            due,
            amount,
            option.collection_date if option else None,
            option.discount_deadline if option else None,
            option.discount if option else None,
            (option.explanation.fr if option else "")[:400],
        )
        for number, due, amount in rows
    ]


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
    rows = _rows(
        invoice=invoice,
        item_id=item.pk,
        method=method,
        order_date=order_date,
        variant=variant,
        policy=policy,
        vat=vat,
    )
    made = [
        ScheduledPayment(
            **{f"{f}_id" if f in _KEYS else f: v for f, v in zip(FIELDS, row, strict=True)}
        )
        for row in rows
    ]
    return ScheduledPayment.objects.bulk_create(made)


@dataclass(frozen=True)
class ScheduleRequest:
    """One issued invoice of a batch and what its order says: the method and option the buyer
    chose at checkout (`variant` as `ordering.rules.schedule_variant` gives it), and the day the
    order was placed."""

    invoice: Invoice
    method: str
    order_date: date
    variant: str = ""


def schedules_for_invoices(requests: Sequence[ScheduleRequest]) -> int:
    """The schedules of many issued invoices at once (the monthly batch, I1, O6): the same rows as
    `schedule_for_invoice` gives each one, in a handful of queries and bulk inserts whatever
    their number. Invoices that already have a schedule keep it. Returns the rows created."""
    wanted = [r for r in requests if r.invoice.issue_date is not None and r.invoice.number]
    if not wanted:
        return 0
    items: dict[tuple[int, int, str], int] = {}
    issuers = {r.invoice.issuer_id for r in wanted}
    numbers = [r.invoice.number for r in wanted]
    for start in range(0, len(numbers), CHUNK):
        for pk, party, counterparty, reference in OpenItem.objects.filter(
            kind=OpenItem.Kind.INVOICE,
            counterparty_id__in=issuers,
            reference__in=numbers[start : start + CHUNK],
        ).values_list("pk", "party_id", "counterparty_id", "reference"):
            items[(party, counterparty, reference)] = pk
    found = [
        (r, items[key])
        for r in wanted
        if (key := (r.invoice.recipient_id, r.invoice.issuer_id, r.invoice.number)) in items
    ]
    item_ids = [item_id for _r, item_id in found]
    invoice_ids = [r.invoice.pk for r, _item_id in found]
    scheduled: set[int] = set()
    vat: dict[int, list[VatLine]] = defaultdict(list)
    for start in range(0, len(found), CHUNK):
        scheduled.update(
            ScheduledPayment.objects.filter(
                invoice_item_id__in=item_ids[start : start + CHUNK]
            ).values_list("invoice_item_id", flat=True)
        )
        for invoice_id, rate, base, amount in (
            VatBreakdown.objects.filter(invoice_id__in=invoice_ids[start : start + CHUNK])
            .order_by("invoice_id", "-rate")  # as `invoice.vat_breakdown.all()`
            .values_list("invoice_id", "rate", "base", "amount")
        ):
            vat[invoice_id].append(VatLine(rate, base, amount))
    policies: dict[tuple[int, date], PaymentPolicy | None] = {}
    made: list[tuple[Any, ...]] = []
    for request, item_id in found:
        invoice = request.invoice
        if item_id in scheduled or invoice.issue_date is None:
            continue
        scheduled.add(item_id)  # the same invoice twice in `requests`: once
        terms_key = (invoice.issuer_id, invoice.issue_date)
        if terms_key not in policies:
            policies[terms_key] = payment_policy(invoice.issuer_id, invoice.issue_date)
        policy = policies[terms_key]
        if policy is None:
            continue
        made.extend(
            _rows(
                invoice=invoice,
                item_id=item_id,
                method=request.method,
                order_date=request.order_date,
                variant=request.variant,
                policy=policy,
                vat=vat[invoice.pk],
            )
        )
    insert_rows(ScheduledPayment, FIELDS, made)
    return len(made)


@dataclass(frozen=True)
class LcrToPresent:
    reference: str
    buyer: str
    amount: Any
    due_date: date
    present_by: date  # PT4 [003 §7]: received 12 days before the due date counts on time
    schedule_id: int = 0
    buyer_id: int = 0
    remittance: str = ""  # the CFONB file that remitted it to the bank, once exported


def lcr_to_present(*, seller: Any, until: date, not_exported: bool = False) -> list[LcrToPresent]:
    """The LCR of `seller` still open and due by `until`, with the day each must reach the bank
    (PT4: `lcr_received_days_before_due`, 12 days in the selective-beauty terms), and the
    remittance file that carried each one already (`not_exported`: only the others)."""
    rows: QuerySet[ScheduledPayment] = (
        ScheduledPayment.objects.filter(
            seller=seller, method="lcr", due_date__lte=until, invoice_item__open_amount__gt=0
        )
        .select_related("invoice_item", "buyer", "lcr_remittance")
        .order_by("due_date", "pk")
    )
    if not_exported:
        rows = rows.filter(lcr_remittance__isnull=True)
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
                schedule_id=row.pk,
                buyer_id=row.buyer_id,
                remittance=row.lcr_remittance.reference if row.lcr_remittance else "",
            )
        )
    return out
