"""The invoice of an order (I1–I4), drafted from what the buyer agreed: the order's lines, the fees
and discounts of its quote, the due date of the payment option it chose, and the mentions its
seller's terms require. Billing numbers, posts and renders it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from comptoir.billing import rules as billing
from comptoir.billing.mentions import TermsFacts
from comptoir.billing.snapshots import party_snapshot
from comptoir.ordering.models import Order
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import PARIS, consumer_document
from comptoir.payments.queries import terms_cut
from comptoir.terms.engine.payment import payment_options
from comptoir.terms.schema import TermsDocument

FORMULA_TEXT = {
    "legal_rate_multiple": "{m} fois le taux d'intérêt légal",
    "fixed_annual": "{r} % par an",
    "monthly": "{r} % par mois",
    "reference_plus_points": "taux de la BCE majoré de {p} points",
}


def terms_facts(
    doc: TermsDocument,
    *,
    operator_name: str = "",
    operator_siren: str = "",
    payment_method: str = "",
) -> TermsFacts:
    """The facts of the seller's terms printed on its invoices (I3, PT11, PT15, I2)."""
    interest = doc.late_payment.interest if doc.late_payment is not None else None
    rate_text = TermsFacts.late_penalty_rate_text
    if interest is not None:
        rate_text = FORMULA_TEXT[interest.kind].format(
            m=interest.multiplier, r=interest.rate, p=interest.points
        )
    indemnity = Decimal("40")
    if doc.late_payment is not None and doc.late_payment.fixed_indemnity is not None:
        indemnity = doc.late_payment.fixed_indemnity.amount
    mandate = doc.invoicing.billing_mandate
    partner = next(
        (
            o.partner
            for o in doc.payment.options
            if o.method == payment_method == "financing_partner" and o.invoice_assigned
        ),
        "",
    )
    return TermsFacts(
        financing_partner=partner,  # PT3: "Facture cédée à …"
        late_penalty_rate_text=rate_text,
        recovery_indemnity=indemnity,
        retention_of_title=doc.retention_of_title is not None,
        mandate_operator=(operator_name or mandate.issuer) if mandate is not None else "",
        mandate_operator_siren=operator_siren if mandate is not None else "",
    )


# Upper contexts add what they owe to or claim from the buyer on its next invoice (fulfilment:
# F7 charges, F10 deposit refunds); each hook marks what it adds as billed, once.
NEXT_INVOICE_ITEMS: list[Callable[[Order, billing.DocumentDraft], billing.DocumentDraft]] = []
# For a batch: each upper context says which of these buyers have something waiting with the
# seller, so that the hooks run only for them (a few queries per batch instead of per order).
NEXT_INVOICE_PENDING: list[Callable[[int, list[int]], set[int]]] = []


def buyers_with_pending_items(seller_id: int, buyer_ids: list[int]) -> set[int]:
    """The buyers among `buyer_ids` whose next invoice from `seller_id` has items to carry."""
    found: set[int] = set()
    for pending in NEXT_INVOICE_PENDING:
        found |= pending(seller_id, buyer_ids)
    return found


def _adjustments(items: list[dict[str, Any]]) -> tuple[billing.Adjustment, ...]:
    return tuple(
        billing.Adjustment(
            reason=item["explanation"]["fr"][:200],
            amount=Decimal(item["amount"]),
            vat_rate=Decimal(item["vat_rate"]),
        )
        for item in items
        if Decimal(item["amount"]) > 0
    )


def due_date(order: Order, invoice_date: date) -> date | None:
    """The due date of the order's payment option for an invoice dated `invoice_date` (PT2),
    from the terms' due-date rule (pure, no re-quote); for instalments, the last one. The option
    is the one the buyer chose (PT3: a deferral, instalments), else the method's first."""
    policy = ordering_policy(order.terms_version).engine
    options = payment_options(
        policy.payment,
        invoice_date,
        order.placed_at.astimezone(PARIS).date(),
        order.total_excl_vat,
        order.total_incl_vat,
        (),
    )
    chosen = [o for o in options if order.payment_option and o.key == order.payment_option]
    for option in chosen or options:
        if option.method == order.payment_method and option.due_dates:
            return _cut(order, invoice_date, option.due_dates[-1])
    return None


def _cut(order: Order, invoice_date: date, due: date) -> date:
    """PT11 [003 §7]: while the buyer's terms are cut after a payment incident, the invoice is
    due within the cut's days at most (one query, only for terms that have a cut)."""
    if ordering_policy(order.terms_version).document.late_payment.terms_cut is None:
        return due
    cut = terms_cut(buyer=order.buyer_id, seller=order.seller_id, on=invoice_date)
    if cut is None:
        return due
    return min(due, invoice_date + timedelta(days=cut.max_days))


def draft_for(
    order: Order,
    *,
    invoice_date: date,
    issuer: billing.PartySnapshot | None = None,
    recipient: billing.PartySnapshot | None = None,
    pending_buyers: set[int] | None = None,
) -> billing.DocumentDraft:
    """The invoice draft of an order; `issuer`/`recipient` let a batch reuse its snapshots, and
    `pending_buyers` (from `buyers_with_pending_items`) skip the next-invoice hooks for buyers
    with nothing waiting.
    The quote's fees include the O11 charges (manual handling, a change after acceptance), each
    billed as a charge with its reason, which names the rule and the seller's clause."""
    quote = order.quote
    draft = billing.DocumentDraft(
        issuer=issuer or party_snapshot(order.seller),
        recipient=recipient or party_snapshot(order.buyer),
        lines=tuple(
            billing.LineInput(
                description=line.title,
                sku=line.sku,
                quantity=Decimal(line.quantity),
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
            )
            for line in order.lines.all()
            # O17: a line the consumer withdrew from before it was invoiced is not billed
            if line.quantity > 0 and line.withdrawn_at is None
        ),
        sale_date=invoice_date,
        due_date=due_date(order, invoice_date),
        fees=_adjustments(quote.get("fees", [])),
        discounts=_adjustments(quote.get("discounts", [])),
        references=billing.References(order_number=order.number or ""),
        # O17: no B2B late-payment mentions on a consumer's invoice
        consumer=consumer_document([order.consumer]),
    )
    if pending_buyers is not None and order.buyer_id not in pending_buyers:
        return draft
    for hook in NEXT_INVOICE_ITEMS:  # F7, F10: what fulfilment bills on the next invoice
        draft = hook(order, draft)
    return draft
