"""Billing reads for reports: what a seller invoiced, month by month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from comptoir.billing.models import Invoice, Kind, Status
from comptoir.ledger.queries import money


def _months_back(on: date, months: int) -> list[date]:
    out, year, month = [], on.year, on.month
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(out))


def sales_by_month(issuer: Any, *, on: date, months: int = 12) -> list[tuple[date, Decimal]]:
    """Σ invoiced excl. VAT minus credit notes, per month of issue, the last `months` months
    up to `on` (months without sales appear with 0)."""
    issuer_id = issuer if isinstance(issuer, int) else issuer.pk
    keys = _months_back(on, months)
    rows = (
        Invoice.objects.filter(
            issuer_id=issuer_id, status=Status.ISSUED, issue_date__gte=keys[0], issue_date__lte=on
        )
        .annotate(month=TruncMonth("issue_date"))
        .values("month", "kind")
        .annotate(total=Sum("total_excl_vat"))
    )
    sums = dict.fromkeys(keys, Decimal("0.00"))
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") and callable(month.date) else month
        sign = -1 if row["kind"] == Kind.CREDIT_NOTE else 1
        sums[month] = sums.get(month, Decimal("0.00")) + sign * money(row["total"])
    return [(month, sums[month]) for month in keys]
