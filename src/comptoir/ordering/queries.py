"""Reads of carts and orders, always through the acting company: a buyer sees the orders it
placed, a seller the orders it received, nobody else anything (P9). Not found and not yours look
the same from outside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.core.compiled import CompiledRead
from comptoir.core.cursors import after_key, decode_cursor, encode_cursor
from comptoir.core.errors import NotFound
from comptoir.ledger.models import Account, OpenItem
from comptoir.ordering.models import (
    Cart,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
    OrderWithdrawal,
    SubstitutionProposal,
)
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import HELD, SUBMITTED, TRANSITIONS, withdrawal_excluded
from comptoir.parties.models import Organization
from comptoir.terms.engine.citations import Clause

INBOX_STATES = (OrderState.SUBMITTED, OrderState.HELD)


def _org_id(org: Organization | int | None) -> int | None:
    if org is None:
        return None
    return org if isinstance(org, int) else org.pk


def orders_for(
    org: Organization | int | None, *, role: str = "any", state: str | None = None
) -> QuerySet[Order]:
    """The company's orders, newest first; `role` "buyer", "seller" or "any"."""
    org_id = _org_id(org)
    if org_id is None:
        return Order.objects.none()
    mine = {
        "buyer": Q(buyer_id=org_id),
        "seller": Q(seller_id=org_id),
        "any": Q(buyer_id=org_id) | Q(seller_id=org_id),
    }[role]
    query = Order.objects.filter(mine).select_related("buyer", "seller", "terms_version")
    if state:
        query = query.filter(state=state)
    return query.order_by("-placed_at", "-pk")


ORDER_PAGE_SIZE = 50
TERMS_TEXTS = ("source", "parsed", "lint_report")  # the large columns of a terms version
# what a list of orders shows: no quote, no terms, no texts (each a JSON document per row)
LIST_FIELDS = ("number", "placed_at", "state", "total_incl_vat", "buyer_id", "seller_id")
PARTY_NAMES = ("legal_name", "trade_name")


@dataclass(frozen=True)
class OrderPage:
    items: list[Order]
    next_cursor: str | None


def _roles(org: Organization) -> str:
    """The side of its orders a company's list reads: both only for a company that buys and
    sells, so that the list walks one index ((buyer or seller, placed_at, id))."""
    if org.is_buyer and not org.is_seller:
        return "buyer"
    if org.is_seller and not org.is_buyer:
        return "seller"
    return "any"


def order_page(
    org: Organization,
    *,
    state: str | None = None,
    number: str = "",
    after: str | None = None,
    limit: int | None = None,
) -> OrderPage:
    """A keyset page of the company's orders, newest first on (placed_at, id): pass
    `next_cursor` back as `after`. `number`, a part of the order number (any case). Each order
    comes with its parties' names and what a list shows, nothing more."""
    query = orders_for(org, role=_roles(org), state=state).select_related(None)
    query = query.select_related("buyer", "seller").only(
        *LIST_FIELDS,
        *(f"{party}__{name}" for party in ("buyer", "seller") for name in PARTY_NAMES),
    )
    if number.strip():
        query = query.filter(number__icontains=number.strip())
    key = decode_cursor(after, 2) if after else None
    if key is not None:
        try:
            at, pk = datetime.fromisoformat(str(key[0])), int(key[1])
        except (ValueError, TypeError):
            at = None
        if at is not None and at.tzinfo is not None:
            query = query.filter(after_key("placed_at", at, pk, descending=True))
    limit = limit or ORDER_PAGE_SIZE
    items = list(query[: limit + 1])
    last = items[limit - 1] if len(items) > limit else None
    cursor = encode_cursor([last.placed_at.isoformat(), last.pk]) if last else None
    return OrderPage(items[:limit], cursor)


def order_for(org: Organization | int | None, number: str, **annotations: Any) -> Order:
    """One order by its number, if the company is its buyer or its seller; `annotations`, values
    read with it in the same query."""
    return found_order(list(order_by_number(_org_id(org), number, **annotations)))


def order_by_number(org_id: int | None, number: str, **annotations: Any) -> QuerySet[Order]:
    """The read of `order_for`, at most one row (fulfilment.queries compiles it for the order
    page, with its section flags)."""
    # the number is unique: no ORDER BY to build over the joined columns. The terms version's
    # text and parsed form are left: its policy is compiled once per text (ordering.policy)
    query = (
        orders_for(org_id)
        .filter(number=number)
        .order_by()
        .defer(*(f"terms_version__{name}" for name in TERMS_TEXTS))
    )
    if annotations:
        query = query.annotate(**annotations)
    return query[:1]


def found_order(rows: list[Order]) -> Order:
    """The order an `order_by_number` read found; NotFound without one."""
    if not rows:
        raise NotFound(gettext("Order"), field="number")
    return rows[0]


def order_lines(order: Order) -> list[OrderLine]:
    """The lines of an order already read for its party, each with `product_kind`, the kind of
    its product, so a page tells a digital delivery (F11) without reading them again."""
    lines = _ORDER_LINES(order_id=order.pk)
    for line in lines:
        line.order = order
    return lines


def order_events(order: Order) -> list[OrderEvent]:
    """The order's timeline, oldest first, each event with who did it: the actor's e-mail and
    name, never their password hash."""
    events = _ORDER_EVENTS(order_id=order.pk)
    for event in events:
        event.order = order
    return events


ACTOR_UNSHOWN = ("actor__password", "actor__last_login", "actor__date_joined")

# the order page's reads, their SQL built once (core.compiled)
_ORDER_LINES = CompiledRead(
    lambda order_id: OrderLine.objects.filter(order_id=order_id).annotate(
        product_kind=F("product__kind")
    ),
    order_id=int,
)
_ORDER_EVENTS = CompiledRead(
    lambda order_id: (
        OrderEvent.objects.filter(order_id=order_id).select_related("actor").defer(*ACTOR_UNSHOWN)
    ),
    order_id=int,
)


def order_by_idempotency_key(buyer: Organization | int | None, key: str) -> Order | None:
    """The order a submission with `key` already placed for the buyer, if any."""
    if not key or _org_id(buyer) is None:
        return None
    return Order.objects.filter(buyer_id=_org_id(buyer), idempotency_key=key).first()


def inbox_for(seller: Organization | int | None) -> QuerySet[Order]:
    """Orders waiting for the seller's answer, the most urgent deadline first (O8); those
    without a deadline last, on every database; then in order of arrival."""
    return (
        orders_for(seller, role="seller")
        .filter(state__in=INBOX_STATES)
        .order_by(F("acceptance_due_on").asc(nulls_last=True), "placed_at", "pk")
    )


INBOX_FIELDS = ("acceptance_due_on", "hold_reason", "texts")


def inbox_list(seller: Organization | int | None) -> QuerySet[Order]:
    """`inbox_for` with what the inbox shows: the list's columns, the deadline and why an order
    is held (O10), and the buyer's name; no quote, no terms."""
    return (
        inbox_for(seller)
        .select_related(None)
        .select_related("buyer")
        .only(*LIST_FIELDS, *INBOX_FIELDS, *(f"buyer__{name}" for name in PARTY_NAMES))
    )


def cart_for(buyer: Organization | int | None, seller: Organization | int) -> Cart | None:
    buyer_id = _org_id(buyer)
    if buyer_id is None:
        return None
    return (
        Cart.objects.filter(buyer_id=buyer_id, seller_id=_org_id(seller))
        .prefetch_related("lines__product")
        .first()
    )


def carts_for(buyer: Organization | int | None) -> QuerySet[Cart]:
    return Cart.objects.filter(buyer_id=_org_id(buyer), lines__isnull=False).distinct()


def order_tracked(number: str, email: str) -> Order:
    """O16: anyone with the order number and the e-mail of the person who placed it (or the
    buyer's company e-mail) may follow the order."""
    email = (email or "").strip().lower()
    order = (
        Order.objects.filter(number=(number or "").strip().upper())
        .select_related("placed_by", "buyer", "seller")
        .first()
    )
    if order is None or not email:
        raise NotFound(gettext("Order"), field="number")
    known = {(order.buyer.email or "").lower()}
    if order.placed_by is not None:
        known.add(order.placed_by.email.lower())
    if email not in known:
        raise NotFound(gettext("Order"), field="number")
    return order


@dataclass(frozen=True, slots=True)
class NextStep:
    """What happens next to an order and when (N2), for the timeline."""

    action: str
    at: datetime | date | None
    rule: str

    @property
    def label(self) -> str:
        return str(NEXT_LABELS.get(self.action, self.action))


NEXT_LABELS = {
    "lapse": _("the offer lapses if the seller has not answered"),
    "auto_accept": _("accepted automatically if the seller has not answered"),
    "acceptance_overdue": _("the seller's time to answer ends"),
    "process": _("processed in the monthly batch"),
    "terminate": _("terminated if the suspension is not lifted"),
    "await_seller": _("waiting for the seller's answer; its terms set no time limit"),
}
NEXT_STEPS = {
    "lapse": "O8",
    "auto_accept": "O8",
    "acceptance_overdue": "O8",
    "process": "O6",
    "terminate": "N4",
}


def next_step(order: Order) -> NextStep | None:
    if order.next_action:
        return NextStep(
            order.next_action, order.next_deadline_at, NEXT_STEPS.get(order.next_action, "N2")
        )
    if order.state in (SUBMITTED, HELD):  # O8: terms without an acceptance deadline
        return NextStep("await_seller", None, "O8")
    return None


def substitutions_for(order: Order) -> QuerySet[SubstitutionProposal]:
    """The replacement proposals of an order the caller already read through `order_for` (C6)."""
    return SubstitutionProposal.objects.filter(order=order).select_related("product")


def substitution_for(org: Organization | int | None, proposal_id: int) -> SubstitutionProposal:
    """One replacement proposal, if the company is the buyer or the seller of its order (C6)."""
    org_id = _org_id(org)
    found = (
        SubstitutionProposal.objects.filter(pk=proposal_id)
        .filter(Q(order__buyer_id=org_id) | Q(order__seller_id=org_id))
        .select_related("order", "product")
        .first()
        if org_id is not None
        else None
    )
    if found is None:
        raise NotFound(gettext("Substitution proposal"), field="proposal_id")
    return found


@dataclass(frozen=True, slots=True)
class LineWithdrawal:
    sku: str
    title: str
    excluded: bool
    reason: str  # the exception and its legal reference, "" when none
    withdrawn: bool


@dataclass(frozen=True, slots=True)
class WithdrawalStatus:
    """O17, for the order page: from when and until when the consumer may withdraw, what each
    line allows, and the refunds due."""

    runs_from: str  # "delivery", "conclusion" or "" (no withdrawal right)
    due_on: date | None  # None until the goods are delivered (or the contract concluded)
    open_today: bool
    lines: tuple[LineWithdrawal, ...]
    withdrawals: tuple[OrderWithdrawal, ...]


def withdrawal_status(
    order: Order, today: date, lines: Sequence[OrderLine] | None = None
) -> WithdrawalStatus | None:
    """None for an order not placed as a consumer. A page that holds the order's lines already
    (`order_lines`) passes them, and only the withdrawals are read."""
    if not order.consumer:
        return None
    lines = tuple(
        LineWithdrawal(
            sku=line.sku,
            title=line.title,
            excluded=withdrawal_excluded(
                line.withdrawal_exception, performed=line.shipped_quantity >= line.quantity
            ),
            reason=line.withdrawal_exception_reason,
            withdrawn=line.withdrawn_at is not None,
        )
        for line in (order.lines.all() if lines is None else lines)
    )
    open_today = bool(
        order.withdrawal_from
        and order.state in TRANSITIONS["withdraw"].sources
        and (order.withdrawal_due_on is None or today <= order.withdrawal_due_on)
        and any(not ln.excluded and not ln.withdrawn for ln in lines)
    )
    return WithdrawalStatus(
        runs_from=order.withdrawal_from,
        due_on=order.withdrawal_due_on,
        open_today=open_today,
        lines=lines,
        withdrawals=tuple(order.withdrawals.all()),
    )


@dataclass(frozen=True)
class HandlingOffer:
    """What the order's terms provide for manual handling (O11 [002 §4.3])."""

    fee: Decimal | None  # the terms' amount; None when the seller gives it or none is set
    from_contract: bool  # the amount is the buyer's contractual one: the seller gives it
    clause: Clause


def manual_handling_offer(order: Order) -> HandlingOffer | None:
    """The handling fee the seller may mark the order with now (O11): the order still waits
    for acceptance, is not marked yet, and its terms provide a handling fee; else None."""
    if order.manual_handling or order.state not in TRANSITIONS["mark_manual_handling"].sources:
        return None
    rules = ordering_policy(order.terms_version).engine.eligibility
    if not rules.handling_possible:
        return None
    return HandlingOffer(
        fee=rules.handling_fee,
        from_contract=rules.handling_fee_from_contract,
        clause=rules.handling_clause,
    )


def buyers_of(seller: Organization) -> QuerySet[Organization]:
    """Buyers that have traded with the seller: an order placed, or anything on their account
    (what its statement of account and receivables pages may show), by name."""
    receivable = OpenItem.objects.filter(
        account__purpose=Account.Purpose.RECEIVABLE, counterparty=seller
    )
    return Organization.objects.filter(
        Q(pk__in=Order.objects.filter(seller=seller).values("buyer_id"))
        | Q(pk__in=receivable.values("party_id"))
    ).order_by("sort_name", "pk")
