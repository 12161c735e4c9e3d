"""EANCOM mapping (O14), pure: an ORDERS message read into an order request with every problem
found, and the segments of the ORDRSP, DESADV and INVOIC messages built from plain values.

Amounts are Decimal written with '.' (never float); quantities are whole units on orders and
despatches, up to 4 decimals on invoices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydifact.segments import Segment
from stdnum import ean

from comptoir.billing.rules import VatLine
from comptoir.edi.edifact import Problem, RawMessage, element

RULE = "O14"
ORDERS_ID = ("ORDERS", "D", "96A", "UN", "EAN008")
ORDRSP_ID = ("ORDRSP", "D", "96A", "UN", "EAN005")
DESADV_ID = ("DESADV", "D", "96A", "UN", "EAN005")
INVOIC_ID = ("INVOIC", "D", "96A", "UN", "EAN008")

# BGM 1225 of an order response, LIN 1229 of its lines (UNTDID)
ACCEPTED, CHANGED, NOT_ACCEPTED = "29", "4", "27"
LINE_ADDED, LINE_CHANGED, LINE_ACCEPTED, LINE_REFUSED = "1", "3", "5", "7"
MAX_LINES = 9999
# BGM 1225 of an ORDERS message: what it asks (O14, docs/edi.md)
ORIGINAL, CANCELLATION, REPLACE, CHANGE = "9", "1", "5", "4"
READ_FUNCTIONS = (ORIGINAL, CANCELLATION, REPLACE)

# retry of an outbound message that could not be built or stored: 5 min, 10, 20 … 6 h at most,
# then given up after MAX_ATTEMPTS attempts (the first, at the event, included)
RETRY_FIRST_DELAY = timedelta(minutes=5)
RETRY_MAX_DELAY = timedelta(hours=6)
RETRY_MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after the `attempts`-th failed attempt; None: give up."""
    if attempts >= RETRY_MAX_ATTEMPTS:
        return None
    return min(RETRY_FIRST_DELAY * 2 ** max(attempts - 1, 0), RETRY_MAX_DELAY)


def gln_problem(value: str) -> str | None:
    """Why `value` is not a GLN (13 digits, GS1 check digit), or None."""
    if len(value) != 13 or not value.isdigit():
        return _("%(value)s is not a GLN: 13 digits expected.") % {"value": repr(value)}
    if not ean.is_valid(value):
        return _("%(value)s is not a GLN: wrong GS1 check digit.") % {"value": repr(value)}
    return None


def number(value: Decimal, places: int | None = None) -> str:
    """A Decimal as EDIFACT wants it: '.' decimal mark, no exponent, no float."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
        return f"{value:f}"
    text = f"{value.normalize():f}"
    return text


def edi_date(on: date) -> str:
    return f"{on:%Y%m%d}"


# --- ORDERS in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyIn:
    gln: str
    segment: int
    name: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""

    @property
    def has_address(self) -> bool:
        return bool(self.street and self.city and self.postcode)


@dataclass(frozen=True)
class LineIn:
    line: int
    segment: int
    gtin: str
    sku: str
    quantity: int


@dataclass
class OrdersIn:
    number: str = ""
    function: str = ""
    bgm_segment: int | None = None
    note: str = ""
    document_date: str = ""
    delivery_date: str = ""
    currency: str = "EUR"
    parties: dict[str, PartyIn] = field(default_factory=dict)
    lines: list[LineIn] = field(default_factory=list)


def _quantity(raw: str) -> int | None:
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None
    if value != value.to_integral_value() or value <= 0 or value > 1_000_000:
        return None
    return int(value)


def _party(segment: Segment, position: int) -> PartyIn:
    return PartyIn(
        gln=element(segment, 1, 0),
        segment=position,
        name=element(segment, 3, 0),
        street=element(segment, 4, 0),
        city=element(segment, 5, 0),
        postcode=element(segment, 7, 0),
        country=element(segment, 8, 0).upper(),
    )


class _Reader:
    def __init__(self, message: RawMessage) -> None:
        self.message = message
        self.found = OrdersIn()
        self.problems: list[Problem] = []
        self.line: dict[str, object] | None = None
        self.seen: list[int] = []
        self.invalid_parties: set[str] = set()  # NAD qualifiers whose GLN was refused

    def problem(
        self, code: str, text: str, position: int, tag: str, line: int | None = None
    ) -> None:
        self.problems.append(Problem(code, text, RULE, position, tag, line))

    def close_line(self) -> None:
        current, self.line = self.line, None
        if current is None:
            return
        number_, position = int(str(current["line"])), int(str(current["segment"]))
        gtin, sku = str(current.get("gtin", "")), str(current.get("sku", ""))
        if not gtin and not sku:
            self.problem(
                "missing_item_id",
                _("The line names no GTIN (LIN …:EN) and no supplier article number (PIA …:SA)."),
                position,
                "LIN",
                number_,
            )
            return
        if gtin and not (len(gtin) in (8, 12, 13, 14) and ean.is_valid(gtin)):
            self.problem(
                "invalid_gtin",
                _("GTIN %(gtin)s: 8 to 14 digits with a GS1 check digit expected.")
                % {"gtin": repr(gtin)},
                position,
                "LIN",
                number_,
            )
            return
        if "quantity" not in current:
            self.problem(
                "missing_quantity",
                _("The line has no ordered quantity (QTY+21)."),
                position,
                "LIN",
                number_,
            )
            return
        quantity = current["quantity"]
        if not isinstance(quantity, int):
            return  # reported at its QTY
        self.found.lines.append(LineIn(number_, position, gtin, sku, quantity))

    def read(self) -> None:
        for index, segment in enumerate(self.message.segments):
            self.segment(segment, self.message.position(index))
        self.close_line()

    def segment(self, segment: Segment, at: int) -> None:
        tag, found = segment.tag, self.found
        if tag == "BGM":
            found.number = element(segment, 1)
            found.function = element(segment, 2) or ORIGINAL
            found.bgm_segment = at
            if element(segment, 0, 0) not in ("220", "105", "221"):
                self.problem(
                    "unsupported_document",
                    _("BGM document %(code)s: only an order (220) is read.")
                    % {"code": repr(element(segment, 0, 0))},
                    at,
                    tag,
                )
            if found.function == CHANGE:
                self.problem(
                    "unsupported_function",
                    _(
                        "BGM function 4 (change) is not read: send the whole order again with "
                        "function 5 (replace), or cancel it with function 1."
                    ),
                    at,
                    tag,
                )
            elif found.function not in READ_FUNCTIONS:
                self.problem(
                    "unsupported_function",
                    _(
                        "BGM function %(function)s: only an original order (9), a replacement "
                        "(5) or a cancellation (1) is read."
                    )
                    % {"function": found.function},
                    at,
                    tag,
                )
            if not found.number or len(found.number) > 35:
                self.problem("missing_order_number", _("BGM needs the order number."), at, tag)
        elif tag == "FTX" and not found.note:
            found.note = " ".join(
                part for part in (element(segment, 3, i).strip() for i in range(5)) if part
            )[:2000]
        elif tag == "DTM":
            if element(segment, 0, 0) == "137":
                found.document_date = element(segment, 0, 1)
            elif element(segment, 0, 0) in ("2", "64"):
                found.delivery_date = element(segment, 0, 1)
        elif tag == "NAD":
            self.nad(segment, at)
        elif tag == "CUX":
            currency = element(segment, 0, 1)
            if currency and currency != "EUR":
                self.problem(
                    "unsupported_currency",
                    _("Currency %(currency)s: orders are in EUR.") % {"currency": currency},
                    at,
                    tag,
                )
        elif tag == "LIN":
            self.lin(segment, at)
        elif tag == "PIA" and self.line is not None:
            for index in range(1, 6):
                if element(segment, index, 1) == "SA" and element(segment, index, 0):
                    self.line.setdefault("sku", element(segment, index, 0))
        elif tag == "QTY" and self.line is not None and element(segment, 0, 0) == "21":
            raw = element(segment, 0, 1)
            quantity = _quantity(raw)
            if quantity is None:
                self.problem(
                    "invalid_quantity",
                    _("Ordered quantity %(quantity)s: a whole number of units from 1 is expected.")
                    % {"quantity": repr(raw)},
                    at,
                    tag,
                    int(str(self.line["line"])),
                )
                self.line["quantity"] = raw
            else:
                self.line["quantity"] = quantity
        elif tag == "CNT" and element(segment, 0, 0) == "2":
            self.close_line()
            declared = element(segment, 0, 1)
            if declared and declared != str(len(self.seen)):
                self.problem(
                    "line_count",
                    ngettext(
                        "CNT+2 declares %(declared)s line; the message has %(found)s.",
                        "CNT+2 declares %(declared)s lines; the message has %(found)s.",
                        int(declared[:9]) if declared.isdecimal() else 0,
                    )
                    % {"declared": declared, "found": len(self.seen)},
                    at,
                    tag,
                )

    def nad(self, segment: Segment, at: int) -> None:
        qualifier = element(segment, 0)
        if qualifier not in ("BY", "SU", "DP"):
            return
        party = _party(segment, at)
        agency = element(segment, 1, 2)
        if not party.gln and qualifier == "DP" and party.has_address:
            self.found.parties[qualifier] = party
            return
        why = gln_problem(party.gln) if agency in ("9", "") else _("the code list must be 9 (GS1).")
        if why is not None:
            self.invalid_parties.add(qualifier)
            self.problem(
                "invalid_gln",
                _("NAD+%(qualifier)s: %(why)s") % {"qualifier": qualifier, "why": why},
                at,
                "NAD",
            )
            return
        self.found.parties[qualifier] = party

    def lin(self, segment: Segment, at: int) -> None:
        self.close_line()
        raw = element(segment, 0)
        line = int(raw) if raw.isdigit() else len(self.seen) + 1
        self.seen.append(line)
        self.line = {"line": line, "segment": at}
        gtin = element(segment, 2, 0)
        if gtin and element(segment, 2, 1) in ("EN", "SRV", ""):
            self.line["gtin"] = gtin


def read_orders(message: RawMessage) -> tuple[OrdersIn, list[Problem]]:
    """The order a message asks for, and every problem found (empty: it can be placed)."""
    reader = _Reader(message)
    problems = list(message.problems)
    if message.type != "ORDERS":
        problems.append(
            Problem(
                "unsupported_message",
                _("Message type %(type)s: only ORDERS is received.")
                % {"type": message.type or "?"},
                segment=1,
                tag="UNH",
            )
        )
        return reader.found, problems
    reader.read()
    found = reader.found
    if found.function == CANCELLATION:
        # the lines of a cancellation are not read: it names the order by its number only
        problems += [p for p in reader.problems if p.tag not in ("LIN", "QTY", "CNT")]
        found.lines = []
    else:
        problems += reader.problems
    if not found.number and not any(p.tag == "BGM" for p in problems):
        problems.append(Problem("missing_bgm", _("The message has no BGM segment."), tag="BGM"))
    for qualifier, missing in (
        ("BY", _("NAD+BY (the buyer) is missing.")),
        ("SU", _("NAD+SU (the supplier) is missing.")),
    ):
        if qualifier not in found.parties and qualifier not in reader.invalid_parties:
            problems.append(Problem("missing_party", missing, tag="NAD"))
    if found.function != CANCELLATION and not found.lines and not any(p.line for p in problems):
        problems.append(Problem("no_lines", _("The order has no line (LIN)."), tag="LIN"))
    if len(reader.seen) > MAX_LINES:
        problems.append(
            Problem(
                "too_many_lines",
                ngettext("At most %(n)s line.", "At most %(n)s lines.", MAX_LINES)
                % {"n": MAX_LINES},
                tag="LIN",
            )
        )
    return found, problems


# --- outbound ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyOut:
    gln: str
    name: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    vat_number: str = ""
    siren: str = ""


def _nad(qualifier: str, party: PartyOut, with_address: bool = False) -> list[Segment]:
    if with_address and party.name:
        nad = Segment(
            "NAD",
            qualifier,
            [party.gln, "", "9"],
            "",
            party.name[:35],
            party.street[:35],
            party.city[:35],
            "",
            party.postcode[:9],
            party.country[:3],
        )
    else:
        nad = Segment("NAD", qualifier, [party.gln, "", "9"])
    return [nad]


def _item(line: int, gtin: str, sku: str, action: str = "") -> list[Segment]:
    if gtin:
        lin = Segment("LIN", str(line), action, [gtin, "EN"])
    else:
        lin = Segment("LIN", str(line), action) if action else Segment("LIN", str(line))
    out = [lin]
    if sku:
        out.append(Segment("PIA", "1" if gtin else "5", [sku, "SA"]))
    return out


@dataclass(frozen=True)
class ResponseLine:
    line: int
    gtin: str
    sku: str
    action: str
    quantity: int


@dataclass(frozen=True)
class OrderResponse:
    number: str
    function: str
    issued_on: date
    buyer_order: str
    seller_order: str
    seller: PartyOut
    buyer: PartyOut
    lines: tuple[ResponseLine, ...]
    delivery_on: date | None = None
    reason: str = ""


def _free_text(text: str) -> list[Segment]:
    text = " ".join(text.split())[:350]
    if not text:
        return []
    chunks = [text[i : i + 70] for i in range(0, len(text), 70)]
    return [Segment("FTX", "AAI", "", "", chunks)]


def ordrsp_segments(response: OrderResponse) -> list[Segment]:
    out = [
        Segment("BGM", "231", response.number, response.function),
        Segment("DTM", ["137", edi_date(response.issued_on), "102"]),
    ]
    if response.delivery_on and response.function != NOT_ACCEPTED:
        out.append(Segment("DTM", ["2", edi_date(response.delivery_on), "102"]))
    out += _free_text(response.reason)
    out += [
        Segment("RFF", ["ON", response.buyer_order]),
        Segment("RFF", ["VN", response.seller_order]),
        *_nad("BY", response.buyer),
        *_nad("SU", response.seller),
    ]
    for line in response.lines:
        out += _item(line.line, line.gtin, line.sku, line.action)
        out.append(Segment("QTY", ["21", str(line.quantity)]))
    out.append(Segment("UNS", "S"))
    out.append(Segment("CNT", ["2", str(len(response.lines))]))
    return out


@dataclass(frozen=True)
class DespatchLine:
    line: int
    gtin: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class Despatch:
    number: str
    despatched_on: date
    buyer_order: str
    seller_order: str
    seller: PartyOut
    buyer: PartyOut
    delivery: PartyOut | None
    carrier: str
    parcels: tuple[str, ...]
    lines: tuple[DespatchLine, ...]
    delivery_on: date | None = None


def desadv_segments(despatch: Despatch) -> list[Segment]:
    """Tracking numbers go in RFF+CN (carrier's reference), one per parcel: they are not SSCCs,
    so no GIN+BJ is written."""
    out = [
        Segment("BGM", "351", despatch.number, "9"),
        Segment("DTM", ["137", edi_date(despatch.despatched_on), "102"]),
        Segment("DTM", ["11", edi_date(despatch.despatched_on), "102"]),
    ]
    if despatch.delivery_on:
        out.append(Segment("DTM", ["17", edi_date(despatch.delivery_on), "102"]))
    out += [
        Segment("RFF", ["ON", despatch.buyer_order]),
        Segment("RFF", ["VN", despatch.seller_order]),
    ]
    out += [Segment("RFF", ["CN", tracking[:35]]) for tracking in despatch.parcels]
    out += _nad("SU", despatch.seller)
    out += _nad("BY", despatch.buyer)
    if despatch.delivery is not None:
        out += _nad("DP", despatch.delivery, with_address=True)
    if despatch.carrier:
        out.append(Segment("TDT", "20", "", "30", "", ["", "", "", despatch.carrier[:35]]))
    out.append(Segment("CPS", "1"))
    out.append(Segment("PAC", str(max(len(despatch.parcels), 1)), "", "PK"))
    for line in despatch.lines:
        out += _item(line.line, line.gtin, line.sku)
        out.append(Segment("QTY", ["12", str(line.quantity), "PCE"]))
    out.append(Segment("CNT", ["2", str(len(despatch.lines))]))
    return out


@dataclass(frozen=True)
class InvoiceLineOut:
    line: int
    gtin: str
    sku: str
    description: str
    quantity: Decimal
    net_unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class Adjustment:
    charge: bool
    reason: str
    amount: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class InvoiceOut:
    credit_note: bool
    number: str
    issued_on: date
    buyer_order: str
    seller_order: str
    seller: PartyOut
    buyer: PartyOut
    currency: str
    lines: tuple[InvoiceLineOut, ...]
    vat: tuple[VatLine, ...]
    line_total: Decimal
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    adjustments: tuple[Adjustment, ...] = ()
    due_on: date | None = None
    delivered_on: date | None = None
    credited_invoice: str = ""
    credited_on: date | None = None


def _tax(rate: Decimal, category: str = "S") -> Segment:
    return Segment("TAX", "7", "VAT", "", "", ["", "", "", number(rate)], category)


def _money(qualifier: str, amount: Decimal) -> Segment:
    return Segment("MOA", [qualifier, number(amount, 2)])


def invoic_segments(invoice: InvoiceOut) -> list[Segment]:
    """A business copy of an issued invoice (380) or credit note (381): amounts are those of the
    document, positive in both (the code carries the sign)."""
    out = [
        Segment("BGM", "381" if invoice.credit_note else "380", invoice.number, "9"),
        Segment("DTM", ["137", edi_date(invoice.issued_on), "102"]),
    ]
    if invoice.delivered_on:
        out.append(Segment("DTM", ["35", edi_date(invoice.delivered_on), "102"]))
    if invoice.buyer_order:
        out.append(Segment("RFF", ["ON", invoice.buyer_order]))
    if invoice.seller_order:
        out.append(Segment("RFF", ["VN", invoice.seller_order]))
    if invoice.credited_invoice:
        out.append(Segment("RFF", ["IV", invoice.credited_invoice]))
        if invoice.credited_on:
            out.append(Segment("DTM", ["171", edi_date(invoice.credited_on), "102"]))
    for qualifier, party in (("SU", invoice.seller), ("BY", invoice.buyer)):
        out += _nad(qualifier, party, with_address=True)
        if party.vat_number:
            out.append(Segment("RFF", ["VA", party.vat_number]))
        if party.siren and qualifier == "SU":
            out.append(Segment("RFF", ["XA", party.siren]))
    out.append(Segment("CUX", ["2", invoice.currency, "4"]))
    if invoice.due_on:
        out.append(Segment("PAT", "1"))
        out.append(Segment("DTM", ["13", edi_date(invoice.due_on), "102"]))
    for adjustment in invoice.adjustments:
        out.append(
            Segment(
                "ALC",
                "C" if adjustment.charge else "A",
                "",
                "",
                "",
                ["", "", "", adjustment.reason[:35]],
            )
        )
        out.append(_money("23" if adjustment.charge else "204", adjustment.amount))
        out.append(_tax(adjustment.vat_rate))
    for line in invoice.lines:
        out += _item(line.line, line.gtin, line.sku)
        if line.description:
            out.append(Segment("IMD", "F", "", ["", "", "", line.description[:35]]))
        out.append(Segment("QTY", ["47", number(line.quantity)]))
        out.append(_money("203", line.net_amount))
        out.append(Segment("PRI", ["AAA", number(line.net_unit_price)]))
        out.append(_tax(line.vat_rate))
    out.append(Segment("UNS", "S"))
    out.append(Segment("CNT", ["2", str(len(invoice.lines))]))
    out += [
        _money("79", invoice.line_total),
        _money("125", invoice.total_excl_vat),
        _money("124", invoice.total_vat),
        _money("77", invoice.total_incl_vat),
    ]
    for vat in invoice.vat:
        out += [_tax(vat.rate, vat.category), _money("125", vat.base), _money("124", vat.amount)]
    return out
