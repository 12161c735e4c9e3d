"""F10: packaging deposits are billed once, as their own line at 0 % (outside the VAT base, CGI
art. 267) with the seller's clause, on the order's invoice or the buyer's next one; a refund is
deducted later at the same 0 %, so deposit and refund net to nothing. Electronics [002 §6.4]
invoices at shipment; monthly-intranet [001 §13] invoices in the monthly batch (I1)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.billing.models import Invoice
from comptoir.core import clock
from comptoir.fulfilment.models import PackagingDeposit, PackagingReturn
from comptoir.fulfilment.queries import packaging_for
from comptoir.fulfilment.rules import deposit_line_text
from comptoir.fulfilment.services import packaging_deposit_record, packaging_return_record
from comptoir.fulfilment.services.invoicing import DEPOSIT_MENTION
from comptoir.ordering.invoicing import draft_for
from comptoir.ordering.models import Order
from comptoir.ordering.services import orders_apply_deadlines
from comptoir.payments.services import payment_record
from tests.fulfilment.conftest import accepted_order, at, ship_all
from tests.ordering.conftest import make_buyer, make_shop, place

PALLET = "Palette consignée"
JAR = "Bocal consigné"
PLACED = at(2026, 4, 27, 10)  # Monday
SHIPPED = at(2026, 5, 5, 9)  # Tuesday


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])


@pytest.fixture
def intranet(db):
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


def _deposit(shop, order: Order, quantity: int, unit: str = "15.00", item: str = PALLET):
    with clock.frozen(clock.now()):
        return packaging_deposit_record(
            actor=shop.seller_user,
            order_id=order.pk,
            item=item,
            quantity=quantity,
            unit_deposit=Decimal(unit),
        )


def _return(shop, buyer, quantity: int, on: date, item: str = PALLET, clean: bool = True):
    with clock.frozen(at(on.year, on.month, on.day, 15)):
        return packaging_return_record(
            actor=shop.seller_user,
            buyer_id=buyer.org.pk,
            seller_id=shop.seller.pk,
            item=item,
            quantity=quantity,
            returned_on=on,
            clean=clean,
        )


def _invoice(order: Order) -> Invoice:
    order.refresh_from_db()
    assert order.invoice is not None
    return order.invoice


def _pay(shop, buyer, invoice: Invoice, on: date) -> None:
    """The buyer pays the invoice in full, so the next order is neither held (F8) nor
    refused (O10)."""
    with clock.frozen(at(on.year, on.month, on.day, 18)):
        payment_record(
            buyer=buyer.org,
            seller=shop.seller,
            amount=invoice.total_incl_vat,
            method="transfer",
            value_date=on,
            idempotency_key=f"pay-{invoice.number}",
            reference=invoice.number or "",
        )


def _deposit_lines(invoice: Invoice) -> list:
    return [line for line in invoice.lines.all() if line.description.startswith("Consigne")]


def test_the_deposit_is_its_own_line_at_zero_vat_with_the_clause(electronics):
    buyer = make_buyer()
    order = accepted_order(electronics, buyer, [("USB-1", 10)], when=PLACED)
    with clock.frozen(at(2026, 4, 28, 9)):
        deposit = _deposit(electronics, order, 2)
    assert deposit.vat_rate == Decimal("0.00") and not deposit.invoiced
    [waiting] = packaging_for(buyer.org, order).deposits
    assert (waiting.amount, waiting.invoice_number) == (Decimal("30.00"), None)
    ship_all(electronics, order, when=SHIPPED)  # electronics invoices at shipment (I1)
    invoice = _invoice(order)
    [line] = _deposit_lines(invoice)
    assert (line.quantity, line.net_unit_price, line.net_amount, line.vat_rate) == (
        Decimal("2"),
        Decimal("15"),
        Decimal("30.00"),
        Decimal("0"),
    )
    assert PALLET in line.description and "Art. 6.4" in line.description
    assert "(F10)" in line.description and order.number in line.description
    # the goods keep their 20 % VAT; the deposit adds 30.00 excl. VAT and no VAT at all
    assert invoice.total_excl_vat == order.total_excl_vat + Decimal("30.00")
    assert invoice.total_vat == order.total_incl_vat - order.total_excl_vat
    assert invoice.total_incl_vat == order.total_incl_vat + Decimal("30.00")
    zero = invoice.vat_breakdown.get(rate=0)
    assert (zero.base, zero.amount) == (Decimal("30.00"), Decimal("0.00"))
    assert any(m["text"] == DEPOSIT_MENTION for m in invoice.mentions)
    deposit.refresh_from_db()
    assert (deposit.invoiced, deposit.invoiced_with_id) == (True, order.pk)
    assert packaging_for(buyer.org, order).deposits[0].invoice_number == invoice.number


def test_a_deposit_after_the_invoice_goes_on_the_next_one_and_never_twice(electronics):
    buyer = make_buyer()
    first = accepted_order(electronics, buyer, [("USB-1", 10)], when=PLACED)
    ship_all(electronics, first, when=SHIPPED, tracking="P-1")
    assert _deposit_lines(_invoice(first)) == []
    with clock.frozen(at(2026, 5, 6, 9)):
        late = _deposit(electronics, first, 3, unit="12.50")  # the invoice is already issued
    _pay(electronics, buyer, _invoice(first), date(2026, 5, 5))
    second = accepted_order(electronics, buyer, [("USB-1", 5)], when=at(2026, 5, 7, 10))
    ship_all(electronics, second, when=at(2026, 5, 8, 9), tracking="P-2")
    invoice = _invoice(second)
    [line] = _deposit_lines(invoice)
    assert line.net_amount == Decimal("37.50") and first.number in line.description
    assert invoice.total_excl_vat == second.total_excl_vat + Decimal("37.50")
    late.refresh_from_db()
    assert late.invoiced_with_id == second.pk
    # the order page names, for each deposit, the invoice that billed it
    [row] = packaging_for(electronics.seller, first).deposits
    assert (row.amount, row.invoice_number) == (Decimal("37.50"), invoice.number)
    _pay(electronics, buyer, invoice, date(2026, 5, 8))
    third = accepted_order(electronics, buyer, [("USB-1", 5)], when=at(2026, 5, 11, 10))
    ship_all(electronics, third, when=at(2026, 5, 12, 9), tracking="P-3")
    assert _deposit_lines(_invoice(third)) == []
    assert _invoice(third).total_excl_vat == third.total_excl_vat


def test_two_invoices_drafted_for_the_same_buyer_carry_the_deposit_once(electronics):
    buyer = make_buyer()
    first = accepted_order(electronics, buyer, [("USB-1", 10)], when=PLACED)
    second = accepted_order(electronics, buyer, [("USB-1", 4)], when=PLACED)
    with clock.frozen(PLACED):
        _deposit(electronics, first, 2)
        drafts = [draft_for(o, invoice_date=date(2026, 4, 27)) for o in (first, second)]
    assert [len(d.lines) for d in drafts] == [2, 1]
    assert PackagingDeposit.objects.get().invoiced_with_id == first.pk
    # another buyer of the same seller is not billed for it
    other = accepted_order(electronics, make_buyer(), [("USB-1", 1)], when=PLACED)
    with clock.frozen(PLACED):
        assert len(draft_for(other, invoice_date=date(2026, 4, 27)).lines) == 1


def test_a_full_return_credited_later_nets_the_deposit(electronics):
    """2 pallets × 15 € billed with the first order; both come back clean; the 30 € refund is
    deducted at 0 % from the next invoice that carries deposits: the buyer paid 0 net for the
    pallets, and the goods' VAT is untouched."""
    buyer = make_buyer()
    first = accepted_order(electronics, buyer, [("USB-1", 10)], when=PLACED)
    with clock.frozen(PLACED):
        _deposit(electronics, first, 2)
    ship_all(electronics, first, when=SHIPPED, tracking="P-1")
    first_invoice = _invoice(first)
    _pay(electronics, buyer, first_invoice, date(2026, 5, 5))
    refund = _return(electronics, buyer, 2, date(2026, 5, 12))
    assert refund.refund_due == Decimal("30.00")

    # an invoice without deposits has no 0 % base: the refund waits (never off the goods' VAT)
    second = accepted_order(electronics, buyer, [("USB-1", 5)], when=at(2026, 5, 13, 10))
    ship_all(electronics, second, when=at(2026, 5, 14, 9), tracking="P-2")
    assert _invoice(second).total_excl_vat == second.total_excl_vat
    refund.refresh_from_db()
    assert not refund.credited
    _pay(electronics, buyer, _invoice(second), date(2026, 5, 14))

    third = accepted_order(electronics, buyer, [("USB-1", 10)], when=at(2026, 5, 18, 10))
    with clock.frozen(at(2026, 5, 18, 11)):
        _deposit(electronics, third, 2)
    ship_all(electronics, third, when=at(2026, 5, 19, 9), tracking="P-3")
    invoice = _invoice(third)
    assert invoice.allowance_total == Decimal("30.00")
    assert [a["reason"] for a in invoice.allowances][0].startswith("Remboursement de consigne")
    assert invoice.total_excl_vat == third.total_excl_vat  # +30 deposit −30 refund
    assert invoice.total_vat == third.total_incl_vat - third.total_excl_vat
    zero = invoice.vat_breakdown.get(rate=0)
    assert (zero.base, zero.amount) == (Decimal("0.00"), Decimal("0.00"))
    refund.refresh_from_db()
    assert (refund.credited, refund.credited_with_id) == (True, third.pk)
    # over the three invoices the buyer paid the goods and their VAT, and 30 € of deposit
    # that is still out (the third order's pallets)
    paid = first_invoice.total_incl_vat + _invoice(second).total_incl_vat + invoice.total_incl_vat
    goods = sum(o.total_incl_vat for o in (first, second, third))
    assert paid - goods == Decimal("30.00")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


def test_monthly_batch_bills_each_buyers_jars_once_and_nets_the_full_return(intranet):
    """Monthly-intranet: orders processed and invoiced in one batch on the second Tuesday
    (10 Nov 2026, then 8 Dec 2026). Each buyer's invoice carries its own jars once; jars
    all returned clean are refunded on the December invoice, against December's jars."""
    alice, bob = make_buyer(), make_buyer()
    with clock.frozen(paris(2026, 11, 5, 9)):
        order_a = place(intranet, alice, [("MIEL-12", 24)])
        order_b = place(intranet, bob, [("MIEL-12", 12)])
        _deposit(intranet, order_a, 24, unit="0.50", item=JAR)
        _deposit(intranet, order_b, 12, unit="0.50", item=JAR)
    with clock.frozen(paris(2026, 11, 10, 0, 5)):
        assert orders_apply_deadlines(until=clock.now()) == 2
        assert orders_apply_deadlines(until=clock.now()) == 0  # run twice: nothing more
    inv_a, inv_b = _invoice(order_a), _invoice(order_b)
    assert [line.net_amount for line in _deposit_lines(inv_a)] == [Decimal("12.00")]
    assert [line.net_amount for line in _deposit_lines(inv_b)] == [Decimal("6.00")]
    assert "Art. 13" in _deposit_lines(inv_a)[0].description
    assert inv_a.total_vat == order_a.total_incl_vat - order_a.total_excl_vat  # 5.5 % goods only
    assert set(PackagingDeposit.objects.values_list("invoiced_with", flat=True)) == {
        order_a.pk,
        order_b.pk,
    }

    # Alice's 24 jars come back clean at the monthly pick-up: 12 € owed back
    _pay(intranet, alice, inv_a, date(2026, 11, 10))
    refund = _return(intranet, alice, 24, date(2026, 11, 24), item=JAR)
    assert refund.refund_due == Decimal("12.00")
    with clock.frozen(paris(2026, 12, 1, 9)):
        december = place(intranet, alice, [("MIEL-12", 24)])
        _deposit(intranet, december, 24, unit="0.50", item=JAR)
    with clock.frozen(paris(2026, 12, 8, 0, 5)):
        assert orders_apply_deadlines(until=clock.now()) == 1
    invoice = _invoice(december)
    [line] = _deposit_lines(invoice)
    assert december.number in line.description  # only December's jars, not November's again
    assert invoice.allowance_total == Decimal("12.00")
    assert invoice.total_excl_vat == december.total_excl_vat
    assert invoice.total_incl_vat == december.total_incl_vat
    refund.refresh_from_db()
    assert refund.credited_with_id == december.pk
    assert PackagingReturn.objects.filter(credited=False).count() == 0


def test_the_line_text_is_cut_to_the_invoice_line():
    text = deposit_line_text(
        item_name=JAR, unit="bocal", order_number="C-1", article="Art. 13", clause="x" * 400
    )
    assert len(text) == 300 and text.endswith("… (F10)")
    short = deposit_line_text(item_name=PALLET, unit="palette", order_number="C-2")
    assert short == (
        "Consigne : Palette consignée (palette), commande C-2, remboursable au retour (F10)"
    )
