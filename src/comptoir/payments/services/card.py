"""Card payments through the provider (PT1): paid at order, before the order proceeds (PT2
[000 §7.7] "comptant à la commande"), and refunded in full when the seller cancels (O12).

The payment arrives before the invoice: it stays a credit on the buyer's account and settles the
invoice when it is issued (`credits_allocate`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.billing.models import Invoice, Kind
from comptoir.billing.models import Status as InvoiceStatus
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import (
    matching_create,
)
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments import labels
from comptoir.payments.models import CardIntent, CardRefund, Payment
from comptoir.payments.policy import payment_policy
from comptoir.payments.providers import payment_provider
from comptoir.payments.rules import refund_due
from comptoir.payments.services._posting import CashMove, cash_post, credit_note_item_locked
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
        raise DomainError(code="invalid_amount", message=_("Nothing to pay."), field="amount")
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
            code="not_found",
            message=_("Card payment not found."),
            field="provider_reference",
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
def card_refund(
    *,
    reference: str,
    seller: Any,
    reason: str,
    actor: Any = None,
    amount: Decimal | None = None,
    rule: str = "O12",
) -> Decimal:
    """O12 [000 §7.2]: the seller cancels after the buyer paid: refund in full what the payment
    has not settled (an issued invoice is credited first, by billing). Returns the refund.
    With `amount` (O17: a consumer withdrew from some lines), at most that much; the card stays
    "succeeded" until everything it paid is refunded."""
    intent = (
        CardIntent.objects.select_for_update()
        .filter(reference=reference, seller=seller, status=CardIntent.Status.SUCCEEDED)
        .first()
    )
    if intent is None or intent.payment is None or intent.payment.open_item_id is None:
        return Decimal("0.00")
    item = OpenItem.objects.select_for_update().get(pk=intent.payment.open_item_id)
    credit = -item.open_amount  # what is still a credit of the buyer
    amount = credit if amount is None else min(credit, amount)
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
        data=labels.facts(labels.CARD_REFUND, reference=reference),
    )
    refund_id = cash_post(move, held=bool(policy and policy.is_marketplace))
    matching_create(item_a_id=refund_id, item_b_id=item.pk, amount=amount, actor=actor)
    payment_provider().refund(intent.provider_reference, amount)
    intent.refunded += amount
    if amount == credit or intent.refunded >= intent.amount:
        intent.status = CardIntent.Status.REFUNDED
    intent.save(update_fields=["refunded", "status"])
    audit_record(
        actor=actor,
        organization_id=intent.seller_id,
        action="payments.card_refunded",
        obj_type="payments.cardintent",
        obj_id=intent.pk,
        data={"reference": reference, "amount": amount, "reason": reason, "rule": rule},
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


# --- refunds of credit notes (I5, O12) ------------------------------------------------------
#
# The provider is never called in the request that issues the credit note: the reaction to
# `invoice.issued` enqueues the task `payments.tasks.refund_credit_note_on_card` (after commit),
# which calls `card_refund_for_credit_note`. A failure waits for the retry sweep, with a growing
# delay, since the sweep runs every minute. The task, the sweep and the seller's "retry now" all
# run the same service, under the card payment's row lock: whichever comes second finds the refund
# done and changes nothing.

#: After the n-th failed attempt the sweep waits RETRY_DELAYS[n - 1] (the last one afterwards).
RETRY_DELAYS = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=24),
)


def retry_delay(attempts: int) -> timedelta:
    """How long a refund that failed `attempts` times waits before the sweep tries again."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def _card_intent_for(note: Invoice) -> CardIntent | None:
    """The card payment at order behind the invoice `note` credits, if that order was paid so;
    locked, so that two runs for the same order take turns."""
    original = note.credited_invoice
    order_number = (original.references or {}).get("order_number") if original else None
    if not order_number:
        return None
    return (
        CardIntent.objects.select_for_update()
        .filter(
            reference=order_number,
            seller_id=note.issuer_id,
            buyer_id=note.recipient_id,
            status__in=[CardIntent.Status.SUCCEEDED, CardIntent.Status.REFUNDED],
        )
        .first()
    )


@transaction.atomic
def card_refund_for_credit_note(*, credit_note: Invoice, actor: Any = None) -> CardRefund | None:
    """I5, O12: give back on the card what an issued credit note leaves to the buyer, when the
    credited invoice is the one of an order paid by card at order (PT1).

    Billing has already set the credit note against the credited invoice and the buyer's other
    open invoices with the seller (`credit_notes_settle`); only what is still a credit goes back,
    and never more than the card paid and was not refunded yet. Idempotent by credit note: a
    second call returns the same refund. A provider failure is recorded (`failed`, with the time
    of the next retry) and retried by `card_refunds_retry`; the credit note stays issued. Returns
    None when it is no card matter."""
    note = Invoice.objects.select_related("credited_invoice").filter(pk=credit_note.pk).first()
    if note is None:
        return None
    if note.kind != Kind.CREDIT_NOTE or note.status != InvoiceStatus.ISSUED or not note.number:
        return None
    intent = _card_intent_for(note)
    if intent is None:
        return None
    refund = CardRefund.objects.select_for_update().filter(credit_note=note).first()
    if refund is None:
        refund = CardRefund.objects.create(
            intent=intent,
            seller_id=note.issuer_id,
            credit_note=note,
            credit_note_number=note.number,
            status=CardRefund.Status.FAILED,  # until the provider says otherwise, below
            created_at=clock.now(),
        )
    elif refund.status != CardRefund.Status.FAILED:
        return refund  # done already: never refund twice
    return _refund_attempt(refund, intent, note, actor)


def _refund_attempt(
    refund: CardRefund, intent: CardIntent, note: Invoice, actor: Any
) -> CardRefund:
    item = credit_note_item_locked(note)
    still_credit = -item.open_amount if item is not None else Decimal("0.00")
    amount = refund_due(
        credit_left=still_credit, card_paid=intent.amount, card_refunded=intent.refunded
    )
    refund.attempts += 1
    refund.amount = amount
    if amount <= 0:
        refund.status = CardRefund.Status.NOTHING
        refund.done_at = clock.now()
        refund.next_retry_at = None
        refund.last_error = ""
        refund.retry_queued_at = None
        refund.save(
            update_fields=[
                "attempts",
                "amount",
                "status",
                "done_at",
                "next_retry_at",
                "last_error",
                "retry_queued_at",
            ]
        )
        return refund
    try:
        provider_id = payment_provider().refund(intent.provider_reference, amount)
    except Exception as exc:  # any provider failure is recorded, then retried
        refund.status = CardRefund.Status.FAILED
        refund.last_error = str(exc)[:300]
        refund.next_retry_at = clock.now() + retry_delay(refund.attempts)
        refund.retry_queued_at = None
        refund.save(
            update_fields=[
                "attempts",
                "amount",
                "status",
                "last_error",
                "next_retry_at",
                "retry_queued_at",
            ]
        )
        audit_record(
            actor=actor,
            organization_id=intent.seller_id,
            action="payments.card_refund_failed",
            obj_type="payments.cardrefund",
            obj_id=refund.pk,
            data={
                "credit_note": note.number,
                "amount": amount,
                "attempt": refund.attempts,
                "error": refund.last_error,
                "next_retry_at": refund.next_retry_at,
            },
        )
        return refund
    assert item is not None  # amount > 0 implies an open credit note item
    policy = payment_policy(intent.seller_id, clock.today())
    move = CashMove(
        intent.buyer_id,
        intent.seller_id,
        amount,
        clock.today(),
        note.number or "",
        f"Remboursement carte avoir {note.number}",
        incoming=False,
        data=labels.facts(labels.CARD_REFUND_CREDIT_NOTE, number=note.number or ""),
    )
    refund_item = cash_post(move, held=bool(policy and policy.is_marketplace))
    matching_create(item_a_id=refund_item, item_b_id=item.pk, amount=amount, actor=actor)
    intent.refunded += amount
    if intent.refunded >= intent.amount:
        intent.status = CardIntent.Status.REFUNDED
    intent.save(update_fields=["refunded", "status"])
    refund.status = CardRefund.Status.SUCCEEDED
    refund.provider_refund_id = provider_id[:100]
    refund.last_error = ""
    refund.next_retry_at = None
    refund.retry_queued_at = None
    refund.done_at = clock.now()
    refund.save()
    audit_record(
        actor=actor,
        organization_id=intent.seller_id,
        action="payments.card_refunded",
        obj_type="payments.cardrefund",
        obj_id=refund.pk,
        data={
            "reference": intent.reference,
            "credit_note": note.number,
            "amount": amount,
            "attempt": refund.attempts,
            "rule": "I5",
        },
    )
    return refund


#: How far back the retry sweep looks for credit notes the after-issue reaction missed.
MISSED_LOOKBACK = timedelta(days=7)


def _card_paid_notes(notes: QuerySet[Invoice]) -> list[int]:
    """The ids of the credit notes in `notes` whose credited invoice is the one of an order paid
    by card at order (three queries whatever their number)."""
    found = list(
        notes.filter(kind=Kind.CREDIT_NOTE, status=InvoiceStatus.ISSUED).values_list(
            "pk", "issuer_id", "recipient_id", "credited_invoice__references"
        )
    )
    wanted = {
        pk: (seller, buyer, (refs or {}).get("order_number"))
        for pk, seller, buyer, refs in found
        if (refs or {}).get("order_number")
    }
    if not wanted:
        return []
    paid = set(
        CardIntent.objects.filter(
            reference__in={number for _s, _b, number in wanted.values()},
            seller_id__in={seller for seller, _b, _n in wanted.values()},
            status__in=[CardIntent.Status.SUCCEEDED, CardIntent.Status.REFUNDED],
        ).values_list("seller_id", "buyer_id", "reference")
    )
    return sorted(pk for pk, key in wanted.items() if key in paid)


def card_refunds_retry(*, until: datetime | None = None) -> int:
    """Retry the failed card refunds whose next retry has come, and refund the credit notes of
    card-paid orders issued in the last week that have no refund yet (the task did not run, or
    has not run yet: the row lock makes the second one a no-op). Returns the number of refunds
    that went through."""
    until = until or clock.now()
    pending = list(
        CardRefund.objects.filter(status=CardRefund.Status.FAILED)
        .filter(Q(next_retry_at__isnull=True) | Q(next_retry_at__lte=until))
        .order_by("next_retry_at", "pk")
        .values_list("credit_note_id", flat=True)
    )
    missed = _card_paid_notes(
        Invoice.objects.filter(
            issued_at__gte=until - MISSED_LOOKBACK,
            issued_at__lte=until,
            card_refund__isnull=True,
        )
    )
    done = 0
    for pk in [*pending, *missed]:
        refund = card_refund_for_credit_note(credit_note=Invoice(pk=pk))
        if refund is not None and refund.status == CardRefund.Status.SUCCEEDED:
            done += 1
    return done


def card_refunds_on_issue(event: str, items: list[tuple[list[int], dict[str, Any]]]) -> None:
    """The reaction to `invoice.issued` (after commit): enqueue the card refund of each credit
    note of a card-paid order; the provider is called by the worker, not here. A task that is
    lost leaves the work to the retry sweep. The same task also takes the credit notes on a
    consumer's invoice not paid by card: what they leave is owed back by transfer (O17,
    `refunds.credit_note_transfer_refund`); a B2B one's credit stays on the account."""
    if event != "invoice.issued":
        return
    keys = {
        (data.get("issuer_id"), data.get("number"))
        for _ids, data in items
        if data.get("kind") == Kind.CREDIT_NOTE and data.get("number")
    }
    if not keys:
        return
    notes = Invoice.objects.filter(
        issuer_id__in={issuer for issuer, _n in keys},
        number__in={number for _i, number in keys},
    )
    card = _card_paid_notes(notes)
    consumer = notes.filter(kind=Kind.CREDIT_NOTE, status=InvoiceStatus.ISSUED).filter(
        Q(consumer=True) | Q(credited_invoice__consumer=True)
    )
    ids = sorted({*card, *consumer.values_list("pk", flat=True)})
    if ids:
        from comptoir.payments.tasks import refund_credit_note_on_card

        transaction.on_commit(lambda: [refund_credit_note_on_card.enqueue(pk) for pk in ids])


#: A "retry now" still queued after this long (the worker lost it) may be queued again.
QUEUE_STALE = timedelta(minutes=15)


@transaction.atomic
def card_refund_retry_now(*, actor: Any, seller: Organization, refund_id: int) -> CardRefund:
    """The seller asks to try a failed card refund again now, without waiting for the sweep (I5,
    O12): the attempt is queued for the worker (`payments.tasks.refund_credit_note_on_card`,
    after commit) and the refund shows it queued until the attempt runs; the provider is never
    called in the seller's request. Needs the right "view credit and invoices" on the seller
    (P4); another seller's refund is not found; a refund that went through, or had nothing to
    refund, is not sent again. Asking again while queued queues nothing more."""
    require_permission(actor, seller, Permission.VIEW_INVOICES)
    refund = CardRefund.objects.select_for_update().filter(pk=refund_id, seller=seller).first()
    if refund is None:
        raise NotFound(_("Card refund"), field="refund")
    if refund.status != CardRefund.Status.FAILED:
        raise DomainError(
            code="refund_not_failed",
            message=_("This refund is not waiting for a retry: it is not sent again."),
            field="refund",
            rule="I5",
        )
    if refund.retry_queued_at is not None and refund.retry_queued_at > clock.now() - QUEUE_STALE:
        return refund  # one queued attempt is enough; the row lock keeps it single
    refund.retry_queued_at = clock.now()
    refund.save(update_fields=["retry_queued_at"])
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.card_refund_retry_queued",
        obj_type="payments.cardrefund",
        obj_id=refund.pk,
        data={"credit_note": refund.credit_note_number, "attempts": refund.attempts, "rule": "I5"},
    )
    from comptoir.payments.tasks import refund_credit_note_on_card

    note_id = refund.credit_note_id
    transaction.on_commit(lambda: refund_credit_note_on_card.enqueue(note_id))
    return refund


def card_refunds_list(
    *, seller_id: int, buyer_id: int | None = None, limit: int = 500
) -> list[CardRefund]:
    """The card refunds of a seller's credit notes (of one buyer), newest first, with their
    credit note, credited invoice and buyer (one query)."""
    rows = CardRefund.objects.filter(seller_id=seller_id)
    if buyer_id is not None:
        rows = rows.filter(intent__buyer_id=buyer_id)
    return list(
        rows.select_related("intent__buyer", "credit_note__credited_invoice").order_by(
            "-created_at", "-pk"
        )[:limit]
    )
