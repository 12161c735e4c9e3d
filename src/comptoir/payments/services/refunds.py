"""Refunds of money received otherwise than by card (O12, O17): a prepayment of an order that
does not go ahead (refused, lapsed, cancelled), or the sums a consumer's withdrawal makes due.

A card payment goes back on the card (`card.card_refund`). Money received by transfer, SEPA
debit, cheque, LCR or PayPal goes back by SEPA credit transfer: the seller owes a `Refund`,
exports the due ones as one pain.001 file, and marks each paid once its bank has executed it
(or pays it by hand and says so). Marking it paid posts the money going out and matches it
against the buyer's credit, so the buyer's balance with the seller comes back to zero.

What can be refunded is what the payments carrying the order number still hold as a credit of
the buyer (not yet set against an invoice or another debt, PT7), never more than they paid,
minus the refunds already due for that order and not yet paid.

Three more sources (see docs/payments.md): what a consumer's credit note leaves once billing has
set it against the buyer's open invoices (O17, `credit_note_transfer_refund`, run by the
`invoice.issued` reaction when the order was not paid by card); a B2B buyer's credit refunded on
the seller's decision (I5, `credit_refund_create`); and the bank's debit of an exported refund,
read from a statement (`refund_paid_from_statement`). A refund not paid yet may be cancelled
(`refund_cancel`): the buyer's credit then stays on its account.

The buyer's credit is checked again when a refund leaves (O12, O17, I5): at export, each
buyer's due refunds must fit in its net credit with the seller, less the refunds already sent
to the bank; a refund that no longer fits is held (`held`, with its reason) instead of being
sent, until the seller releases it (`refund_release`, back to due) or cancels it. A refund paid
(by hand or read from a statement) is always recorded paid; what it exceeded the buyer's credit
by is flagged (`beyond_credit`): the buyer owes it back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from comptoir.billing.models import Invoice, Kind
from comptoir.billing.models import Status as InvoiceStatus
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.i18n import format_money_active
from comptoir.core.money import format_money
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import matching_create
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments import labels
from comptoir.payments.formats.sepa import CreditTransfer, Party, pain001
from comptoir.payments.models import CardIntent, Mandate, Method, Payment, Refund
from comptoir.payments.policy import payment_policy
from comptoir.payments.rules import refund_beyond_credit, refunds_covered
from comptoir.payments.services._posting import CashMove, cash_post, credit_note_item_locked
from comptoir.payments.services.prepayments import PREPAYMENT_METHODS
from comptoir.payments.services.recording import org_get

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
P = Account.Purpose

#: O12 is silent on the delay: the seller refunds within 14 days of the cancellation, the delay
#: the law gives for a consumer's withdrawal (O17, L221-24), so both kinds fall due alike.
O12_REFUND_WITHIN = timedelta(days=14)

#: The refunds still owed (not paid, not cancelled): they hold part of the buyer's credit. A
#: held refund is still owed until the seller releases or cancels it.
OWED = (Refund.Status.DUE, Refund.Status.HELD, Refund.Status.EXPORTED)

#: Why an export held a refund back: the buyer's credit no longer covers all of it.
HOLD_CREDIT_SHORT = "credit_short"


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
    if rule not in (Refund.Rule.O12, Refund.Rule.O17):
        raise DomainError("invalid_rule", _("A refund is due under O12 or O17."), field="rule")
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
    return _new_refund(
        buyer=buyer,
        seller=seller,
        amount=amount,
        reference=reference,
        rule=rule,
        reason=reason,
        source_key=source_key,
        due_on=due_on or clock.today() + O12_REFUND_WITHIN,
        creditor=_creditor(buyer, seller.pk, list(payments)),
        actor=actor,
    )


def _new_refund(
    *,
    buyer: Organization,
    seller: Organization,
    amount: Decimal,
    reference: str,
    rule: str,
    reason: str,
    source_key: str,
    due_on: date,
    creditor: tuple[str, str, str],
    actor: Any,
) -> Refund:
    """The row, its end-to-end id `RB` + 10 digits, and the audit `payments.refund_due`; the
    same source created at the same time by another transaction: that one stands."""
    name, iban, bic = creditor
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
                due_on=due_on,
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
            "source_key": refund.source_key,
        },
    )
    return refund


# --- what the buyer is owed, whatever its source (I5, O17) ------------------------------------


def _owed_to(*, buyer_id: int, seller_id: int) -> Decimal:
    total = Refund.objects.filter(
        buyer_id=buyer_id, seller_id=seller_id, status__in=OWED
    ).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO


def _net_credit(*, buyer_id: int, seller_id: int, lock: bool) -> Decimal:
    """The buyer's net credit with the seller: its credits not yet set against a debt, less what
    it still owes (invoices not yet due included); negative when it owes. With `lock`, its
    credits are locked first, so that two uses of the same credit take turns."""
    items = OpenItem.objects.filter(
        party_id=buyer_id, counterparty_id=seller_id, account__purpose=P.RECEIVABLE
    ).exclude(open_amount=0)
    if lock:
        list(items.filter(open_amount__lt=0).select_for_update().values_list("pk", flat=True))
    net = items.aggregate(total=Sum("open_amount"))["total"] or ZERO
    return (-net).quantize(CENT)


def buyer_credit(*, buyer: Any, seller: Any, lock: bool = False) -> Decimal:
    """What the seller may still refund the buyer: its net credit with the seller (its credits
    not yet set against a debt, less what it still owes, invoices not yet due included) minus the
    refunds already owed to it (due, held or sent to the bank). Never below zero. With `lock`,
    the buyer's credits are locked first, so that two refunds of the same credit take turns."""
    buyer_id, seller_id = getattr(buyer, "pk", buyer), getattr(seller, "pk", seller)
    net = _net_credit(buyer_id=buyer_id, seller_id=seller_id, lock=lock)
    return max(net - _owed_to(buyer_id=buyer_id, seller_id=seller_id), ZERO)


def _paying_account(buyer: Organization, seller_id: int) -> tuple[str, str, str]:
    """Where a credit goes back: the account of the buyer's latest payment to the seller made
    otherwise than by card, else its mandate or the bank details of its organization."""
    payments = Payment.objects.filter(
        buyer=buyer, seller_id=seller_id, reversed_at__isnull=True, method__in=PREPAYMENT_METHODS
    ).exclude(payer_iban="")
    return _creditor(buyer, seller_id, list(payments.order_by("-value_date", "-pk")[:5]))


def _card_paid(note: Invoice, order_number: str) -> bool:
    return CardIntent.objects.filter(
        reference=order_number,
        seller_id=note.issuer_id,
        buyer_id=note.recipient_id,
        status__in=[CardIntent.Status.SUCCEEDED, CardIntent.Status.REFUNDED],
    ).exists()


@transaction.atomic
def credit_note_transfer_refund(*, credit_note: Invoice | int, actor: Any = None) -> Refund | None:
    """O17 (L221-24), I5: what an issued credit note on a consumer's invoice leaves as a credit
    once billing has set it against the buyer's open invoices with the seller
    (`credit_notes_settle`) is owed back by transfer, due 14 days after the credit note's issue
    (the day the withdrawal was notified: ordering issues it then). At most what the credit note
    still holds, and never more than the buyer's net credit less the refunds owed to it already
    (a prepayment refund of the same withdrawal, O17, holds its share). One refund per credit
    note (`source_key` `AV:<number>`): asked again, the first one is returned. None when it is
    no transfer matter: a B2B credit note (the credit stays on the account and is deducted from
    the next invoice, as F10 says for packaging), an order paid by card (the card path, I5,
    `card_refund_for_credit_note`), or nothing left as a credit."""
    pk = credit_note.pk if isinstance(credit_note, Invoice) else credit_note
    note = Invoice.objects.select_related("credited_invoice").filter(pk=pk).first()
    if note is None or note.kind != Kind.CREDIT_NOTE or not note.number:
        return None
    if note.status != InvoiceStatus.ISSUED:
        return None
    original = note.credited_invoice
    if not (note.consumer or (original is not None and original.consumer)):
        return None  # B2B: the credit stays on the account (I5, F10)
    order_number = str((original.references or {}).get("order_number") or "") if original else ""
    if order_number and _card_paid(note, order_number):
        return None  # refunded on the card
    key = f"AV:{note.number}"[:80]
    existing = Refund.objects.filter(seller_id=note.issuer_id, source_key=key).first()
    if existing is not None:
        return existing
    item = credit_note_item_locked(note)
    left = -item.open_amount if item is not None and item.open_amount < 0 else ZERO
    amount = min(left, buyer_credit(buyer=note.recipient_id, seller=note.issuer_id, lock=True))
    if amount <= 0:
        return None
    buyer, seller = org_get(note.recipient_id, "buyer"), org_get(note.issuer_id, "seller")
    return _new_refund(
        buyer=buyer,
        seller=seller,
        amount=amount,
        reference=order_number or note.number,
        rule=Refund.Rule.O17,
        reason=f"Avoir {note.number} (rétractation, O17)",
        source_key=key,
        due_on=(note.issue_date or clock.today()) + O12_REFUND_WITHIN,
        creditor=_paying_account(buyer, seller.pk),
        actor=actor,
    )


#: How far back the sweep looks for consumer credit notes whose refund task was lost.
MISSED_LOOKBACK = timedelta(days=7)


def credit_note_refunds_missed(*, until: datetime) -> int:
    """The consumer credit notes issued in the week before `until` that have no refund yet
    (their task was lost or has not run): each is asked again (`credit_note_transfer_refund`,
    idempotent, one transaction each). Returns the number of refunds created."""
    notes = Invoice.objects.filter(
        kind=Kind.CREDIT_NOTE,
        status=InvoiceStatus.ISSUED,
        issued_at__gte=until - MISSED_LOOKBACK,
        issued_at__lte=until,
    ).filter(Q(consumer=True) | Q(credited_invoice__consumer=True))
    keys = {f"AV:{number}"[:80]: pk for pk, number in notes.values_list("pk", "number")}
    done = set(Refund.objects.filter(source_key__in=keys).values_list("source_key", flat=True))
    created = 0
    for key, pk in sorted(keys.items()):
        if key not in done and credit_note_transfer_refund(credit_note=pk) is not None:
            created += 1
    return created


#: What a refund on request says when the seller gives no reason of its own.
CREDIT_REFUND_REASON = "Remboursement du crédit (I5)"


def _pending_request(buyer_id: int, seller_id: int) -> Refund | None:
    return (
        Refund.objects.filter(
            buyer_id=buyer_id,
            seller_id=seller_id,
            rule=Refund.Rule.I5,
            status__in=OWED,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def credit_refund_create(
    *,
    seller: Any,
    buyer: Any,
    actor: Any,
    amount: Decimal | None = None,
    reason: str = "",
) -> Refund:
    """I5: the seller refunds by transfer a buyer's credit with it (a credit note not used, an
    overpayment) instead of deducting it from the next invoice: `amount` (default: all of it),
    never more than `buyer_credit`. Due in 14 days, as O12. One such refund at a time per
    buyer: while one is owed (due or sent to the bank), a second is refused
    (`credit_refund_pending`) — the API adds its Idempotency-Key on top. Needs "credit and
    invoices" (P4) on the seller; an organization with no account at the seller is not found;
    a customer without credit is refused (`no_credit`)."""
    seller = org_get(seller, "seller")
    require_permission(actor, seller, Permission.VIEW_INVOICES)
    buyer_id = getattr(buyer, "pk", buyer)
    known = OpenItem.objects.filter(
        party_id=buyer_id, counterparty_id=seller.pk, account__purpose=P.RECEIVABLE
    )
    if buyer_id == seller.pk or not known.exists():
        raise NotFound(_("Buyer"), field="buyer")  # not one of the seller's customers
    buyer = org_get(buyer, "buyer")
    credit = buyer_credit(buyer=buyer, seller=seller, lock=True)
    pending = _pending_request(buyer.pk, seller.pk)
    if pending is not None:
        raise DomainError(
            "credit_refund_pending",
            _(
                "A refund of %(amount)s to this buyer is already due (%(id)s): mark it paid "
                "or cancel it before refunding its credit again."
            )
            % {"amount": format_money_active(pending.amount), "id": pending.end_to_end_id},
            field="buyer",
            rule="I5",
        )
    if credit <= 0:
        raise DomainError(
            "no_credit",
            _("This buyer has no credit with you to refund."),
            field="buyer",
            rule="I5",
        )
    if amount is None:
        amount = credit
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(
            "invalid_amount",
            _("The amount is a positive sum in euros, with at most two decimals."),
            field="amount",
            rule="I5",
        )
    if amount > credit:
        raise DomainError(
            "amount_above_credit",
            _("At most %(credit)s can be refunded: the buyer's credit with you.")
            % {"credit": format_money_active(credit)},
            field="amount",
            rule="I5",
            details={"credit": str(credit)},
        )
    today = clock.today()
    return _new_refund(
        buyer=buyer,
        seller=seller,
        amount=amount,
        reference=f"CREDIT-{today:%Y%m%d}",
        rule=Refund.Rule.I5,
        reason=(reason or "").strip()[:300] or CREDIT_REFUND_REASON,
        source_key=f"I5:{buyer.pk}:{uuid4().hex[:20]}",
        due_on=today + O12_REFUND_WITHIN,
        creditor=_paying_account(buyer, seller.pk),
        actor=actor,
    )


@dataclass(frozen=True)
class RefundExport:
    """One pain.001 file and the refunds it carries; the refunds held back (not in the file)
    because the buyer's credit no longer covers them."""

    message_id: str
    xml: bytes
    refunds: list[Refund]
    total: Decimal
    held: list[Refund] = field(default_factory=list)


def _sent_to_bank(buyer_id: int, seller_id: int) -> Decimal:
    """The buyer's refunds in a file already, not paid yet: they hold part of its credit."""
    total = Refund.objects.filter(
        buyer_id=buyer_id, seller_id=seller_id, status=Refund.Status.EXPORTED
    ).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO


def _hold(refund: Refund, credit: Decimal, at: datetime, actor: Any) -> None:
    refund.status, refund.held_at = Refund.Status.HELD, at
    refund.held_reason, refund.held_credit = HOLD_CREDIT_SHORT, credit
    refund.save(update_fields=["status", "held_at", "held_reason", "held_credit"])
    audit_record(
        actor=actor,
        organization_id=refund.seller_id,
        action="payments.refund_held",
        obj_type="payments.refund",
        obj_id=refund.pk,
        data={
            "reference": refund.reference,
            "amount": refund.amount,
            "credit": credit,
            "reason": HOLD_CREDIT_SHORT,
            "end_to_end_id": refund.end_to_end_id,
            "rule": refund.rule,
        },
    )


def _check_credit(
    refunds: list[Refund], at: datetime, actor: Any
) -> tuple[list[Refund], list[Refund]]:
    """O12, O17, I5: per buyer (in buyer order, its credits locked), its due refunds in due
    order against its net credit less the refunds already sent to the bank (`refunds_covered`):
    those covered in full are sent, the others are held. Returns (sent, held)."""
    by_buyer: dict[int, list[Refund]] = {}
    for refund in refunds:
        by_buyer.setdefault(refund.buyer_id, []).append(refund)
    sent_ids: set[int] = set()
    held: list[Refund] = []
    for buyer_id in sorted(by_buyer):
        rows = by_buyer[buyer_id]
        seller_id = rows[0].seller_id
        credit = _net_credit(buyer_id=buyer_id, seller_id=seller_id, lock=True)
        credit -= _sent_to_bank(buyer_id, seller_id)
        cover = refunds_covered(credit, [(r.pk, r.amount) for r in rows])
        sent_ids.update(cover.sent)
        left = dict(cover.held)
        for refund in rows:
            if refund.pk in left:
                _hold(refund, left[refund.pk], at, actor)
                held.append(refund)
    return [r for r in refunds if r.pk in sent_ids], held


def refunds_export(*, seller: Any, actor: Any = None) -> RefundExport:
    """The seller's due refunds whose IBAN is known, as one SEPA credit-transfer file
    (pain.001.001.03, checked against its schema) drawn on the seller's account; they are
    marked sent to the bank. Refused when none is left (`nothing_to_export`) or the seller has
    no IBAN (`seller_iban_missing`). Each buyer's credit is checked again first (O12, O17, I5):
    a refund it no longer covers in full is held, not sent (`RefundExport.held`); when every
    refund is held, the holds are kept and the export is refused (`refunds_held`)."""
    done = _refunds_export(seller=seller, actor=actor)
    if not done.refunds:
        raise DomainError(
            "refunds_held",
            _(
                "No file: the buyers' credit with you no longer covers any of the due refunds. "
                "They are held; release or cancel them on the refunds page."
            ),
            field="refunds",
            rule="I5",
            details={"held": [r.pk for r in done.held]},
        )
    return done


@transaction.atomic
def _refunds_export(*, seller: Any, actor: Any) -> RefundExport:
    """`refunds_export` in one transaction: the holds stay even when nothing is sent."""
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
    refunds, held = _check_credit(refunds, at, actor)
    if not refunds:
        return RefundExport(message_id="", xml=b"", refunds=[], total=ZERO, held=held)
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
        data={
            "count": len(refunds),
            "total": total,
            "refunds": [r.pk for r in refunds],
            "held": [r.pk for r in held],
        },
    )
    return RefundExport(message_id=message_id, xml=xml, refunds=refunds, total=total, held=held)


def held_reason_text(refund: Refund) -> str:
    """Why the export held this refund back, for people (the page, the API); "" if not held."""
    if refund.status != Refund.Status.HELD:
        return ""
    rule = refund.rule if refund.rule == Refund.Rule.I5 else f"{refund.rule}, I5"
    lang = "en" if (get_language() or "fr").startswith("en") else "fr"
    return _(
        "Held at export: the buyer's credit with you covered only %(credit)s of the "
        "%(amount)s to refund (%(rule)s). Release it to have the next export check it again, "
        "or cancel it."
    ) % {
        "credit": format_money(refund.held_credit or ZERO, lang=lang),
        "amount": format_money(refund.amount, lang=lang),
        "rule": rule,
    }


@transaction.atomic
def refund_release(*, seller: Any, refund: Refund | int, actor: Any) -> Refund:
    """The seller releases a refund the export held back (O12, O17, I5): it is due again, and
    the next export checks the buyer's credit again (held again if still not covered). Only a
    held refund (`refund_not_held`); needs "credit and invoices" (P4); another seller's refund
    is not found. Audited `payments.refund_released`."""
    seller = org_get(seller, "seller")
    require_permission(actor, seller, Permission.VIEW_INVOICES)
    pk = refund.pk if isinstance(refund, Refund) else refund
    row = Refund.objects.select_for_update().filter(pk=pk, seller=seller).first()
    if row is None:
        raise NotFound(_("Refund"), field="refund")
    if row.status != Refund.Status.HELD:
        raise DomainError(
            "refund_not_held",
            _("The refund of %(ref)s is not held: nothing to release.") % {"ref": row.reference},
            field="refund",
            rule=row.rule,
        )
    held = {"held_at": row.held_at, "reason": row.held_reason, "credit": row.held_credit}
    row.status = Refund.Status.DUE
    row.held_at, row.held_reason, row.held_credit = None, "", None
    row.save(update_fields=["status", "held_at", "held_reason", "held_credit"])
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.refund_released",
        obj_type="payments.refund",
        obj_id=row.pk,
        data={
            "reference": row.reference,
            "amount": row.amount,
            "end_to_end_id": row.end_to_end_id,
            "rule": row.rule,
            **held,
        },
    )
    return row


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
    """The buyer's credits the refund pays back: the credit note it comes from, or those of the
    order's payments, first, then any other credit of the buyer with the seller, oldest first
    (locked)."""
    if refund.source_key.startswith("AV:"):
        own = list(
            OpenItem.objects.select_for_update().filter(
                party_id=refund.buyer_id,
                counterparty_id=refund.seller_id,
                kind=OpenItem.Kind.CREDIT_NOTE,
                reference=refund.source_key[3:],
                open_amount__lt=0,
            )
        )
    else:
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
    *,
    seller: Any,
    refund: Refund | int,
    on: date | None = None,
    actor: Any = None,
    source: str = "seller",
) -> Refund:
    """The seller's bank has paid the refund (its pain.001 file, or a transfer made by hand) on
    `on` (default today): the money going out is posted (the seller's bank, or the funds held
    for sellers on a marketplace, as a card refund) and matched against the buyer's credit, so
    the buyer's balance comes back to what it was before the payment. Another seller's refund
    is not found; one paid already, or cancelled, is refused and nothing changes. The money has
    left: a refund beyond the buyer's net credit at that moment (O12, O17, I5) is paid all the
    same, and what it exceeded the credit by is flagged (`beyond_credit`, audit
    `payments.refund_paid_beyond_credit`): the buyer owes it back."""
    seller = org_get(seller, "seller")
    if actor is not None:
        require_permission(actor, seller, Permission.VIEW_INVOICES)
    pk = refund.pk if isinstance(refund, Refund) else refund
    row = Refund.objects.select_for_update().filter(pk=pk, seller=seller).first()
    if row is None:
        raise NotFound(_("Refund"), field="refund")
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
    net = _net_credit(buyer_id=row.buyer_id, seller_id=row.seller_id, lock=True)
    beyond = refund_beyond_credit(row.amount, net)
    policy = payment_policy(row.seller_id, day)
    move = CashMove(
        row.buyer_id,
        row.seller_id,
        row.amount,
        day,
        row.reference,
        f"Remboursement virement {row.reference} ({row.rule})",
        incoming=False,
        data=labels.facts(labels.TRANSFER_REFUND, reference=row.reference, rule=row.rule),
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
    row.beyond_credit = beyond
    row.save(
        update_fields=["open_item", "status", "paid_on", "paid_at", "paid_by", "beyond_credit"]
    )
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
            "beyond_credit": beyond,
            "end_to_end_id": row.end_to_end_id,
            "rule": row.rule,
            "source": source,
        },
    )
    if beyond > 0:
        audit_record(
            actor=actor,
            organization_id=seller.pk,
            action="payments.refund_paid_beyond_credit",
            obj_type="payments.refund",
            obj_id=row.pk,
            data={
                "reference": row.reference,
                "amount": row.amount,
                "credit": max(net, ZERO),
                "beyond_credit": beyond,
                "buyer": row.buyer_id,
                "end_to_end_id": row.end_to_end_id,
                "rule": row.rule,
                "source": source,
            },
        )
    return row


@transaction.atomic
def refund_cancel(*, seller: Any, refund: Refund | int, actor: Any, reason: str) -> Refund:
    """The seller will not pay this refund (a mistake, the buyer asked to keep the credit, or
    its bank rejected the transfer): from `due`, `held` or `exported`, with a reason (field
    `reason`).
    Nothing is posted: the buyer's credit stays on its account, to be deducted from its next
    invoice or refunded again on request (I5). A refund in a file already sent to the bank must
    also be stopped there. Needs "credit and invoices" (P4); another seller's refund is not
    found; one paid already (`refund_already_paid`) or cancelled (`refund_cancelled`) is
    refused. Audited `payments.refund_cancelled`."""
    seller = org_get(seller, "seller")
    require_permission(actor, seller, Permission.VIEW_INVOICES)
    pk = refund.pk if isinstance(refund, Refund) else refund
    row = Refund.objects.select_for_update().filter(pk=pk, seller=seller).first()
    if row is None:
        raise NotFound(_("Refund"), field="refund")
    if row.status == Refund.Status.CANCELLED:
        raise DomainError(
            "refund_cancelled",
            _("The refund of %(ref)s is already cancelled: nothing changed.")
            % {"ref": row.reference},
            field="refund",
            rule=row.rule,
        )
    _refuse_paid(row)
    text = (reason or "").strip()
    if not text:
        raise DomainError(
            "reason_required",
            _("Say why the refund is cancelled."),
            field="reason",
            rule=row.rule,
        )
    was = row.status
    row.status = Refund.Status.CANCELLED
    row.cancelled_at = clock.now()
    row.cancelled_by = actor if actor is not None and getattr(actor, "pk", None) else None
    row.cancel_reason = text[:300]
    row.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.refund_cancelled",
        obj_type="payments.refund",
        obj_id=row.pk,
        data={
            "reference": row.reference,
            "amount": row.amount,
            "was": was,
            "message_id": row.message_id,
            "end_to_end_id": row.end_to_end_id,
            "reason": row.cancel_reason,
            "rule": row.rule,
        },
    )
    return row


# --- the bank's debit of a refund (statement import) -------------------------------------------

#: The end-to-end id of a refund by transfer, as sent in the pain.001 file.
REFUND_ID = re.compile(r"(?<![0-9A-Za-z])RB\d{10}(?![0-9])")


def refund_id_in(end_to_end_id: str, text: str) -> str:
    """The refund end-to-end id a statement debit names: its EndToEndId (EREF), else the first
    one in its remittance text; "" when none."""
    for value in (end_to_end_id or "", text or ""):
        found = REFUND_ID.search(value.upper())
        if found:
            return found.group(0)
    return ""


def refund_paid_from_statement(
    *, end_to_end_id: str, amount: Decimal, booked_on: date, seller_ids: set[int]
) -> tuple[bool, str]:
    """A debit of a seller's statement naming one of its refunds (O12, O17, I5): a refund due or
    sent to the bank, of exactly that amount, is marked paid on the booking day (`refund_mark_
    paid`, source "statement"); one paid already (by hand) is matched and nothing is posted
    again. Returns whether the line is matched and its note; an unknown id, another amount, or
    a cancelled refund is left for review. A refund held or beyond the buyer's credit is paid
    all the same (the money has left): the line is matched, its note says what the buyer now
    owes, and the refund is flagged (`beyond_credit`). Runs inside the import's transaction."""
    row = (
        Refund.objects.select_for_update()
        .filter(end_to_end_id=end_to_end_id, seller_id__in=seller_ids)
        .first()
    )
    if row is None:
        return False, f"Remboursement {end_to_end_id} inconnu"
    if -amount != row.amount:
        return False, (
            f"Remboursement {end_to_end_id} : montant débité {-amount} ≠ montant du "
            f"remboursement {row.amount}"
        )
    if row.status == Refund.Status.PAID:
        return True, f"Remboursement {end_to_end_id} (déjà payé)"
    if row.status == Refund.Status.CANCELLED:
        return False, f"Remboursement {end_to_end_id} débité mais annulé : à vérifier"
    created = timezone.localtime(row.created_at, clock.PARIS).date()
    day = max(min(booked_on, clock.today()), created)
    paid = refund_mark_paid(seller=row.seller_id, refund=row.pk, on=day, source="statement")
    if paid.beyond_credit > 0:
        return True, (
            f"Remboursement {end_to_end_id} payé, {format_money(paid.beyond_credit)} au-delà du "
            f"crédit de "
            f"l'acheteur : il les doit (I5)"
        )
    return True, f"Remboursement {end_to_end_id} payé"


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


def refunds_beyond_credit(*, seller_id: int) -> QuerySet[Refund]:
    """The refunds paid beyond the buyer's credit (the buyer owes the difference), latest
    paid first, with the buyer."""
    return (
        Refund.objects.filter(seller_id=seller_id, status=Refund.Status.PAID, beyond_credit__gt=0)
        .select_related("buyer")
        .order_by("-paid_at", "-pk")
    )


def is_late(refund: Refund, today: date | None = None) -> bool:
    return refund.status == Refund.Status.DUE and refund.due_on < (today or clock.today())


__all__ = [
    "CREDIT_REFUND_REASON",
    "O12_REFUND_WITHIN",
    "RefundExport",
    "buyer_credit",
    "credit_note_transfer_refund",
    "credit_refund_create",
    "held_reason_text",
    "is_late",
    "refund_cancel",
    "refund_due_create",
    "refund_id_in",
    "refund_mark_paid",
    "refund_paid_from_statement",
    "refund_release",
    "refundable",
    "refunds_beyond_credit",
    "refunds_export",
    "refunds_late",
    "refunds_of",
]
