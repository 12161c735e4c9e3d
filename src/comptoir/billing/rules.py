"""Pure billing rules: document drafts in, EN 16931 amounts out (no Django, no database).

A `DocumentDraft` is everything an invoice or a credit note says, as plain data: the parties (as
snapshots), the lines, the document-level charges (fees) and allowances (discounts), references and
dates. `compute_totals(draft)` applies the one algorithm of DOMAIN-NOTES 7.2:

    line.net        = round_half_up(qty × unit price excl. VAT, 2)                       BT-131
                      (prices incl. VAT: round_half_up(qty × unit price / (1 + rate), 2))
    base[rate]      = Σ line.net + Σ charges − Σ allowances at that rate                 BT-116
    vat[rate]       = round_half_up(base × rate / 100, 2)                                BT-117
    total excl. VAT = Σ line.net + Σ charges − Σ allowances                              BT-109
    total VAT       = Σ vat[rate]; total incl. VAT = excl. + VAT                         BT-110/112

VAT is never summed from per-line rounded amounts (242 nonies A 11°: VAT per rate on its base).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from comptoir.core.money import HUNDRED, format_money, quantize

MICRO = Decimal("0.000001")


def round_cent(amount: Decimal) -> Decimal:
    """Round half-up to the cent (the documented rounding point of every document amount)."""
    return quantize(amount)


def _net_of(amount: Decimal, vat_rate: Decimal, includes_vat: bool) -> Decimal:
    """Unrounded amount excl. VAT of `amount` (which includes VAT when `includes_vat`)."""
    if not includes_vat:
        return amount
    return amount * HUNDRED / (HUNDRED + vat_rate)


@dataclass(frozen=True)
class Address:
    line1: str
    postcode: str
    city: str
    country_code: str = "FR"
    line2: str = ""
    name: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "line1": self.line1,
            "line2": self.line2,
            "postcode": self.postcode,
            "city": self.city,
            "country_code": self.country_code,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Address:
        return cls(**data)

    def same_place(self, other: Address | None) -> bool:
        if other is None:
            return True
        key = (self.line1, self.line2, self.postcode, self.city, self.country_code)
        return key == (other.line1, other.line2, other.postcode, other.city, other.country_code)


@dataclass(frozen=True)
class PartySnapshot:
    """A party as printed on the document at the time of issue (EN 16931 BG-4 / BG-7)."""

    name: str
    address: Address
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    iban: str = ""
    bic: str = ""
    legal_form: str = ""
    organization_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "address": self.address.as_dict(),
            "siren": self.siren,
            "siret": self.siret,
            "vat_number": self.vat_number,
            "iban": self.iban,
            "bic": self.bic,
            "legal_form": self.legal_form,
            "organization_id": self.organization_id,
        }

    @classmethod
    def from_dict(cls, data: dict) -> PartySnapshot:
        values = dict(data)
        values["address"] = Address.from_dict(values["address"])
        return cls(**values)


@dataclass(frozen=True)
class LineInput:
    description: str
    sku: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    prices_include_vat: bool = False
    unit_code: str = "C62"  # UN/ECE Rec 20: piece
    gtin: str = ""
    net_amount: Decimal | None = None  # fixed by an earlier document (full credit note)
    vat_category: str = ""  # UNCL 5305 when not the rate's default (see `vat_category`)


@dataclass(frozen=True)
class Adjustment:
    """A document-level charge (fee: shipping, handling) or allowance (discount)."""

    reason: str
    amount: Decimal
    vat_rate: Decimal
    amount_includes_vat: bool = False
    vat_category: str = ""  # UNCL 5305 when not the rate's default (see `vat_category`)


@dataclass(frozen=True)
class References:
    order_number: str = ""
    purchase_order: str = ""  # BT-13, when the buyer issued one (L441-9)
    buyer_reference: str = ""  # BT-10
    delivery_note: str = ""  # BT-16
    contract: str = ""  # BT-12

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


NATURE_GOODS, NATURE_SERVICES, NATURE_MIXED = "goods", "services", "mixed"


@dataclass(frozen=True)
class DocumentDraft:
    issuer: PartySnapshot
    recipient: PartySnapshot
    lines: tuple[LineInput, ...]
    sale_date: date
    due_date: date | None = None
    delivery_address: Address | None = None
    fees: tuple[Adjustment, ...] = ()
    discounts: tuple[Adjustment, ...] = ()
    references: References = field(default_factory=References)
    payment_terms_text: str = ""
    nature: str = NATURE_GOODS
    currency: str = "EUR"
    mentions: tuple[str, ...] = ()  # extra mentions given by the caller, printed after ours
    consumer: bool = False  # O17: sold to a consumer (no B2B late-payment mentions)


@dataclass(frozen=True)
class ComputedLine:
    position: int
    description: str
    sku: str
    quantity: Decimal
    unit_code: str
    gtin: str
    net_unit_price: Decimal  # BT-146, ≤ 6 decimals
    net_amount: Decimal  # BT-131, 2 decimals
    vat_rate: Decimal


@dataclass(frozen=True)
class ComputedAdjustment:
    reason: str
    net_amount: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class VatLine:
    rate: Decimal
    base: Decimal
    amount: Decimal
    category: str = "S"


@dataclass(frozen=True)
class Totals:
    lines: tuple[ComputedLine, ...]
    charges: tuple[ComputedAdjustment, ...]
    allowances: tuple[ComputedAdjustment, ...]
    vat: tuple[VatLine, ...]
    line_total: Decimal  # BT-106
    charge_total: Decimal  # BT-108
    allowance_total: Decimal  # BT-107
    total_excl_vat: Decimal  # BT-109
    total_vat: Decimal  # BT-110
    total_incl_vat: Decimal  # BT-112


def vat_category(rate: Decimal) -> str:
    """UNCL 5305: S standard (any positive rate), Z zero rate. A line or an adjustment may name
    another category for its rate (E: exempt, e.g. packaging deposits outside the VAT base);
    one category per rate and document."""
    return "S" if rate > 0 else "Z"


# BT-120, the exemption reason of a category other than S (EN 16931 BR-E-10, BR-Z-10)
EXEMPTION_REASONS = {
    "Z": "Taux zéro",
    "E": "Consigne d'emballage hors base d'imposition (CGI art. 267)",
}


def _categories(draft: DocumentDraft) -> dict[Decimal, str]:
    named: dict[Decimal, str] = {}
    items: list[LineInput | Adjustment] = [*draft.lines, *draft.fees, *draft.discounts]
    for item in items:
        if item.vat_category and named.setdefault(item.vat_rate, item.vat_category) != (
            item.vat_category
        ):
            raise ValueError(_("two VAT categories at %(rate)s %%") % {"rate": item.vat_rate})
    return named


def compute_line(position: int, line: LineInput) -> ComputedLine:
    if line.quantity <= 0:
        raise ValueError(_("line %(position)s: quantity must be positive") % {"position": position})
    if line.unit_price < 0:
        raise ValueError(
            _("line %(position)s: unit price must not be negative") % {"position": position}
        )
    net_unit = _net_of(line.unit_price, line.vat_rate, line.prices_include_vat)
    net_amount = (
        round_cent(line.quantity * net_unit) if line.net_amount is None else line.net_amount
    )
    return ComputedLine(
        position=position,
        description=line.description,
        sku=line.sku,
        quantity=line.quantity,
        unit_code=line.unit_code,
        gtin=line.gtin,
        net_unit_price=net_unit.quantize(MICRO, rounding=ROUND_HALF_UP),
        net_amount=net_amount,
        vat_rate=line.vat_rate,
    )


def _compute_adjustment(adj: Adjustment) -> ComputedAdjustment:
    if adj.amount < 0:
        raise ValueError(_("%(reason)s: amount must not be negative") % {"reason": adj.reason})
    net = round_cent(_net_of(adj.amount, adj.vat_rate, adj.amount_includes_vat))
    return ComputedAdjustment(reason=adj.reason, net_amount=net, vat_rate=adj.vat_rate)


def compute_totals(draft: DocumentDraft) -> Totals:
    """Every amount of the document, computed once (DOMAIN-NOTES 7.2, EN 16931 BR-CO-10..17)."""
    if not draft.lines:
        raise ValueError(_("a document needs at least one line"))
    lines = tuple(compute_line(i, line) for i, line in enumerate(draft.lines, start=1))
    charges = tuple(_compute_adjustment(a) for a in draft.fees)
    allowances = tuple(_compute_adjustment(a) for a in draft.discounts)
    categories = _categories(draft)
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        bases[line.vat_rate] += line.net_amount
    for charge in charges:
        bases[charge.vat_rate] += charge.net_amount
    for allowance in allowances:
        bases[allowance.vat_rate] -= allowance.net_amount
    vat = tuple(
        VatLine(
            rate=rate,
            base=base,
            amount=round_cent(base * rate / HUNDRED),
            category=categories.get(rate) or vat_category(rate),
        )
        for rate, base in sorted(bases.items(), reverse=True)
    )
    if any(v.base < 0 for v in vat):
        raise ValueError(_("allowances exceed the taxable base of a VAT rate"))
    line_total = sum((line.net_amount for line in lines), Decimal("0.00"))
    charge_total = sum((c.net_amount for c in charges), Decimal("0.00"))
    allowance_total = sum((a.net_amount for a in allowances), Decimal("0.00"))
    total_excl = line_total + charge_total - allowance_total
    total_vat = sum((v.amount for v in vat), Decimal("0.00"))
    return Totals(
        lines=lines,
        charges=charges,
        allowances=allowances,
        vat=vat,
        line_total=line_total,
        charge_total=charge_total,
        allowance_total=allowance_total,
        total_excl_vat=total_excl,
        total_vat=total_vat,
        total_incl_vat=total_excl + total_vat,
    )


COMMISSION_RATE = Decimal("0.15")
COMMISSION_VAT_RATE = Decimal("20")


def commission_amount(
    *,
    order_total_incl_vat: Decimal,
    shipping_incl_vat: Decimal,
    percent: Decimal = COMMISSION_RATE * 100,
) -> Decimal:
    """I8: 15 % (or the marketplace's `percent`) of the order amount incl. VAT and shipping; the
    result is the commission excl. VAT.

    `order_total_incl_vat` is the goods amount incl. VAT; pass shipping separately (0 when the order
    total already includes it)."""
    return round_cent((order_total_incl_vat + shipping_incl_vat) * percent / 100)


def commission_draft(
    *,
    operator: PartySnapshot,
    seller: PartySnapshot,
    order_number: str,
    order_total_incl_vat: Decimal,
    shipping_incl_vat: Decimal = Decimal("0"),
    sale_date: date,
    due_date: date | None = None,
    percent: Decimal = COMMISSION_RATE * 100,
    vat_rate: Decimal = COMMISSION_VAT_RATE,
) -> DocumentDraft:
    """The operator's commission invoice to a seller for one order (I8, DOMAIN-NOTES 2.5)."""
    base = commission_amount(
        order_total_incl_vat=order_total_incl_vat,
        shipping_incl_vat=shipping_incl_vat,
        percent=percent,
    )
    return DocumentDraft(
        issuer=operator,
        recipient=seller,
        lines=(
            LineInput(
                description=(
                    f"Commission de {percent.normalize():f} % sur la commande {order_number} "
                    f"({format_money(order_total_incl_vat + shipping_incl_vat)} TTC port compris)"
                ),
                sku="COMMISSION",
                quantity=Decimal(1),
                unit_price=base,
                vat_rate=vat_rate,
            ),
        ),
        sale_date=sale_date,
        due_date=due_date,
        references=References(order_number=order_number),
        payment_terms_text="Déduite du reversement au vendeur",
        nature=NATURE_SERVICES,
    )
