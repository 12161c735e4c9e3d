"""Card payments through the provider (PT1): paid at order, before the order proceeds (PT2
[000 §7.7] "comptant à la commande"), and refunded in full when the seller cancels (O12).

The payment arrives before the invoice: it stays a credit on the buyer's account and settles the
invoice when it is issued (`credits_allocate`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import (
    matching_create,
)
from comptoir.parties.models import Organization
from comptoir.payments.models import CardIntent, Payment
from comptoir.payments.policy import payment_policy
from comptoir.payments.providers import payment_provider
from comptoir.payments.services._posting import CashMove, cash_post
from comptoir.payments.services.recording import allocate_to_debts, payment_record

P = Account.Purpose


@transaction.atomic
def card_payment_start(
    *,
    buyer: Organization,
    seller: Organization,
    amount: Decimal,
    reference: str,
    return_url: str = "",
    actor: Any = None,
) -> CardIntent:
    """Ask the provider to charge `amount` for `reference` (an order number). One intent per
    reference is live at a time: a pending or paid one is returned as it is."""
    live = CardIntent.objects.filter(
        reference=reference,
        seller=seller,
        status__in=[CardIntent.Status.PENDING, CardIntent.Status.SUCCEEDED],
    ).first()
    if live is not None:
        return live
    if amount <= 0:
        raise DomainError(code="invalid_amount", message="Nothing to pay.", field="amount")
    provider = payment_provider()
    answer = provider.create(amount=amount, reference=reference, return_url=return_url)
    intent = CardIntent.objects.create(
        buyer=buyer,
        seller=seller,
        provider=provider.name,
        provider_reference=answer.reference,
        amount=amount,
        reference=reference,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.card_payment_started",
        obj_type="payments.cardintent",
        obj_id=intent.pk,
        data={"reference": reference, "amount": amount, "provider": provider.name},
    )
    if answer.status != "pending":
        return _settle(intent, answer.status, actor)
    return intent


@transaction.atomic
def card_payment_confirm(*, provider_reference: str, actor: Any = None) -> CardIntent:
    """The provider says how the payment ended (return page or notification); idempotent."""
    intent = (
        CardIntent.objects.select_for_update().filter(provider_reference=provider_reference).first()
    )
    if intent is None:
        raise DomainError(
            code="not_found", message="Card payment not found.", field="provider_reference"
        )
    if intent.status != CardIntent.Status.PENDING:
        return intent
    answer = payment_provider().retrieve(provider_reference)
    return _settle(intent, answer.status, actor)


def _settle(intent: CardIntent, status: str, actor: Any) -> CardIntent:
    if status == "succeeded":
        intent.payment = payment_record(
            buyer=intent.buyer,
            seller=intent.seller,
            amount=intent.amount,
            method="card",
            value_date=clock.today(),
            idempotency_key=f"card:{intent.provider_reference}",
            reference=intent.reference,
            source=Payment.Source.CARD,
            actor=actor,
        )
        intent.status = CardIntent.Status.SUCCEEDED
    elif status == "failed":
        intent.status = CardIntent.Status.FAILED
    intent.save(update_fields=["status", "payment"])
    return intent


def card_paid(*, reference: str, seller: Any) -> bool:
    """Whether the order `reference` is paid by card (what fulfilment asks before shipping)."""
    return CardIntent.objects.filter(
        reference=reference, seller=seller, status=CardIntent.Status.SUCCEEDED
    ).exists()


@transaction.atomic
def card_refund(*, reference: str, seller: Any, reason: str, actor: Any = None) -> Decimal:
    """O12 [000 §7.2]: the seller cancels after the buyer paid: refund in full what the payment
    has not settled (an issued invoice is credited first, by billing). Returns the refund."""
    intent = (
        CardIntent.objects.select_for_update()
        .filter(reference=reference, seller=seller, status=CardIntent.Status.SUCCEEDED)
        .first()
    )
    if intent is None or intent.payment is None or intent.payment.open_item_id is None:
        return Decimal("0.00")
    item = OpenItem.objects.select_for_update().get(pk=intent.payment.open_item_id)
    amount = -item.open_amount  # what is still a credit of the buyer
    if amount <= 0:
        return Decimal("0.00")
    policy = payment_policy(intent.seller_id, clock.today())
    move = CashMove(
        intent.buyer_id,
        intent.seller_id,
        amount,
        clock.today(),
        reference,
        f"Remboursement carte {reference}",
        incoming=False,
    )
    refund_id = cash_post(move, held=bool(policy and policy.is_marketplace))
    matching_create(item_a_id=refund_id, item_b_id=item.pk, amount=amount, actor=actor)
    payment_provider().refund(intent.provider_reference, amount)
    intent.refunded += amount
    intent.status = CardIntent.Status.REFUNDED
    intent.save(update_fields=["refunded", "status"])
    audit_record(
        actor=actor,
        organization_id=intent.seller_id,
        action="payments.card_refunded",
        obj_type="payments.cardintent",
        obj_id=intent.pk,
        data={"reference": reference, "amount": amount, "reason": reason, "rule": "O12"},
    )
    return amount


def credits_allocate(*, buyer_id: int, seller_id: int, order: str | None = None) -> int:
    """Set the buyer's open credits (payments made before their invoice) against its debts, in
    PT7 order; returns the number of credits used. Called when an invoice is issued."""
    credits = OpenItem.objects.filter(
        party_id=buyer_id,
        counterparty_id=seller_id,
        account__purpose=P.RECEIVABLE,
        kind=OpenItem.Kind.PAYMENT,
        open_amount__lt=0,
    ).order_by("created_at", "pk")
    used = 0
    for credit in credits:
        if allocate_to_debts(item_id=credit.pk, order=order, designated=credit.reference):
            used += 1
    return used
