"""I8: the operator's commission invoice to a seller."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from comptoir.billing import rules
from comptoir.billing.mentions import TermsFacts, mentions_for
from comptoir.billing.models import Category, Invoice
from comptoir.billing.services.audit import audit
from comptoir.billing.services.documents import create_document


@transaction.atomic
def commission_invoice_create(
    *,
    operator: rules.PartySnapshot,
    seller: rules.PartySnapshot,
    order_number: str,
    order_total_incl_vat: Decimal,
    shipping_incl_vat: Decimal = Decimal("0"),
    sale_date: date,
    due_date: date | None = None,
    terms_facts: TermsFacts | None = None,
    actor: Any = None,
    percent: Decimal = rules.COMMISSION_RATE * 100,
    vat_rate: Decimal = rules.COMMISSION_VAT_RATE,
) -> Invoice:
    """Draft commission invoice: 15 % of the order incl. VAT and shipping, excl. VAT, + 20 % VAT."""
    draft = rules.commission_draft(
        operator=operator,
        seller=seller,
        order_number=order_number,
        order_total_incl_vat=order_total_incl_vat,
        shipping_incl_vat=shipping_incl_vat,
        sale_date=sale_date,
        due_date=due_date,
        percent=percent,
        vat_rate=vat_rate,
    )
    invoice = create_document(
        draft=draft,
        mentions=mentions_for(draft, terms_facts or TermsFacts()),
        category=Category.COMMISSION,
    )
    audit(actor=actor, invoice=invoice, action="billing.commission_invoice_created")
    return invoice
