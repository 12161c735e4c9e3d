"""From what a buyer asks for to the terms engine's quote: resolve SKUs to the seller's products
and the buyer's prices (C1–C5), gather what the engine must know about the buyer (O5, O10, PT9,
PT10), and evaluate the cart under the terms version in force (N3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from comptoir.catalog import queries as catalog
from comptoir.catalog.models import Brand, Product
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.ledger import queries as ledger
from comptoir.ordering.models import Order, Voucher
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import OPEN_STATES, PARIS, LineWithdrawal, cart_withdrawal
from comptoir.parties.models import Organization
from comptoir.payments.queries import credit_facts
from comptoir.terms.engine.citations import Clause, Explanation
from comptoir.terms.engine.evaluate import compute_totals, evaluate
from comptoir.terms.engine.inputs import BuyerContext, Cart, CartLine, VoucherInput
from comptoir.terms.engine.policy import Policy
from comptoir.terms.engine.quote import Charge, Finding, Quote
from comptoir.terms.models import TermsVersion
from comptoir.terms.queries import terms_in_force
from comptoir.terms.schema.fulfilment import Withdrawal

NOT_COUNTED = ("refused", "lapsed", "cancelled")


@dataclass(frozen=True, slots=True)
class LineRequest:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class PricedCart:
    """The engine's quote and what it was computed from."""

    quote: Quote
    version: TermsVersion
    products: dict[str, Product]  # by SKU
    cart: Cart
    # O17: each line's withdrawal right, only in a consumer's quote (empty otherwise)
    withdrawal: tuple[LineWithdrawal, ...] = ()


def _check_quantities(requests: Sequence[LineRequest]) -> None:
    if not requests:
        raise DomainError("empty_cart", _("The cart is empty."), field="lines", rule="O9")
    seen: set[str] = set()
    for i, line in enumerate(requests):
        if line.quantity <= 0:
            raise DomainError(
                "invalid_quantity",
                _("Quantities must be at least 1."),
                field=f"lines[{i}].quantity",
                rule="O9",
            )
        if line.sku in seen:
            raise DomainError(
                "duplicate_sku",
                _("SKU '%(sku)s' appears twice.") % {"sku": line.sku},
                field=f"lines[{i}].sku",
            )
        seen.add(line.sku)


def cart_lines(
    *, buyer: Organization, seller: Organization, requests: Sequence[LineRequest], on: date
) -> tuple[list[CartLine], dict[str, Product]]:
    """Engine lines with the buyer's unit prices; unknown SKU or no price → a DomainError
    naming the line (C1, C3)."""
    _check_quantities(requests)
    skus = [r.sku for r in requests]
    found = {p.sku: p for p in catalog.products_by_sku(buyer, seller, skus)}
    for i, r in enumerate(requests):
        if r.sku not in found:
            raise DomainError(
                "unknown_sku",
                _("Unknown SKU '%(sku)s' at this seller.") % {"sku": r.sku},
                field=f"lines[{i}].sku",
                rule="C1",
            )
    prices = catalog.prices_for(buyer=buyer, products=found.values(), at=on)
    lines = []
    for i, r in enumerate(requests):
        product = found[r.sku]
        price = prices.get(product.pk)
        if price is None:
            raise DomainError(
                "no_price",
                _("No price in force for you on %(sku)s.") % {"sku": r.sku},
                field=f"lines[{i}].sku",
                rule="C3",
            )
        brand = product.brand
        lines.append(
            CartLine(
                sku=product.sku,
                quantity=r.quantity,
                unit_price=price.unit_price_excl_vat,
                vat_rate=Decimal(product.vat_rate),
                pack_size=product.pack_size,
                kind=product.kind,
                brand=brand.name if brand else None,
                selective=bool(brand and brand.selective),
            )
        )
    return lines, found


def orders_in_month(
    *, buyer: Organization, seller: Organization, on: date, exclude: int | None = None
) -> int:
    """Orders the buyer placed with the seller in the calendar month of `on` (O5)."""
    start = datetime(on.year, on.month, 1, tzinfo=PARIS)
    end = datetime(on.year + on.month // 12, on.month % 12 + 1, 1, tzinfo=PARIS)
    return (
        Order.objects.filter(buyer=buyer, seller=seller, placed_at__gte=start, placed_at__lt=end)
        .exclude(state__in=NOT_COUNTED)
        .exclude(pk=exclude)
        .count()
    )


def pending_orders_amount(
    *, buyer: Organization, seller: Organization, exclude: int | None = None
) -> Decimal:
    """Orders accepted or waiting but not yet invoiced: part of the credit exposure (PT10)."""
    total = Decimal("0.00")
    for amount in (
        Order.objects.filter(
            buyer=buyer, seller=seller, state__in=OPEN_STATES, invoice__isnull=True
        )
        .exclude(pk=exclude)
        .values_list("total_incl_vat", flat=True)
    ):
        total += amount
    return total


def buyer_context(
    *,
    buyer: Organization,
    seller: Organization,
    on: date,
    exclude: int | None = None,
    policy: Policy | None = None,
    selective: bool = True,
) -> BuyerContext:
    """What the engine must know about the buyer on `on` (O5, O10, PT9, PT10, C2, C4). With the
    seller's compiled `policy`, only what its terms use is read (fewer queries per checkout)."""
    el = policy.eligibility if policy is not None else None
    needs_ledger = el is None or bool(
        el.unpaid_mode
        or el.deposit is not None
        or el.credit_limit is not None
        or el.hold_when_overdue
    )
    needs_pending = el is None or el.deposit is not None or el.credit_limit is not None
    needs_frequency = policy is None or policy.frequency is not None
    needs_profile = policy is None or bool(policy.pricing.tiers_by_profile)
    names: frozenset[str] = frozenset()
    if selective:
        approved = catalog.approved_brand_ids(buyer)
        if approved:
            names = frozenset(Brand.objects.filter(pk__in=approved).values_list("name", flat=True))
    zero = Decimal("0.00")
    owed, overdue = ledger.balance_and_overdue(buyer, seller, on) if needs_ledger else (zero, zero)
    unpaid = max(owed, zero)
    standing = (
        credit_facts(
            buyer=buyer,
            seller=seller,
            deposit=el is None or el.deposit is not None,
            limit=el is None or el.credit_limit is not None or bool(el.credit_clause.article),
        )
        if needs_ledger
        else None
    )
    return BuyerContext(
        orders_this_month=(
            orders_in_month(buyer=buyer, seller=seller, on=on, exclude=exclude)
            if needs_frequency
            else 0
        ),
        unpaid_amount=unpaid,
        overdue_amount=overdue,
        outstanding=unpaid
        + (
            pending_orders_amount(buyer=buyer, seller=seller, exclude=exclude)
            if needs_pending
            else zero
        ),
        approved_brands=names,
        # O10/PT11: a buyer the seller suspended for late payment is treated as in dispute
        payment_dispute=bool(standing and standing.suspended),
        deposit=(standing.deposit_held or zero) if standing else zero,  # PT9
        credit_limit=standing.credit_limit if standing else None,  # PT10, set by the seller
        pricing_profile=(
            catalog.pricing_profile_for(buyer=buyer, seller=seller) if needs_profile else "standard"
        ),
    )


def voucher_input(voucher: Voucher) -> VoucherInput:
    """What the engine checks of a voucher (O15)."""
    return VoucherInput(
        code=voucher.code,
        amount=voucher.amount,
        valid_from=voucher.valid_from,
        valid_to=voucher.valid_to,
        excluded_skus=frozenset(voucher.excluded_skus),
    )


def presented_voucher(
    seller: Organization, code: str, *, for_update: bool = False
) -> tuple[Voucher | None, VoucherInput | None]:
    """The voucher a buyer types at the seller's checkout (O15), by its code in any case: none
    for an empty code; a code unknown in this shop or already used is refused on its field.
    Placing reads it `for_update`, so two checkouts never use it twice."""
    code = (code or "").strip().upper()
    if not code:
        return None, None
    found = Voucher.objects.filter(seller=seller, code=code[:40])
    voucher = (found.select_for_update() if for_update else found).first()
    if voucher is None or voucher.redeemed_by_id is not None:
        raise DomainError(
            "voucher_invalid",
            _("This voucher does not exist in this shop or was already used."),
            field="voucher_code",
            rule="O15",
        )
    return voucher, voucher_input(voucher)


def voucher_warning(quote: Quote) -> Finding | None:
    """The engine's reason for not applying the voucher presented with the cart, if any (O15)."""
    return next((w for w in quote.warnings if w.code.startswith("voucher_")), None)


def vouchers_accepted(version: TermsVersion) -> bool:
    """Whether the terms version accepts vouchers at its checkout (O15), from the compiled
    terms (no query)."""
    section = ordering_policy(version).document.ordering.vouchers
    return section is not None and section.enabled


def version_in_force(seller: Organization, at: datetime) -> TermsVersion:
    version = terms_in_force(seller, at)
    if version is None:
        raise NotFound(_("Terms of sale in force"), field="seller")
    return version


def quote_cart(
    *,
    buyer: Organization,
    seller: Organization,
    requests: Sequence[LineRequest],
    delivery_country: str = "FR",
    payment_method: str | None = None,
    voucher: VoucherInput | None = None,
    version: TermsVersion | None = None,
    at: datetime | None = None,
    exclude_order: int | None = None,
    invoice_date: date | None = None,
    is_consumer: bool = False,
    manual_handling: bool = False,
    handling_fee: Decimal | None = None,
    extra_fees: Sequence[Charge] = (),
    withdrawal_waiver: bool = False,
) -> PricedCart:
    """The quote of a cart under `version` (default: the seller's terms in force at `at`);
    `exclude_order` re-quotes an existing order without counting it twice (O5, PT10).
    `is_consumer` lets the engine apply O17 (consumers served or not, consumer payment terms);
    `manual_handling` and `handling_fee` its O11 handling fee (the amount the seller notifies
    when the terms leave it to the buyer's contract); `extra_fees` are added to the quote's
    fees and totals (O11 fees of a change after acceptance). A consumer's quote also gives each
    line's withdrawal right, with the waiver `withdrawal_waiver` or not (O17)."""
    at = at or clock.now()
    on = at.astimezone(PARIS).date()
    version = version or version_in_force(seller, at)
    lines, products = cart_lines(buyer=buyer, seller=seller, requests=requests, on=on)
    cart = Cart(
        lines=tuple(lines),
        voucher=voucher,
        delivery_country=(delivery_country or "FR").upper(),
        payment_method=payment_method or None,
        manual_handling=manual_handling,
    )
    policy = ordering_policy(version).engine  # compiled once per terms version
    context = buyer_context(
        buyer=buyer,
        seller=seller,
        on=on,
        exclude=exclude_order,
        policy=policy,
        selective=any(line.selective for line in lines),
    )
    if is_consumer or handling_fee is not None:
        context = replace(context, is_consumer=is_consumer, contract_handling_fee=handling_fee)
    quote = with_fees(evaluate(policy, cart, context, at, invoice_date=invoice_date), extra_fees)
    withdrawal = (
        withdrawal_preview(version, [products[line.sku] for line in lines], withdrawal_waiver)
        if is_consumer
        else ()
    )
    return PricedCart(
        quote=quote, version=version, products=products, cart=cart, withdrawal=withdrawal
    )


def withdrawal_preview(
    version: TermsVersion, products: Sequence[Product], waiver: bool
) -> tuple[LineWithdrawal, ...]:
    """O17 before placing: the withdrawal right of each of `products` (cart lines) under the
    consumer clauses of `version`, from the products already loaded and the compiled terms (no
    query); empty when the terms serve no consumers (the quote refuses the order then)."""
    consumers = ordering_policy(version).document.consumers
    if not consumers.allowed:
        return ()
    terms = consumers.withdrawal or Withdrawal()  # the legal 14 days when the terms are silent
    clause = terms.clause or consumers.clause
    return cart_withdrawal(
        [(p.sku, p.kind, p.withdrawal_nature) for p in products],
        exceptions=frozenset(terms.exceptions),
        waiver=waiver,
        days=terms.days,
        terms_from=terms.from_,
        clause=(clause.article, clause.text) if clause is not None else ("", ""),
    )


def with_fees(quote: Quote, fees: Sequence[Charge]) -> Quote:
    """`quote` with `fees` added to its fees and its totals recomputed as the engine does (VAT
    per rate on the sum of bases, rounded once)."""
    if not fees:
        return quote
    all_fees = [*quote.fees, *fees]
    totals = compute_totals(
        [line.net_amount for line in quote.lines],
        [line.vat_rate for line in quote.lines],
        all_fees,
        list(quote.discounts),
    )
    return replace(quote, fees=tuple(all_fees), totals=totals)


def charges_from_json(items: Sequence[dict[str, Any]]) -> list[Charge]:
    """Charges stored as the quote's JSON stores them (``quote_to_json``), back as ``Charge``."""
    return [
        Charge(
            code=item["code"],
            amount=Decimal(item["amount"]),
            vat_rate=Decimal(item["vat_rate"]),
            rule=item["rule"],
            clause=Clause(**item.get("clause", {})),
            explanation=Explanation(**item["explanation"]),
        )
        for item in items
    ]
