"""One service per transition of an order (O6–O12, N4), each in one transaction, each checked
against `rules.TRANSITIONS` and recorded in the timeline and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.calendar import add_months
from comptoir.core.errors import DomainError
from comptoir.core.i18n import active_lang
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note, words
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.rules import ACCEPTED, IN_PROGRESS, edit_decision
from comptoir.ordering.services._common import (
    REQUOTED,
    apply,
    current_requests,
    lines_of,
    locked,
    refund_if_paid,
    release_stock,
    require_buyer,
    require_seller,
    requote,
    restore_voucher,
    set_reason,
)
from comptoir.ordering.services.fees import change_fee, change_note, check_delivery_date
from comptoir.ordering.services.invoicing import order_invoice_if_due


def _reason(reason: str, field: str = "reason", rule: str = "O10") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give the reason."), field=field, rule=rule)
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
    fields = set_reason(order, _reason(reason))
    release_stock(order)
    refund_if_paid(order, order.reason, actor)
    restore_voucher(order)
    return apply(order, "refuse", actor=actor, note=order.reason, fields=fields)


@transaction.atomic
def order_release(*, actor: Any, order_id: int, note: str = "") -> Order:
    """The seller lifts the review hold (O10); the order then waits for acceptance as usual."""
    order = locked(order_id)
    require_seller(actor, order)
    apply(order, "release", actor=actor, note=note)
    if ordering_policy(order.terms_version).acceptance_mode == "auto":
        apply(order, "auto_accept", actor=None, note=Note.of("accepted_automatically"))
    return order


@transaction.atomic
def order_modify(*, actor: Any, order_id: int, lines: Sequence[LineRequest], reason: str) -> Order:
    """The seller answers with a modification (O8): it goes back to the buyer to confirm."""
    order = locked(order_id)
    require_seller(actor, order)
    before = lines_of(order)
    requote(order, lines)
    reasoned = set_reason(order, _reason(reason, rule="O8"))
    return apply(
        order,
        "modify",
        actor=actor,
        note=order.reason,
        fields=(*REQUOTED, *reasoned),
        data={"before": before, "after": lines_of(order)},
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
    given = (reason or "").strip()[:2000]
    written = words(given) if given else Note.of("modification_declined")
    fields = set_reason(order, written)
    release_stock(order)
    refund_if_paid(order, order.reason, actor)
    restore_voucher(order)
    return apply(order, "decline_modification", actor=actor, note=written, fields=fields)


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
            decision.reason_en if active_lang() == "en" else decision.reason_fr,
            field="lines",
            rule=decision.rule,
            details={"fr": decision.reason_fr},
        )
    before = lines_of(order)
    requote(order, lines)
    return apply(
        order,
        "edit",
        actor=actor,
        fields=REQUOTED,
        rule=decision.rule,
        data={"before": before, "after": lines_of(order)},
    )


@transaction.atomic
def order_change(
    *,
    actor: Any,
    order_id: int,
    lines: Sequence[LineRequest] | None = None,
    consent: str,
    fee: Decimal | None = None,
    fee_reason: str = "",
    new_delivery_date: date | None = None,
) -> Order:
    """A change after acceptance or after processing, made by the seller with its written
    consent (O6, O11); the consent text is kept in the timeline. `lines` None keeps the lines.
    O11 [002 §4.8]: the consent may come with a fee (excl. VAT, standard VAT rate) added to the
    order's charges and so to its invoice, and with a new delivery date."""
    order = locked(order_id)
    require_seller(actor, order)
    policy = ordering_policy(order.terms_version)
    if policy.edit.after_acceptance == "forbidden" and order.state in {ACCEPTED, IN_PROGRESS}:
        raise DomainError(
            "order_not_editable",
            _("These terms forbid changes after acceptance."),
            field="lines",
            rule="O7",
        )
    if order.invoice_id is not None:
        raise DomainError(
            "already_invoiced",
            _("The order is invoiced: correct it with a credit note."),
            field="lines",
            rule="I9",
        )
    consent = _reason(consent, "consent", "O11")
    data: dict[str, Any] = {"before": lines_of(order)}
    fields: tuple[str, ...] = REQUOTED
    charge = None
    if fee is not None:
        charge = change_fee(order, fee, fee_reason or consent)
        order.extra_fees = [*order.extra_fees, charge]
        fields = (*fields, "extra_fees")
        data["fee"] = {"amount": charge["amount"], "reason": charge["explanation"]["fr"]}
    if new_delivery_date is not None:
        data["delivery"] = {"before": order.estimated_delivery_on, "after": new_delivery_date}
        order.estimated_delivery_on = check_delivery_date(new_delivery_date)
        fields = (*fields, "estimated_delivery_on")
    requote(order, lines if lines is not None else current_requests(order))
    data["after"] = lines_of(order)
    note = change_note(consent, charge, new_delivery_date)
    return apply(order, "change", actor=actor, note=note, fields=fields, data=data)


BUYER_CANCELS_IN = frozenset({"submitted", "held", "modified"})
"""Before acceptance the buyer may withdraw its order alone, unless its terms make it
irrevocable (O8); afterwards the seller's written consent is needed (O11)."""


def buyer_cancel_refusal(order: Order) -> DomainError | None:
    """Why the buyer may not cancel `order` on its own now, or None when it may."""
    if order.state not in BUYER_CANCELS_IN:
        return DomainError(
            "seller_consent_required",
            _("Once accepted, a cancellation needs the seller's written consent."),
            field="state",
            rule="O11",
        )
    acceptance = ordering_policy(order.terms_version).document.ordering.acceptance
    if acceptance.buyer_order_irrevocable:
        # O8 [002 §4.2]: "Le bon de commande de l'Acheteur ne peut être révoqué."
        clause = str(acceptance.clause) if acceptance.clause is not None else ""
        message = _(
            "Under the seller's terms the buyer's order cannot be revoked: only the seller can "
            "cancel it (with its written consent) or refuse it."
        )
        return DomainError(
            "order_irrevocable",
            f"{message} {clause}" if clause else message,
            field="state",
            rule="O8",
            details={"clause": clause},
        )
    if order.invoice_id is not None:
        return DomainError(
            "already_invoiced",
            _("The order is invoiced: cancel it with a credit note."),
            field="state",
            rule="I9",
        )
    return None


def buyer_may_cancel(order: Order) -> bool:
    """Whether the buyer's own cancellation is offered on the order (O8, O11)."""
    return buyer_cancel_refusal(order) is None


@transaction.atomic
def order_cancel(*, actor: Any, order_id: int, reason: str, by: str) -> Order:
    """Cancellation by the buyer (only before acceptance and where its terms do not make its
    order irrevocable, O8; once accepted only with the seller's consent, O11) or by the seller
    (O11, O12); the stock held is given back. A refund of what the buyer paid follows through
    payments (O12)."""
    order = locked(order_id)
    if by == "seller":
        require_seller(actor, order)
    elif by == "buyer":
        require_buyer(actor, order)
        refusal = buyer_cancel_refusal(order)
        if refusal is not None:
            raise refusal
    else:
        raise DomainError("invalid_party", _("by is 'buyer' or 'seller'."), field="by")
    if order.invoice_id is not None:
        raise DomainError(
            "already_invoiced",
            _("The order is invoiced: cancel it with a credit note."),
            field="state",
            rule="I9",
        )
    fields = set_reason(order, _reason(reason, rule="O12"))
    release_stock(order)
    refund_if_paid(order, order.reason, actor)
    restore_voucher(order)
    return apply(order, "cancel", actor=actor, note=order.reason, fields=fields, data={"by": by})


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
            _("These terms have no force-majeure suspension."),
            field="state",
            rule="N4",
        )
    order.resume_state = order.state
    order.suspended_until = add_months(clock.today(), months)
    reasoned = set_reason(order, _reason(reason, rule="N4"))
    return apply(
        order,
        "suspend",
        actor=actor,
        note=order.reason,
        fields=("resume_state", "suspended_until", *reasoned),
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
