"""Validation of the JSON inputs of ``comptoir terms quote`` (cart and buyer context).

Pydantic models with ``extra="forbid"``: an unknown key, a wrong type, a negative quantity or an
impossible date is reported with its dotted place (``lines[1].quantity: ...``). The validated
models are converted into the engine's plain dataclasses. No Django import.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError

from comptoir.terms.engine.inputs import BuyerContext, Cart, CartLine, VoucherInput
from comptoir.terms.loader import dotted


def _decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a decimal number, not a boolean")
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


Money = Annotated[
    Decimal, BeforeValidator(_decimal), Field(ge=0, decimal_places=4, allow_inf_nan=False)
]
Rate = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0, le=100, allow_inf_nan=False)]
Quantity = Annotated[int, Strict(), Field(ge=0, le=10_000_000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineIn(_Model):
    sku: Annotated[str, Field(min_length=1, max_length=100)]
    quantity: Quantity
    unit_price: Money
    vat_rate: Rate = Decimal("20")
    pack_size: Annotated[int, Strict(), Field(ge=1)] = 1
    kind: str = "physical"
    brand: str | None = None
    tags: list[str] = Field(default_factory=list)
    selective: bool = False


class VoucherIn(_Model):
    code: Annotated[str, Field(min_length=1)]
    amount: Money
    valid_from: date | None = None
    valid_to: date | None = None
    excluded_skus: list[str] = Field(default_factory=list)


class CartIn(_Model):
    lines: Annotated[list[LineIn], Field(min_length=1)]
    voucher: VoucherIn | None = None
    delivery_country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "FR"
    payment_method: str | None = None
    zone: str | None = None
    manual_handling: bool = False


class ContextIn(_Model):
    orders_this_month: Annotated[int, Strict(), Field(ge=0)] = 0
    unpaid_amount: Money = Decimal("0")
    overdue_amount: Money = Decimal("0")
    outstanding: Money = Decimal("0")
    deposit: Money = Decimal("0")
    is_consumer: bool = False
    approved_brands: list[str] = Field(default_factory=list)
    credit_limit: Money | None = None
    payment_dispute: bool = False
    pricing_profile: str = "default"
    contract_minimum_order: Money | None = None
    contract_free_shipping_threshold: Money | None = None
    contract_logistics_fee: Money | None = None
    contract_shipping_fee: Money | None = None
    contract_case_surcharge: Money | None = None
    contract_handling_fee: Money | None = None


class InputInvalid(ValueError):
    """Bad cart or context input; ``errors`` holds ``place: message`` strings."""

    def __init__(self, source: str, errors: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(errors))
        self.source = source
        self.errors = errors


def _errors(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        where = dotted(tuple(err["loc"])) or "(document)"
        message = err["msg"].removeprefix("Value error, ")
        out.append(f"{where}: {message}")
    return out


def parse_cart(data: Any, source: str = "cart") -> Cart:
    try:
        c = CartIn.model_validate(data)
    except ValidationError as exc:
        raise InputInvalid(source, _errors(exc)) from None
    voucher = None
    if c.voucher is not None:
        v = c.voucher
        voucher = VoucherInput(
            v.code, v.amount, v.valid_from, v.valid_to, frozenset(v.excluded_skus)
        )
    return Cart(
        lines=tuple(
            CartLine(
                ln.sku,
                ln.quantity,
                ln.unit_price,
                ln.vat_rate,
                ln.pack_size,
                ln.kind,
                ln.brand,
                frozenset(ln.tags),
                ln.selective,
            )
            for ln in c.lines
        ),
        voucher=voucher,
        delivery_country=c.delivery_country,
        payment_method=c.payment_method,
        zone=c.zone,
        manual_handling=c.manual_handling,
    )


def parse_context(data: Any, source: str = "context") -> BuyerContext:
    try:
        c = ContextIn.model_validate(data)
    except ValidationError as exc:
        raise InputInvalid(source, _errors(exc)) from None
    values = c.model_dump()
    values["approved_brands"] = frozenset(c.approved_brands)
    return BuyerContext(**values)
