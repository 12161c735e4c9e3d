"""Prepayment of an order (O10, PT9, PT10, PT2): "paiement comptant à la commande" demanded
when the buyer has unpaid orders, exceeds its deposit or its credit limit.

The money arrives before the order's invoice exists, so it is recorded as an ordinary payment
of the buyer whose reference is the order number: it stays a credit on the buyer's account and
is set against the invoice when that is issued (`credits_allocate`), as a card payment at order
is. What was paid for an order is the sum of the payments carrying its number
(`prepaid_amount`): fulfilment holds the shipment until it covers the order's total (F8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.parties.models import Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments.models import Method, Payment
from comptoir.payments.rules import ZERO
from comptoir.payments.services.recording import org_get, payment_record

PREPAYMENT_METHODS = (
    Method.TRANSFER,
    Method.SEPA_DEBIT,
    Method.CHEQUE,
    Method.LCR,
    Method.PAYPAL,
)
"""How a prepayment recorded by the seller may have been made. A card payment goes through the
provider at checkout (`card_payment_start`), never through this service."""


def prepaid_amount(*, reference: str, seller: Any) -> Decimal:
    """What the buyer paid for the order `reference` (its number): the payments to `seller`
    carrying that reference and not reversed, card payments at order included."""
    if not reference:
        return ZERO
    total = Payment.objects.filter(
        seller=seller, reference=reference, reversed_at__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO


@transaction.atomic
def prepayment_record(
    *,
    buyer: Any,
    seller: Any,
    reference: str,
    amount: Any,
    method: str,
    on: date,
    idempotency_key: str,
    actor: Any = None,
) -> Payment:
    """The seller records money received for the order `reference` before its invoice (O10):
    a payment whose reference is the order number, available on `on` (PT4). The seller's
    finance staff record it (P4: the seller's "credit and invoices" right). The same key again
    returns the same payment."""
    buyer, seller = org_get(buyer, "buyer"), org_get(seller, "seller")
    if actor is not None:
        require_permission(actor, seller, Permission.VIEW_INVOICES)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(
            "reference_required",
            _("Name the order the prepayment is for."),
            field="reference",
            rule="O10",
        )
    if method not in PREPAYMENT_METHODS:
        raise DomainError(
            "invalid_method",
            _(
                "A prepayment is recorded for a transfer, a SEPA debit, a cheque, an LCR or "
                "PayPal, not “%(method)s” (a card pays through the provider)."
            )
            % {"method": method},
            field="method",
            rule="PT1",
        )
    key = (idempotency_key or "").strip()
    if not key:
        raise DomainError(
            "required",
            _("An idempotency key is required."),
            field="idempotency_key",
            rule="O10",
        )
    key = f"prepay:{key}"[:80]
    replay = Payment.objects.filter(seller=seller, idempotency_key=key).first()
    if replay is not None and replay.reference != reference:
        raise DomainError(
            "idempotency_conflict",
            _("This idempotency key was used for another payment."),
            field="idempotency_key",
        )
    payment = payment_record(
        buyer=buyer,
        seller=seller,
        amount=amount,
        method=method,
        value_date=on,
        idempotency_key=key,
        reference=reference,
        actor=actor,
    )
    if replay is not None:
        return payment  # a double click: recorded once (payment_record checks the amount)
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.prepayment_recorded",
        obj_type="payments.payment",
        obj_id=payment.pk,
        data={
            "reference": reference,
            "amount": payment.amount,
            "method": method,
            "value_date": on,
            "rule": "O10",
        },
    )
    return payment


__all__ = ["PREPAYMENT_METHODS", "prepaid_amount", "prepayment_record"]
