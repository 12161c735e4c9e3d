"""Issue an order's invoice at the moment its terms say (I1): at the end of the order before
delivery (monthly batch), at shipment, or when the order is frozen. Called inside the transition's
transaction, so the order and its invoice commit together."""

from __future__ import annotations

from typing import Any

from comptoir.billing.models import Invoice, Status
from comptoir.billing.services import credit_note_create, invoice_create, invoice_issue
from comptoir.core import clock
from comptoir.ledger.models import OpenItem
from comptoir.ordering.invoicing import draft_for, terms_facts
from comptoir.ordering.models import Order
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import schedule_variant
from comptoir.ordering.services._common import (
    SUBSTITUTIONS_CLOSE_IN,
    lapse_substitutions,
    record,
)
from comptoir.payments.services import debit_schedule
from comptoir.payments.services.card import credits_allocate
from comptoir.payments.services.financing import financing_assign
from comptoir.payments.services.schedule import schedule_for_invoice


def invoice_open_item(invoice: Invoice) -> OpenItem | None:
    return OpenItem.objects.filter(
        party_id=invoice.recipient_id,
        counterparty_id=invoice.issuer_id,
        reference=invoice.number,
        kind=OpenItem.Kind.INVOICE,
    ).first()


def _debit_schedule(invoice: Invoice) -> None:
    """PT1/PT2: a SEPA debit order's invoice is collected on its due date under the buyer's
    mandate (pre-notified by payments); without a mandate it waits for another payment."""
    item = invoice_open_item(invoice)
    if item is not None:
        debit_schedule(open_item=item, collection_date=invoice.due_date or clock.today())


def order_invoice_if_due(order: Order, moment: str, *, actor: Any = None) -> bool:
    """Issue the invoice when `moment` is the one the terms name and none exists yet."""
    policy = ordering_policy(order.terms_version)
    if policy.invoicing_moment != moment or order.invoice_id is not None:
        return False
    order_invoice_issue(order, actor=actor)
    return True


def order_invoice_issue(order: Order, *, actor: Any = None) -> Order:
    """Draft and issue the order's one invoice (I1) and link it to the order."""
    today = clock.today()
    policy = ordering_policy(order.terms_version)
    draft = draft_for(order, invoice_date=today)
    facts = terms_facts(policy.document, payment_method=order.payment_method)
    invoice = invoice_create(draft=draft, terms_facts=facts, actor=actor)
    invoice = invoice_issue(invoice_id=invoice.pk, actor=actor)
    order.invoice = invoice
    order.save(update_fields=["invoice"])
    if order.state not in SUBSTITUTIONS_CLOSE_IN:  # else closed when it got there
        lapse_substitutions([order.pk])  # C6: invoiced lines no longer change (I9)
    schedule_for_invoice(
        invoice=invoice,
        method=order.payment_method,
        order_date=order.placed_at.astimezone(clock.PARIS).date(),
        variant=schedule_variant(order.payment_option),
    )  # PT2, PT3: what is due when, for the option the buyer chose at checkout
    if order.payment_method == "sepa_debit" and invoice.total_incl_vat > 0:
        _debit_schedule(invoice)
    if order.payment_method == "financing_partner" and invoice.total_incl_vat > 0:
        item = invoice_open_item(invoice)
        if item is not None:
            financing_assign(invoice_item=item)  # PT3: the partner pays the seller at once
    # a payment made before the invoice (card at order) settles it now (PT7)
    credits_allocate(buyer_id=order.buyer_id, seller_id=order.seller_id)
    record(
        order,
        action="invoice",
        actor=actor,
        from_state=order.state,
        rule="I1",
        data={"invoice": invoice.number, "total_incl_vat": invoice.total_incl_vat},
    )
    return order


def order_credit_in_full(
    order: Order, *, reason: str, rule: str, actor: Any = None
) -> Invoice | None:
    """An invoiced sale undone (an order resolved, F7): a credit note cancels its invoice in full
    (I5, I9), issued at once, so that the buyer owes nothing for goods it never kept; what the
    buyer had paid becomes a credit (refunded to the card when it was paid by card, O12).
    Nothing when the order has no issued invoice, or when the invoice was already credited in
    part (the seller then credits the rest by hand: the lines to credit are its call)."""
    invoice = order.invoice
    if invoice is None or invoice.status != Status.ISSUED:
        return None
    if Invoice.objects.filter(credited_invoice=invoice, status=Status.ISSUED).exists():
        return None
    note = credit_note_create(invoice_id=invoice.pk, reason=reason, actor=actor)
    note = invoice_issue(invoice_id=note.pk, actor=actor)
    record(
        order,
        action="credit",
        actor=actor,
        from_state=order.state,
        rule=rule,
        data={"credit_note": note.number, "invoice": invoice.number},
    )
    return note
