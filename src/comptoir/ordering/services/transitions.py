"""One service per transition of an order (O6–O12, N4), each in one transaction, each checked
against `rules.TRANSITIONS` and recorded in the timeline and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from comptoir.core import clock
from comptoir.core.calendar import add_months
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Order, OrderLine
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.quoting import LineRequest, quote_cart
from comptoir.ordering.rules import ACCEPTED, IN_PROGRESS, edit_decision
from comptoir.ordering.services._common import (
    apply,
    locked,
    refund_if_paid,
    refuse_on_violations,
    release_stock,
    require_buyer,
    require_seller,
    reserve_stock,
    restore_voucher,
)
from comptoir.ordering.services.invoicing import order_invoice_if_due
from comptoir.terms.engine.serialize import quote_to_json


def _reason(reason: str, field: str = "reason", rule: str = "O10") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", "Give the reason.", field=field, rule=rule)
    return reason[:2000]


@transaction.atomic
def order_accept(*, actor: Any, order_id: int, note: str = "") -> Order:
    """The seller accepts (O8); an acknowledgement of receipt is not an acceptance."""
    order = locked(order_id)
    require_seller(actor, order)
    return apply(order, "accept", actor=actor, note=note)


@transaction.atomic
def order_refuse(*, actor: Any, order_id: int, reason: str) -> Order:
    """The seller refuses, with its reason (O10); the stock held is given back."""
    order = locked(order_id)
    require_seller(actor, order)
    order.reason = _reason(reason)
    release_stock(order)
    refund_if_paid(order, order.reason, actor)
    restore_voucher(order)
    return apply(order, "refuse", actor=actor, note=order.reason, fields=("reason",))


@transaction.atomic
def order_release(*, actor: Any, order_id: int, note: str = "") -> Order:
    """The seller lifts the review hold (O10); the order then waits for acceptance as usual."""
    order = locked(order_id)
    require_seller(actor, order)
    apply(order, "release", actor=actor, note=note)
    if ordering_policy(order.terms_version).acceptance_mode == "auto":
        apply(order, "auto_accept", actor=None, note="Acceptation automatique (CGV).")
    return order


def _replace_lines(order: Order, requests: Sequence[LineRequest]) -> None:
    """Re-quote the order under its own terms version and agreed prices, and hold the new
    quantities' stock (what was held before is given back first, in the same transaction)."""
    priced = quote_cart(
        buyer=order.buyer,
        seller=order.seller,
        requests=requests,
        delivery_country=order.delivery_country,
        payment_method=order.payment_method or None,
        version=order.terms_version,
        at=order.placed_at,
        exclude_order=order.pk,
    )
    refuse_on_violations(priced)
    release_stock(order)
    order.lines.all().delete()
    new_lines = [
        OrderLine(
            order=order,
            position=i + 1,
            product=priced.products[ql.sku],
            sku=ql.sku,
            title=priced.products[ql.sku].title,
            requested_quantity=ql.requested_quantity,
            quantity=ql.quantity,
            unit_price=ql.list_unit_price,
            vat_rate=ql.vat_rate,
            net_amount=ql.net_amount,
        )
        for i, ql in enumerate(priced.quote.lines)
    ]
    reserve_stock(order, new_lines)
    OrderLine.objects.bulk_create(new_lines)
    totals = priced.quote.totals
    order.quote = quote_to_json(priced.quote)
    order.total_excl_vat, order.total_vat = totals.excl_vat, totals.vat
    order.total_incl_vat = totals.incl_vat


CHANGED = ("quote", "total_excl_vat", "total_vat", "total_incl_vat")


def _lines_of(order: Order) -> list[dict[str, Any]]:
    return [{"sku": line.sku, "quantity": line.quantity} for line in order.lines.all()]


@transaction.atomic
def order_modify(*, actor: Any, order_id: int, lines: Sequence[LineRequest], reason: str) -> Order:
    """The seller answers with a modification (O8): it goes back to the buyer to confirm."""
    order = locked(order_id)
    require_seller(actor, order)
    before = _lines_of(order)
    _replace_lines(order, lines)
    order.reason = _reason(reason, rule="O8")
    return apply(
        order,
        "modify",
        actor=actor,
        note=order.reason,
        fields=(*CHANGED, "reason"),
        data={"before": before, "after": _lines_of(order)},
    )


@transaction.atomic
def order_confirm_modification(*, actor: Any, order_id: int) -> Order:
    order = locked(order_id)
    require_buyer(actor, order)
    return apply(order, "confirm_modification", actor=actor)


@transaction.atomic
def order_decline_modification(*, actor: Any, order_id: int, reason: str = "") -> Order:
    """The buyer declines the seller's modification: the order ends, the buyer is released."""
    order = locked(order_id)
    require_buyer(actor, order)
    order.reason = (reason or "Modification refusée par l'acheteur.")[:2000]
    release_stock(order)
    refund_if_paid(order, order.reason, actor)
    restore_voucher(order)
    return apply(order, "decline_modification", actor=actor, note=order.reason, fields=("reason",))


@transaction.atomic
def order_edit(*, actor: Any, order_id: int, lines: Sequence[LineRequest]) -> Order:
    """The buyer changes composition or volume while its terms allow it (O6, O7, O11)."""
    order = locked(order_id)
    require_buyer(actor, order)
    decision = edit_decision(
        state=order.state,
        policy=ordering_policy(order.terms_version).edit,
        today=clock.today(),
        processing_on=order.processing_on,
    )
    if not decision.allowed or decision.needs_seller_consent:
        code = "seller_consent_required" if decision.allowed else "order_not_editable"
        raise DomainError(
            code,
            decision.reason_en,
            field="lines",
            rule=decision.rule,
            details={"fr": decision.reason_fr},
        )
    before = _lines_of(order)
    _replace_lines(order, lines)
    return apply(
        order,
        "edit",
        actor=actor,
        fields=CHANGED,
        rule=decision.rule,
        data={"before": before, "after": _lines_of(order)},
    )


@transaction.atomic
def order_change(*, actor: Any, order_id: int, lines: Sequence[LineRequest], consent: str) -> Order:
    """A change after acceptance or after processing, made by the seller with its written
    consent (O6, O11); the consent text is kept in the timeline."""
    order = locked(order_id)
    require_seller(actor, order)
    policy = ordering_policy(order.terms_version)
    if policy.edit.after_acceptance == "forbidden" and order.state in {ACCEPTED, IN_PROGRESS}:
        raise DomainError(
            "order_not_editable",
            "These terms forbid changes after acceptance.",
            field="lines",
            rule="O7",
        )
    if order.invoice_id is not None:
        raise DomainError(
            "already_invoiced",
            "The order is invoiced: correct it with a credit note.",
            field="lines",
            rule="I9",
        )
    before = _lines_of(order)
    _replace_lines(order, lines)
    return apply(
        order,
        "change",
        actor=actor,
        note=_reason(consent, "consent", "O11"),
        fields=CHANGED,
        data={"before": before, "after": _lines_of(order)},
    )


@transaction.atomic
def order_cancel(*, actor: Any, order_id: int, reason: str, by: str) -> Order:
    """Cancellation by the buyer (only before acceptance, or with the seller's consent once
    accepted) or by the seller (O11, O12); the stock held is given back. A refund of what the
    buyer paid follows through payments (O12)."""
    order = locked(order_id)
    if by == "seller":
        require_seller(actor, order)
    elif by == "buyer":
        require_buyer(actor, order)
        if order.state not in {"submitted", "held", "modified"}:
            raise DomainError(
                "seller_consent_required",
                "Once accepted, a cancellation needs the seller's written consent.",
                field="state",
                rule="O11",
            )
    else:
        raise DomainError("invalid_party", "by is 'buyer' or 'seller'.", field="by")
    if order.invoice_id is not None:
        raise DomainError(
            "already_invoiced",
            "The order is invoiced: cancel it with a credit note.",
            field="state",
            rule="I9",
        )
    order.reason = _reason(reason, rule="O12")
    release_stock(order)
    refund_if_paid(order, order.reason, actor)
    restore_voucher(order)
    return apply(
        order, "cancel", actor=actor, note=order.reason, fields=("reason",), data={"by": by}
    )


@transaction.atomic
def order_start(*, actor: Any, order_id: int) -> Order:
    """The seller starts preparing an accepted order: no more edits (O7)."""
    order = locked(order_id)
    require_seller(actor, order)
    apply(order, "start", actor=actor)
    order_invoice_if_due(order, "at_order_end", actor=actor)
    return order


@transaction.atomic
def order_suspend(*, actor: Any, order_id: int, reason: str) -> Order:
    """Force majeure (N4): the seller suspends the order for up to the terms' period; when it
    ends unresumed, the order is terminated without compensation."""
    order = locked(order_id)
    require_seller(actor, order)
    months = ordering_policy(order.terms_version).force_majeure_months
    if months is None:
        raise DomainError(
            "no_force_majeure_clause",
            "These terms have no force-majeure suspension.",
            field="state",
            rule="N4",
        )
    order.resume_state = order.state
    order.suspended_until = add_months(clock.today(), months)
    order.reason = _reason(reason, rule="N4")
    return apply(
        order,
        "suspend",
        actor=actor,
        note=order.reason,
        fields=("resume_state", "suspended_until", "reason"),
    )


@transaction.atomic
def order_resume(*, actor: Any, order_id: int) -> Order:
    order = locked(order_id)
    require_seller(actor, order)
    order.suspended_until = None
    return apply(
        order,
        "resume",
        actor=actor,
        target=order.resume_state or ACCEPTED,
        fields=("suspended_until",),
    )
