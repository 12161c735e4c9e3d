"""What every ordering service shares: locking an order, checking who acts, recording the
transition in the order's timeline and the audit log (P8), giving back reserved stock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog.services import stock_managed_among, stock_release, stock_reserve_many
from comptoir.core import clock
from comptoir.core.audit import jsonable
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.i18n import active_lang
from comptoir.core.services import audit_record
from comptoir.ordering.models import (
    Order,
    OrderEvent,
    OrderLine,
    SubstitutionProposal,
    SubstitutionStatus,
    Voucher,
)
from comptoir.ordering.notes import Note, as_note
from comptoir.ordering.notifications import publish
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.quoting import (
    LineRequest,
    PricedCart,
    charges_from_json,
    quote_cart,
    voucher_input,
    voucher_warning,
)
from comptoir.ordering.rules import (
    ACCEPTED,
    DELIVERED,
    FINAL_STATES,
    IN_PROGRESS,
    SAME,
    SHIPPED,
    line_withdrawal_exception,
    next_deadline,
    transition_check,
    withdrawal_deadline,
    withdrawal_excluded,
    withdrawal_start,
)
from comptoir.ordering.tasks import send_order_mail
from comptoir.parties.models import Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments.services.card import card_refund
from comptoir.payments.services.refunds import refund_due_create
from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.inputs import VoucherInput
from comptoir.terms.engine.serialize import quote_to_json
from comptoir.terms.schema.fulfilment import Withdrawal

CONCLUDED_STATES = frozenset({ACCEPTED, IN_PROGRESS})
"""Where an order stands just after the contract is concluded (the seller's acceptance)."""


def locked(order_id: int) -> Order:
    """The order, locked for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Order"), field="order")
    return order


def require_buyer(actor: Any, order: Order, permission: str = Permission.PLACE_ORDERS) -> None:
    if actor is not None:
        require_permission(actor, order.buyer_id, permission)


def require_seller(actor: Any, order: Order) -> None:
    """Seller staff act on orders with the `place_orders` permission of the seller (P4)."""
    if actor is not None:
        require_permission(actor, order.seller_id, Permission.PLACE_ORDERS)


def record(
    order: Order,
    *,
    action: str,
    actor: Any,
    from_state: str,
    rule: str,
    note: str | Note = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append the event to the timeline and the audit log. A `Note` is stored in its parts
    (`data["note_parts"]`, each reader's language) and in French (`note`, the record)."""
    at = clock.now()
    written = as_note(note)
    parts = written.as_json() if written.translatable else None
    payload = jsonable({**(data or {}), **({"note_parts": parts} if parts else {})})
    assert isinstance(payload, dict)
    note = written.fr
    event = OrderEvent.objects.create(
        order=order,
        at=at,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        from_state=from_state,
        to_state=order.state,
        rule=rule,
        note=note,
        data=payload,
    )
    audit_record(
        actor=actor,
        organization_id=order.seller_id,
        action=f"order.{action}",
        obj_type="ordering.Order",
        obj_id=str(order.pk),
        data={"number": order.number, "from": from_state, "to": order.state, **payload},
    )
    publish(order, action)
    order_id = order.pk
    transaction.on_commit(lambda: send_order_mail.enqueue(order_id, action, note, parts))
    return event


def reschedule(order: Order, *, acceptance_overdue_noted: bool = False) -> None:
    """Store the order's next time-driven step (N2) from its state and deadlines."""
    policy = ordering_policy(order.terms_version)
    step = next_deadline(
        state=order.state,
        acceptance_due_on=order.acceptance_due_on,
        on_silence=policy.on_silence,
        processing_on=order.processing_on if policy.monthly_processing else None,
        suspended_until=order.suspended_until,
        acceptance_overdue_noted=acceptance_overdue_noted,
    )
    order.next_deadline_at = step.at
    order.next_action = step.action


SUBSTITUTIONS_CLOSE_IN = FINAL_STATES | {SHIPPED, DELIVERED}
"""C6: states in which a replacement proposal can no longer be answered (before shipment only)."""


def lapse_substitutions(order_ids: Sequence[int]) -> int:
    """C6: the proposals still waiting for the buyer on these orders become "lapsed", in one
    UPDATE; called when an order ends, ships or gets its invoice."""
    return SubstitutionProposal.objects.filter(
        order_id__in=order_ids, status=SubstitutionStatus.PENDING
    ).update(status=SubstitutionStatus.LAPSED, answered_at=clock.now())


LINE_CHANGING_ACTIONS = frozenset(
    {"edit", "change", "modify", "answer_substitution", "mark_manual_handling", "withdraw"}
)
"""Actions that may take a line off the order or make it no longer to supply (C6)."""


def lapse_substitutions_of_removed_lines(order: Order) -> list[str]:
    """C6: the proposals still waiting for the buyer whose line is no longer on the order (an
    edit, a change, a modification removed it) or no longer to supply (withdrawn, O17) cannot be
    answered: they become "lapsed". Returns the SKUs of the lines they were for."""
    open_skus = order.lines.filter(withdrawn_at__isnull=True).values_list("sku", flat=True)
    orphans = SubstitutionProposal.objects.filter(
        order=order, status=SubstitutionStatus.PENDING
    ).exclude(original_sku__in=list(open_skus))
    skus = sorted(orphans.values_list("original_sku", flat=True))
    if skus:
        orphans.update(status=SubstitutionStatus.LAPSED, answered_at=clock.now())
    return skus


def apply(
    order: Order,
    action: str,
    *,
    actor: Any,
    note: str | Note = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
    rule: str | None = None,
    target: str | None = None,
) -> Order:
    """Move `order` (locked) by `action` per the transition table, save and record it;
    `target` overrides the table's target (resuming to the state before a suspension)."""
    transition = transition_check(action, order.state)
    before = order.state
    target = target or transition.target
    if target != SAME:
        order.state = target
        order.state_changed_at = clock.now()
    if _withdrawal_runs_from_conclusion(order):
        fields = (*fields, "withdrawal_due_on")
        data = {**(data or {}), "withdrawal_due_on": order.withdrawal_due_on}
    reschedule(order, acceptance_overdue_noted=action == "note_acceptance_overdue")
    order.save(
        update_fields=[
            "state",
            "state_changed_at",
            "next_deadline_at",
            "next_action",
            *fields,
        ]
    )
    if order.state in SUBSTITUTIONS_CLOSE_IN and before not in SUBSTITUTIONS_CLOSE_IN:
        lapse_substitutions([order.pk])  # C6
    elif action in LINE_CHANGING_ACTIONS:
        lapsed = lapse_substitutions_of_removed_lines(order)  # C6
        if lapsed:
            note = as_note(note) + Note.of("substitutions_lapsed", skus=", ".join(lapsed))
            data = {**(data or {}), "lapsed_substitutions": lapsed}
    record(
        order,
        action=action,
        actor=actor,
        from_state=before,
        rule=rule or transition.rule,
        note=note,
        data=data,
    )
    return order


def set_reason(order: Order, reason: str | Note) -> tuple[str, ...]:
    """Why the order was refused, lapsed or cancelled: the French record in `reason`, the parts
    for each reader's language in `texts` (none for a person's own words). Returns the fields
    to save."""
    written = as_note(reason)
    order.reason = written.fr[:2000]
    texts = dict(order.texts or {})
    if written.translatable:
        texts["reason"] = written.as_json()
    else:
        texts.pop("reason", None)
    order.texts = texts or None
    return ("reason", "texts")


def release_stock(order: Order) -> None:
    """Give back what the order still holds (refused, lapsed, cancelled)."""
    for line in order.lines.filter(reserved_quantity__gt=0):
        stock_release(product_id=line.product_id, quantity=line.reserved_quantity)
        line.reserved_quantity = 0
        line.save(update_fields=["reserved_quantity"])


def refund_if_paid(order: Order, reason: str, actor: Any = None) -> None:
    """O12 [000 §7.2]: an order that does not go ahead is refunded in full what was paid for it
    and not yet set against an invoice: on the card, or by transfer for a prepayment recorded
    by the seller (a `Refund` due, once per order)."""
    if not order.number:
        return
    if order.payment_method == "card":
        card_refund(reference=order.number, seller=order.seller, reason=reason, actor=actor)
        return
    refund_due_create(
        buyer=order.buyer_id,
        seller=order.seller_id,
        reference=order.number,
        rule="O12",
        source_key=f"O12:{order.number}",
        reason=reason,
        actor=actor,
    )


def restore_voucher(order: Order) -> None:
    """A voucher of an order that never went ahead can be used again (O15)."""
    Voucher.objects.filter(redeemed_by=order).update(redeemed_by=None)


def reserve_stock(order: Order, lines: list[OrderLine]) -> None:
    """Hold the stock of every physical line (O13), or refuse the whole order; sets each line's
    `reserved_quantity` (the caller saves the lines). Which products count stock is known from
    the products the quote read with their stock; lines without them are asked in one query."""
    managed = stock_managed_among(
        line.product if OrderLine.product.is_cached(line) else line.product_id for line in lines
    )
    held = [line for line in lines if line.product_id in managed]
    wanted: dict[int, int] = {}
    for line in held:  # a product on two lines is held once for both
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    short = stock_reserve_many(wanted)
    for i, line in enumerate(lines):
        if line.product_id in short:
            raise DomainError(
                "insufficient_stock",
                ngettext(
                    "Not enough stock of %(sku)s for %(count)s unit.",
                    "Not enough stock of %(sku)s for %(count)s units.",
                    line.quantity,
                )
                % {"sku": line.sku, "count": line.quantity},
                field=f"lines[{i}].quantity",
                rule="O13",
            )
    for line in held:
        line.reserved_quantity = line.quantity


def explanation_text(explanation: Explanation) -> str:
    """The quote's bilingual explanation in the reader's language (French unless English is on)."""
    return explanation.en if active_lang() == "en" else explanation.fr


def refuse_on_violations(priced: PricedCart) -> None:
    violations = priced.quote.violations
    if violations:
        first = violations[0]
        raise DomainError(
            first.code,
            explanation_text(first.explanation),
            field="lines",
            rule=first.rule,
            details={
                "violations": [
                    {
                        "code": v.code,
                        "rule": v.rule,
                        "clause": v.clause.as_dict(),
                        "explanation": v.explanation.as_dict(),
                    }
                    for v in violations
                ]
            },
        )


def refuse_unusable_voucher(priced: PricedCart) -> None:
    """A buyer who presents a voucher gets it or is told why, before anything is placed (O15)."""
    warning = voucher_warning(priced.quote)
    if warning is not None:
        raise DomainError(
            warning.code,
            explanation_text(warning.explanation),
            field="voucher_code",
            rule=warning.rule,
            details={"explanation": warning.explanation.as_dict()},
        )


# --------------------------------------------------------------------------------------------
# O17: the consumer's withdrawal period, set from the order's lines and its terms
# --------------------------------------------------------------------------------------------


def withdrawal_terms(order: Order) -> Withdrawal:
    """The withdrawal clause of the order's terms (the legal 14 days when the terms are silent)."""
    consumers = ordering_policy(order.terms_version).document.consumers
    return consumers.withdrawal or Withdrawal()


def _withdrawal_runs_from_conclusion(order: Order) -> bool:
    """O17 (L221-18): for services and digital content the period runs from conclusion, which
    is the seller's acceptance (002 §4.2, 004 §2.5): store its end when the order is accepted."""
    if not (
        order.consumer
        and order.withdrawal_from == "conclusion"
        and order.withdrawal_due_on is None
        and order.state in CONCLUDED_STATES
    ):
        return False
    order.withdrawal_due_on = withdrawal_deadline(clock.today(), withdrawal_terms(order).days)
    return True


def plan_withdrawal(
    order: Order,
    lines: Sequence[OrderLine],
    kinds: Mapping[str, str],
    natures: Mapping[str, str] | None = None,
) -> None:
    """Attach to each line of a consumer's order the exception of the terms it falls under, and
    decide from which event the period runs (O17); `kinds` and `natures` map SKUs to product
    kinds and withdrawal natures (L221-28), read from the products the quote loaded. The
    caller saves the lines and the order's `withdrawal_from` / `withdrawal_due_on`."""
    if not order.consumer:
        return
    terms = withdrawal_terms(order)
    exceptions = frozenset(terms.exceptions)
    natures = natures or {}
    withdrawable: set[str] = set()
    for line in lines:
        line.withdrawal_exception = line_withdrawal_exception(
            kinds[line.sku], exceptions, order.withdrawal_waiver, natures.get(line.sku, "")
        )
        if not withdrawal_excluded(line.withdrawal_exception, performed=False):
            withdrawable.add(kinds[line.sku])
    start = withdrawal_start(withdrawable_kinds=withdrawable, terms_from=terms.from_)
    if start != order.withdrawal_from:
        order.withdrawal_from = start
        order.withdrawal_due_on = None
        if start == "conclusion" and order.state in CONCLUDED_STATES:
            _withdrawal_runs_from_conclusion(order)


# --------------------------------------------------------------------------------------------
# Re-quoting an order (edits, changes, modifications, substitutions, handling fee)
# --------------------------------------------------------------------------------------------


def order_voucher(order: Order) -> VoucherInput | None:
    """The voucher the order used, which every re-quote keeps (O15)."""
    voucher = Voucher.objects.filter(redeemed_by=order).first()
    return voucher_input(voucher) if voucher is not None else None


def quote_order(order: Order, requests: Sequence[LineRequest]) -> PricedCart:
    """The quote of `requests` as lines of `order`: its terms version, its placing date (agreed
    prices), its voucher, its buyer's consumer status and its O11 charges; nothing is written."""
    return quote_cart(
        buyer=order.buyer,
        seller=order.seller,
        requests=requests,
        delivery_country=order.delivery_country,
        payment_method=order.payment_method or None,
        voucher=order_voucher(order),
        version=order.terms_version,
        at=order.placed_at,
        exclude_order=order.pk,
        is_consumer=order.consumer,
        manual_handling=order.manual_handling,
        handling_fee=order.handling_fee,
        extra_fees=charges_from_json(order.extra_fees),
    )


def requote(
    order: Order,
    requests: Sequence[LineRequest],
    *,
    enforce: bool = True,
    substitutes: Mapping[str, str] | None = None,
) -> PricedCart:
    """Re-quote the order under its own terms version at its placing date (agreed prices),
    keeping its O11 charges and its consumer status, replace its lines and hold the new
    quantities' stock (what was held before is given back first, in the same transaction).
    `substitutes` maps a replacement SKU to the SKU it replaces (C6); with `enforce` False the
    quote's violations do not stop the change (the caller records them)."""
    priced = quote_order(order, requests)
    if enforce:
        refuse_on_violations(priced)
    if voucher_warning(priced.quote) is not None:
        restore_voucher(order)  # no longer applies to the new lines: the buyer gets it back (O15)
    previous = list(order.lines.all())
    links = {line.sku: line.substitute_for for line in previous if line.substitute_for}
    links.update(substitutes or {})
    withdrawn = {line.sku: line.withdrawn_at for line in previous if line.withdrawn_at}
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
            substitute_for=links.get(ql.sku, ""),
            withdrawn_at=withdrawn.get(ql.sku),  # O17: a withdrawal stands
        )
        for i, ql in enumerate(priced.quote.lines)
    ]
    plan_withdrawal(
        order,
        new_lines,
        {sku: p.kind for sku, p in priced.products.items()},
        {sku: p.withdrawal_nature for sku, p in priced.products.items()},
    )
    reserve_stock(order, [line for line in new_lines if line.withdrawn_at is None])
    OrderLine.objects.bulk_create(new_lines)
    totals = priced.quote.totals
    order.quote = quote_to_json(priced.quote)
    order.total_excl_vat, order.total_vat = totals.excl_vat, totals.vat
    order.total_incl_vat = totals.incl_vat
    if order.payment_option not in {o.key for o in priced.quote.payment_options}:
        # PT2, PT3: an option the new amount no longer opens falls back to the method's first
        order.payment_option = ""
    return priced


REQUOTED = (
    "quote",
    "payment_option",
    "total_excl_vat",
    "total_vat",
    "total_incl_vat",
    "withdrawal_from",
    "withdrawal_due_on",
)
"""The order's fields a re-quote changes (for `save(update_fields=...)`)."""


def lines_of(order: Order) -> list[dict[str, Any]]:
    return [{"sku": line.sku, "quantity": line.quantity} for line in order.lines.all()]


def current_requests(order: Order) -> list[LineRequest]:
    """The order's lines as they stand, to re-quote it unchanged: what was asked for, which the
    same terms adjust to the same quantities (O4)."""
    return [LineRequest(line.sku, line.requested_quantity) for line in order.lines.all()]
