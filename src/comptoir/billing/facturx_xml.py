"""Factur-X EN 16931 CII XML of a stored document (DOMAIN-NOTES 3.2-3.4), with factur-x 7.8.

Built only from what the document stores, so generating it again gives the same bytes. Profile
EN 16931 ("Comfort"); FR CTC notes PMT/PMD/AAB come from the mentions; BT-23 "cadre de
facturation" from the nature (B1 goods, S1 services, M1 mixed); electronic addresses are the SIRENs
(scheme 0225).
"""

from __future__ import annotations

import copy
import threading
from decimal import Decimal
from importlib import resources
from typing import Any

from facturx import generate_cii_xml
from facturx.facturx import FACTURX_LEVEL2xsd
from lxml import etree

from comptoir.billing.models import Invoice, Kind
from comptoir.billing.rules import EXEMPTION_REASONS

LEVEL = "en16931"
TYPE_CODES = {Kind.INVOICE: "380", Kind.CREDIT_NOTE: "381"}
FRAMEWORK = {"goods": "B1", "services": "S1", "mixed": "M1"}


def _amount(value: Decimal | str) -> str:
    return f"{Decimal(value):.2f}"


def _rate(value: Decimal | str) -> str:
    return f"{Decimal(value):.2f}"


def _party(snapshot: dict[str, Any]) -> dict[str, Any]:
    address = snapshot["address"]
    party: dict[str, Any] = {
        "name": snapshot["name"],
        "addr_l1": address["line1"],
        "city": address["city"],
        "postcode": address["postcode"],
        "country_code": address["country_code"],
    }
    if address.get("line2"):
        party["addr_l2"] = address["line2"]
    if snapshot.get("siret"):
        party["identifiers"] = {"0009": snapshot["siret"]}
    if snapshot.get("siren"):
        party["legal_identifier"] = snapshot["siren"]
        party["legal_identifier_schemeid"] = "0002"
        party["einvoicing_addr"] = snapshot["siren"]
        party["einvoicing_addr_schemeid"] = "0225"
    if snapshot.get("vat_number"):
        party["vat_identifier"] = snapshot["vat_number"]
    return party


def facturx_data(invoice: Invoice) -> dict[str, Any]:
    """The factur-x `generate_cii_xml` dict (keys are EN 16931 ids) of an issued document."""
    refs = invoice.references or {}
    # one category per rate (the breakdown's), so lines and adjustments match their group
    vat_breakdown = list(invoice.vat_breakdown.all())
    categories = {Decimal(v.rate): v.category for v in vat_breakdown}
    notes = [
        {"BT-21": m["note_subject"], "BT-22": m["text"]}
        if m.get("note_subject")
        else {"BT-22": m["text"]}
        for m in invoice.mentions
    ]
    data: dict[str, Any] = {
        "BT-1": invoice.number or "BROUILLON",
        "BT-2": invoice.issue_date or invoice.sale_date,
        "BT-3": TYPE_CODES[Kind(invoice.kind)],
        "BT-5": invoice.currency,
        "BT-23": FRAMEWORK.get(invoice.nature, "B1"),
        "BG-1": notes,
        "BG-4": _party(invoice.issuer_snapshot),
        "BG-7": _party(invoice.recipient_snapshot),
        "BT-72": invoice.sale_date,
        "BG-23": [
            {
                "BT-116": _amount(v.base),
                "BT-117": _amount(v.amount),
                "BT-118": v.category,
                "BT-119": _rate(v.rate),
                **(
                    {"BT-120": EXEMPTION_REASONS[v.category]}
                    if v.category in EXEMPTION_REASONS
                    else {}
                ),
            }
            for v in vat_breakdown
        ],
        "BT-106": _amount(invoice.line_total),
        "BT-109": _amount(invoice.total_excl_vat),
        "BT-110": _amount(invoice.total_vat),
        "BT-112": _amount(invoice.total_incl_vat),
        "BT-115": _amount(invoice.total_incl_vat),
        "BG-25": [
            {
                "BT-126": str(line.position),
                "BT-153": line.description,
                "BT-146": f"{line.net_unit_price.normalize():f}",
                "BT-129": f"{line.quantity.normalize():f}",
                "BT-130": line.unit_code,
                "BT-151": categories.get(line.vat_rate, "S" if line.vat_rate > 0 else "Z"),
                "BT-152": _rate(line.vat_rate),
                "BT-131": _amount(line.net_amount),
                **({"BT-155": line.sku} if line.sku else {}),
                **({"BT-157": line.gtin, "BT-157-1": "0160"} if line.gtin else {}),
            }
            for line in invoice.lines.all()
        ],
    }
    if invoice.due_date:
        data["BT-9"] = invoice.due_date
    if invoice.payment_terms_text:
        data["BT-20"] = invoice.payment_terms_text
    if refs.get("purchase_order"):
        data["BT-13"] = refs["purchase_order"]
    if refs.get("buyer_reference"):
        data["BT-10"] = refs["buyer_reference"]
    if refs.get("delivery_note"):
        data["BT-16"] = refs["delivery_note"]
    if refs.get("contract"):
        data["BT-12"] = refs["contract"]
    if invoice.delivery_address:
        a = invoice.delivery_address
        data["BG-13"] = {
            "name": a.get("name") or invoice.recipient_snapshot["name"],
            "addr_l1": a["line1"],
            "city": a["city"],
            "postcode": a["postcode"],
            "country_code": a["country_code"],
        }
    if invoice.charges:
        data["BT-108"] = _amount(invoice.charge_total)
        data["BG-21"] = [_allowance_charge(c, categories) for c in invoice.charges]
    if invoice.allowances:
        data["BT-107"] = _amount(invoice.allowance_total)
        data["BG-20"] = [_allowance_charge(a, categories) for a in invoice.allowances]
    if any(m["code"] == "vat_on_debits" for m in invoice.mentions):
        data["BT-8"] = "invoice"
    iban = invoice.issuer_snapshot.get("iban")
    assigned = any(m["code"] == "assigned" for m in invoice.mentions)  # PT3: paid to the partner
    if iban and invoice.kind == Kind.INVOICE and not assigned:
        data["BT-81"] = "58"  # SEPA credit transfer
        data["BT-84"] = iban
        if invoice.issuer_snapshot.get("bic"):
            data["BT-86"] = invoice.issuer_snapshot["bic"]
        data["BT-83"] = invoice.number or ""
    if invoice.kind == Kind.CREDIT_NOTE and invoice.credited_invoice_id:
        original = invoice.credited_invoice
        data["BG-3"] = [{"BT-25": original.number, "BT-26": original.issue_date}]
    return data


def _allowance_charge(item: dict[str, str], categories: dict[Decimal, str]) -> dict[str, str]:
    rate = Decimal(item["vat_rate"])
    return {
        "amount": _amount(item["net_amount"]),
        "reason": item["reason"],
        "vat_category_code": categories.get(rate, "S" if rate > 0 else "Z"),
        "vat_rate": _rate(rate),
    }


_schemas = threading.local()


def _schema() -> etree.XMLSchema:
    """The XSD factur-x's `xml_check_xsd` uses, parsed once per thread instead of per call."""
    schema: etree.XMLSchema | None = getattr(_schemas, "schema", None)
    if schema is None:
        path = resources.files("facturx") / "xsd_and_schematron" / FACTURX_LEVEL2xsd[LEVEL]
        schema = _schemas.schema = etree.XMLSchema(etree.parse(str(path)))
    return schema


def invoice_xml(invoice: Invoice) -> bytes:
    """The CII XML, checked against the Factur-X EN 16931 XSD (raises DocumentInvalid if not)."""
    data = facturx_data(invoice)
    xml: bytes = generate_cii_xml(
        copy.deepcopy(data), level=LEVEL, check_xsd=False, check_schematron=False
    )
    _schema().assertValid(etree.fromstring(xml))
    return xml
