"""One-step marketplace checkout (O1, K1, O9, N3, P4): every non-empty cart of the buyer on one
page, each with its seller's quote, delivery address, payment option and terms version to accept,
then one confirmation that places one independent order per seller through `orders_place`.

Decisions (docs/ordering.md, "One-step marketplace checkout"):
- a seller whose cart the terms refuse (violations, eligibility) or cannot quote is shown with
  the reason and left out; the buyer still places the others (O1: one refusal binds no other);
- a mistake in the buyer's own input (terms not accepted, an address or option not offered, a
  terms version no longer in force) places nothing and shows the page again with each field's
  problem and rule;
- a seller refusing at placing time (stock, terms changed meanwhile…) is left out and the others
  are placed: `orders_place` tries every seller and answers, per seller, its order or its
  refusal; the page then lists each seller with the one or the other (and the rule);
- a natural person ordering as a consumer (O17: the consumer box and the digital/service waiver,
  as on the cart page) orders so from every seller: each seller's section shows the withdrawal
  right of each line; an included seller selling to professionals only places nothing at all
  (its name, O17), the buyer leaves it out or orders as a professional.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.ordering import queries
from comptoir.ordering import services as ordering
from comptoir.ordering.models import CartLine, Order
from comptoir.ordering.quoting import (
    LineRequest,
    presented_voucher,
    quote_cart,
    voucher_warning,
    vouchers_accepted,
)
from comptoir.ordering.rules import LineWithdrawal
from comptoir.parties.models import Address, AddressKind, Membership, Organization, Permission
from comptoir.parties.queries import addresses_of
from comptoir.terms.engine.inputs import VoucherInput
from comptoir.terms.engine.quote import Quote
from comptoir.terms.models import TermsVersion
from comptoir.terms.queries import terms_in_force
from comptoir.web.ordering import page, voucher_code

MAX_KEY = 64  # the per-seller key adds "-<seller id>" and must stay within 80 characters


@dataclass
class Choice:
    """What the buyer chose for one seller (from the form, or the defaults)."""

    address_id: int | None = None
    payment_option: str = ""
    accepted: bool = False
    included: bool = True
    voucher_code: str = ""  # O15: as typed, upper-cased as codes are written


@dataclass(frozen=True)
class Consumer:
    """O17: the buyer, a natural person, orders as a consumer from every seller of the checkout
    (`as_consumer`), with the waiver for digital content and services (`waiver`)."""

    as_consumer: bool = False
    waiver: bool = False

    @classmethod
    def of(cls, org: Organization, data: Any) -> Consumer:
        """From the form or the query (`as_consumer=yes`, `withdrawal_waiver=yes`); a company
        is quoted and orders as a professional, as on the cart page."""
        as_consumer = data.get("as_consumer") == "yes" and not org.is_company
        return cls(as_consumer, as_consumer and data.get("withdrawal_waiver") == "yes")


@dataclass
class Entry:
    """One seller's cart on the page: its quote, or why it cannot be ordered now."""

    seller: Organization
    lines: list[CartLine]
    version: TermsVersion | None
    country: str
    address: Address | None
    choice: Choice
    quote: Quote | None = None
    refusal: DomainError | None = None
    errors: list[DomainError] = field(default_factory=list)
    # O17, in a consumer's checkout: each line's withdrawal right, or why this seller (selling
    # to professionals only) stops the whole checkout while it is included
    withdrawal: tuple[LineWithdrawal, ...] = ()
    consumer_refusal: DomainError | None = None
    # O15: whether the terms take vouchers, and why the one typed is not applied (if so)
    vouchers_accepted: bool = False
    voucher_problem: DomainError | None = None

    @property
    def voucher_applied(self) -> bool:
        return bool(self.choice.voucher_code and self.quote and self.voucher_problem is None)

    @property
    def orderable(self) -> bool:
        return (
            self.refusal is None
            and self.consumer_refusal is None
            and self.version is not None
            and self.quote is not None
        )


def _delivery_addresses(org: Organization) -> list[Address]:
    """The buyer's delivery addresses, else its registered office (where goods go by default)."""
    found = list(addresses_of(org))
    delivery = [a for a in found if a.kind == AddressKind.DELIVERY]
    return delivery or [a for a in found if a.kind == AddressKind.REGISTERED]


def _address_dict(org: Organization, address: Address) -> dict[str, str]:
    """The copy of the address the order keeps (O9): later edits of the address leave it."""
    return {
        "name": org.legal_name,
        "label": address.label,
        "line1": address.line1,
        "line2": address.line2,
        "postcode": address.postcode,
        "city": address.city,
        "country": address.country,
    }


def _consumer_refusal(seller: Organization) -> DomainError:
    return DomainError(
        "consumers_not_served",
        _(
            "%(seller)s sells to professionals only: while it is included, nothing is ordered "
            "as a consumer. Leave it out of this checkout, or order as a professional."
        )
        % {"seller": seller.display_name},
        field=f"consumer_{seller.pk}",
        rule="O17",
    )


def _entries(
    org: Organization,
    choices: dict[int, Choice],
    addresses: Sequence[Address],
    consumer: Consumer = Consumer(),
) -> list[Entry]:
    """Each non-empty cart with its quote under the seller's terms in force, for the country of
    the chosen delivery address (fees by zone, O2, O3); a consumer's quote with each line's
    withdrawal right (O17)."""
    by_id = {a.pk: a for a in addresses}
    entries = []
    carts = sorted(
        queries.carts_for(org).select_related("seller"), key=lambda c: c.seller.display_name
    )
    for cart in carts:
        seller = cart.seller
        choice = choices.get(seller.pk) or Choice()
        address = by_id.get(choice.address_id or 0) or (addresses[0] if addresses else None)
        choice.address_id = address.pk if address else None
        lines = list(cart.lines.select_related("product").order_by("pk"))
        entry = Entry(
            seller=seller,
            lines=lines,
            version=terms_in_force(seller),
            country=address.country if address else "FR",
            address=address,
            choice=choice,
        )
        if entry.version is None:
            entry.refusal = DomainError(
                "no_terms", _("This seller has no terms of sale in force."), rule="N3"
            )
        else:
            entry.vouchers_accepted = vouchers_accepted(entry.version)
            voucher = _voucher(entry)
            try:
                priced = quote_cart(
                    buyer=org,
                    seller=seller,
                    requests=[LineRequest(line.product.sku, line.quantity) for line in lines],
                    delivery_country=entry.country,
                    version=entry.version,
                    is_consumer=consumer.as_consumer,
                    withdrawal_waiver=consumer.waiver,
                    voucher=voucher,
                )
                entry.quote, entry.withdrawal = priced.quote, priced.withdrawal
                if voucher is not None:
                    entry.voucher_problem = _voucher_refusal(entry.seller, priced.quote)
            except DomainError as error:
                entry.refusal = error
        violations = entry.quote.violations if entry.quote is not None else ()
        if any(v.code == "consumers_not_served" for v in violations):
            # O17: not left out on its own, it stops the consumer's checkout while included
            entry.consumer_refusal = _consumer_refusal(seller)
        elif violations:
            first = violations[0]
            entry.refusal = DomainError(
                first.code, _("The seller's terms refuse this cart."), rule=first.rule
            )
        entries.append(entry)
    return entries


def _voucher(entry: Entry) -> VoucherInput | None:
    """The voucher typed for this seller (O15), or None with the problem kept on the entry."""
    try:
        return presented_voucher(entry.seller, entry.choice.voucher_code)[1]
    except DomainError:
        entry.voucher_problem = DomainError(
            "voucher_invalid",
            _("This voucher does not exist in this shop or was already used."),
            field=f"voucher_{entry.seller.pk}",
            rule="O15",
        )
        return None


def _voucher_refusal(seller: Organization, quote: Quote) -> DomainError | None:
    """The engine's reason for not applying the voucher (O15), in the page's language."""
    warning = voucher_warning(quote)
    if warning is None:
        return None
    fr = (get_language() or "").startswith("fr")
    return DomainError(
        warning.code,
        warning.explanation.fr if fr else warning.explanation.en,
        field=f"voucher_{seller.pk}",
        rule=warning.rule,
    )


def _context(
    request: HttpRequest,
    membership: Membership,
    entries: list[Entry],
    key: str,
    errors: Iterable[DomainError] = (),
    consumer: Consumer = Consumer(),
) -> dict[str, Any]:
    return {
        "entries": entries,
        # O17: a natural person may order as a consumer (a company never does)
        "may_order_as_consumer": not membership.organization.is_company,
        "as_consumer": consumer.as_consumer,
        "withdrawal_waiver": consumer.waiver,
        "orderable": [e for e in entries if e.orderable],
        "addresses": _delivery_addresses(membership.organization),
        "idempotency_key": key,
        "errors": list(errors),
        # P4: a user without "see prices" orders without the amounts
        "show_prices": Permission.VIEW_PRICES in membership.effective_permissions,
    }


@page(Permission.PLACE_ORDERS)
def marketplace_checkout(request: HttpRequest, membership: Membership) -> HttpResponse:
    """All the buyer's carts, one per seller, each under its own terms (O1, K1); with
    `as_consumer=yes` (the consumer box, htmx: the sellers' sections only), quoted as a
    consumer's orders with each line's withdrawal right (O17)."""
    org = membership.organization
    consumer = Consumer.of(org, request.GET)
    entries = _entries(org, {}, _delivery_addresses(org), consumer)
    context = _context(request, membership, entries, uuid.uuid4().hex, consumer=consumer)
    if request.headers.get("HX-Request"):
        return render(request, "web/checkout/_sellers.html", context)
    return render(request, "web/checkout/marketplace.html", context)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _choices(request: HttpRequest) -> dict[int, Choice]:
    post = request.POST
    selected = {n for n in (_int(v) for v in post.getlist("seller")) if n is not None}
    shown = {_int(n.removeprefix("terms_version_")) for n in post if n.startswith("terms_version_")}
    choices = {}
    for seller_id in selected | {n for n in shown if n is not None}:
        choices[seller_id] = Choice(
            address_id=_int(post.get(f"address_{seller_id}")),
            payment_option=post.get(f"payment_option_{seller_id}", "")[:48],
            accepted=post.get(f"accept_terms_{seller_id}") == "yes",
            included=seller_id in selected,
            voucher_code=voucher_code(post, f"voucher_{seller_id}"),
        )
    return choices


def _input_errors(request: HttpRequest, entry: Entry) -> list[DomainError]:
    """The buyer's own mistakes for one seller: nothing is placed while any remains."""
    sid, post, errors = entry.seller.pk, request.POST, []
    assert entry.version is not None and entry.quote is not None
    if _int(post.get(f"terms_version_{sid}")) != entry.version.version:
        errors.append(
            DomainError(
                "terms_version_changed",
                _(
                    "The seller's terms in force are version %(v)s: read and accept them "
                    "before ordering."
                )
                % {"v": entry.version.version},
                field=f"terms_version_{sid}",
                rule="N3",
            )
        )
    if not entry.choice.accepted:
        errors.append(
            DomainError(
                "terms_not_accepted",
                _("Read and accept the terms of sale of this seller to order, or leave it out."),
                field=f"accept_terms_{sid}",
                rule="O9",
            )
        )
    chosen = post.get(f"address_{sid}", "")
    if entry.address is not None and _int(chosen) != entry.address.pk:
        errors.append(
            DomainError(
                "address_not_offered",
                _("Choose one of your delivery addresses."),
                field=f"address_{sid}",
                rule="O9",
            )
        )
    elif post.get(f"quoted_country_{sid}", "") != entry.country:
        errors.append(
            DomainError(
                "quote_changed",
                _(
                    "The delivery country changes this seller's quote: check the new quote "
                    "and confirm again."
                ),
                field=f"address_{sid}",
                rule="O9",
            )
        )
    if entry.voucher_problem is not None:  # O15: told before anything is placed
        errors.append(entry.voucher_problem)
    option = entry.choice.payment_option
    if option and option not in {o.key for o in entry.quote.payment_options}:
        errors.append(
            DomainError(
                "payment_option_not_offered",
                _("Choose one of the payment options this seller's terms offer."),
                field=f"payment_option_{sid}",
                rule="PT2",
            )
        )
    return errors


def _submission(
    org: Organization, entry: Entry, key: str, consumer: Consumer
) -> ordering.Submission:
    assert entry.version is not None
    return ordering.Submission(
        buyer=org,
        seller=entry.seller,
        lines=tuple(LineRequest(line.product.sku, line.quantity) for line in entry.lines),
        accepted_terms_version=entry.version.version,
        idempotency_key=f"{key}-{entry.seller.pk}",
        payment_option=entry.choice.payment_option,
        delivery_country=entry.country,
        delivery_address=_address_dict(org, entry.address) if entry.address else None,
        as_consumer=consumer.as_consumer,  # O17
        withdrawal_waiver=consumer.waiver,
        voucher_code=entry.choice.voucher_code,  # O15
    )


def _place(
    request: HttpRequest, submissions: list[ordering.Submission]
) -> list[tuple[ordering.Submission, Order | DomainError]]:
    """Submit every seller through `orders_place`: each is tried on its own (O1, K1) and answers
    with its order or its refusal."""
    signature = ordering.Signature(
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    outcomes = ordering.orders_place(
        actor=request.user, submissions=submissions, signature=signature
    )
    return list(zip(submissions, outcomes, strict=True))


def _done(request: HttpRequest, membership: Membership, placed: Iterable[Order]) -> HttpResponse:
    numbers = ", ".join(str(o.number) for o in placed)
    if numbers:
        messages.success(request, _("Orders placed: %(numbers)s.") % {"numbers": numbers})
    if Permission.VIEW_ORDERS in membership.effective_permissions:
        return redirect("web:orders")
    return redirect("web:marketplace_checkout")


def _placed_message(seller: Organization, order: Order) -> str:
    return _("Ordered from %(seller)s: order %(number)s.") % {
        "seller": seller.display_name,
        "number": order.number,
    }


def _refusal_message(seller: Organization, error: DomainError) -> str:
    where = f" [{error.field}]" if error.field else ""
    rule = f" ({error.rule})" if error.rule else ""
    return _("Not ordered from %(seller)s%(where)s: %(problem)s%(rule)s") % {
        "seller": seller.display_name,
        "where": where,
        "problem": error.message,
        "rule": rule,
    }


@require_POST
@page(Permission.PLACE_ORDERS)
def marketplace_confirm(request: HttpRequest, membership: Membership) -> HttpResponse:
    """One confirmation, one order per seller (O1, K1), each signed (O9) under the terms version
    the buyer read for it (N3)."""
    if Permission.VIEW_PRICES not in membership.effective_permissions:
        # P4, O9: the signature covers amounts the signer must be able to read, as on the cart
        raise PermissionDenied(_("Confirming orders needs the permission to see prices (P4)."))
    org = membership.organization
    key = request.POST.get("idempotency_key", "")
    choices = _choices(request)
    addresses = _delivery_addresses(org)
    consumer = Consumer.of(org, request.POST)
    entries = _entries(org, choices, addresses, consumer)
    if not key or len(key) > MAX_KEY or not key.isprintable():
        error = DomainError(
            "invalid_idempotency_key",
            _("The form is incomplete: load the page again."),
            field="idempotency_key",
            rule="O9",
        )
        context = _context(request, membership, entries, uuid.uuid4().hex, [error], consumer)
        return render(request, "web/checkout/marketplace.html", context, status=400)
    selected = [sid for sid, c in choices.items() if c.included]
    # a double click: the sellers the first click placed answer with their orders
    replayed = {
        sid: order
        for sid in selected
        if (order := queries.order_by_idempotency_key(org, f"{key}-{sid}")) is not None
    }
    todo = [e for e in entries if e.seller.pk in selected and e.seller.pk not in replayed]
    if replayed and not todo:
        return _done(request, membership, replayed.values())
    if "refresh" in request.POST:  # the quotes again for the addresses chosen; nothing placed
        context = _context(request, membership, entries, key, consumer=consumer)
        return render(request, "web/checkout/marketplace.html", context)
    errors: list[DomainError] = []
    if not todo:
        errors.append(
            DomainError(
                "nothing_selected",
                _("Choose at least one seller whose cart you order."),
                field="seller",
                rule="O1",
            )
        )
    for entry in todo:
        if entry.consumer_refusal is not None:  # O17: the consumer's checkout as a whole
            entry.errors = [entry.consumer_refusal]
            errors += entry.errors
        elif entry.orderable:
            entry.errors = _input_errors(request, entry)
            errors += entry.errors
    if errors:  # nothing placed: the page again, with the choices made and each field's problem
        context = _context(request, membership, entries, key, errors, consumer)
        return render(request, "web/checkout/marketplace.html", context, status=400)
    left_out = {e.seller.pk: e.refusal for e in todo if e.refusal is not None}
    submissions = [_submission(org, e, key, consumer) for e in todo if e.orderable]
    try:
        outcomes = _place(request, submissions)
    except DomainError as error:  # checked for the whole checkout before placing (O17, O1)
        context = _context(request, membership, entries, key, [error], consumer)
        return render(request, "web/checkout/marketplace.html", context, status=400)
    placed = [o for _s, o in outcomes if isinstance(o, Order)]
    if not left_out and len(placed) == len(outcomes):
        return _done(request, membership, [*replayed.values(), *placed])
    # some seller left out: the page lists each seller with its order or its refusal and rule
    for order in replayed.values():
        messages.success(request, _placed_message(order.seller, order))
    for seller_id, refusal in left_out.items():
        messages.error(request, _refusal_message(_seller_of(entries, seller_id), refusal))
    for submission, outcome in outcomes:
        if isinstance(outcome, Order):
            messages.success(request, _placed_message(submission.seller, outcome))
        else:
            messages.error(request, _refusal_message(submission.seller, outcome))
    return redirect("web:marketplace_checkout")


def _seller_of(entries: Sequence[Entry], seller_id: int) -> Organization:
    return next(e.seller for e in entries if e.seller.pk == seller_id)
