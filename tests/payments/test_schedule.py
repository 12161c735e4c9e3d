"""The schedule of an invoice for the option chosen (PT2, PT3) and the LCR to present (PT4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from comptoir.core import clock
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments.models import ScheduledPayment
from comptoir.payments.services.schedule import lcr_to_present, schedule_for_invoice
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 10, tzinfo=clock.PARIS)


def test_lcr_30_days_end_of_month_with_discount_window_and_present_by(capsys) -> None:
    shop = make_shop("selective-beauty", [("SERUM", "40.00", 6, 100)])
    buyer = make_buyer()
    with clock.frozen(NOW):
        order = place(shop, buyer, [("SERUM", 30)], payment_method="lcr")
        order = order_invoice_issue(order)
    [row] = ScheduledPayment.objects.filter(invoice_item__reference=order.invoice.number)
    # 003 §7: 30 days end of month from the invoice date 10 Mar → 9 Apr → 30 Apr
    assert row.method == "lcr" and row.due_date == date(2026, 4, 30)
    assert row.amount == order.invoice.total_incl_vat
    assert row.discount_deadline == date(2026, 3, 18)  # 8 days: 1 % by LCR or SEPA debit
    assert row.discount == (order.invoice.total_excl_vat / 100).quantize(D("0.01"))
    [lcr] = lcr_to_present(seller=shop.seller, until=date(2026, 5, 31))
    assert lcr.present_by == date(2026, 4, 18)  # received 12 days before the due date (PT4)
    call_command("payments", "lcr", "--seller", shop.seller.siren, "--until", "2026-05-31")
    assert order.invoice.number in capsys.readouterr().out


def test_financing_in_three_instalments() -> None:
    shop = make_shop("marketplace", [("VASE", "100.00", 1, 50)])
    buyer = make_buyer()
    with clock.frozen(NOW):
        order = place(shop, buyer, [("VASE", 3)], payment_method="sepa_debit")
        order = order_invoice_issue(order)
        [debit] = ScheduledPayment.objects.all()
        assert debit.method == "sepa_debit"
        ScheduledPayment.objects.all().delete()  # as if the buyer had chosen 3 instalments
        rows = schedule_for_invoice(
            invoice=order.invoice, method="financing_partner", order_date=NOW.date(), variant="×3"
        )
    assert [r.number for r in rows] == [1, 2, 3]
    assert sum(r.amount for r in rows) == order.invoice.total_incl_vat
    assert rows[1].due_date > rows[0].due_date


def test_terms_cut_after_a_late_payment_shortens_the_next_invoice() -> None:
    """PT11 [003 §7]: terms cut to 30 days for at least 6 months after an incident."""
    from comptoir.payments.queries import buyer_standing
    from comptoir.payments.services import collection_run

    shop = make_shop("selective-beauty", [("SERUM", "40.00", 6, 100)])
    buyer = make_buyer()
    with clock.frozen(NOW):
        first = order_invoice_issue(place(shop, buyer, [("SERUM", 30)], payment_method="lcr"))
    assert first.invoice.due_date == date(2026, 4, 30)
    collection_run(on=date(2026, 5, 1))
    standing = buyer_standing(buyer=buyer.org, seller=shop.seller, on=date(2026, 5, 1))
    assert standing.suspended and standing.terms_cut_until == date(2026, 11, 1)
    later = datetime(2026, 5, 4, 10, tzinfo=clock.PARIS)
    with clock.frozen(later):
        second = order_invoice_issue(place(shop, buyer, [("SERUM", 6)], payment_method="lcr"))
    assert second.invoice.due_date == date(2026, 6, 3)  # 30 days, not 30 days end of month
    [row] = ScheduledPayment.objects.filter(invoice_item__reference=second.invoice.number)
    assert row.due_date == date(2026, 6, 3)
