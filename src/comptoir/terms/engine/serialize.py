"""``quote_to_json(quote) -> dict``: amounts as strings with two decimals, dates ISO."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from comptoir.terms.engine.quote import Charge, Finding, PaymentOption, Quote
from comptoir.terms.engine.support import quantize


def money(amount: Decimal) -> str:
    return f"{quantize(amount):.2f}"


def rate(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _charge(c: Charge) -> dict[str, Any]:
    return {
        "code": c.code,
        "amount": money(c.amount),
        "vat_rate": rate(c.vat_rate),
        "rule": c.rule,
        "clause": c.clause.as_dict(),
        "explanation": c.explanation.as_dict(),
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "rule": f.rule,
        "clause": f.clause.as_dict(),
        "explanation": f.explanation.as_dict(),
    }


def _option(o: PaymentOption) -> dict[str, Any]:
    return {
        "key": o.key,
        "method": o.method,
        "label": o.label,
        "invoice_date": o.invoice_date.isoformat(),
        "due_dates": [d.isoformat() for d in o.due_dates],
        "discount": None if o.discount is None else money(o.discount),
        "discount_deadline": o.discount_deadline.isoformat() if o.discount_deadline else None,
        "amount_with_discount": None
        if o.amount_with_discount is None
        else money(o.amount_with_discount),
        "instalments": [
            {"number": i.number, "due": i.due.isoformat(), "amount": money(i.amount)}
            for i in o.instalments
        ],
        "financial_fee": None if o.financial_fee is None else money(o.financial_fee),
        "collection_date": o.collection_date.isoformat() if o.collection_date else None,
        "rule": o.rule,
        "clause": o.clause.as_dict(),
        "explanation": o.explanation.as_dict(),
    }


def quote_to_json(quote: Quote) -> dict[str, Any]:
    t = quote.totals
    return {
        "at": quote.at,
        "order_date": quote.order_date.isoformat(),
        "accepted": quote.accepted,
        "lines": [
            {
                "sku": line.sku,
                "requested_quantity": line.requested_quantity,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price),
                "list_unit_price": money(line.list_unit_price),
                "net_amount": money(line.net_amount),
                "vat_rate": rate(line.vat_rate),
            }
            for line in quote.lines
        ],
        "fees": [_charge(c) for c in quote.fees],
        "discounts": [_charge(c) for c in quote.discounts],
        "violations": [_finding(f) for f in quote.violations],
        "warnings": [_finding(f) for f in quote.warnings],
        "totals": {
            "lines": money(t.lines),
            "fees": money(t.fees),
            "discounts": money(t.discounts),
            "excl_vat": money(t.excl_vat),
            "vat": money(t.vat),
            "incl_vat": money(t.incl_vat),
            "vat_breakdown": [
                {"rate": rate(v.rate), "base": money(v.base), "vat": money(v.vat)}
                for v in t.vat_breakdown
            ],
        },
        "payment_options": [_option(o) for o in quote.payment_options],
        "deadlines": {
            d.code: {
                "date": d.date.isoformat(),
                "rule": d.rule,
                "clause": d.clause.as_dict(),
                "explanation": d.explanation.as_dict(),
            }
            for d in quote.deadlines
        },
    }
