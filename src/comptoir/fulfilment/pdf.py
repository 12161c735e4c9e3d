"""The delivery note (bon de livraison) a person signs (F2, F3) and the formal notice to collect
uncollected goods (F7, N1): French layouts rendered by WeasyPrint from Django templates, as billing
renders its documents."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from comptoir.core.money import format_date
from comptoir.fulfilment.models import CollectionNotice, ReserveKind, Shipment
from comptoir.fulfilment.rules import PARIS
from comptoir.parties.models import AddressKind, Organization

RISK_LABELS = {
    "delivery": "à la livraison",
    "dispatch": "à l'expédition (dessaisissement du vendeur)",
    "handover_to_buyer_carrier": "à la remise au transporteur de l'acheteur",
}
# The delivery note is a French document: its reserve kinds stay French whatever the language of
# the request (the model's labels follow it).
RESERVE_LABELS = {
    ReserveKind.DAMAGED: "Colis endommagé",
    ReserveKind.MISSING_ITEM: "Article manquant",
    ReserveKind.MISSING_PARCEL: "Colis manquant",
    ReserveKind.WRONG_PRODUCT: "Produit erroné",
}


def _address(org: Organization, kinds: tuple[str, ...]) -> dict[str, str]:
    for kind in kinds:
        found = org.addresses.filter(kind=kind).first()
        if found is not None:
            return {
                "line1": found.line1,
                "line2": found.line2,
                "postcode": found.postcode,
                "city": found.city,
                "country": found.country,
            }
    return {}


def _party(org: Organization, kinds: tuple[str, ...]) -> dict[str, Any]:
    return {
        "name": org.trade_name or org.legal_name,
        "legal_name": org.legal_name,
        "siren": org.siren,
        "vat_number": org.vat_number,
        "address": _address(org, kinds),
    }


def context(shipment: Shipment) -> dict[str, Any]:
    order = shipment.order
    buyer = _party(order.buyer, (AddressKind.REGISTERED,))
    delivery_to = dict(order.delivery_address or {}) or _address(
        order.buyer, (AddressKind.DELIVERY, AddressKind.REGISTERED)
    )
    delivery = getattr(shipment, "delivery", None) if shipment.state == "delivered" else None
    return {
        "shipment": shipment,
        "order": order,
        "seller": _party(order.seller, (AddressKind.REGISTERED,)),
        "buyer": buyer,
        "delivery_to": delivery_to,
        "lines": [
            {
                "sku": sl.order_line.sku,
                "title": sl.order_line.title,
                "ordered": sl.order_line.quantity,
                "shipped": sl.quantity,
            }
            for sl in shipment.lines.select_related("order_line")
        ],
        "parcels": list(shipment.parcels.all()),
        "reserve_kinds": [RESERVE_LABELS[ReserveKind(kind)] for kind in ReserveKind.values],
        "risk": RISK_LABELS.get(shipment.risk_passes_at, shipment.risk_passes_at),
        "delivery": delivery,
        "reserves": [
            {"kind": RESERVE_LABELS.get(r.kind, r.kind), "text": r.text}
            for r in (delivery.reserves.all() if delivery else [])
        ],
    }


def delivery_note_pdf(shipment: Shipment) -> bytes:
    """The delivery note of `shipment` as PDF bytes."""
    html = render_to_string("fulfilment/delivery_note.html", context(shipment))
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def collection_notice_pdf(notice: CollectionNotice) -> bytes:
    """The registered letter of a formal notice to collect (F7, N1), as PDF bytes. Its text is
    the one frozen on the notice when it was sent; the layout adds the addresses, the date and
    the deadline."""
    shipment, order = notice.shipment, notice.order
    # The stored letter: a heading, "seller à buyer", the subject, the body, the clause.
    paragraphs = [p.strip() for p in notice.letter.split("\n\n") if p.strip()][2:]
    if paragraphs and notice.clause and paragraphs[-1] == notice.clause.strip():
        paragraphs.pop()
    deadline = notice.deadline_at.astimezone(PARIS)
    html = render_to_string(
        "fulfilment/collection_notice.html",
        {
            "notice": notice,
            "shipment": shipment,
            "order": order,
            "seller": _party(order.seller, (AddressKind.REGISTERED,)),
            "buyer": _party(order.buyer, (AddressKind.REGISTERED,)),
            "sent_on": format_date(notice.sent_at.astimezone(PARIS).date(), "fr", "long"),
            "deadline": f"{format_date(deadline.date(), 'fr', 'long')} à {deadline:%H:%M}",
            "paragraphs": paragraphs,
        },
    )
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)
