"""Engine inputs: the cart and what the engine must know about the buyer (plain dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class CartLine:
    sku: str
    quantity: int
    unit_price: Decimal  # tariff unit price excl. VAT
    vat_rate: Decimal  # percent, e.g. Decimal("20")
    pack_size: int = 1  # packaging standard (units per case)
    kind: str = "physical"
    brand: str | None = None
    tags: frozenset[str] = frozenset()
    selective: bool = False  # the brand is under selective distribution (catalog, C2)


@dataclass(frozen=True, slots=True)
class VoucherInput:
    """A voucher presented with the cart (its value and validity come from the shop's data)."""

    code: str
    amount: Decimal
    valid_from: date | None = None
    valid_to: date | None = None
    excluded_skus: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Cart:
    lines: tuple[CartLine, ...]
    voucher: VoucherInput | None = None
    delivery_country: str = "FR"
    payment_method: str | None = None
    zone: str | None = None  # delivery zone for zone-based fees (001)
    manual_handling: bool = False  # O11: the order needs manual handling


@dataclass(frozen=True, slots=True)
class BuyerContext:
    orders_this_month: int = 0  # orders already placed in the calendar month of the quote
    unpaid_amount: Decimal = ZERO  # unpaid previous orders (due or not)
    overdue_amount: Decimal = ZERO
    outstanding: Decimal = ZERO  # current credit exposure
    deposit: Decimal = ZERO  # security deposit paid (PT9)
    is_consumer: bool = False
    approved_brands: frozenset[str] = field(default_factory=frozenset)
    credit_limit: Decimal | None = None
    payment_dispute: bool = False
    pricing_profile: str = "default"  # C4 pricing profile of the buyer
    # Figures the terms leave to the buyer's contract (defined_in = "buyer_contract"):
    contract_minimum_order: Decimal | None = None
    contract_free_shipping_threshold: Decimal | None = None
    contract_logistics_fee: Decimal | None = None  # O2 fee below the contractual minimum
    contract_shipping_fee: Decimal | None = None  # O3 fee below the contractual threshold
    contract_case_surcharge: Decimal | None = None  # O4 fee for quantities off case multiples
    contract_handling_fee: Decimal | None = None  # O11 manual-handling fee


DEFAULT_CONTEXT = BuyerContext()
