"""F7, F10, I5: what waits for a buyer's next invoice gets documents of its own when no next
invoice comes: a standalone invoice for the charges and deposits, a credit note per invoice that
charged the deposits refunded. Packaging kept past its deadline is sold with its VAT (F10)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.billing.facturx_xml import invoice_xml
from comptoir.billing.models import Invoice, Kind
from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.core.sweeps import run_all
from comptoir.fulfilment.models import Charge, DepositCredit, PackagingDeposit, PackagingReturn
from comptoir.fulfilment.rules import deposit_credits, packaging_kept, standalone_nature
from comptoir.fulfilment.services import (
    delivery_refuse,
    packaging_deposit_record,
    packaging_kept_due,
    packaging_return_record,
    pending_documents_issue,
    standalone_documents_due,
)
from comptoir.ordering.models import Order
from comptoir.payments.services import payment_record
from tests.fulfilment.conftest import accepted_order, at, ship_all
from tests.ordering.conftest import make_buyer, make_shop

PALLET = "Palette consignée"
PLACED = at(2026, 4, 27, 10)  # Monday
SHIPPED = at(2026, 5, 5, 9)  # Tuesday
REFUSED = at(2026, 5, 6, 9)
D = Decimal


@pytest.fixture
def beauty(db):
    return make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])


def _refused(shop, buyer, tracking: str = "R-1") -> Order:
    """An order of `buyer` refused without a valid reason: 24 € fee + 30 € transport (F7)."""
    order = accepted_order(shop, buyer, [("SER-1", 6)], when=PLACED)
    shipment = ship_all(shop, order, when=SHIPPED, tracking=tracking)
    with clock.frozen(REFUSED):
        delivery_refuse(
            actor=shop.seller_user,
            shipment_id=shipment.pk,
            reason="Refusé sans motif",
            valid_reason=False,
            transport_cost=D("30"),
        )
    return order


def _standalone(shop) -> list[Invoice]:
    """The seller's invoices that are no order's invoice."""
    orders = Order.objects.filter(invoice__isnull=False).values("invoice_id")
    return list(
        Invoice.objects.filter(issuer=shop.seller, kind=Kind.INVOICE)
        .exclude(pk__in=orders)
        .order_by("pk")
    )


def _deposit(shop, order: Order, quantity: int, when, unit: str = "15.00"):
    with clock.frozen(when):
        return packaging_deposit_record(
            actor=shop.seller_user,
            order_id=order.pk,
            item=PALLET,
            quantity=quantity,
            unit_deposit=D(unit),
        )


def _return(shop, buyer, quantity: int, on: date, clean: bool = True) -> PackagingReturn:
    with clock.frozen(at(on.year, on.month, on.day, 15)):
        return packaging_return_record(
            actor=shop.seller_user,
            buyer_id=buyer.org.pk,
            seller_id=shop.seller.pk,
            item=PALLET,
            quantity=quantity,
            returned_on=on,
            clean=clean,
        )


def _shipped_with_pallets(shop, buyer, pallets: int, when, tracking: str) -> Order:
    """An electronics order with `pallets` deposited before shipment: its invoice, issued at
    shipment (I1), carries them at 0 %."""
    order = accepted_order(shop, buyer, [("USB-1", 10)], when=when)
    _deposit(shop, order, pallets, when)
    ship_all(shop, order, when=when + timedelta(days=1), tracking=tracking)
    order.refresh_from_db()
    assert order.invoice is not None
    _pay(shop, buyer, order.invoice, when + timedelta(days=1))  # not held next time (F8)
    return order


def _pay(shop, buyer, invoice: Invoice, when) -> None:
    with clock.frozen(when):
        payment_record(
            buyer=buyer.org,
            seller=shop.seller,
            amount=invoice.total_incl_vat,
            method="transfer",
            value_date=clock.today(),
            idempotency_key=f"pay-{invoice.number}",
            reference=invoice.number or "",
        )


# --- pure rules -------------------------------------------------------------------------------


def test_deposit_credits_take_the_oldest_deposits_first_and_split_across_invoices():
    deposits = [(1, D("30.00")), (2, D("30.00")), (3, D("45.00"))]
    room = {1: D("30.00"), 2: D("30.00"), 3: D("45.00")}
    # 15.00 already refunded: invoice 1 has 15.00 left; a 40.00 refund takes 15 + 25
    chosen = deposit_credits(deposits=deposits, consumed=D("15"), refunds=[(7, D("40"))], room=room)
    assert chosen == {7: [(1, D("15.00")), (2, D("25.00"))]}
    assert room == {1: D("15.00"), 2: D("5.00"), 3: D("45.00")}


def test_deposit_credits_never_exceed_an_invoice_zero_base_and_a_refund_waits_whole():
    # invoice 2's 0 % base was lowered by a refund deducted on it: only 10.00 can be credited
    room = {1: D("30.00"), 2: D("10.00")}
    chosen = deposit_credits(
        deposits=[(1, D("30.00")), (2, D("30.00"))],
        consumed=D("0"),
        refunds=[(1, D("30")), (2, D("20")), (3, D("5"))],
        room=room,
    )
    assert chosen == {1: [(1, D("30"))]}  # the 20.00 waits, and the 5.00 after it
    assert room == {1: D("0.00"), 2: D("10.00")}


def test_packaging_kept_counts_units_past_deadline_not_returned():
    deposits = [(2, D("15.00"), True), (3, D("12.50"), True), (4, D("15.00"), False)]
    assert packaging_kept(deposits=deposits, returned=1) == (4, D("52.50"))
    assert packaging_kept(deposits=deposits, returned=5) == (0, D("0.00"))
    assert packaging_kept(deposits=deposits, returned=9) == (0, D("0.00"))


def test_the_nature_of_a_standalone_invoice():
    assert standalone_nature(deposits=0, charge_codes=["refused_delivery_fee"]) == "services"
    assert standalone_nature(deposits=2, charge_codes=[]) == "goods"
    assert standalone_nature(deposits=0, charge_codes=["wrong_goods_kept", "x"]) == "mixed"


# --- F7 charges -------------------------------------------------------------------------------


def test_charges_waiting_thirty_days_get_a_standalone_invoice_once(beauty):
    buyer = make_buyer()
    _refused(beauty, buyer)
    with clock.frozen(REFUSED + timedelta(days=29, hours=23)):  # not yet 30 days
        assert standalone_documents_due(until=clock.now()) == 0
    until = REFUSED + timedelta(days=30)
    with clock.frozen(until):
        assert run_all(until=until)["fulfilment.issue_standalone_documents"] == 1
    [invoice] = _standalone(beauty)
    assert invoice.status == "issued" and invoice.recipient_id == buyer.org.pk
    assert [line.net_amount for line in invoice.lines.all()] == [D("24.00"), D("30.00")]
    assert all("— commande" in line.description for line in invoice.lines.all()), [
        line.description for line in invoice.lines.all()
    ]
    assert invoice.total_excl_vat == D("54.00") and invoice.total_vat == D("10.80")
    assert invoice.nature == "services"
    assert any("facturés séparément" in m["text"] for m in invoice.mentions)
    assert set(Charge.objects.values_list("invoiced", "invoice_id", "invoiced_with")) == {
        (True, invoice.pk, None)
    }
    invoice_xml(invoice)  # the Factur-X XML is valid (XSD)
    with clock.frozen(until + timedelta(days=1)):  # the sweep again: nothing more
        assert standalone_documents_due(until=clock.now()) == 0
    assert len(_standalone(beauty)) == 1


def test_a_sweep_then_a_next_invoice_bills_the_charges_once(beauty):
    buyer = make_buyer()
    first = _refused(beauty, buyer)
    with clock.frozen(REFUSED + timedelta(days=31)):
        assert standalone_documents_due(until=clock.now()) == 1
    # the buyer pays what it owes, then orders again: the next invoice carries no charge
    first.refresh_from_db()
    for inv in (first.invoice, *_standalone(beauty)):
        _pay(beauty, buyer, inv, at(2026, 6, 8, 9))
    second = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 6, 9, 10))
    ship_all(beauty, second, when=at(2026, 6, 10, 9), tracking="R-2")
    second.refresh_from_db()
    assert second.invoice.total_excl_vat == second.total_excl_vat
    assert Charge.objects.filter(invoiced_with=second).count() == 0


def test_a_next_invoice_then_the_sweep_bills_the_charges_once(beauty):
    buyer = make_buyer()
    _refused(beauty, buyer)
    second = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 5, 7, 10))
    ship_all(beauty, second, when=at(2026, 5, 8, 9), tracking="R-2")
    second.refresh_from_db()
    assert second.invoice.total_excl_vat == second.total_excl_vat + D("54.00")
    with clock.frozen(REFUSED + timedelta(days=60)):
        assert standalone_documents_due(until=clock.now()) == 0
    assert _standalone(beauty) == []


def test_the_delay_is_a_setting(beauty, settings):
    settings.COMPTOIR_STANDALONE_AFTER_DAYS = 10
    _refused(beauty, make_buyer())
    with clock.frozen(REFUSED + timedelta(days=9)):
        assert standalone_documents_due(until=clock.now()) == 0
    with clock.frozen(REFUSED + timedelta(days=10)):
        assert standalone_documents_due(until=clock.now()) == 1


def test_the_seller_issues_now_and_others_cannot(beauty):
    buyer = make_buyer()
    _refused(beauty, buyer)
    with clock.frozen(at(2026, 5, 7, 10)), pytest.raises(PermissionDenied):
        pending_documents_issue(actor=buyer.user, buyer_id=buyer.org.pk, seller_id=beauty.seller.pk)
    assert Charge.objects.filter(invoiced=False).count() == 2
    with clock.frozen(at(2026, 5, 7, 10)):
        issued = pending_documents_issue(
            actor=beauty.seller_user, buyer_id=buyer.org.pk, seller_id=beauty.seller.pk
        )
    assert issued.invoice is not None and issued.credit_notes == []
    assert issued.invoice.total_excl_vat == D("54.00")
    with clock.frozen(at(2026, 5, 7, 11)), pytest.raises(DomainError) as error:
        pending_documents_issue(
            actor=beauty.seller_user, buyer_id=buyer.org.pk, seller_id=beauty.seller.pk
        )
    assert (error.value.code, error.value.rule) == ("nothing_to_issue", "F7")


def test_the_seller_issues_them_from_the_order_page(beauty, client):
    buyer = make_buyer()
    order = _refused(beauty, buyer)
    client.force_login(beauty.seller_user)
    with clock.frozen(at(2026, 5, 7, 10)):
        page = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
        assert 'data-testid="pending-documents"' in page
        response = client.post(reverse("web:pending_documents_issue", args=[order.number]))
    assert response.status_code == 302
    [invoice] = _standalone(beauty)
    assert not Charge.objects.filter(invoiced=False).exists()
    with clock.frozen(at(2026, 5, 7, 11)):
        page = client.get(response["Location"]).content.decode()
    assert invoice.number in page and 'data-testid="pending-documents"' not in page
    client.force_login(buyer.user)  # the buyer sees no button and cannot issue
    with clock.frozen(at(2026, 5, 7, 12)):
        page = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
        assert 'data-testid="pending-documents"' not in page


# --- F10 deposits and refunds -----------------------------------------------------------------


def test_a_refund_gets_one_credit_note_per_invoice_that_charged_the_deposits(electronics):
    buyer = make_buyer()
    first = _shipped_with_pallets(electronics, buyer, 2, PLACED, "P-1")
    second = _shipped_with_pallets(electronics, buyer, 2, at(2026, 5, 11, 10), "P-2")
    returned = _return(electronics, buyer, 3, date(2026, 5, 20))
    assert returned.refund_due == D("45.00")
    with clock.frozen(at(2026, 6, 18, 9)):  # 29 days: waits
        assert standalone_documents_due(until=clock.now()) == 0
    with clock.frozen(at(2026, 6, 20, 9)):
        assert standalone_documents_due(until=clock.now()) == 2
    notes = list(Invoice.objects.filter(kind=Kind.CREDIT_NOTE).order_by("pk"))
    assert [(n.credited_invoice_id, n.total_incl_vat) for n in notes] == [
        (first.invoice_id, D("30.00")),
        (second.invoice_id, D("15.00")),
    ]
    for note in notes:
        [zero] = note.vat_breakdown.all()
        assert (zero.rate, zero.category, zero.amount) == (D("0"), "E", D("0"))
        assert "Remboursement de consigne" in note.lines.get().description
        assert note.mentions[0]["code"] == "credited_invoice"
        invoice_xml(note)  # E with its exemption reason, and the invoice it credits: valid
    returned.refresh_from_db()
    assert returned.credited and returned.credited_with is None
    assert [c.amount for c in DepositCredit.objects.filter(packaging_return=returned)] == [
        D("30.00"),
        D("15.00"),
    ]
    with clock.frozen(at(2026, 6, 21, 9)):
        assert standalone_documents_due(until=clock.now()) == 0
    # the last pallet comes back: the last 15.00 is credited on the second invoice
    last = _return(electronics, buyer, 1, date(2026, 6, 22))
    with clock.frozen(at(2026, 6, 22, 16)):
        issued = pending_documents_issue(
            actor=electronics.seller_user, buyer_id=buyer.org.pk, seller_id=electronics.seller.pk
        )
    [note] = issued.credit_notes
    assert (note.credited_invoice_id, note.total_incl_vat) == (second.invoice_id, D("15.00"))
    last.refresh_from_db()
    assert last.credited


def test_a_refund_credited_alone_is_not_deducted_again_from_a_next_invoice(electronics):
    buyer = make_buyer()
    first = _shipped_with_pallets(electronics, buyer, 2, PLACED, "P-1")
    _return(electronics, buyer, 2, date(2026, 5, 20))
    with clock.frozen(at(2026, 6, 20, 9)):
        assert standalone_documents_due(until=clock.now()) == 1
    third = _shipped_with_pallets(electronics, buyer, 1, at(2026, 6, 22, 10), "P-3")
    assert third.invoice.total_excl_vat == third.total_excl_vat + D("15.00")
    assert third.invoice.allowances == []
    assert Invoice.objects.filter(kind=Kind.CREDIT_NOTE).get().credited_invoice_id == (
        first.invoice_id
    )


def test_a_refund_deducted_from_a_next_invoice_is_not_credited_again(electronics):
    buyer = make_buyer()
    _shipped_with_pallets(electronics, buyer, 2, PLACED, "P-1")
    _return(electronics, buyer, 2, date(2026, 5, 20))
    _shipped_with_pallets(electronics, buyer, 2, at(2026, 5, 25, 10), "P-2")  # deducts 30.00
    with clock.frozen(at(2026, 7, 1, 9)):
        assert standalone_documents_due(until=clock.now()) == 0
    assert not Invoice.objects.filter(kind=Kind.CREDIT_NOTE).exists()


def test_deposits_on_the_invoice_have_the_exempt_category_and_a_valid_xml(electronics):
    order = _shipped_with_pallets(electronics, make_buyer(), 2, PLACED, "P-1")
    zero = order.invoice.vat_breakdown.get(rate=0)
    assert zero.category == "E"
    xml = invoice_xml(order.invoice).decode()
    assert "<ram:CategoryCode>E</ram:CategoryCode>" in xml
    assert "Consigne d&apos;emballage" in xml or "Consigne d'emballage" in xml


def test_a_deposit_waiting_after_its_invoice_gets_a_standalone_invoice(electronics):
    buyer = make_buyer()
    order = _shipped_with_pallets(electronics, buyer, 1, PLACED, "P-1")
    late = _deposit(electronics, order, 3, at(2026, 5, 6, 9), unit="12.50")
    not_invoiced = accepted_order(electronics, buyer, [("USB-1", 2)], when=at(2026, 5, 6, 10))
    young = _deposit(electronics, not_invoiced, 1, at(2026, 5, 6, 11))  # its own invoice will
    with clock.frozen(at(2026, 6, 10, 9)):
        assert standalone_documents_due(until=clock.now()) == 1
    late.refresh_from_db()
    young.refresh_from_db()
    assert late.invoiced and late.invoice is not None and not young.invoiced
    assert late.invoice.total_incl_vat == D("37.50")
    assert late.invoice.vat_breakdown.get().category == "E"
    assert late.invoice.nature == "goods"


# --- F10 packaging kept -----------------------------------------------------------------------


def test_packaging_kept_past_its_deadline_is_sold_with_its_vat(electronics):
    buyer = make_buyer()
    order = _shipped_with_pallets(electronics, buyer, 3, PLACED, "P-1")
    _return(electronics, buyer, 1, date(2026, 5, 20))  # 15.00 refunded later
    with clock.frozen(at(2026, 7, 25, 9)):  # 89 days after the deposit
        assert packaging_kept_due(until=clock.now()) == 0
    until = at(2026, 7, 26, 10)
    with clock.frozen(until):
        counts = run_all(until=until)
    assert counts["fulfilment.sell_kept_packaging"] == 1
    kept = PackagingReturn.objects.get(kept=True)
    assert (kept.quantity, kept.refund_due, kept.credited) == (2, D("30.00"), True)
    charge = Charge.objects.get(code="packaging_kept")
    assert (charge.amount_excl_vat, charge.vat_rate, charge.rule) == (D("30.00"), D("20"), "F10")
    sale = charge.invoice
    assert (sale.total_excl_vat, sale.total_vat, sale.total_incl_vat) == (
        D("30.00"),
        D("6.00"),
        D("36.00"),
    )
    # the 0 % deposit is credited back on the invoice that charged it: the refund of the
    # returned pallet and the kept ones
    [note] = Invoice.objects.filter(kind=Kind.CREDIT_NOTE)
    assert (note.credited_invoice_id, note.total_incl_vat) == (order.invoice_id, D("45.00"))
    # the buyer owes, for the pallets, 45 deposited − 45 credited + 36 sold = the VAT plus 30
    assert sale.total_incl_vat - (note.total_incl_vat - D("15.00")) == D("6.00")
    with clock.frozen(until + timedelta(days=1)):
        assert packaging_kept_due(until=clock.now()) == 0
        assert standalone_documents_due(until=clock.now()) == 0


def test_returns_after_packaging_was_declared_kept_are_not_refunded(electronics):
    buyer = make_buyer()
    _shipped_with_pallets(electronics, buyer, 2, PLACED, "P-1")
    with clock.frozen(at(2026, 8, 1, 9)):
        assert packaging_kept_due(until=clock.now()) == 1
    late = _return(electronics, buyer, 2, date(2026, 8, 5))
    assert late.refund_due == D("0.00")
    assert PackagingDeposit.objects.get().invoiced


def test_one_vat_category_per_rate_on_a_document():
    from comptoir.billing import rules as billing

    address = billing.Address(line1="1 rue", postcode="75001", city="Paris")
    party = billing.PartySnapshot(name="X", address=address)
    line = billing.LineInput(
        description="Consigne", sku="", quantity=D(1), unit_price=D(10), vat_rate=D(0)
    )
    draft = billing.DocumentDraft(
        issuer=party,
        recipient=party,
        lines=(line, billing.LineInput(**{**line.__dict__, "vat_category": "E"})),
        sale_date=date(2026, 5, 5),
    )
    assert [v.category for v in billing.compute_totals(draft).vat] == ["E"]
    clash = billing.DocumentDraft(
        issuer=party,
        recipient=party,
        lines=(
            billing.LineInput(**{**line.__dict__, "vat_category": "Z"}),
            billing.LineInput(**{**line.__dict__, "vat_category": "E"}),
        ),
        sale_date=date(2026, 5, 5),
    )
    with translation.override("en"), pytest.raises(ValueError, match="two VAT categories"):
        billing.compute_totals(clash)


# --- two workers (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.postgres_only
def test_sweeps_and_the_seller_side_by_side_issue_once(transactional_db):
    """F7, F10: four workers run the sweep while the seller asks for the documents: each pair
    gets one invoice and one credit note, each row is billed once."""
    from tests.ordering.test_concurrency import run_threads

    beauty = make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])
    electronics = make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])
    buyers = [make_buyer() for _ in range(3)]
    for i, buyer in enumerate(buyers):
        _refused(beauty, buyer, tracking=f"R-{i}")
        _shipped_with_pallets(electronics, buyer, 2, PLACED, f"P-{i}")
        _return(electronics, buyer, 2, date(2026, 5, 20))
    until = at(2026, 7, 1, 9)
    clock.freeze(until)
    counts: list[int] = []

    def work(n: int) -> None:
        if n == 0:
            try:
                pending_documents_issue(
                    actor=beauty.seller_user, buyer_id=buyers[0].org.pk, seller_id=beauty.seller.pk
                )
                counts.append(1)
            except DomainError:
                counts.append(0)
        else:
            counts.append(standalone_documents_due(until=until))

    assert run_threads(4, work) == []
    assert sum(counts) == 6  # 3 invoices of charges, 3 credit notes of refunds
    assert len(_standalone(beauty)) == 3
    assert Invoice.objects.filter(kind=Kind.CREDIT_NOTE).count() == 3
    assert set(Charge.objects.values_list("invoiced", flat=True)) == {True}
    assert DepositCredit.objects.count() == 3
