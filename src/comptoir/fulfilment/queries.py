"""Fulfilment reads, always scoped to a company that is the order's buyer or seller: anyone else
gets NotFound, as for a missing row (P9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.billing.models import Invoice
from comptoir.core.compiled import CompiledRead
from comptoir.core.errors import NotFound
from comptoir.fulfilment.models import (
    AddressChangeRequest,
    Charge,
    Claim,
    ClaimAttachment,
    CollectionNotice,
    Contestation,
    PackagingDeposit,
    PackagingReturn,
    ReserveFollowUp,
    Shipment,
    ShipmentLine,
    WrongGoods,
)
from comptoir.fulfilment.services.standalone import waiting_for
from comptoir.ordering.models import Order, SubstitutionProposal
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.queries import found_order, order_by_number
from comptoir.parties.models import Organization
from comptoir.terms.schema.fulfilment import ReturnableItem


def _org_id(org: Organization | int | None) -> int | None:
    return org if org is None or isinstance(org, int) else org.pk


def _party_order(org: Organization | int | None, order: Order | int) -> Order:
    org_id = _org_id(org)
    if (
        isinstance(order, Order)
        and org_id is not None
        and org_id in (order.buyer_id, order.seller_id)
    ):
        return order  # already read, and the organization is one of its parties
    order_id = order if isinstance(order, int) else order.pk
    found = (
        Order.objects.filter(pk=order_id).filter(Q(buyer_id=org_id) | Q(seller_id=org_id)).first()
        if org_id is not None
        else None
    )
    if found is None:
        raise NotFound(_("Order"), field="order")
    return found


def shipments_for(org: Organization | int | None, order: Order | int) -> QuerySet[Shipment]:
    """The order's shipments with their lines and parcels, for its buyer or seller."""
    return _shipments(_party_order(org, order).pk)


def _shipments(order_id: int) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(order_id=order_id)
        .select_related("delivery", "refusal")
        .prefetch_related(
            # the lines are ordered by their order line's position: the join is there already
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")),
            "parcels",
            "delivery__reserves",
        )
    )


def shipments_for_page(org: Organization | int | None, order: Order) -> list[Shipment]:
    """`shipments_for` of an order read by `order_for_page`: none read when its flag says it has
    none, the rest with their SQL built once (core.compiled)."""
    found = _party_order(org, order)
    if not has_rows(found, "shipments"):
        return []
    shipments = _SHIPMENTS(order_id=found.pk)
    for shipment in shipments:
        shipment.order = found
    return shipments


_SHIPMENTS = CompiledRead(_shipments, order_id=int)


def collection_notice_for(
    org: Organization | int | None, order: Order | int, shipment_number: str
) -> CollectionNotice:
    """The formal notice to collect of one of the order's shipments, for its buyer or seller
    (F7, N1); anyone else, or no notice: NotFound."""
    found = _party_order(org, order)
    notice = (
        CollectionNotice.objects.filter(order=found, shipment__number=shipment_number)
        .select_related("shipment", "order__buyer", "order__seller")
        .first()
    )
    if notice is None:
        raise NotFound(_("Formal notice"), field="shipment")
    return notice


def claims_for(org: Organization | int | None) -> QuerySet[Claim]:
    """Claims on the orders `org` bought or sold, newest activity first, with their threads."""
    org_id = _org_id(org)
    if org_id is None:
        return Claim.objects.none()
    return (
        Claim.objects.filter(Q(order__buyer_id=org_id) | Q(order__seller_id=org_id))
        .select_related("order", "opened_by_organization")
        .prefetch_related("messages__attachments", "messages__organization")
    )


def claim_for(org: Organization | int | None, claim_id: int) -> Claim:
    found = claims_for(org).filter(pk=claim_id).first()
    if found is None:
        raise NotFound(_("Claim"), field="claim")
    return found


def order_for_page(org: Organization | int | None, number: str) -> Order:
    """`ordering.queries.order_for`, telling in the same query which of the order page's sections
    have rows: `has_contestation` (F4), `has_substitutions` (C6), `has_deposits` (F10),
    `has_charges` (F7), `has_address_changes` (F6) and `has_shipments` (F2). The reads skip a
    section `has_rows` says is empty; an order read otherwise has no flags, and they read as
    before."""
    org_id = _org_id(org)
    return found_order([] if org_id is None else _ORDER_PAGE(org_id=org_id, number=number))


def _rows(model: type) -> Exists:
    return Exists(model.objects.filter(order=OuterRef("pk")))


# the page's first read, its SQL built once (core.compiled)
_ORDER_PAGE = CompiledRead(
    lambda org_id, number: order_by_number(
        org_id,
        number,
        has_contestation=_rows(Contestation),
        has_substitutions=_rows(SubstitutionProposal),
        has_deposits=_rows(PackagingDeposit),
        has_charges=_rows(Charge),
        has_address_changes=_rows(AddressChangeRequest),
        has_shipments=_rows(Shipment),
    ),
    org_id=int,
    number=str,
)


def has_rows(order: Order, section: str) -> bool:
    """False only when the order was read with `order_for_page` and the section has no row."""
    return getattr(order, f"has_{section}", True) is not False


def contestation_for(org: Organization | int | None, order: Order | int) -> Contestation | None:
    """The contestation window of a delivered order (None before delivery)."""
    found = _party_order(org, order)
    if not has_rows(found, "contestation"):
        return None
    return Contestation.objects.filter(order=found).first()


def packaging_returns_for(org: Organization | int | None) -> QuerySet[PackagingReturn]:
    org_id = _org_id(org)
    return PackagingReturn.objects.filter(Q(buyer_id=org_id) | Q(seller_id=org_id))


def claim_attachment_for(
    org: Organization | int | None, claim_id: int, attachment_id: int
) -> ClaimAttachment:
    """A file of a claim's thread, for the order's buyer or seller only (A5, P9)."""
    claim = claim_for(org, claim_id)
    found = ClaimAttachment.objects.filter(pk=attachment_id, message__claim=claim).first()
    if found is None:
        raise NotFound(_("Attachment"), field="attachment")
    return found


@dataclass(frozen=True)
class Pending:
    """The deadlines of reception still tracked for an order and what they led to (F4, F7)."""

    follow_ups: list[ReserveFollowUp] = field(default_factory=list)
    wrong_goods: list[WrongGoods] = field(default_factory=list)
    notices: list[CollectionNotice] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
    wrong_goods_allowed: bool = False
    notice_allowed: bool = False
    waiting: int = 0  # charges, deposits and refunds of the pair waiting for a document (F7)


def pending_for(
    org: Organization | int | None,
    order: Order | int,
    *,
    shipped: bool = True,
    reserves: bool = True,
) -> Pending:
    """For the order's buyer or seller: reserve follow-ups, wrong goods, formal notices to
    collect and the charges of the order, with whether the terms allow reporting wrong goods and
    sending a notice (anyone else: NotFound). `shipped=False` (the caller knows the order has no
    shipment) skips the three reads that only a shipment can fill (F3, F4, F7);
    `reserves=False` (no delivery of the order was signed with reserves) skips the follow-ups,
    which only a delivery with reserves creates (F4 [003 §3])."""
    found = _party_order(org, order)
    fulfilment = ordering_policy(found.terms_version).document.fulfilment
    contest, refused = fulfilment.contestation, fulfilment.refused_delivery
    return Pending(
        follow_ups=list(ReserveFollowUp.objects.filter(order=found))
        if shipped and reserves
        else [],
        wrong_goods=list(WrongGoods.objects.filter(order=found)) if shipped else [],
        notices=list(CollectionNotice.objects.filter(order=found).select_related("shipment"))
        if shipped
        else [],
        charges=list(Charge.objects.filter(order=found)) if has_rows(found, "charges") else [],
        wrong_goods_allowed=contest is not None and contest.wrong_goods_return_within is not None,
        notice_allowed=refused is not None and refused.resolution_after_formal_notice is not None,
        waiting=waiting_for(buyer_id=found.buyer_id, seller_id=found.seller_id)
        if _org_id(org) == found.seller_id
        else 0,
    )


@dataclass(frozen=True)
class DepositRow:
    """A deposit charged with the order (F10), its amount and the invoice that billed it."""

    deposit: PackagingDeposit
    amount: Decimal
    invoice_number: str | None  # None while it waits for an invoice


@dataclass(frozen=True)
class Packaging:
    """Returnable packaging of an order (F10): what the terms charge a deposit on, the deposits
    charged with the order, and the returns of those items by its buyer to its seller (returns
    are counted per buyer, seller and item, not per order)."""

    items: list[ReturnableItem]
    clause: str
    pickup: str | None
    refund_condition: str
    deposits: list[DepositRow]
    returns: list[PackagingReturn]
    deposited: Decimal
    refund_due: Decimal


def _deposit_invoice_numbers(deposits: list[PackagingDeposit]) -> dict[int, str]:
    """The number of the invoice that billed each deposit: its own, or that of the order it
    was invoiced with; deposits still waiting for an invoice are absent."""
    own = {d.invoice_id for d in deposits if d.invoice_id is not None}
    carried = {d.invoiced_with_id for d in deposits if d.invoice_id is None and d.invoiced_with_id}
    by_invoice = dict(Invoice.objects.filter(pk__in=own).values_list("pk", "number")) if own else {}
    by_order = (
        dict(
            Order.objects.filter(pk__in=carried, invoice__isnull=False).values_list(
                "pk", "invoice__number"
            )
        )
        if carried
        else {}
    )
    numbers: dict[int, str] = {}
    for d in deposits:
        if d.invoice_id is not None:
            number = by_invoice.get(d.invoice_id)
        elif d.invoiced_with_id is not None:
            number = by_order.get(d.invoiced_with_id)
        else:
            continue
        if number:
            numbers[d.pk] = number
    return numbers


def packaging_for(org: Organization | int | None, order: Order | int) -> Packaging:
    """For the order's buyer or seller (anyone else: NotFound): its returnable packaging."""
    found = _party_order(org, order)
    terms = ordering_policy(found.terms_version).document.fulfilment.returnable_deposits
    if terms is None:  # deposits are charged under the order's own terms only (F10)
        zero = Decimal("0.00")
        return Packaging(
            items=[],
            clause="",
            pickup=None,
            refund_condition="",
            deposits=[],
            returns=[],
            deposited=zero,
            refund_due=zero,
        )
    deposits = (
        list(PackagingDeposit.objects.filter(order=found)) if has_rows(found, "deposits") else []
    )
    numbers = _deposit_invoice_numbers(deposits)
    rows = [
        DepositRow(
            deposit=deposit,
            amount=(deposit.unit_deposit * deposit.quantity).quantize(Decimal("0.01")),
            invoice_number=numbers.get(deposit.pk),
        )
        for deposit in deposits
    ]
    returns = (
        list(
            PackagingReturn.objects.filter(
                buyer_id=found.buyer_id,
                seller_id=found.seller_id,
                item_name__in={d.item_name for d in deposits},
            )
        )
        if deposits
        else []  # returns count against deposits: none without them
    )
    return Packaging(
        items=list(terms.items) if terms is not None else [],
        clause=str(terms.clause) if terms is not None and terms.clause is not None else "",
        pickup=terms.pickup if terms is not None else None,
        refund_condition=terms.refund_condition if terms is not None else "",
        deposits=rows,
        returns=returns,
        deposited=sum((r.amount for r in rows), Decimal("0.00")),
        refund_due=sum((r.refund_due for r in returns), Decimal("0.00")),
    )
