"""The formal notice to pay (mise en demeure, N1) as a registered letter: French layout rendered by
WeasyPrint from a Django template, as billing and fulfilment render their documents.

The caller computes every amount (interest to the letter's date, indemnity, costs); this module
only lays them out, so the letter shows exactly what the ledger claims."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from comptoir.billing.pdf import fr_amount
from comptoir.core.money import format_date

# "75011 Paris" or "75011 PARIS CEDEX 11": a French postcode line gives the letter's place.
_POSTCODE_LINE = re.compile(r"^\s*\d{5}\s+(?P<city>.+?)\s*$")


@dataclass(frozen=True)
class LetterParty:
    name: str
    address_lines: tuple[str, ...]
    siren: str = ""


@dataclass(frozen=True)
class ClaimedItem:
    reference: str  # invoice number
    invoice_date: date
    due_date: date
    principal: Decimal  # open amount incl. VAT
    interest: Decimal  # late-payment interest to the letter's date
    indemnity: Decimal  # fixed recovery indemnity (40 €) or 0
    costs: Decimal  # other costs (collection costs, reminder fees) or 0


@dataclass(frozen=True)
class NoticeLetter:
    seller: LetterParty
    buyer: LetterParty
    sent_on: date
    deadline: date  # the date by which the buyer must pay
    deadline_text: str  # e.g. "8 jours calendaires" or "24 heures"
    items: tuple[ClaimedItem, ...]
    interest_formula: str  # e.g. "5 × le taux de l'intérêt légal" (shown verbatim)
    consequences: tuple[str, ...]  # sentences, each already citing its clause
    reference: str  # letter reference, e.g. "MED-2026-0007"
    iban: str = ""  # the seller's IBAN to pay to, shown if not empty
    payment_reference: str = ""  # what to write on the transfer
    consumer: bool = False  # O17: the debtor is a consumer; the law's interest, from the notice

    @property
    def total(self) -> Decimal:
        """Everything claimed: Σ principal + interest + indemnity + costs."""
        return sum((_item_total(item) for item in self.items), Decimal("0"))


def _item_total(item: ClaimedItem) -> Decimal:
    return item.principal + item.interest + item.indemnity + item.costs


def _fr_long_date(d: date) -> str:
    """14 décembre 2026; the first of the month is written "1er décembre 2026"."""
    text = format_date(d, "fr", "long")
    return "1er" + text[1:] if d.day == 1 else text


def _euros(value: Decimal) -> str:
    return f"{fr_amount(value)}\u00a0€"


def _siren(value: str) -> str:
    """123456789 → '123 456 789'; anything else is shown as given."""
    digits = value.replace(" ", "")
    if len(digits) == 9 and digits.isdigit():
        return " ".join(digits[i : i + 3] for i in range(0, 9, 3))
    return value


def _iban(value: str) -> str:
    """IBAN in groups of four characters, as printed on a RIB."""
    compact = value.replace(" ", "").upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _place(party: LetterParty) -> str:
    """The city of the sender's last French postcode line, or '' when there is none."""
    for line in reversed(party.address_lines):
        found = _POSTCODE_LINE.match(line)
        if found:
            return found.group("city")
    return ""


def _party(party: LetterParty) -> dict[str, Any]:
    return {
        "name": party.name,
        "address_lines": [line for line in party.address_lines if line.strip()],
        "siren": _siren(party.siren) if party.siren else "",
    }


def _context(letter: NoticeLetter) -> dict[str, Any]:
    items = letter.items
    place = _place(letter.seller)
    dated = _fr_long_date(letter.sent_on)
    return {
        "letter": letter,
        "seller": _party(letter.seller),
        "buyer": _party(letter.buyer),
        "place_and_date": f"{place}, le {dated}" if place else f"Le {dated}",
        "deadline": _fr_long_date(letter.deadline),
        "several": len(items) > 1,
        "items": [
            {
                "reference": item.reference,
                "invoice_date": format_date(item.invoice_date, "fr", "short"),
                "due_date": format_date(item.due_date, "fr", "short"),
                "principal": fr_amount(item.principal),
                "interest": fr_amount(item.interest),
                "indemnity": fr_amount(item.indemnity),
                "costs": fr_amount(item.costs),
                "total": fr_amount(_item_total(item)),
            }
            for item in items
        ],
        "sums": {
            "principal": fr_amount(sum((i.principal for i in items), Decimal("0"))),
            "interest": fr_amount(sum((i.interest for i in items), Decimal("0"))),
            "indemnity": fr_amount(sum((i.indemnity for i in items), Decimal("0"))),
            "costs": fr_amount(sum((i.costs for i in items), Decimal("0"))),
            "total": fr_amount(letter.total),
        },
        "total": _euros(letter.total),
        "has_indemnity": any(i.indemnity for i in items),
        "iban": _iban(letter.iban) if letter.iban else "",
        "payment_reference": letter.payment_reference,
    }


def formal_notice_pdf(letter: NoticeLetter) -> bytes:
    """The formal notice `letter` as PDF bytes, ready to be sent by registered post."""
    html = render_to_string("payments/formal_notice.html", _context(letter))
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def letter_to_json(letter: NoticeLetter) -> dict[str, Any]:
    """The letter as JSON (kept on the notice, so the PDF says what was decided that day)."""

    def party(p: LetterParty) -> dict[str, Any]:
        return {"name": p.name, "address_lines": list(p.address_lines), "siren": p.siren}

    return {
        "seller": party(letter.seller),
        "buyer": party(letter.buyer),
        "sent_on": letter.sent_on.isoformat(),
        "deadline": letter.deadline.isoformat(),
        "deadline_text": letter.deadline_text,
        "items": [
            {
                "reference": i.reference,
                "invoice_date": i.invoice_date.isoformat(),
                "due_date": i.due_date.isoformat(),
                "principal": str(i.principal),
                "interest": str(i.interest),
                "indemnity": str(i.indemnity),
                "costs": str(i.costs),
            }
            for i in letter.items
        ],
        "interest_formula": letter.interest_formula,
        "consequences": list(letter.consequences),
        "reference": letter.reference,
        "iban": letter.iban,
        "payment_reference": letter.payment_reference,
        "consumer": letter.consumer,
    }


def letter_from_json(data: dict[str, Any]) -> NoticeLetter:
    def party(p: dict[str, Any]) -> LetterParty:
        return LetterParty(p["name"], tuple(p["address_lines"]), p.get("siren", ""))

    return NoticeLetter(
        seller=party(data["seller"]),
        buyer=party(data["buyer"]),
        sent_on=date.fromisoformat(data["sent_on"]),
        deadline=date.fromisoformat(data["deadline"]),
        deadline_text=data["deadline_text"],
        items=tuple(
            ClaimedItem(
                reference=i["reference"],
                invoice_date=date.fromisoformat(i["invoice_date"]),
                due_date=date.fromisoformat(i["due_date"]),
                principal=Decimal(i["principal"]),
                interest=Decimal(i["interest"]),
                indemnity=Decimal(i["indemnity"]),
                costs=Decimal(i["costs"]),
            )
            for i in data["items"]
        ),
        interest_formula=data["interest_formula"],
        consequences=tuple(data["consequences"]),
        reference=data["reference"],
        iban=data.get("iban", ""),
        payment_reference=data.get("payment_reference", ""),
        consumer=data.get("consumer", False),
    )
