"""The demo has an invoice paid by LCR, open and due ahead, so the LCR page and `comptoir
payments lcr --out` produce a real CFONB 160 file (PT1, PT4)."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from comptoir.core import clock
from comptoir.demo.builders import build_demo
from comptoir.ordering.models import Order
from comptoir.payments.formats.lcr import parse_remittance
from comptoir.payments.models import ScheduledPayment

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 16, tzinfo=clock.PARIS)  # a Monday


def test_the_demo_has_an_open_lcr_and_the_command_writes_its_file(tmp_path: Path):
    with clock.frozen(NOW):
        build_demo()
        order = Order.objects.get(idempotency_key="demo-lumiere-3")
        assert order.payment_method == "lcr" and order.invoice is not None
        assert order.terms_version.preset == "selective-beauty"
        (lcr,) = ScheduledPayment.objects.filter(
            method="lcr", invoice_item__open_amount__gt=0, seller=order.seller
        )
        assert lcr.due_date > NOW.date()  # 30 days end of month from the invoice
        assert lcr.invoice_item.reference == order.invoice.number

        out = tmp_path / "lcr.txt"
        stdout = StringIO()
        call_command("payments", "lcr", "--seller", "512609348", "--out", str(out), stdout=stdout)
        assert "1 LCR" in stdout.getvalue()
        parsed = parse_remittance(out.read_bytes().decode("ascii"))
        (bill,) = parsed.bills
        assert parsed.total == lcr.invoice_item.open_amount
        assert parsed.drawer_name.startswith(order.seller.legal_name.upper()[:10])
        assert order.invoice.number[:10] in out.read_bytes().decode("ascii")
        assert bill.due_date == lcr.due_date

        # a second run writes nothing new (the LCR is at the bank)
        again = StringIO()
        call_command("payments", "lcr", "--seller", "512609348", "--out", str(out), stdout=again)
        assert "nothing written" in again.getvalue()
