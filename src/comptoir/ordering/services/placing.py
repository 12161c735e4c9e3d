"""Checkout: from the buyer's confirmed cart to a placed order (O1, O8–O10, O13, O15, N3).

One transaction per order: the order, its lines, the stock it holds and the voucher it uses are
written together or not at all. The idempotency key makes a retried submission return the order
the first one created (a double click places one order)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.catalog import queries as catalog
from comptoir.core import clock
from comptoir.core.compiled import CompiledRead
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Cart, CartLine, Order, OrderLine, OrderState
from comptoir.ordering.notes import Note, both
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.quoting import (
    LineRequest,
    PricedCart,
    presented_voucher,
    quote_cart,
    version_in_force,
)
from comptoir.ordering.rules import (
    consumer_buyer_check,
    consumers_served_check,
    payment_choice,
    request_hash,
    withdrawal_excluded,
)
from comptoir.ordering.services._common import (
    apply,
    plan_withdrawal,
    record,
    refuse_on_violations,
    refuse_unusable_voucher,
    reschedule,
    reserve_stock,
)
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments.services.card import card_payment_start
from comptoir.terms.engine.serialize import quote_to_json
from comptoir.terms.queries import terms_in_force

PREPAYMENT_WARNINGS = {"deposit_exceeded"}
HOLD_WARNINGS = {"large_order_review"}


@dataclass(frozen=True, slots=True)
class Signature:
    """Where the buyer confirmed from (O9): recorded with the order."""

    ip: str | None = None
    user_agent: str = ""


@dataclass(frozen=True, slots=True)
class Submission:
    buyer: Organization
    seller: Organization
    lines: tuple[LineRequest, ...]
    accepted_terms_version: int
    idempotency_key: str
    payment_method: str = ""
    # PT2, PT3: the key of the option chosen among the quote's payment options (a deferral, a
    # number of instalments…); empty: the method's first option
    payment_option: str = ""
    delivery_country: str = "FR"
    delivery_address: dict[str, str] | None = None
    voucher_code: str = ""
    channel: str = "web"
    # O17: the buyer, a natural person, orders as a consumer (outside its trade); and, for
    # digital content or services, consents to immediate performance and waives its withdrawal
    # right (C. conso. L221-28 1°, 13°; 004 §7.2, D4)
    as_consumer: bool = False
    withdrawal_waiver: bool = False

    def fingerprint(self) -> str:
        payload: dict[str, Any] = {
            "seller": self.seller.pk,
            "lines": [(line.sku, line.quantity) for line in self.lines],
            "terms": self.accepted_terms_version,
            "payment": self.payment_method,
            "country": self.delivery_country,
            "address": self.delivery_address or {},
            "voucher": self.voucher_code,
        }
        if self.payment_option:  # only when chosen: earlier fingerprints stay the same
            payload["payment_option"] = self.payment_option
        if self.as_consumer:
            payload["consumer"] = {"waiver": self.withdrawal_waiver}
        return request_hash(payload)


def _check_key(key: str) -> None:
    if not key or len(key) > 80 or not key.isprintable():
        raise DomainError(
            "invalid_idempotency_key",
            _("An idempotency key of 1 to 80 printable characters is required."),
            field="idempotency_key",
        )


# asked by every placing (its idempotency key): its SQL built once (core.compiled)
_BY_KEY = CompiledRead(
    lambda buyer_id, key: Order.objects.filter(buyer_id=buyer_id, idempotency_key=key).order_by(
        "pk"
    )[:1],
    buyer_id=int,
    key=str,
)


def _replay(buyer: Organization, key: str, fingerprint: str) -> Order | None:
    found = _BY_KEY(buyer_id=buyer.pk, key=key)
    if not found:
        return None
    existing = found[0]
    if existing.request_hash != fingerprint:
        raise DomainError(
            "idempotency_key_reused",
            _("This idempotency key was already used for a different order."),
            field="idempotency_key",
        )
    return existing


def _payment_choice(priced: PricedCart, sub: Submission) -> tuple[str, str]:
    """(method, option key) among the quote's payment options (PT1–PT3)."""
    offered = [(o.key, o.method) for o in priced.quote.payment_options]
    return payment_choice(offered, sub.payment_method, sub.payment_option)


def _outcome(priced: PricedCart, unpaid_mode: str | None) -> tuple[bool, Note]:
    """(prepayment required, hold reason) from the quote's warnings (O10, PT9, PT10)."""
    prepay, hold = False, Note()
    for w in priced.quote.warnings:
        if w.code in PREPAYMENT_WARNINGS or (
            w.code == "unpaid_previous_orders" and unpaid_mode == "require_prepayment"
        ):
            prepay = True
        elif w.code in HOLD_WARNINGS or (
            w.code == "unpaid_previous_orders" and unpaid_mode == "hold_for_review"
        ):
            hold += both(w.explanation.fr, w.explanation.en)
        elif w.code == "credit_limit_exceeded":
            prepay = True
    return prepay, hold


def _create(sub: Submission, priced: PricedCart, actor: Any, signature: Signature) -> Order:
    at = clock.now()
    quote = priced.quote
    deadlines = {d.code: d.date for d in quote.deadlines}
    policy = ordering_policy(priced.version)
    prepay, hold = _outcome(priced, policy.engine.eligibility.unpaid_mode)
    method, option = _payment_choice(priced, sub)
    order = Order.objects.create(
        buyer=sub.buyer,
        seller=sub.seller,
        state=OrderState.SUBMITTED,
        channel=sub.channel,
        idempotency_key=sub.idempotency_key,
        request_hash=sub.fingerprint(),
        terms_version=priced.version,
        placed_by=actor if actor is not None and getattr(actor, "pk", None) else None,
        placed_at=at,
        signed_ip=signature.ip,
        signed_user_agent=signature.user_agent[:300],
        quote=quote_to_json(quote),
        payment_method=method,
        payment_option=option,
        delivery_address=sub.delivery_address or {},
        delivery_country=priced.cart.delivery_country,
        voucher_code=sub.voucher_code,
        total_excl_vat=quote.totals.excl_vat,
        total_vat=quote.totals.vat,
        total_incl_vat=quote.totals.incl_vat,
        prepayment_required=prepay,
        hold_reason=hold.fr,
        texts={"hold_reason": hold.as_json()} if hold else None,
        consumer=sub.as_consumer,
        withdrawal_waiver=sub.as_consumer and sub.withdrawal_waiver,
        acceptance_due_on=deadlines.get("acceptance_due"),
        processing_on=deadlines.get("processing_date"),
        estimated_delivery_on=deadlines.get("estimated_delivery"),
        state_changed_at=at,
    )
    order.number = f"CO-{at.year}-{order.pk:06d}"
    lines = [
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
        for i, ql in enumerate(quote.lines)
    ]
    plan_withdrawal(
        order,
        lines,
        {sku: p.kind for sku, p in priced.products.items()},
        {sku: p.withdrawal_nature for sku, p in priced.products.items()},
    )
    reserve_stock(order, lines)
    OrderLine.objects.bulk_create(lines)
    reschedule(order)
    order.save(update_fields=["number", "next_deadline_at", "next_action", "withdrawal_from"])
    data: dict[str, Any] = {
        "terms_version": priced.version.version,
        "total_incl_vat": quote.totals.incl_vat,
        "ip": signature.ip,
        "channel": sub.channel,
    }
    if option:
        data["payment_option"] = option  # PT2, PT3: what the buyer signed for
    if order.consumer:
        data["consumer"] = _consumer_facts(order, lines)
    record(order, action="place", actor=actor, from_state="", rule="O9", data=data)
    if order.payment_method == "card" and order.total_incl_vat > 0:
        # PT2 [000 §7.7]: paid at order, through the provider, before the order proceeds
        card_payment_start(
            buyer=order.buyer,
            seller=order.seller,
            amount=order.total_incl_vat,
            reference=order.number,
            actor=actor,
        )
    if hold:
        apply(order, "hold", actor=None, note=hold)
    elif policy.acceptance_mode == "auto":
        apply(order, "auto_accept", actor=None, note=Note.of("accepted_automatically"))
    return order


def _consumer_facts(order: Order, lines: list[OrderLine]) -> dict[str, Any]:
    """O17, for the timeline: from when the withdrawal period runs, and each line's exception
    with its reason (a line "excluded" has no withdrawal right)."""
    return {
        "withdrawal_from": order.withdrawal_from or "none",
        "waiver": order.withdrawal_waiver,
        "exceptions": [
            {
                "sku": line.sku,
                "exception": line.withdrawal_exception,
                "excluded": withdrawal_excluded(line.withdrawal_exception, performed=False),
                "reason": line.withdrawal_exception_reason,
            }
            for line in lines
            if line.withdrawal_exception
        ],
    }


def _place_one(sub: Submission, actor: Any, signature: Signature) -> Order:
    fingerprint = sub.fingerprint()
    with transaction.atomic():
        replay = _replay(sub.buyer, sub.idempotency_key, fingerprint)
        if replay is not None:
            return replay
        at = clock.now()
        version = version_in_force(sub.seller, at)
        if version.version != sub.accepted_terms_version:
            raise DomainError(
                "terms_version_changed",
                _(
                    "The seller's terms in force are version %(version)s; read and accept them "
                    "before ordering."
                )
                % {"version": version.version},
                field="accepted_terms_version",
                rule="N3",
                details={"in_force": version.version},
            )
        voucher, presented = presented_voucher(sub.seller, sub.voucher_code, for_update=True)
        priced = quote_cart(
            buyer=sub.buyer,
            seller=sub.seller,
            requests=sub.lines,
            delivery_country=sub.delivery_country,
            # an option key starts with its method (PT3): the quote prices that method
            payment_method=sub.payment_method or sub.payment_option.partition(":")[0] or None,
            voucher=presented,
            version=version,
            at=at,
            is_consumer=sub.as_consumer,  # O17: refused when the terms serve no consumers
        )
        refuse_on_violations(priced)
        if voucher is not None:
            refuse_unusable_voucher(priced)
        order = _create(sub, priced, actor, signature)
        if voucher is not None:
            voucher.redeemed_by = order
            voucher.save(update_fields=["redeemed_by"])
        CartLine.objects.filter(
            cart__buyer=sub.buyer,
            cart__seller=sub.seller,
            product_id__in=[p.pk for p in priced.products.values()],
        ).delete()
        return order


def _check(sub: Submission, actor: Any) -> None:
    _check_key(sub.idempotency_key)
    if actor is not None:
        require_permission(actor, sub.buyer, Permission.PLACE_ORDERS)
    if not sub.buyer.is_buyer:
        raise DomainError("not_a_buyer", _("Only a buyer organization places orders."), rule="P1")
    if sub.as_consumer:
        # O17: a consumer is a natural person acting outside its trade (C. conso., art.
        # liminaire); a company never buys as one
        consumer_buyer_check(is_company=sub.buyer.is_company)
    catalog.seller_visible(sub.buyer, sub.seller)  # read by the caller: not read again


def order_place(*, actor: Any, submission: Submission, signature: Signature | None = None) -> Order:
    """Place one order on the buyer's confirmation (O9) and return it; a retry with the same
    idempotency key returns the same order."""
    _check(submission, actor)
    try:
        return _place_one(submission, actor, signature or Signature())
    except IntegrityError:
        # A concurrent submission with the same key won the race: return its order.
        replay = _replay(submission.buyer, submission.idempotency_key, submission.fingerprint())
        if replay is None:
            raise
        return replay


def _consumers_served(submissions: Sequence[Submission]) -> None:
    """O17 over a whole checkout, before anything is placed: the consumer's submissions come
    from a natural person and go to sellers whose terms in force serve consumers
    (`consumers_served_check`). A seller without terms in force is refused on its own (N3)."""
    consumer = [s for s in submissions if s.as_consumer]
    for submission in consumer:
        consumer_buyer_check(is_company=submission.buyer.is_company)
    sellers = []
    for submission in consumer:
        version = terms_in_force(submission.seller)
        if version is not None:
            allowed = ordering_policy(version).document.consumers.allowed
            sellers.append((submission.seller.pk, submission.seller.display_name, allowed))
    consumers_served_check(sellers)


def orders_place(
    *, actor: Any, submissions: Sequence[Submission], signature: Signature | None = None
) -> list[Order | DomainError]:
    """Marketplace checkout over several sellers (O1, K1): one independent order per seller, each
    under its own terms, each in its own transaction. Every seller is tried: the outcome of each
    submission, in their order, is its order or the DomainError that seller's placing raised (one
    seller refusing binds no other). Two submissions for one seller refuse the whole call, and
    so does a consumer's submission to a seller selling to professionals only (O17), checked for
    every seller before anything is placed."""
    sellers = [s.seller.pk for s in submissions]
    if len(set(sellers)) != len(sellers):
        raise DomainError(
            "duplicate_seller", _("One submission per seller."), field="submissions", rule="O1"
        )
    _consumers_served(submissions)
    outcomes: list[Order | DomainError] = []
    for submission in submissions:
        try:
            outcomes.append(order_place(actor=actor, submission=submission, signature=signature))
        except DomainError as error:
            outcomes.append(error)
    return outcomes


__all__ = ["Cart", "Signature", "Submission", "order_place", "orders_place"]
