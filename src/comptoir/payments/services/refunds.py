"""Refunds of money received otherwise than by card (O12, O17): a prepayment of an order that
does not go ahead (refused, lapsed, cancelled), or the sums a consumer's withdrawal makes due.

A card payment goes back on the card (`card.card_refund`). Money received by transfer, SEPA
debit, cheque, LCR or PayPal goes back by SEPA credit transfer: the seller owes a `Refund`,
exports the due ones as one pain.001 file, and marks each paid once its bank has executed it
(or pays it by hand and says so). Marking it paid posts the money going out and matches it
against the buyer's credit, so the buyer's balance with the seller comes back to zero.

What can be refunded is what the payments carrying the order number still hold as a credit of
the buyer (not yet set against an invoice or another debt, PT7), never more than they paid,
minus the refunds already due for that order and not yet paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import matching_create
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments.formats.sepa import CreditTransfer, Party, pain001
from comptoir.payments.models import Mandate, Method, Payment, Refund
from comptoir.payments.policy import payment_policy
from comptoir.payments.services._posting import CashMove, cash_post
from comptoir.payments.services.prepayments import PREPAYMENT_METHODS
from comptoir.payments.services.recording import org_get

ZERO = Decimal("0.00")
P = Account.Purpose

#: O12 is silent on the delay: the seller refunds within 14 days of the cancellation, the delay
#: the law gives for a consumer's withdrawal (O17, L221-24), so both kinds fall due alike.
O12_REFUND_WITHIN = timedelta(days=14)

#: The refunds still owed (not paid, not cancelled): they hold part of the buyer's credit.
OWED = (Refund.Status.DUE, Refund.Status.EXPORTED)


def _payments(*, buyer_id: int, seller_id: int, reference: str) -> QuerySet[Payment]:
    """The payments for the order `reference` made otherwise than by card, not reversed."""
    return Payment.objects.filter(
        buyer_id=buyer_id,
        seller_id=seller_id,
        reference=reference,
        reversed_at__isnull=True,
        method__in=PREPAYMENT_METHODS,
        open_item__isnull=False,
    ).order_by("value_date", "pk")


def _credit_items(payments: QuerySet[Payment], *, lock: bool) -> list[OpenItem]:
    """The payments' open items still holding a credit of the buyer, oldest first."""
    items = OpenItem.objects.filter(
        pk__in=payments.values("open_item_id"), open_amount__lt=0
    ).order_by("due_date", "pk")
    if lock:
        items = items.select_for_update()
    return list(items)


def _owed(*, seller_id: int, reference: str) -> Decimal:
    total = Refund.objects.filter(
        seller_id=seller_id, reference=reference, status__in=OWED
    ).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO


def refundable(*, buyer: Any, seller: Any, reference: str, lock: bool = False) -> Decimal:
    """What may still be refunded by transfer for the order `reference`: the credit its payments
    (not by card) still hold, never more than they paid, minus the refunds owed already."""
    buyer_id, seller_id = getattr(buyer, "pk", buyer), getattr(seller, "pk", seller)
    payments = _payments(buyer_id=buyer_id, seller_id=seller_id, reference=reference)
    paid = payments.aggregate(total=Sum("amount"))["total"] or ZERO
    credit = sum((-item.open_amount for item in _credit_items(payments, lock=lock)), ZERO)
    return max(min(credit, paid) - _owed(seller_id=seller_id, reference=reference), ZERO)


def _valid_iban(value: str) -> str:
    try:
        return stdnum_iban.validate(value or "")
    except ValidationError:
        return ""


def _creditor(buyer: Organization, seller_id: int, payments: list[Payment]) -> tuple[str, str, str]:
    """Where the money goes back (name, IBAN, BIC): the account it came from, else the buyer's
    active SEPA mandate with the seller, else the bank details of its organization; none known:
    blank (the refund is then paid by hand)."""
    name = (buyer.legal_name or buyer.display_name)[:70]
    for payment in payments:
        iban = _valid_iban(payment.payer_iban)
        if iban:
            return name, iban, ""
    mandate = Mandate.objects.filter(
        buyer=buyer, seller_id=seller_id, status=Mandate.Status.ACTIVE
    ).first()
    if mandate is not None and _valid_iban(mandate.iban):
        return (mandate.debtor_name or name)[:70], _valid_iban(mandate.iban), mandate.bic
    iban = _valid_iban(buyer.iban)
    return (name, iban, buyer.bic if iban else "") if iban else (name, "", "")


@transaction.atomic
def refund_due_create(
    *,
    buyer: Any,
    seller: Any,
    reference: str,
    rule: str,
    source_key: str,
    reason: str = "",
    due_on: date | None = None,
    limit: Decimal | None = None,
    actor: Any = None,
) -> Refund | None:
    """Record what the seller owes back by transfer for the order `reference` (O12: the order
    did not go ahead; O17: a consumer withdrew), at most `limit`. One refund per `source_key`
    (`O12:<order>`, `O17:<withdrawal id>`): asked again, the first one is returned unchanged.
    Nothing is created (None) when no credit is left. Called by ordering's services, which
    checked who acts; the refund itself needs no right of its own."""
    if rule not in Refund.Rule.values:
        raise DomainError("invalid_rule", "A refund is due under O12 or O17.", field="rule")
    buyer_id, seller_id = getattr(buyer, "pk", buyer), getattr(seller, "pk", seller)
    existing = Refund.objects.filter(seller_id=seller_id, source_key=source_key[:80]).first()
    if existing is not None:
        return existing
    payments = _payments(buyer_id=buyer_id, seller_id=seller_id, reference=reference)
    if not reference or not payments.exists():
        return None  # nothing was paid otherwise than by card: nothing to give back
    amount = refundable(buyer=buyer_id, seller=seller_id, reference=reference, lock=True)
    if limit is not None:
        amount = min(amount, max(limit, ZERO))
    if amount <= 0:
        return None
    buyer, seller = org_get(buyer, "buyer"), org_get(seller, "seller")
    name, iban, bic = _creditor(buyer, seller.pk, list(payments))
    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                buyer=buyer,
                seller=seller,
                amount=amount,
                reference=reference[:64],
                rule=rule,
                reason=reason[:300],
                method=Method.TRANSFER,
                source_key=source_key[:80],
                creditor_name=name,
                creditor_iban=iban,
                creditor_bic=bic,
                due_on=due_on or clock.today() + O12_REFUND_WITHIN,
                end_to_end_id=f"tmp-{uuid4().hex[:30]}",
                created_at=clock.now(),
            )
    except IntegrityError:  # the same source at the same time: the other one stands
        return Refund.objects.get(seller=seller, source_key=source_key[:80])
    refund.end_to_end_id = f"RB{refund.pk:010d}"
    refund.save(update_fields=["end_to_end_id"])
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.refund_due",
        obj_type="payments.refund",
        obj_id=refund.pk,
        data={
            "reference": refund.reference,
            "amount": amount,
            "due_on": refund.due_on,
            "iban_known": bool(iban),
            "reason": refund.reason,
            "rule": rule,
        },
    )
    return refund


@dataclass(frozen=True)
class RefundExport:
    """One pain.001 file and the refunds it carries."""

    message_id: str
    xml: bytes
    refunds: list[Refund]
    total: Decimal


@transaction.atomic
def refunds_export(*, seller: Any, actor: Any = None) -> RefundExport:
    """The seller's due refunds whose IBAN is known, as one SEPA credit-transfer file
    (pain.001.001.03, checked against its schema) drawn on the seller's account; they are
    marked sent to the bank. Refused when none is left (`nothing_to_export`) or the seller has
    no IBAN (`seller_iban_missing`)."""
    seller = org_get(seller, "seller")
    if actor is not None:
        require_permission(actor, seller, Permission.VIEW_INVOICES)
    refunds = list(
        Refund.objects.select_for_update()
        .filter(seller=seller, status=Refund.Status.DUE)
        .exclude(creditor_iban="")
        .order_by("due_on", "pk")
    )
    if not refunds:
        raise DomainError(
            "nothing_to_export",
            _("No due refund with a known IBAN: there is nothing to send to the bank."),
            field="refunds",
            rule="O12",
        )
    if not _valid_iban(seller.iban):
        raise DomainError(
            "seller_iban_missing",
            _("Your company's IBAN is needed to pay refunds by transfer."),
            field="seller.iban",
            rule="O12",
        )
    at = clock.now()
    message_id = f"COMPTOIR-RB-{at:%Y%m%d%H%M%S}-{refunds[0].pk}"[:35]
    xml = pain001(
        Party(seller.legal_name[:70], seller.iban, seller.bic),
        [
            CreditTransfer(
                end_to_end_id=r.end_to_end_id,
                amount=r.amount,
                creditor=Party(r.creditor_name, r.creditor_iban, r.creditor_bic),
                remittance=f"Remboursement {r.reference} ({r.rule})"[:140],
                execution_date=clock.today(),
            )
            for r in refunds
        ],
        message_id=message_id,
        created_at=at,
    )
    Refund.objects.filter(pk__in=[r.pk for r in refunds]).update(
        status=Refund.Status.EXPORTED, message_id=message_id, exported_at=at
    )
    for r in refunds:
        r.status, r.message_id, r.exported_at = Refund.Status.EXPORTED, message_id, at
    total = sum((r.amount for r in refunds), ZERO)
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.refunds_exported",
        obj_type="payments.refund",
        obj_id=message_id,
        data={"count": len(refunds), "total": total, "refunds": [r.pk for r in refunds]},
    )
    return RefundExport(message_id=message_id, xml=xml, refunds=refunds, total=total)


def _refuse_paid(refund: Refund) -> None:
    if refund.status == Refund.Status.PAID:
        raise DomainError(
            "refund_already_paid",
            _("The refund of %(ref)s is already marked paid (%(day)s): nothing changed.")
            % {
                "ref": refund.reference,
                "day": f"{refund.paid_on:%d/%m/%Y}" if refund.paid_on else "—",
            },
            field="refund",
            rule=refund.rule,
        )
    if refund.status == Refund.Status.CANCELLED:
        raise DomainError(
            "refund_cancelled",
            _("The refund of %(ref)s was cancelled: it cannot be paid.")
            % {"ref": refund.reference},
            field="refund",
            rule=refund.rule,
        )


def _credits_to_match(refund: Refund) -> list[OpenItem]:
    """The buyer's credits the refund pays back: those of the order's payments first, then any
    other credit of the buyer with the seller, oldest first (locked)."""
    payments = _payments(
        buyer_id=refund.buyer_id, seller_id=refund.seller_id, reference=refund.reference
    )
    own = _credit_items(payments, lock=True)
    others = list(
        OpenItem.objects.select_for_update()
        .filter(
            party_id=refund.buyer_id,
            counterparty_id=refund.seller_id,
            account__purpose=P.RECEIVABLE,
            open_amount__lt=0,
        )
        .exclude(pk__in=[item.pk for item in own])
        .order_by("due_date", "pk")
    )
    return own + others


@transaction.atomic
def refund_mark_paid(
    *, seller: Any, refund: Refund | int, on: date | None = None, actor: Any = None
) -> Refund:
    """The seller's bank has paid the refund (its pain.001 file, or a transfer made by hand) on
    `on` (default today): the money going out is posted (the seller's bank, or the funds held
    for sellers on a marketplace, as a card refund) and matched against the buyer's credit, so
    the buyer's balance comes back to what it was before the payment. Another seller's refund
    is not found; one paid already, or cancelled, is refused and nothing changes."""
    seller = org_get(seller, "seller")
    if actor is not None:
        require_permission(actor, seller, Permission.VIEW_INVOICES)
    pk = refund.pk if isinstance(refund, Refund) else refund
    row = Refund.objects.select_for_update().filter(pk=pk, seller=seller).first()
    if row is None:
        raise NotFound("Refund", field="refund")
    _refuse_paid(row)
    today = clock.today()
    day = on or today
    if day > today or day < timezone.localtime(row.created_at, clock.PARIS).date():
        raise DomainError(
            "invalid_date",
            _("The day paid is between the day the refund fell due and today."),
            field="on",
            rule=row.rule,
        )
    policy = payment_policy(row.seller_id, day)
    move = CashMove(
        row.buyer_id,
        row.seller_id,
        row.amount,
        day,
        row.reference,
        f"Remboursement virement {row.reference} ({row.rule})",
        incoming=False,
    )
    row.open_item_id = cash_post(move, held=bool(policy and policy.is_marketplace))
    left = row.amount
    for credit in _credits_to_match(row):
        if left <= 0:
            break
        part = min(left, -credit.open_amount)
        matching_create(item_a_id=row.open_item_id, item_b_id=credit.pk, amount=part, actor=actor)
        left -= part
    row.status = Refund.Status.PAID
    row.paid_on = day
    row.paid_at = clock.now()
    row.paid_by = actor if actor is not None and getattr(actor, "pk", None) else None
    row.save(update_fields=["open_item", "status", "paid_on", "paid_at", "paid_by"])
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.refund_paid",
        obj_type="payments.refund",
        obj_id=row.pk,
        data={
            "reference": row.reference,
            "amount": row.amount,
            "paid_on": day,
            "unmatched": left,
            "end_to_end_id": row.end_to_end_id,
            "rule": row.rule,
        },
    )
    return row


# --- reading ----------------------------------------------------------------------------------


def refunds_of(
    *, seller_id: int, buyer_id: int | None = None, status: str | None = None
) -> QuerySet[Refund]:
    """The seller's refunds (to one buyer, of one status), latest due first, with the buyer."""
    rows = Refund.objects.filter(seller_id=seller_id)
    if buyer_id is not None:
        rows = rows.filter(buyer_id=buyer_id)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("buyer").order_by("-due_on", "-pk")


def refunds_late(*, seller_id: int, today: date | None = None) -> QuerySet[Refund]:
    """The refunds still due after their due date (O12, O17): not sent to the bank, not paid."""
    return Refund.objects.filter(
        seller_id=seller_id, status=Refund.Status.DUE, due_on__lt=today or clock.today()
    ).order_by("due_on", "pk")


def is_late(refund: Refund, today: date | None = None) -> bool:
    return refund.status == Refund.Status.DUE and refund.due_on < (today or clock.today())


__all__ = [
    "O12_REFUND_WITHIN",
    "RefundExport",
    "is_late",
    "refund_due_create",
    "refund_mark_paid",
    "refundable",
    "refunds_export",
    "refunds_late",
    "refunds_of",
]
