"""Gapless numbering (I9, DOMAIN-NOTES 2.4): one series per issuer, document kind and year.

The number is taken only when a document is issued, inside the issue transaction, from a counter
row locked with SELECT … FOR UPDATE (never a database sequence, which leaks numbers on rollback).
A rolled-back issue gives its number back with the rest of the transaction.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.billing.models import Kind, NumberSeries
from comptoir.core.errors import DomainError

PREFIXES = {Kind.INVOICE: "F", Kind.CREDIT_NOTE: "A"}


def _locked_series(*, issuer_id: int, kind: str, year: int) -> NumberSeries:
    query = NumberSeries.objects.select_for_update().filter(
        issuer_id=issuer_id, kind=kind, year=year
    )
    series = query.first()
    if series is None:
        try:
            with transaction.atomic():
                NumberSeries.objects.create(
                    issuer_id=issuer_id, kind=kind, year=year, prefix=PREFIXES[Kind(kind)]
                )
        except IntegrityError:  # a concurrent transaction created it first
            pass
        series = query.get()
    return series


def numbers_take(*, issuer_id: int, kind: str, issue_date: date, count: int) -> list[str]:
    """The next `count` numbers of the series (e.g. F-2026-000001); call inside the issue
    transaction, which holds the series row locked until it ends."""
    series = _locked_series(issuer_id=issuer_id, kind=kind, year=issue_date.year)
    if series.last_issue_date and issue_date < series.last_issue_date:
        raise DomainError(
            code="backdated_issue",
            message=_(
                "Issue date %(date)s is before the last one of the series (%(last)s): "
                "numbering must stay chronological."
            )
            % {"date": issue_date, "last": series.last_issue_date},
            rule="I9",
        )
    first = series.next_number
    series.next_number += count
    series.last_issue_date = issue_date
    series.save(update_fields=["next_number", "last_issue_date"])
    return [series.format(n) for n in range(first, first + count)]


def number_take(*, issuer_id: int, kind: str, issue_date: date) -> str:
    """The next number of the series."""
    return numbers_take(issuer_id=issuer_id, kind=kind, issue_date=issue_date, count=1)[0]
