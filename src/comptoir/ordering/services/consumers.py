"""O17: a consumer withdraws from its order [001 §10; 004 §7; C. conso. L221-18 to L221-28].

The period (stored as `Order.withdrawal_due_on`) runs 14 days from the receipt of the last lot
for goods, from conclusion for services and digital content, counted under Reg. 1182/71. Lines
under an exception of the seller's terms cannot be withdrawn from, and the reason says why. The
withdrawal records what must be refunded within 14 days of the notification, by the means the
consumer paid with; billing and payments carry out the refund."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.billing.models import Status as InvoiceStatus
from comptoir.billing.services import credit_note_create, draft_from_invoice, invoice_issue
from comptoir.catalog.services import stock_release
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.i18n import active_lang
from comptoir.ordering.models import Order, OrderLine, OrderWithdrawal
from comptoir.ordering.notes import Note, words
from comptoir.ordering.rules import (
    CANCELLED,
    check_withdrawal_in_time,
    exception_reason,
    refund_due_on,
    transition_check,
    withdrawal_excluded,
)
from comptoir.ordering.services._common import (
    apply,
    locked,
    refund_if_paid,
    release_stock,
    require_buyer,
    set_reason,
    withdrawal_terms,
)
from comptoir.ordering.services.invoicing import order_credit_in_full
from comptoir.payments.services.card import card_refund
from comptoir.payments.services.refunds import refund_due_create
from comptoir.terms.engine.support import quantize

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def _excluded(line: OrderLine) -> bool:
    return withdrawal_excluded(
        line.withdrawal_exception, performed=line.shipped_quantity >= line.quantity
    )


def _refusal(code: str, message: str, lines: Sequence[OrderLine]) -> DomainError:
    return DomainError(
        code,
        message,
        field="lines",
        rule="O17",
        details={
            "lines": [
                {"sku": ln.sku, "reason": exception_reason(ln.withdrawal_exception, "en")}
                for ln in lines
            ]
        },
    )


def _chosen(order: Order, line_ids: Sequence[int] | None) -> list[OrderLine]:
    """The lines the consumer withdraws from: those named, or every line still withdrawable.
    A named line under an exception is refused with the exception's reason."""
    lines = [ln for ln in order.lines.all() if ln.withdrawn_at is None]
    if line_ids is None:
        chosen = [ln for ln in lines if not _excluded(ln)]
        if not chosen:
            excluded = [ln for ln in lines if _excluded(ln)]
            raise _refusal(
                "nothing_to_withdraw",
                _("No line of this order can be withdrawn from: %(reason)s.")
                % {"reason": exception_reason(excluded[0].withdrawal_exception, active_lang())}
                if excluded
                else _("No line of this order can be withdrawn from."),
                excluded,
            )
        return chosen
    by_id = {ln.pk: ln for ln in lines}
    unknown = [i for i in line_ids if i not in by_id]
    if unknown or not line_ids:
        raise DomainError(
            "unknown_line",
            _("Name lines of this order not yet withdrawn from."),
            field="lines",
            rule="O17",
        )
    chosen = [by_id[i] for i in dict.fromkeys(line_ids)]
    excluded = [ln for ln in chosen if _excluded(ln)]
    if excluded:
        first = excluded[0]
        raise _refusal(
            "withdrawal_excluded",
            _("%(sku)s: no withdrawal right, %(reason)s.")
            % {
                "sku": first.sku,
                "reason": exception_reason(first.withdrawal_exception, active_lang()),
            },
            excluded,
        )
    return chosen


def _gross(line: OrderLine) -> Decimal:
    return quantize(line.net_amount + line.net_amount * line.vat_rate / HUNDRED)


def _refund(order: Order, withdrawal: OrderWithdrawal, actor: Any) -> tuple[Decimal, str]:
    """O17: carry out the withdrawal's refund by the means the consumer paid with, never more
    than was paid and not yet refunded or set against an invoice: back on the card at once, or
    a transfer the seller owes by `refund_due_on` (payments' `Refund`). Nothing paid, nothing
    refunded. Returns the amount and how ("card", "transfer" or "")."""
    if withdrawal.refund_amount <= 0 or not order.number:
        return ZERO, ""
    reason = f"Rétractation du consommateur (O17), {order.number}"
    if order.payment_method == "card":
        done = card_refund(
            reference=order.number,
            seller=order.seller,
            reason=reason,
            actor=actor,
            amount=withdrawal.refund_amount,
            rule="O17",
        )
        return done, "card" if done > 0 else ""
    refund = refund_due_create(
        buyer=order.buyer_id,
        seller=order.seller_id,
        reference=order.number,
        rule="O17",
        source_key=f"O17:{withdrawal.pk}",
        reason=reason,
        due_on=withdrawal.refund_due_on,
        limit=withdrawal.refund_amount,
        actor=actor,
    )
    return (refund.amount, "transfer") if refund is not None else (ZERO, "")


def _credit_invoiced(
    order: Order, chosen: Sequence[OrderLine], everything: bool, actor: Any
) -> str:
    """O17 after the invoice (I5): the withdrawn lines are no longer owed, so a credit note is
    issued at once — of the whole invoice, delivery included, when every line is withdrawn
    (L221-24), else of the withdrawn lines as invoiced. Billing sets it against the invoice
    (paid or not); a card order's remainder goes back on the card through payments' reaction
    to the credit note. Returns the credit note's number, or "" when there is nothing to credit
    or what is left creditable does not cover it (the seller then credits by hand)."""
    invoice = order.invoice
    if invoice is None or invoice.status != InvoiceStatus.ISSUED:
        return ""
    reason = "Rétractation du consommateur (O17)"
    try:
        with transaction.atomic():
            if everything:
                whole = order_credit_in_full(order, reason=reason, rule="O17", actor=actor)
                if whole is not None:
                    return whole.number or ""
            skus = {ln.sku for ln in chosen}
            lines = [ln for ln in draft_from_invoice(invoice).lines if ln.sku in skus]
            if not lines:
                return ""
            note = credit_note_create(
                invoice_id=invoice.pk, lines=lines, reason=reason, actor=actor
            )
            return invoice_issue(invoice_id=note.pk, actor=actor).number or ""
    except DomainError:  # I5: more than is left creditable (credited by hand before)
        return ""


@transaction.atomic
def order_withdraw(
    *, actor: Any, order_id: int, lines: Sequence[int] | None = None, note: str = ""
) -> Order:
    """The consumer withdraws from the order, or from the `lines` named (ids), before the end
    of the period (O17); after it, refused with the date. The refund of the sums paid for those
    lines (of the whole order, delivery included, when every line is withdrawn: L221-24) is due
    within the terms' days of today. Lines not shipped yet no longer ship; an order withdrawn
    from entirely before anything shipped or was invoiced is cancelled."""
    order = locked(order_id)
    require_buyer(actor, order)
    if not order.consumer:
        raise DomainError(
            "not_a_consumer_order",
            _("Only an order placed as a consumer carries a withdrawal right."),
            field="order",
            rule="O17",
        )
    transition_check("withdraw", order.state)
    today = clock.today()
    check_withdrawal_in_time(today=today, due_on=order.withdrawal_due_on)
    chosen = _chosen(order, lines)
    at = clock.now()
    for line in chosen:
        line.withdrawn_at = at
        if line.shipped_quantity == 0 and line.reserved_quantity:
            stock_release(product_id=line.product_id, quantity=line.reserved_quantity)
            line.reserved_quantity = 0
        line.save(update_fields=["withdrawn_at", "reserved_quantity"])
    every_line = list(order.lines.all())
    everything = all(ln.withdrawn_at is not None for ln in every_line)
    already = sum((w.refund_amount for w in order.withdrawals.all()), ZERO)
    left = max(order.total_incl_vat - already, ZERO)
    amount = left if everything else min(sum((_gross(ln) for ln in chosen), ZERO), left)
    terms = withdrawal_terms(order)
    due = refund_due_on(today, terms.refund_within_days)
    withdrawal = OrderWithdrawal.objects.create(
        order=order,
        notified_at=at,
        notified_by=actor if actor is not None and getattr(actor, "pk", None) else None,
        lines=[
            {"line": ln.pk, "sku": ln.sku, "quantity": ln.quantity, "amount": str(_gross(ln))}
            for ln in chosen
        ],
        refund_amount=amount,
        refund_due_on=due,
        refund_method=order.payment_method,
    )
    text = Note.of("withdrawal", skus=", ".join(ln.sku for ln in chosen), amount=amount, due_on=due)
    refunded, refunded_by = _refund(order, withdrawal, actor)
    credited = _credit_invoiced(order, chosen, everything, actor)
    if credited:
        text += Note.of("withdrawal_credit_note", number=credited)
    if refunded > 0:
        refund = "withdrawal_card_refund" if refunded_by == "card" else "withdrawal_transfer_refund"
        text += Note.of(refund, amount=refunded)
    text += words(note[:500])
    data = {
        "lines": [ln.sku for ln in chosen],
        "refund_amount": amount,
        "refund_due_on": due,
        "refund_method": order.payment_method,
        "deadline": order.withdrawal_due_on,
        "refunded": refunded,
        "refunded_by": refunded_by,
        "credit_note": credited,
    }
    nothing_left = everything and order.invoice_id is None
    if nothing_left and all(ln.shipped_quantity == 0 for ln in every_line):
        # O17: nothing left to supply; the voucher is not given back (O15 [004 §14])
        fields = set_reason(order, Note.of("consumer_withdrawal"))
        release_stock(order)
        refund_if_paid(order, order.reason, actor)
        return apply(
            order, "withdraw", actor=actor, note=text, data=data, target=CANCELLED, fields=fields
        )
    return apply(order, "withdraw", actor=actor, note=text, data=data)
