"""Refunds of money paid otherwise than by card (O12, O17): a prepayment by transfer of an order
that does not go ahead becomes a refund the seller owes, exported as one pain.001 file and marked
paid, which brings the buyer's balance with the seller back to zero."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.models import AuditEntry
from comptoir.ledger import queries as ledger
from comptoir.ordering.models import Order
from comptoir.ordering.services import order_accept, order_cancel, orders_apply_deadlines
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments.formats.sepa import sepa_text
from comptoir.payments.formats.validation import validate
from comptoir.payments.models import Mandate, Refund
from comptoir.payments.services import prepayment_record
from comptoir.payments.services.refunds import (
    refund_due_create,
    refund_mark_paid,
    refunds_export,
    refunds_late,
)
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop, place
from tests.parties.factories import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 10, tzinfo=clock.PARIS)
TODAY = date(2026, 12, 1)
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def shop() -> Shop:
    """Monthly intranet terms (001): a buyer without deposit must pay its orders in advance."""
    return make_shop("monthly-intranet", [("MIEL-1", "100.00", 1, 50)])


@pytest.fixture
def buyer(shop) -> Buyer:
    return make_buyer()


def _order(shop: Shop, buyer: Buyer, quantity: int = 2, at: datetime = NOW) -> Order:
    with clock.frozen(at):
        order = place(shop, buyer, [("MIEL-1", quantity)])
        if order.state != "accepted":
            order_accept(actor=shop.seller_user, order_id=order.pk)
    order.refresh_from_db()
    return order


def _prepay(shop: Shop, order: Order, amount: str, key: str, method: str = "transfer"):
    with clock.frozen(NOW):
        return prepayment_record(
            buyer=order.buyer_id,
            seller=shop.seller,
            reference=order.number,
            amount=amount,
            method=method,
            on=TODAY,
            idempotency_key=key,
            actor=shop.seller_user,
        )


def _cancel(shop: Shop, order: Order) -> Order:
    with clock.frozen(NOW):
        return order_cancel(
            actor=shop.seller_user, order_id=order.pk, reason="Rupture de stock.", by="seller"
        )


def test_a_prepaid_order_the_seller_cancels_owes_the_exact_prepayment_once(shop, buyer):
    order = _order(shop, buyer)
    _prepay(shop, order, "100.00", "k-1")
    _prepay(shop, order, "140.00", "k-2", method="cheque")
    assert ledger.balance(buyer.org, shop.seller) == Decimal("-240.00")
    _cancel(shop, order)
    refund = Refund.objects.get()
    assert (refund.amount, refund.reference, refund.rule, refund.status, refund.method) == (
        Decimal("240.00"),
        order.number,
        "O12",
        "due",
        "transfer",
    )
    assert refund.due_on == date(2026, 12, 15)  # O12: 14 days (the documented choice)
    assert refund.creditor_iban == buyer.org.iban and refund.end_to_end_id.startswith("RB")
    assert AuditEntry.objects.filter(action="payments.refund_due", object_id=str(refund.pk))
    # asked again (a second cancellation path, a sweep run twice): still one refund
    again = refund_due_create(
        buyer=buyer.org,
        seller=shop.seller,
        reference=order.number,
        rule="O12",
        source_key=f"O12:{order.number}",
    )
    assert again == refund and Refund.objects.count() == 1
    with pytest.raises(DomainError):  # a cancelled order cannot be cancelled again
        _cancel(shop, order)
    assert Refund.objects.count() == 1


def test_a_lapsed_prepaid_order_is_refunded_once_however_often_the_sweep_runs(shop, buyer):
    """Seed 004 lapses an offer not answered in 5 days (O8); its prepayment comes back."""
    software = make_shop("digital-goods", [("BOX-PRO", "100.00", 1, 10)])
    with clock.frozen(datetime(2026, 11, 2, 10, tzinfo=clock.PARIS)):
        order = place(software, buyer, [("BOX-PRO", 1)])
    assert order.state in ("submitted", "held")
    with clock.frozen(datetime(2026, 11, 2, 11, tzinfo=clock.PARIS)):
        prepayment_record(
            buyer=buyer.org,
            seller=software.seller,
            reference=order.number,
            amount=order.total_incl_vat,
            method="transfer",
            on=date(2026, 11, 2),
            idempotency_key="lapse-1",
        )
    until = datetime(2026, 11, 9, 0, 5, tzinfo=clock.PARIS)
    orders_apply_deadlines(until=until)
    orders_apply_deadlines(until=until)
    order.refresh_from_db()
    assert order.state == "lapsed"
    [refund] = Refund.objects.filter(seller=software.seller)
    assert refund.amount == order.total_incl_vat and refund.rule == "O12"


def test_nothing_is_owed_when_nothing_was_paid_or_the_order_is_paid_by_card(shop, buyer):
    order = _order(shop, buyer)
    _cancel(shop, order)
    assert not Refund.objects.exists()


def test_only_the_credit_left_after_an_invoice_is_refunded(shop, buyer):
    """The prepayment settled another order's invoice in part (PT7): only the rest comes back."""
    # O5 [001]: one order a month, so the other one is of November
    other = _order(shop, buyer, quantity=1, at=datetime(2026, 11, 10, 10, tzinfo=clock.PARIS))
    order = _order(shop, buyer)  # 240.00
    _prepay(shop, order, "240.00", "k-1")
    with clock.frozen(NOW):
        order_invoice_issue(other)  # the credit settles the new invoice
    assert ledger.balance(buyer.org, shop.seller) == Decimal("-120.00")
    _cancel(shop, order)
    assert Refund.objects.get().amount == Decimal("120.00")


def test_export_writes_a_valid_pain001_and_marks_the_refunds_sent(shop, buyer):
    other_buyer = make_buyer()
    first, second = _order(shop, buyer), _order(shop, other_buyer, quantity=1)
    _prepay(shop, first, "240.00", "k-1")
    _prepay(shop, second, "120.00", "k-2")
    Mandate.objects.create(  # the second buyer's mandate names the account to refund
        buyer=other_buyer.org,
        seller=shop.seller,
        reference="UMR-REFUND-1",
        debtor_name="Epicerie Fine SARL",
        iban="FR7630006000011234567890189",
        signed_on=TODAY,
        created_at=NOW,
    )
    _cancel(shop, first)
    _cancel(shop, second)
    with clock.frozen(NOW):
        done = refunds_export(seller=shop.seller, actor=shop.seller_user)
    assert validate(done.xml, "pain.001.001.03") == []
    root = etree.fromstring(done.xml)
    assert root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "360.00"
    assert root.findtext(".//p:Dbtr/p:Nm", namespaces=NS) == sepa_text(shop.seller.legal_name)
    rows = {
        tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS): tx.findtext(
            "p:Amt/p:InstdAmt", namespaces=NS
        )
        for tx in root.iterfind(".//p:CdtTrfTxInf", NS)
    }
    assert rows == {buyer.org.iban: "240.00", "FR7630006000011234567890189": "120.00"}
    assert done.total == Decimal("360.00")
    assert set(Refund.objects.values_list("status", flat=True)) == {"exported"}
    with clock.frozen(NOW), pytest.raises(DomainError) as nothing:
        refunds_export(seller=shop.seller, actor=shop.seller_user)
    assert (nothing.value.code, nothing.value.field, nothing.value.rule) == (
        "nothing_to_export",
        "refunds",
        "O12",
    )


def test_a_refund_without_iban_is_not_exported_but_can_be_paid_by_hand(shop, buyer):
    buyer.org.iban = ""
    buyer.org.save(update_fields=["iban"])
    order = _order(shop, buyer)
    _prepay(shop, order, "240.00", "k-1")
    _cancel(shop, order)
    refund = Refund.objects.get()
    assert refund.creditor_iban == ""
    with clock.frozen(NOW), pytest.raises(DomainError) as nothing:
        refunds_export(seller=shop.seller)
    assert nothing.value.code == "nothing_to_export"
    with clock.frozen(NOW):
        paid = refund_mark_paid(seller=shop.seller, refund=refund.pk, actor=shop.seller_user)
    assert paid.status == "paid" and paid.paid_on == TODAY


def test_mark_paid_balances_the_ledger_and_brings_the_buyer_back_to_zero(shop, buyer):
    order = _order(shop, buyer)
    _prepay(shop, order, "240.00", "k-1")
    _cancel(shop, order)
    with clock.frozen(NOW):
        refunds_export(seller=shop.seller)
    refund = Refund.objects.get()
    later = datetime(2026, 12, 3, 9, tzinfo=clock.PARIS)
    with clock.frozen(later):
        paid = refund_mark_paid(seller=shop.seller, refund=refund, actor=shop.seller_user)
    assert (paid.status, paid.paid_on, paid.paid_by) == (
        "paid",
        date(2026, 12, 3),
        shop.seller_user,
    )
    assert ledger.balance(buyer.org, shop.seller) == Decimal("0.00")
    debit, credit = ledger.journal_totals()
    assert debit == credit
    assert paid.open_item is not None and paid.open_item.open_amount == 0
    with clock.frozen(later), pytest.raises(DomainError) as twice:
        refund_mark_paid(seller=shop.seller, refund=refund, actor=shop.seller_user)
    assert (twice.value.code, twice.value.field, twice.value.rule) == (
        "refund_already_paid",
        "refund",
        "O12",
    )
    assert ledger.balance(buyer.org, shop.seller) == Decimal("0.00")
    assert AuditEntry.objects.filter(action="payments.refund_paid").count() == 1


def test_mark_paid_refusals_name_the_field_and_rule(shop, buyer):
    order = _order(shop, buyer)
    _prepay(shop, order, "240.00", "k-1")
    _cancel(shop, order)
    refund = Refund.objects.get()
    other = make_shop("monthly-intranet", [("X-1", "10.00", 1, 5)])
    with clock.frozen(NOW), pytest.raises(DomainError) as not_theirs:
        refund_mark_paid(seller=other.seller, refund=refund.pk, actor=other.seller_user)
    assert not_theirs.value.code == "not_found"
    with clock.frozen(NOW), pytest.raises(DomainError) as future:
        refund_mark_paid(seller=shop.seller, refund=refund.pk, on=date(2026, 12, 2))
    assert (future.value.code, future.value.field) == ("invalid_date", "on")
    stranger = make_user()
    with clock.frozen(NOW), pytest.raises(DomainError) as denied:
        refund_mark_paid(seller=shop.seller, refund=refund.pk, actor=stranger)
    assert denied.value.code == "permission_denied"
    with clock.frozen(NOW), pytest.raises(DomainError) as buyer_side:
        refunds_export(seller=shop.seller, actor=buyer.user)
    assert buyer_side.value.code == "permission_denied"
    refund.refresh_from_db()
    assert refund.status == "due" and ledger.balance(buyer.org, shop.seller) == Decimal("-240.00")


def test_a_refund_due_past_its_day_is_late(shop, buyer):
    order = _order(shop, buyer)
    _prepay(shop, order, "240.00", "k-1")
    _cancel(shop, order)
    refund = Refund.objects.get()
    assert not refunds_late(seller_id=shop.seller.pk, today=date(2026, 12, 15)).exists()
    assert list(refunds_late(seller_id=shop.seller.pk, today=date(2026, 12, 16))) == [refund]


def test_the_command_writes_the_file_and_says_when_nothing_is_left(shop, buyer, tmp_path):
    order = _order(shop, buyer)
    _prepay(shop, order, "240.00", "k-1")
    _cancel(shop, order)
    out = tmp_path / "refunds.xml"
    stdout = StringIO()
    with clock.frozen(NOW):
        call_command(
            "payments",
            "refunds-export",
            "--seller",
            shop.seller.siren,
            "--out",
            str(out),
            stdout=stdout,
        )
    assert validate(out.read_bytes(), "pain.001.001.03") == []
    assert f"{order.number} (O12): 240.00 €" in stdout.getvalue()
    with clock.frozen(NOW), pytest.raises(CommandError, match="nothing_to_export"):
        call_command("payments", "refunds-export", "--seller", shop.seller.siren, "--out", str(out))
