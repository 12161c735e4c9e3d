"""An LCR the bank returns unpaid (effet impayé, PT4, PT7, PT11, PT12): the payment counted when its
funds were deemed available is reversed, the invoice is owed anew from the LCR's due date and the
collection sweep sees it late; no fee while the terms set none for an LCR; audited, once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.models import AuditEntry
from comptoir.ledger.models import OpenItem
from comptoir.payments.models import LateCase, LcrRemittance, LcrReturn, Payment, ScheduledPayment
from comptoir.payments.services import payment_record
from comptoir.payments.services.collection import cases_open
from comptoir.payments.services.lcr import REASONS, lcr_export, lcr_remitted, lcr_return
from tests.payments.conftest import issue, make_pair
from tests.payments.test_lcr_export import NOW, _lcr_orders

pytestmark = pytest.mark.django_db

DUE = date(2026, 4, 30)  # the LCR's due date: 30 days end of month from 10 March
BACK = datetime(2026, 5, 5, 10, tzinfo=clock.PARIS)  # the day the bank's unpaid notice comes


def _remitted(count: int = 1):
    shop, buyers, orders = _lcr_orders(count=count)
    with clock.frozen(NOW):
        done = lcr_export(seller=shop.seller, until=date(2026, 5, 31))
    assert done is not None
    return shop, buyers, orders


def _paid_on_due_date(shop, buyer, invoice) -> Payment:
    """The LCR reached the bank in time: its funds count as available on the due date (PT4)."""
    with clock.frozen(datetime(2026, 4, 30, 18, tzinfo=clock.PARIS)):
        return payment_record(
            buyer=buyer.org,
            seller=shop.seller,
            amount=invoice.total_incl_vat,
            method="lcr",
            value_date=DUE,
            received_on=NOW.date(),
            idempotency_key=f"lcr-{invoice.number}",
            reference=invoice.number,
        )


def _owed(buyer_id: int, seller_id: int) -> list[OpenItem]:
    return list(
        OpenItem.objects.filter(
            party_id=buyer_id, counterparty_id=seller_id, kind=OpenItem.Kind.INVOICE
        ).exclude(open_amount=0)
    )


def test_a_returned_lcr_reverses_its_payment_and_the_invoice_is_owed_late_again() -> None:
    shop, buyers, orders = _remitted()
    invoice = orders[0].invoice
    payment = _paid_on_due_date(shop, buyers[0], invoice)
    assert _owed(buyers[0].org.pk, shop.seller.pk) == []  # paid: nothing owed
    with clock.frozen(BACK):
        returned = lcr_return(
            seller=shop.seller,
            reference=invoice.number,
            reason="insufficient_funds",
            on=date(2026, 5, 4),
        )
    assert returned.reason == "insufficient_funds" and returned.returned_on == date(2026, 5, 4)
    assert returned.reversed_payment_id == payment.pk
    assert returned.reversed_amount == invoice.total_incl_vat and returned.fee == 0
    payment.refresh_from_db()
    assert payment.reversed_at is not None and "insufficient_funds" in payment.reversal_reason
    [again] = _owed(buyers[0].org.pk, shop.seller.pk)
    assert again.reference == invoice.number and again.open_amount == invoice.total_incl_vat
    assert again.due_date == DUE  # owed from the LCR's due date, not from the return
    # no fee: the terms set none for an unpaid LCR (PT12 is about direct debits)
    assert not OpenItem.objects.filter(kind=OpenItem.Kind.FEE).exists()
    # the collection sweep sees it late (PT11)
    cases_open(on=date(2026, 5, 6), seller_id=shop.seller.pk)
    assert LateCase.objects.filter(open_item=again).exists()
    entry = AuditEntry.objects.get(action="payments.lcr_returned")
    assert entry.data["payment_reversed"] == payment.pk and entry.data["rule"] == "PT4"
    assert D(str(entry.data["fee"])) == 0
    [row] = lcr_remitted(seller=shop.seller)
    assert row.returned == returned and row.reference == invoice.number


def test_returning_the_same_lcr_twice_changes_nothing() -> None:
    shop, buyers, orders = _remitted()
    invoice = orders[0].invoice
    _paid_on_due_date(shop, buyers[0], invoice)
    lcr = ScheduledPayment.objects.get()
    with clock.frozen(BACK):
        first = lcr_return(seller=shop.seller, lcr=lcr.pk, reason="disputed")
        items = OpenItem.objects.count()
        second = lcr_return(seller=shop.seller, lcr=lcr, reason="insufficient_funds")
        third = lcr_return(seller=shop.seller, reference=invoice.number, reason="disputed")
    assert first == second == third and second.reason == "disputed"
    assert OpenItem.objects.count() == items  # no second reversal
    assert LcrReturn.objects.count() == 1
    assert AuditEntry.objects.filter(action="payments.lcr_returned").count() == 1
    assert len(_owed(buyers[0].org.pk, shop.seller.pk)) == 1


def test_a_return_before_any_payment_leaves_the_invoice_owed_as_it_was() -> None:
    shop, buyers, orders = _remitted()
    invoice = orders[0].invoice
    item = OpenItem.objects.get(reference=invoice.number, kind=OpenItem.Kind.INVOICE)
    with clock.frozen(BACK):
        returned = lcr_return(seller=shop.seller, lcr=item, reason="Refus du tiré")
    # a free text is an "other" reason in the bank's words
    assert (returned.reason, returned.detail) == ("other", "Refus du tiré")
    assert returned.reversed_payment is None and returned.reversed_amount == 0
    assert _owed(buyers[0].org.pk, shop.seller.pk) == [item]  # still owed, same due date
    item.refresh_from_db()
    assert item.open_amount == invoice.total_incl_vat and item.due_date == DUE


def test_a_payment_by_another_method_is_not_reversed() -> None:
    """Only the LCR's own payment goes back: a transfer the buyer made stays."""
    shop, buyers, orders = _remitted()
    invoice = orders[0].invoice
    with clock.frozen(datetime(2026, 4, 28, 10, tzinfo=clock.PARIS)):
        transfer = payment_record(
            buyer=buyers[0].org,
            seller=shop.seller,
            amount=invoice.total_incl_vat,
            method="transfer",
            value_date=date(2026, 4, 28),
            idempotency_key="transfer-1",
            reference=invoice.number,
        )
    with clock.frozen(BACK):
        returned = lcr_return(
            seller=shop.seller, reference=invoice.number, reason="no_payment_order"
        )
    transfer.refresh_from_db()
    assert transfer.reversed_at is None and returned.reversed_payment is None
    assert _owed(buyers[0].org.pk, shop.seller.pk) == []


def test_no_fee_even_under_terms_that_charge_a_failed_debit() -> None:
    """The digital-goods terms bill a rejected direct debit's fees (PT12); an LCR is not a
    direct debit, and no terms set a fee for an unpaid LCR: nothing is charged."""
    pair = make_pair("digital-goods")
    invoice = issue(pair, on=date(2026, 3, 2), due=date(2026, 3, 31))
    item = OpenItem.objects.get(reference=invoice.number, kind=OpenItem.Kind.INVOICE)
    with clock.frozen(datetime(2026, 3, 3, 9, tzinfo=clock.PARIS)):
        remittance = LcrRemittance.objects.create(
            seller=pair.seller,
            reference="LCRTEST0001",
            created_at=clock.now(),
            count=1,
            total=invoice.total_incl_vat,
            content="",
        )
    lcr = ScheduledPayment.objects.create(
        invoice_item=item,
        buyer=pair.buyer,
        seller=pair.seller,
        method="lcr",
        due_date=date(2026, 3, 31),
        amount=invoice.total_incl_vat,
        lcr_remittance=remittance,
    )
    with clock.frozen(datetime(2026, 3, 31, 18, tzinfo=clock.PARIS)):
        payment_record(
            buyer=pair.buyer,
            seller=pair.seller,
            amount=invoice.total_incl_vat,
            method="lcr",
            value_date=date(2026, 3, 31),
            idempotency_key="lcr-dg",
            reference=invoice.number,
        )
    with clock.frozen(datetime(2026, 4, 3, 9, tzinfo=clock.PARIS)):
        returned = lcr_return(seller=pair.seller, lcr=lcr.pk, reason="INSUFFICIENT_FUNDS")
    assert returned.reason == "insufficient_funds" and returned.fee == 0
    assert returned.reversed_amount == invoice.total_incl_vat
    assert not OpenItem.objects.filter(kind=OpenItem.Kind.FEE).exists()


def _refused(code: str, field: str, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught, clock.frozen(BACK):
        lcr_return(**{"reason": "insufficient_funds", **kwargs})
    error = caught.value
    assert (error.code, error.field) == (code, field)
    assert error.rule in {"PT1", "PT4"}
    return error


def test_bad_returns_are_refused_and_change_nothing() -> None:
    shop, buyers, orders = _lcr_orders(count=2)
    invoice = orders[0].invoice
    lcr = ScheduledPayment.objects.get(invoice_item__reference=invoice.number)
    # not remitted yet: it cannot come back unpaid
    _refused("lcr_not_remitted", "lcr", seller=shop.seller, lcr=lcr.pk)
    with clock.frozen(NOW):
        lcr_export(seller=shop.seller, until=date(2026, 5, 31))
    _refused("not_found", "lcr", seller=shop.seller, lcr=999_999)  # unknown
    _refused("not_found", "reference", seller=shop.seller, reference="F-NONE")
    _refused("not_found", "lcr", seller=shop.seller)  # nothing named
    other, _, _ = _lcr_orders(count=1)  # another seller's LCR looks missing
    _refused("not_found", "lcr", seller=other.seller, lcr=lcr.pk)
    # invoice numbers are per issuer: the same number names the other seller's own invoice
    _refused("lcr_not_remitted", "reference", seller=other.seller, reference=invoice.number)
    _refused("reason_required", "reason", seller=shop.seller, lcr=lcr.pk, reason=" ")
    _refused("reason_required", "reason", seller=shop.seller, lcr=lcr.pk, reason="other")
    _refused("reason_too_long", "reason", seller=shop.seller, lcr=lcr.pk, reason="x" * 81)
    _refused("invalid_return_date", "on", seller=shop.seller, lcr=lcr.pk, on=date(2026, 5, 6))
    _refused("invalid_return_date", "on", seller=shop.seller, lcr=lcr.pk, on=date(2026, 3, 9))
    ScheduledPayment.objects.filter(pk=lcr.pk).update(method="transfer")
    _refused("not_lcr", "lcr", seller=shop.seller, lcr=lcr.pk)
    assert not LcrReturn.objects.exists()
    assert not AuditEntry.objects.filter(action="payments.lcr_returned").exists()


def test_reason_codes_are_documented_with_labels() -> None:
    assert "other" in REASONS and all(str(label) for label in REASONS.values())
    width = LcrReturn._meta.get_field("reason").max_length
    assert width is not None and all(len(code) <= width for code in REASONS)


# --- the command ------------------------------------------------------------------------------


def test_command_records_a_return_once() -> None:
    shop, buyers, orders = _remitted()
    invoice = orders[0].invoice
    _paid_on_due_date(shop, buyers[0], invoice)
    out = StringIO()
    args = ["lcr-return", "--seller", str(shop.seller.pk), "--reference", invoice.number]
    with clock.frozen(BACK):
        call_command("payments", *args, "--reason", "disputed", "--on", "2026-05-04", stdout=out)
        assert invoice.number in out.getvalue() and "2026-05-04" in out.getvalue()
        again = StringIO()
        call_command("payments", *args, "--reason", "disputed", stdout=again)
        assert "already" in again.getvalue()
        with pytest.raises(CommandError, match="not_found"):
            call_command(
                "payments",
                "lcr-return",
                "--seller",
                str(shop.seller.pk),
                "--reference",
                "F-NONE",
                "--reason",
                "disputed",
            )
    assert LcrReturn.objects.get().returned_on == date(2026, 5, 4)
