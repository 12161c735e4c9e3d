"""Receiving ORDERS (O14): each message of an interchange is checked, then placed through the
ordering service like any other order, in its own transaction; every outcome is stored.

The interchange's sender is the buyer: a member importing for its organization may only send in
its own name (UNB sender = its GLN, NAD+BY = its GLN). The same interchange again (same sender,
control and message references) creates nothing and answers what the first import did; an order
number sent again in another interchange returns the order it placed (idempotency key).

A message with BGM function 1 cancels, and one with function 5 replaces, the order the same
sender placed under the same number (docs/edi.md): through `order_cancel` (by the buyer, O11,
O12) and `order_edit` (O6, O7), only while the seller has not answered for a replacement."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.catalog import queries as catalog
from comptoir.catalog.models import Product
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.core.i18n import active_lang
from comptoir.core.services import audit_record
from comptoir.edi import edifact, rules
from comptoir.edi.edifact import Problem, RawInterchange, RawMessage
from comptoir.edi.models import Direction, EdiMessage, MessageStatus, MessageType
from comptoir.ordering.models import Order
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import (
    Signature,
    Submission,
    order_cancel,
    order_edit,
    order_place,
)
from comptoir.parties.models import Organization, OrganizationState, Permission
from comptoir.parties.permissions import require_permission
from comptoir.terms.models import TermsVersion
from comptoir.terms.queries import terms_document, terms_in_force

MAX_INTERCHANGE_BYTES = 2 * 1024 * 1024
RULE = "O14"
_LINE_FIELD = re.compile(r"^lines\[(\d+)\]")


@dataclass(frozen=True)
class Outcome:
    message: EdiMessage
    duplicate: bool = False


@dataclass
class ImportResult:
    interchange_ref: str = ""
    sender_gln: str = ""
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(1 for o in self.outcomes if o.message.status == MessageStatus.ACCEPTED)

    @property
    def refused(self) -> int:
        return sum(1 for o in self.outcomes if o.message.status == MessageStatus.REFUSED)


def _org_by_gln(gln: str) -> Organization | None:
    if not gln:
        return None
    return (
        Organization.objects.filter(gln=gln)
        .exclude(state=OrganizationState.TERMINATED)
        .order_by("pk")
        .first()
    )


def _check_sender(found: RawInterchange, organization: Organization | None) -> None:
    """A member sends only in its organization's name (P4): 403 otherwise, before anything is
    stored (storing would let anyone write in another company's EDI list)."""
    if organization is None:
        return
    if not organization.gln:
        raise DomainError(
            "no_gln",
            _("Your organization has no GLN: ask the operator to record it before sending EDI."),
            field="gln",
            rule=RULE,
        )
    if found.sender and found.sender != organization.gln:
        raise PermissionDenied(
            _(
                "The interchange is sent by GLN %(sender)s, not by your organization "
                "(%(gln)s): orders can only be sent in your own name (P4, O14)."
            )
            % {"sender": found.sender, "gln": organization.gln}
        )


@transaction.atomic
def _store(**fields: Any) -> EdiMessage:
    message = EdiMessage(**fields)
    message.save()
    return message


def _existing(sender: str, interchange_ref: str, message_ref: str) -> EdiMessage | None:
    return EdiMessage.objects.filter(
        direction=Direction.IN,
        sender_gln=sender,
        interchange_ref=interchange_ref,
        message_ref=message_ref,
    ).first()


def _refused_interchange(
    text: str, found: RawInterchange, organization: Organization | None, channel: str
) -> ImportResult:
    """An interchange that cannot be read at all: one refused record (once per text)."""
    reference = found.control_reference or "ERR" + edifact.digest(text)[:11]
    sender = found.sender or (organization.gln if organization else "")
    result = ImportResult(reference, sender)
    existing = _existing(sender, reference, "")
    if existing is not None:
        result.outcomes.append(Outcome(existing, duplicate=True))
        return result
    message = _store(
        direction=Direction.IN,
        message_type=MessageType.UNKNOWN,
        status=MessageStatus.REFUSED,
        interchange_ref=reference[:14],
        message_ref="",
        sender_gln=sender[:35],
        recipient_gln=found.recipient[:35],
        buyer=organization if organization and organization.is_buyer else None,
        seller=organization if organization and organization.is_seller else None,
        errors=[p.as_dict() for p in found.problems],
        raw=text,
        source=channel,
    )
    result.outcomes.append(Outcome(message))
    return result


def edi_import(
    *,
    actor: Any,
    text: str,
    organization: Organization | None = None,
    channel: str = "cli",
) -> ImportResult:
    """Import an interchange of ORDERS. `organization` is the acting company (API, web): the
    sender must be it. Without it (the `comptoir edi import` command run by the operator) the
    buyer is whoever NAD+BY names."""
    if len(text.encode("utf-8", errors="replace")) > MAX_INTERCHANGE_BYTES:
        raise DomainError(
            "interchange_too_large",
            _("An interchange is at most %(n)s MB.") % {"n": MAX_INTERCHANGE_BYTES // 1024**2},
            field="text",
            rule=RULE,
        )
    if organization is not None and actor is not None:
        require_permission(actor, organization, Permission.PLACE_ORDERS)
    found = edifact.read_interchange(text)
    _check_sender(found, organization)
    if not found.messages or (found.problems and not found.sender):
        return _refused_interchange(text, found, organization, channel)
    result = ImportResult(found.control_reference, found.sender)
    for raw in found.messages:
        existing = _existing(found.sender, found.control_reference, raw.reference)
        if existing is not None:
            result.outcomes.append(Outcome(existing, duplicate=True))
            continue
        try:
            message = _one(actor, found, raw, organization, channel)
        except IntegrityError:  # the same message imported concurrently: the first one stands
            existing = _existing(found.sender, found.control_reference, raw.reference)
            if existing is None:
                raise
            result.outcomes.append(Outcome(existing, duplicate=True))
            continue
        result.outcomes.append(Outcome(message))
    return result


@dataclass
class _Context:
    buyer: Organization | None = None
    seller: Organization | None = None
    problems: list[Problem] = field(default_factory=list)


def _parties(
    orders: rules.OrdersIn, found: RawInterchange, organization: Organization | None
) -> _Context:
    ctx = _Context()
    by, su = orders.parties.get("BY"), orders.parties.get("SU")
    if su is not None:
        seller = _org_by_gln(su.gln)
        if seller is None or not seller.is_seller:
            ctx.problems.append(
                Problem(
                    "unknown_gln",
                    _("No seller with GLN %(gln)s.") % {"gln": su.gln},
                    RULE,
                    su.segment,
                    "NAD",
                )
            )
        else:
            ctx.seller = seller
    if by is not None:
        buyer = _org_by_gln(by.gln)
        if organization is not None and by.gln != organization.gln:
            ctx.problems.append(
                Problem(
                    "buyer_not_sender",
                    _(
                        "NAD+BY names GLN %(gln)s, not your organization: orders can only be "
                        "placed in your own name."
                    )
                    % {"gln": by.gln},
                    "P4",
                    by.segment,
                    "NAD",
                )
            )
        elif buyer is None or not buyer.is_buyer:
            ctx.problems.append(
                Problem(
                    "unknown_gln",
                    _("No buyer with GLN %(gln)s.") % {"gln": by.gln},
                    RULE,
                    by.segment,
                    "NAD",
                )
            )
        elif buyer.gln != found.sender:
            ctx.problems.append(
                Problem(
                    "buyer_not_sender",
                    _("NAD+BY %(gln)s is not the interchange's sender %(sender)s.")
                    % {"gln": by.gln, "sender": found.sender},
                    "P4",
                    by.segment,
                    "NAD",
                )
            )
        else:
            ctx.buyer = buyer
    return ctx


def _products(
    buyer: Organization, seller: Organization, lines: list[rules.LineIn]
) -> tuple[list[tuple[rules.LineIn, Product]], list[Problem]]:
    """Each line's product: by GTIN, else by the supplier's article number (SKU) — among what
    this buyer may order from this seller (C1, C2)."""
    visible = catalog.products_for_seller(buyer, seller)
    gtins = {line.gtin for line in lines if line.gtin}
    skus = {line.sku for line in lines if line.sku}
    by_gtin: dict[str, Product] = {}
    for candidate in visible.filter(gtin__in=gtins).order_by("pk"):
        by_gtin.setdefault(candidate.gtin, candidate)
    by_sku = {p.sku: p for p in visible.filter(sku__in=skus)}
    found: list[tuple[rules.LineIn, Product]] = []
    problems: list[Problem] = []
    seen: set[int] = set()
    for line in lines:
        match: Product | None = by_gtin.get(line.gtin) if line.gtin else None
        product = match or (by_sku.get(line.sku) if line.sku else None)
        if product is None:
            if line.gtin and line.sku:
                text = _("GTIN %(gtin)s / article %(sku)s is not in this seller's catalog for you.")
            elif line.gtin:
                text = _("GTIN %(gtin)s is not in this seller's catalog for you.")
            else:
                text = _("Article %(sku)s is not in this seller's catalog for you.")
            problems.append(
                Problem(
                    "unknown_item",
                    text % {"gtin": line.gtin, "sku": line.sku},
                    "C1",
                    line.segment,
                    "LIN",
                    line.line,
                )
            )
            continue
        if product.pk in seen:
            problems.append(
                Problem(
                    "duplicate_item",
                    _("%(sku)s is ordered on two lines: one line per product.")
                    % {"sku": product.sku},
                    RULE,
                    line.segment,
                    "LIN",
                    line.line,
                )
            )
            continue
        seen.add(product.pk)
        found.append((line, product))
    return found, problems


def _delivery(
    orders: rules.OrdersIn, buyer: Organization
) -> tuple[dict[str, str] | None, str, list[Problem]]:
    """(delivery address, country, problems) from NAD+DP: its address when it gives one; the
    buyer's usual address when it names the buyer itself or is absent."""
    dp = orders.parties.get("DP")
    if dp is None or (dp.gln == buyer.gln and not dp.has_address):
        return None, "FR", []
    if not dp.has_address:
        return (
            None,
            "FR",
            [
                Problem(
                    "unknown_delivery_location",
                    _(
                        "NAD+DP %(gln)s gives no address and is not a known location: send the "
                        "street, city and postcode."
                    )
                    % {"gln": dp.gln},
                    RULE,
                    dp.segment,
                    "NAD",
                )
            ],
        )
    country = (dp.country or "FR")[:2]
    address = {
        "name": dp.name or buyer.legal_name,
        "line1": dp.street,
        "line2": "",
        "postcode": dp.postcode,
        "city": dp.city,
        "country": country,
    }
    if dp.gln:
        address["gln"] = dp.gln
    return address, country, []


def _not_available(orders: rules.OrdersIn, error: NotFound) -> Problem:
    su = orders.parties.get("SU")
    return Problem(
        "seller_not_available",
        _("%(reason)s You cannot order from this seller.") % {"reason": error.message},
        "P6",
        su.segment if su else None,
        "NAD",
    )


def _seller_problems(
    orders: rules.OrdersIn, buyer: Organization, seller: Organization
) -> list[Problem]:
    """The buyer may order from the seller only while it is open to it (P6)."""
    try:
        catalog.seller_for(buyer, seller.pk)
    except NotFound as error:
        return [_not_available(orders, error)]
    return []


def _channel_problems(version: TermsVersion) -> list[Problem]:
    """O14: the seller's terms say through which channels it takes orders."""
    ordering = terms_document(version).ordering
    if "edi" in ordering.channels:
        return []
    if ordering.clause:
        text = _(
            "The seller's terms (version %(version)s (%(article)s)) take orders through "
            "%(channels)s only, not EDI."
        )
    else:
        text = _(
            "The seller's terms (version %(version)s) take orders through %(channels)s only, "
            "not EDI."
        )
    return [
        Problem(
            "channel_not_offered",
            text
            % {
                "version": version.version,
                "article": ordering.clause.article if ordering.clause else "",
                "channels": ", ".join(ordering.channels),
            },
            RULE,
            tag="BGM",
        )
    ]


def _explanation(explanation: Any) -> str:
    """A violation's explanation ({"fr": …, "en": …}) in the reader's language."""
    if not isinstance(explanation, dict):
        return ""
    return str(explanation.get(active_lang()) or explanation.get("en") or "")


def _error_problems(
    error: DomainError, placed: list[tuple[rules.LineIn, Product]]
) -> list[Problem]:
    """The ordering service's refusal, located on the line it names when it names one."""
    line: rules.LineIn | None = None
    match = _LINE_FIELD.match(error.field or "")
    if match and int(match.group(1)) < len(placed):
        line = placed[int(match.group(1))][0]
    at, number = (line.segment, line.line) if line else (None, None)
    violations = error.details.get("violations") if error.details else None
    if violations:
        return [
            Problem(
                str(v.get("code", error.code)),
                str(_explanation(v.get("explanation")) or error.message),
                str(v.get("rule") or error.rule or RULE),
                at,
                "LIN" if line else "",
                number,
            )
            for v in violations
        ]
    return [
        Problem(error.code, error.message, error.rule or RULE, at, "LIN" if line else "", number)
    ]


def _one(
    actor: Any,
    found: RawInterchange,
    raw: RawMessage,
    organization: Organization | None,
    channel: str,
) -> EdiMessage:
    orders, problems = rules.read_orders(raw)
    ctx = _parties(orders, found, organization) if not raw.problems else _Context()
    problems += ctx.problems
    buyer, seller = ctx.buyer, ctx.seller
    record: dict[str, Any] = {
        "direction": Direction.IN,
        "message_type": MessageType.ORDERS if raw.type == "ORDERS" else MessageType.UNKNOWN,
        "interchange_ref": found.control_reference[:14],
        "message_ref": raw.reference[:14],
        "document_number": orders.number[:35],
        "function_code": orders.function[:3],
        "sender_gln": found.sender[:35],
        "recipient_gln": found.recipient[:35],
        "buyer": buyer or (organization if organization and organization.is_buyer else None),
        "seller": seller,
        "raw": edifact.message_text(found, raw),
        "source": channel,
    }
    placed: list[tuple[rules.LineIn, Product]] = []
    if (
        not problems
        and buyer is not None
        and seller is not None
        and orders.function in (rules.CANCELLATION, rules.REPLACE)
    ):
        return _amend(actor, orders, found, record, buyer, seller)
    if not problems and buyer is not None and seller is not None:
        problems += _seller_problems(orders, buyer, seller)
    if not problems and buyer is not None and seller is not None:
        placed, item_problems = _products(buyer, seller, orders.lines)
        problems += item_problems
        address, country, where = _delivery(orders, buyer)
        problems += where
        version = terms_in_force(seller, clock.now())
        if version is None:
            problems.append(
                Problem("no_terms", _("The seller has no terms of sale in force."), "N3", tag="NAD")
            )
        if version is not None:
            problems += _channel_problems(version)
        if not problems and version is not None:
            submission = Submission(
                buyer=buyer,
                seller=seller,
                lines=tuple(LineRequest(p.sku, line.quantity) for line, p in placed),
                # O14: the EDI agreement binds the buyer to the terms in force when it orders
                accepted_terms_version=version.version,
                idempotency_key=f"edi-{found.sender}-{orders.number}",
                delivery_country=country,
                delivery_address=address,
                channel="edi",
            )
            signature = Signature(
                ip=None,
                user_agent=f"EDIFACT {found.syntax} interchange {found.control_reference} "
                f"message {raw.reference} ({channel})",
            )
            try:
                with transaction.atomic():
                    order = order_place(actor=actor, submission=submission, signature=signature)
                    message = _store(
                        **record,
                        status=MessageStatus.ACCEPTED,
                        order=order,
                        errors=[],
                    )
                    _audit(actor, message)
                    return message
            except NotFound as error:  # the buyer may not order from this seller (P6, C2)
                problems.append(_not_available(orders, error))
            except PermissionDenied as error:
                problems.append(Problem(error.code, error.message, error.rule or "P4"))
            except DomainError as error:
                problems += _error_problems(error, placed)
    return _refuse(actor, record, problems)


def _refuse(actor: Any, record: dict[str, Any], problems: list[Problem]) -> EdiMessage:
    if not problems:  # defensive: never store a refusal without its reason
        problems.append(Problem("not_placed", _("The order could not be placed.")))
    with transaction.atomic():
        message = _store(
            **record, status=MessageStatus.REFUSED, errors=[p.as_dict() for p in problems]
        )
        _audit(actor, message)
    return message


def _accept(actor: Any, record: dict[str, Any], order: Order) -> EdiMessage:
    message = _store(**record, status=MessageStatus.ACCEPTED, order=order, errors=[])
    _audit(actor, message)
    return message


# --- cancellation (BGM 1) and replacement (BGM 5) ----------------------------------------------

NOT_ANSWERED = ("submitted", "held")
"""The states in which the seller has not answered yet: the only ones a replacement reaches."""


def _previous_order(
    sender: str, number: str, buyer: Organization, seller: Organization
) -> Order | None:
    """The order the sender placed (or last replaced) under its number at this seller."""
    message = (
        EdiMessage.objects.filter(
            direction=Direction.IN,
            status=MessageStatus.ACCEPTED,
            sender_gln=sender,
            document_number=number[:35],
            function_code__in=(rules.ORIGINAL, rules.REPLACE),
            order__buyer=buyer,
            order__seller=seller,
        )
        .select_related("order")
        .order_by("-created_at", "-id")
        .first()
    )
    return message.order if message is not None else None


def _amend(
    actor: Any,
    orders: rules.OrdersIn,
    found: RawInterchange,
    record: dict[str, Any],
    buyer: Organization,
    seller: Organization,
) -> EdiMessage:
    """Cancel (BGM 1) or replace (BGM 5) the order placed under the same number; a refusal is
    stored like any other, located on the BGM segment."""
    at = orders.bgm_segment
    cancel = orders.function == rules.CANCELLATION
    order = _previous_order(found.sender, orders.number, buyer, seller)
    if order is None:
        text = (
            _("No order %(number)s was received by EDI from you at this seller: nothing to cancel.")
            if cancel
            else _(
                "No order %(number)s was received by EDI from you at this seller: "
                "nothing to replace."
            )
        )
        return _refuse(
            actor,
            record,
            [
                Problem(
                    "unknown_order",
                    text % {"number": orders.number},
                    RULE,
                    at,
                    "BGM",
                )
            ],
        )
    if order.state == "cancelled":
        return _refuse(
            actor,
            record,
            [
                Problem(
                    "already_cancelled",
                    _("Order %(number)s is already cancelled.") % {"number": order.number},
                    "O12",
                    at,
                    "BGM",
                )
            ],
        )
    if cancel:
        reason = orders.note or _(
            "Cancelled by the buyer's EDI message %(ref)s (BGM function 1)."
        ) % {"ref": f"{found.control_reference}/{record['message_ref']}"}
        try:
            with transaction.atomic():
                # O11, O12: the service lets the buyer cancel until the seller accepts
                order_cancel(actor=actor, order_id=order.pk, reason=reason, by="buyer")
                return _accept(actor, record, order)
        except DomainError as error:
            return _refuse(
                actor, record, [Problem(error.code, error.message, error.rule or "O12", at, "BGM")]
            )
    return _replace(actor, orders, record, order, buyer, seller)


def _replace(
    actor: Any,
    orders: rules.OrdersIn,
    record: dict[str, Any],
    order: Order,
    buyer: Organization,
    seller: Organization,
) -> EdiMessage:
    """BGM 5: the new lines replace the order's while the seller has not answered (O7); the
    delivery place stays (it is not something the buyer changes alone)."""
    at = orders.bgm_segment
    if order.state not in NOT_ANSWERED:
        answered = order.state in ("accepted", "in_progress")
        return _refuse(
            actor,
            record,
            [
                Problem(
                    "change_not_allowed",
                    (
                        _(
                            "Order %(number)s is accepted: a change needs the seller's written "
                            "consent; ask the seller."
                        )
                        if answered
                        else _(
                            "Order %(number)s is %(state)s: it can no longer be replaced by EDI."
                        )
                    )
                    % {"number": order.number, "state": str(order.get_state_display()).lower()},
                    "O11" if answered else "O7",
                    at,
                    "BGM",
                )
            ],
        )
    problems = _seller_problems(orders, buyer, seller)
    placed: list[tuple[rules.LineIn, Product]] = []
    if not problems:
        placed, problems = _products(buyer, seller, orders.lines)
        address, _country, where = _delivery(orders, buyer)
        problems += where
        if not problems and (address or {}) != (order.delivery_address or {}):
            dp = orders.parties.get("DP")
            problems.append(
                Problem(
                    "change_not_allowed",
                    _(
                        "A replacement keeps the delivery place of order %(number)s: cancel "
                        "it (function 1) and send a new order to deliver elsewhere."
                    )
                    % {"number": order.number},
                    "O7",
                    dp.segment if dp else at,
                    "NAD",
                )
            )
    if not problems:
        try:
            with transaction.atomic():
                order_edit(
                    actor=actor,
                    order_id=order.pk,
                    lines=[LineRequest(p.sku, line.quantity) for line, p in placed],
                )
                return _accept(actor, record, order)
        except NotFound as error:
            problems.append(_not_available(orders, error))
        except PermissionDenied as error:
            problems.append(Problem(error.code, error.message, error.rule or "P4"))
        except DomainError as error:  # O6, O7, O11: the terms' edit policy, per the service
            problems += [
                p if p.segment is not None else replace(p, segment=at, tag="BGM")
                for p in _error_problems(error, placed)
            ]
    return _refuse(actor, record, problems)


def _audit(actor: Any, message: EdiMessage) -> None:
    audit_record(
        actor=actor,
        organization_id=message.seller_id or message.buyer_id,
        action=f"edi.{message.direction}.{message.status}",
        obj_type="edi.EdiMessage",
        obj_id=str(message.pk),
        data={
            "type": message.message_type,
            "interchange": message.interchange_ref,
            "message": message.message_ref,
            "document": message.document_number,
            "order": message.order.number if message.order_id and message.order else None,
            "errors": [e.get("code") for e in message.errors],
        },
    )
