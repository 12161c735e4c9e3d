"""What fulfilment puts on the buyer's next invoice (F7, F10, I5): the charges it recorded
(refused delivery fee and transport, return of uncollected goods, wrong goods kept) as
document-level charges, and the packaging deposits owed back as allowances deducted from it.

Ordering drafts every invoice of an order (`comptoir.ordering.invoicing.draft_for`) and asks the
hooks registered in `NEXT_INVOICE_ITEMS`; this one is registered when the app loads. It runs in
the invoice's transaction and marks each row it hands over (`invoiced` / `credited`, with the
order whose invoice carries it) under a row lock, so a row is billed exactly once even when two
invoices of the same buyer are drafted at the same time."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db import connection, transaction

from comptoir.billing import rules as billing
from comptoir.fulfilment.models import Charge, PackagingReturn
from comptoir.fulfilment.rules import refunds_within
from comptoir.ordering.models import Order


def _locked(query):  # type: ignore[no-untyped-def]
    if connection.vendor == "postgresql":
        return query.select_for_update(of=("self",))
    return query.select_for_update()


def _charge_reason(charge: Charge) -> str:
    return f"{charge.explanation} ({charge.rule})"[:200]


def next_invoice_items(order: Order, draft: billing.DocumentDraft) -> billing.DocumentDraft:
    """`draft` with the buyer's pending fulfilment charges added as fees and the deposit refunds
    the invoice can absorb added as allowances (whole refunds only, oldest first, at the VAT
    rate of the largest base), each row marked billed with `order`."""
    with transaction.atomic():
        pair = {"order__buyer_id": order.buyer_id, "order__seller_id": order.seller_id}
        charges = list(
            _locked(Charge.objects.filter(invoiced=False, **pair)).order_by("created_at", "pk")
        )
        fees = tuple(
            billing.Adjustment(
                reason=_charge_reason(c), amount=c.amount_excl_vat, vat_rate=c.vat_rate
            )
            for c in charges
        )
        if charges:
            Charge.objects.filter(pk__in=[c.pk for c in charges]).update(
                invoiced=True, invoiced_with=order
            )
        draft = dataclasses.replace(draft, fees=(*draft.fees, *fees))
        refunds = list(
            _locked(
                PackagingReturn.objects.filter(
                    buyer_id=order.buyer_id,
                    seller_id=order.seller_id,
                    credited=False,
                    refund_due__gt=0,
                )
            ).order_by("returned_on", "pk")
        )
        if not refunds:
            return draft
        if not draft.lines:
            return draft
        bases = billing.compute_totals(draft).vat
        largest = max(bases, key=lambda v: (v.base, v.rate))
        chosen = refunds_within([(r.pk, r.refund_due) for r in refunds], largest.base)
        if not chosen:
            return draft
        picked = [r for r in refunds if r.pk in set(chosen)]
        discounts = tuple(
            billing.Adjustment(
                reason=(
                    f"Remboursement de consigne : {r.quantity} × {r.item_name} rendus le "
                    f"{r.returned_on:%d/%m/%Y} (F10)"
                )[:200],
                amount=Decimal(r.refund_due),
                vat_rate=largest.rate,
            )
            for r in picked
        )
        PackagingReturn.objects.filter(pk__in=chosen).update(credited=True, credited_with=order)
        return dataclasses.replace(draft, discounts=(*draft.discounts, *discounts))
