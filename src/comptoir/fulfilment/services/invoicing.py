"""What fulfilment puts on the buyer's next invoice (F7, F10, I5): the packaging deposits charged
with its orders, each as its own line with the seller's clause; the charges it recorded (refused
delivery fee and transport, return of uncollected goods, wrong goods kept) as document-level
charges; and the packaging deposits owed back as allowances deducted from it.

Ordering drafts every invoice of an order (`comptoir.ordering.invoicing.draft_for`, also in the
monthly batch) and asks the hooks registered in `NEXT_INVOICE_ITEMS`; this one is registered when
the app loads. It runs in the invoice's transaction and marks each row it hands over (`invoiced` /
`credited`, with the order whose invoice carries it) under a row lock, so a row is billed exactly
once even when two invoices of the same buyer are drafted at the same time.

Deposits and their refunds are outside the VAT base (F10, `rules.DEPOSIT_VAT_RATE`): a refund is
deducted only from the 0 % base of the invoice (the deposits it carries), never from the goods."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db import connection, transaction

from comptoir.billing import rules as billing
from comptoir.fulfilment.models import Charge, PackagingDeposit, PackagingReturn
from comptoir.fulfilment.rules import (
    DEPOSIT_VAT_CATEGORY,
    DEPOSIT_VAT_RATE,
    deposit_line_text,
    refunds_within,
)
from comptoir.ordering.models import Order
from comptoir.ordering.policy import ordering_policy

DEPOSIT_MENTION = (
    "Consignes d'emballages hors base d'imposition de la TVA (CGI art. 267), "
    "remboursées au retour des emballages selon les conditions générales (F10)."
)


def locked(query):  # type: ignore[no-untyped-def]
    if connection.vendor == "postgresql":
        return query.select_for_update(of=("self",))
    return query.select_for_update()


def charge_reason(charge: Charge) -> str:
    return f"{charge.explanation} ({charge.rule})"[:200]


def deposit_line(deposit: PackagingDeposit) -> billing.LineInput:
    terms = ordering_policy(deposit.order.terms_version).document.fulfilment.returnable_deposits
    clause = terms.clause if terms is not None else None
    return billing.LineInput(
        description=deposit_line_text(
            item_name=deposit.item_name,
            unit=deposit.unit,
            order_number=deposit.order.number or str(deposit.order_id),
            article=clause.article if clause is not None else "",
            clause=clause.text if clause is not None else "",
        ),
        sku="",
        quantity=Decimal(deposit.quantity),
        unit_price=Decimal(deposit.unit_deposit),
        vat_rate=Decimal(deposit.vat_rate),
        vat_category=DEPOSIT_VAT_CATEGORY if deposit.vat_rate == DEPOSIT_VAT_RATE else "",
    )


def _with_deposits(order: Order, draft: billing.DocumentDraft) -> billing.DocumentDraft:
    """F10: every deposit of the pair not yet billed, oldest first, as its own line; only those
    of orders of the invoiced order's kind (O17: a consumer's and a professional's items are not
    on one document, see `standalone`)."""
    deposits = list(
        locked(
            PackagingDeposit.objects.filter(
                invoiced=False,
                order__buyer_id=order.buyer_id,
                order__seller_id=order.seller_id,
                order__consumer=order.consumer,
            )
        )
        .select_related("order__terms_version")
        .order_by("created_at", "pk")
    )
    if not deposits:
        return draft
    PackagingDeposit.objects.filter(pk__in=[d.pk for d in deposits]).update(
        invoiced=True, invoiced_with=order
    )
    return dataclasses.replace(draft, lines=(*draft.lines, *(deposit_line(d) for d in deposits)))


def _with_mention(draft: billing.DocumentDraft) -> billing.DocumentDraft:
    if DEPOSIT_MENTION in draft.mentions:
        return draft
    return dataclasses.replace(draft, mentions=(*draft.mentions, DEPOSIT_MENTION))


def buyers_with_pending(seller_id: int, buyer_ids: list[int]) -> set[int]:
    """The buyers among `buyer_ids` with deposits, charges or deposit refunds waiting for their
    next invoice from `seller_id` (three queries, for a whole batch)."""
    pair = {"order__seller_id": seller_id, "order__buyer_id__in": buyer_ids}
    found = set(
        PackagingDeposit.objects.filter(invoiced=False, **pair).values_list(
            "order__buyer_id", flat=True
        )
    )
    found |= set(
        Charge.objects.filter(invoiced=False, **pair).values_list("order__buyer_id", flat=True)
    )
    found |= set(
        PackagingReturn.objects.filter(
            seller_id=seller_id, buyer_id__in=buyer_ids, credited=False, refund_due__gt=0
        ).values_list("buyer_id", flat=True)
    )
    return found


def next_invoice_items(order: Order, draft: billing.DocumentDraft) -> billing.DocumentDraft:
    """`draft` with the buyer's unbilled packaging deposits added as lines (F10), its pending
    fulfilment charges as fees (F7) and the deposit refunds the invoice's 0 % base can absorb as
    allowances (whole refunds only, oldest first), each row marked billed with `order`."""
    with transaction.atomic():
        if not draft.lines:  # nothing to carry them: they wait for an invoice with lines
            return draft
        # O17: only the items of orders of this order's kind (consumer or professional); the
        # others wait for an invoice of their kind or the standalone one
        pair = {
            "order__buyer_id": order.buyer_id,
            "order__seller_id": order.seller_id,
            "order__consumer": order.consumer,
        }
        lines_before = len(draft.lines)
        draft = _with_deposits(order, draft)
        charges = list(
            locked(Charge.objects.filter(invoiced=False, **pair)).order_by("created_at", "pk")
        )
        fees = tuple(
            billing.Adjustment(
                reason=charge_reason(c), amount=c.amount_excl_vat, vat_rate=c.vat_rate
            )
            for c in charges
        )
        if charges:
            Charge.objects.filter(pk__in=[c.pk for c in charges]).update(
                invoiced=True, invoiced_with=order
            )
        draft = dataclasses.replace(draft, fees=(*draft.fees, *fees))
        if len(draft.lines) > lines_before:
            draft = _with_mention(draft)
        refunds = list(
            locked(
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
        room = sum(
            (v.base for v in billing.compute_totals(draft).vat if v.rate == DEPOSIT_VAT_RATE),
            Decimal("0.00"),
        )
        chosen = refunds_within([(r.pk, r.refund_due) for r in refunds], room)
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
                vat_rate=DEPOSIT_VAT_RATE,
                vat_category=DEPOSIT_VAT_CATEGORY,
            )
            for r in picked
        )
        PackagingReturn.objects.filter(pk__in=chosen).update(credited=True, credited_with=order)
        return _with_mention(dataclasses.replace(draft, discounts=(*draft.discounts, *discounts)))
