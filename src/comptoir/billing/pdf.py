"""The PDF a person reads: French layout rendered by WeasyPrint as PDF/A-3b, with the Factur-X XML
embedded by the factur-x library (file `factur-x.xml`, AFRelationship Data, Factur-X XMP)."""

from __future__ import annotations

import io
import tempfile
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from facturx import generate_from_file
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from comptoir.billing.facturx_xml import LEVEL, invoice_xml
from comptoir.billing.models import Invoice, Kind

REFERENCE_LABELS = {
    "order_number": "Commande",
    "purchase_order": "Bon de commande",
    "buyer_reference": "Référence client",
    "delivery_note": "Bon de livraison",
    "contract": "Contrat",
}


def fr_amount(value: Decimal | str, places: int = 2) -> str:
    """1234.5 → '1 234,50' (narrow no-break space between thousands)."""
    text = f"{Decimal(value):,.{places}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _rate(value: Decimal | str) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _unit_price(value: Decimal) -> str:
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return fr_amount(value, min(places, 6))


def context_title(invoice: Invoice) -> str:
    return "Avoir" if invoice.kind == Kind.CREDIT_NOTE else "Facture"


def context(invoice: Invoice) -> dict[str, Any]:
    credit = invoice.kind == Kind.CREDIT_NOTE
    return {
        "invoice": invoice,
        "title": context_title(invoice),
        "is_credit_note": credit,
        "pay_to_issuer": not credit and not _assigned(invoice),
        "issuer": invoice.issuer_snapshot,
        "recipient": invoice.recipient_snapshot,
        "references": [
            (REFERENCE_LABELS.get(k, k), v) for k, v in (invoice.references or {}).items()
        ],
        "lines": [
            {
                "sku": line.sku,
                "description": line.description,
                "quantity": _qty(line.quantity),
                "unit_price": _unit_price(line.net_unit_price),
                "vat_rate": _rate(line.vat_rate),
                "net_amount": fr_amount(line.net_amount),
            }
            for line in invoice.lines.all()
        ],
        "charges": [_adj(c) for c in invoice.charges],
        "allowances": [_adj(a) for a in invoice.allowances],
        "vat": [
            {"rate": _rate(v.rate), "base": fr_amount(v.base), "amount": fr_amount(v.amount)}
            for v in invoice.vat_breakdown.all()
        ],
        "totals": {
            "excl": fr_amount(invoice.total_excl_vat),
            "vat": fr_amount(invoice.total_vat),
            "incl": fr_amount(invoice.total_incl_vat),
        },
    }


def _assigned(invoice: Invoice) -> bool:
    """PT3: a financed invoice is paid to the partner, not to the issuer's account."""
    return any(m["code"] == "assigned" for m in invoice.mentions)


def _adj(item: dict[str, str]) -> dict[str, str]:
    return {
        "reason": item["reason"],
        "vat_rate": _rate(item["vat_rate"]),
        "net_amount": fr_amount(item["net_amount"]),
    }


_weasyprint = threading.local()


def _fonts_and_stylesheet() -> tuple[FontConfiguration, CSS]:
    """Kept per thread (Pango objects are not thread-safe): a fresh font configuration per render
    means a cold Pango font map, and the static stylesheet is the same for every document."""
    cached: tuple[FontConfiguration, CSS] | None = getattr(_weasyprint, "cached", None)
    if cached is None:
        fonts = FontConfiguration()
        css = CSS(string=render_to_string("billing/document.css"), font_config=fonts)
        cached = _weasyprint.cached = (fonts, css)
    return cached


def render_pdf(invoice: Invoice, xml: bytes | None = None) -> bytes:
    """PDF/A-3b with `factur-x.xml` embedded; `xml` defaults to the document's CII XML."""
    html = render_to_string("billing/document.html", context(invoice))
    fonts, css = _fonts_and_stylesheet()
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", font_config=fonts, stylesheets=[css])
    xml = xml if xml is not None else invoice_xml(invoice)  # invoice_xml checks the XSD
    # Not generate_from_binary: it writes the result over its input in the same temporary file,
    # so the PDF it returns starts with ~17 KB left over from the input (akretion/factur-x#24).
    with tempfile.TemporaryDirectory(prefix="facturx-") as folder:
        target = Path(folder) / "document.pdf"
        generate_from_file(
            io.BytesIO(pdf),
            xml,
            flavor="factur-x",
            level=LEVEL,
            check_xsd=False,
            check_schematron=False,
            lang="fr-FR",
            pdf_metadata={
                "author": invoice.issuer_snapshot["name"],
                "keywords": "Factur-X",
                "title": f"{context_title(invoice)} {invoice.number}",
                "subject": (
                    f"{invoice.issuer_snapshot['name']} → {invoice.recipient_snapshot['name']}"
                ),
            },
            output_pdf_file=str(target),
        )
        return target.read_bytes()
