"""The order page's manual handling (O11 [002 §4.3]) and returnable packaging deposits (F10 [002
§6.4; 001 §13]): the seller marks an order waiting for acceptance with the handling fee its terms
allow and charges deposits on packaging sent; both sides see the deposits and the returns, the
buyer read-only; refusals come back as messages with their rule; other companies get 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.fulfilment.models import PackagingDeposit, PackagingReturn
from comptoir.fulfilment.services import packaging_return_record
from comptoir.ordering.models import Order
from comptoir.terms.loader import preset_text
from tests.fulfilment.conftest import accepted_order, at, ship_all
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db

PALLET = "Palette consignée"
# Terms that fix the handling fee at 12 € excl. VAT instead of leaving it to the buyer's contract
FIXED_FEE = preset_text("electronics-wholesale").replace(
    'manual_handling_fee_defined_in = "buyer_contract"', "manual_handling_fee_amount = 12", 1
)
PLACED = at(2026, 4, 27, 10)  # Monday
SHIPPED = at(2026, 5, 5, 9)  # Tuesday


@pytest.fixture
def electronics(db):
    """Seed 002: a handling fee set per buyer's contract (Art. 4.3), pallets on deposit."""
    return make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])


@pytest.fixture
def buyer(db):
    return make_buyer()


def _page(client, user, order: Order) -> str:
    client.force_login(user)
    response = client.get(reverse("web:order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def _mark(client, user, order: Order, **form: str):
    client.force_login(user)
    return client.post(
        reverse("web:order_action", args=[order.number]),
        {"action": "mark_manual_handling", **form},
        follow=True,
    )


def _deposit(client, user, order: Order, **form: str):
    client.force_login(user)
    return client.post(reverse("web:packaging_deposit", args=[order.number]), form, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_seller_marks_manual_handling_with_the_contract_fee(client, electronics, buyer):
    with clock.frozen(PLACED):
        order = place(electronics, buyer, [("USB-1", 10)])
        html = _page(client, electronics.seller_user, order)
        assert 'data-testid="manual-handling"' in html
        assert "Art. 4.3 et 4.8" in html  # the clause the fee comes from
        assert 'id="handling-fee" name="fee" inputmode="decimal" required' in html
        assert 'data-testid="manual-handling"' not in _page(client, buyer.user, order)
        done = _mark(client, electronics.seller_user, order, fee="15,00", note="Commande faxée.")
    assert done.status_code == 200
    assert any("O11" in m for m in _messages(done))
    order.refresh_from_db()
    assert order.manual_handling and order.handling_fee == Decimal("15.00")
    assert order.total_excl_vat == Decimal("95.00")  # 10 × 8.00 + 15.00
    html = done.content.decode()
    assert "Frais de traitement manuel" in html  # the fee's row on the order
    fee_row = html.split('data-testid="fee"')[1].split("</tr>")[0]
    assert "+ 15,00\u00a0€" in fee_row  # formatted as the other amounts of the table
    timeline = html.split('data-testid="timeline"')[1]
    assert "Commande faxée." in timeline and "15,00" in timeline
    assert 'data-testid="manual-handling"' not in html  # marked once


def test_manual_handling_refusals_come_back_with_their_rule(client, electronics, buyer):
    other_seller = make_shop("electronics-wholesale", [("USB-9", "8.00", 1, 500)])
    with clock.frozen(PLACED):
        order = place(electronics, buyer, [("USB-1", 10)])
        bad = _mark(client, electronics.seller_user, order, fee="quinze")
        assert any("O11" in m for m in _messages(bad))
        negative = _mark(client, electronics.seller_user, order, fee="-3")
        assert any("O11" in m for m in _messages(negative))
        as_buyer = _mark(client, buyer.user, order, fee="15")
        assert as_buyer.status_code == 200 and any("P4" in m for m in _messages(as_buyer))
        client.force_login(other_seller.seller_user)
        stranger = client.post(
            reverse("web:order_action", args=[order.number]),
            {"action": "mark_manual_handling", "fee": "15"},
        )
        assert stranger.status_code == 404
        order.refresh_from_db()
        assert not order.manual_handling
        accepted = accepted_order(electronics, buyer, [("USB-1", 5)], when=PLACED)
        assert 'data-testid="manual-handling"' not in _page(
            client, electronics.seller_user, accepted
        )
        late = _mark(client, electronics.seller_user, accepted, fee="15")
    assert any("O11" in m for m in _messages(late))
    accepted.refresh_from_db()
    assert not accepted.manual_handling
    assert not accepted.events.filter(action="mark_manual_handling").exists()


def test_a_fee_fixed_by_the_terms_is_prefilled_and_kept(client, buyer):
    shop = make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)], source=FIXED_FEE)
    with clock.frozen(PLACED):
        order = place(shop, buyer, [("USB-1", 10)])
        html = _page(client, shop.seller_user, order)
        assert 'name="fee" value="12.00"' in html and "readonly" in html
        other = _mark(client, shop.seller_user, order, fee="20")  # not the terms' amount
        assert any("O11" in m for m in _messages(other))
        order.refresh_from_db()
        assert not order.manual_handling
        _mark(client, shop.seller_user, order, fee="12.00")
    order.refresh_from_db()
    assert order.manual_handling and order.total_excl_vat == Decimal("92.00")


def test_terms_without_a_handling_fee_offer_no_form(client, buyer):
    shop = make_shop("digital-goods", [("LIC-PRO", "99.00", 1, None)], kind="license_key")
    with clock.frozen(PLACED):
        order = place(shop, buyer, [("LIC-PRO", 1)])
        assert 'data-testid="manual-handling"' not in _page(client, shop.seller_user, order)
        refused = _mark(client, shop.seller_user, order, fee="10")
    assert any("O11" in m for m in _messages(refused))


def test_a_deposit_recorded_shows_on_both_sides_and_reaches_the_invoice(client, electronics, buyer):
    stranger = make_buyer()
    order = accepted_order(electronics, buyer, [("USB-1", 200)], when=PLACED)
    with clock.frozen(PLACED):
        html = _page(client, electronics.seller_user, order)
        assert 'data-testid="packaging-deposit-form"' in html and PALLET in html
        assert "Art. 6.4" in html
        assert 'data-testid="packaging"' not in _page(client, buyer.user, order)  # nothing yet
        done = _deposit(
            client,
            electronics.seller_user,
            order,
            item=PALLET,
            quantity="3",
            unit_deposit="15,00",
        )
    assert any("F10" in m for m in _messages(done))
    deposit = PackagingDeposit.objects.get(order=order)
    assert (deposit.quantity, deposit.unit_deposit) == (3, Decimal("15.00"))
    table = done.content.decode().split('data-testid="packaging-deposits"')[1]
    assert "45,00" in table and "Palette consignée" in table
    buyer_html = _page(client, buyer.user, order)
    assert 'data-testid="packaging-deposits"' in buyer_html and "45,00" in buyer_html
    assert 'data-testid="packaging-deposit-form"' not in buyer_html  # read-only for the buyer
    client.force_login(stranger.user)
    assert client.get(reverse("web:order_detail", args=[order.number])).status_code == 404
    ship_all(electronics, order, when=SHIPPED)  # invoiced at shipment (I1)
    order.refresh_from_db()
    [line] = [x for x in order.invoice.lines.all() if x.description.startswith("Consigne")]
    assert line.net_amount == Decimal("45.00") and line.vat_rate == Decimal("0.00")
    with clock.frozen(at(2026, 5, 20, 10)):
        packaging_return_record(
            actor=electronics.seller_user,
            buyer_id=buyer.org.pk,
            seller_id=electronics.seller.pk,
            item=PALLET,
            quantity=2,
            returned_on=date(2026, 5, 20),
            clean=True,
        )
    buyer_html = _page(client, buyer.user, order)
    assert order.invoice.number in buyer_html.split('data-testid="packaging-deposits"')[1]
    returns = buyer_html.split('data-testid="packaging-returns"')[1]
    assert "20/05/2026" in returns and "30,00" in returns


def test_deposit_refusals_come_back_with_their_rule(client, electronics, buyer):
    order = accepted_order(electronics, buyer, [("USB-1", 20)], when=PLACED)
    other_seller = make_shop("electronics-wholesale", [("USB-9", "8.00", 1, 500)])
    url = reverse("web:packaging_deposit", args=[order.number])
    with clock.frozen(PLACED):
        zero = _deposit(client, electronics.seller_user, order, item=PALLET, quantity="0")
        assert any("F10" in m for m in _messages(zero))
        no_unit = _deposit(client, electronics.seller_user, order, item=PALLET, quantity="2")
        assert any("F10" in m for m in _messages(no_unit))
        unknown = _deposit(
            client, electronics.seller_user, order, item="Bocal", quantity="2", unit_deposit="1"
        )
        assert any("F10" in m for m in _messages(unknown))
        as_buyer = _deposit(client, buyer.user, order, item=PALLET, quantity="2", unit_deposit="15")
        assert any("P4" in m for m in _messages(as_buyer))
        client.force_login(other_seller.seller_user)
        assert client.post(url, {"item": PALLET, "quantity": "2"}).status_code == 404
    assert not PackagingDeposit.objects.filter(order=order).exists()


def _return(client, user, order: Order, **form: str):
    client.force_login(user)
    return client.post(reverse("web:packaging_return", args=[order.number]), form, follow=True)


def test_the_seller_records_packaging_taken_back_once_per_form(client, electronics, buyer):
    order = accepted_order(electronics, buyer, [("USB-1", 200)], when=PLACED)
    with clock.frozen(PLACED):
        assert 'data-testid="packaging-return-form"' not in _page(
            client, electronics.seller_user, order
        )  # nothing deposited yet
        _deposit(
            client, electronics.seller_user, order, item=PALLET, quantity="3", unit_deposit="15"
        )
    with clock.frozen(at(2026, 5, 20, 10)):
        html = _page(client, electronics.seller_user, order)
        assert 'data-testid="packaging-return-form"' in html
        assert 'data-testid="packaging-return-form"' not in _page(client, buyer.user, order)
        form = {"item": PALLET, "quantity": "2", "clean": "yes", "request_key": "k-1"}
        done = _return(client, electronics.seller_user, order, **form)
        again = _return(client, electronics.seller_user, order, **form)  # a double click
        assert any("F10" in m for m in _messages(done)) and again.status_code == 200
    [row] = PackagingReturn.objects.filter(buyer=buyer.org)
    assert (row.quantity, row.returned_on, row.returned_clean) == (2, date(2026, 5, 20), True)
    assert row.refund_due == Decimal("30.00")
    returns = _page(client, buyer.user, order).split('data-testid="packaging-returns"')[1]
    assert "20/05/2026" in returns and "30,00" in returns


def test_packaging_return_refusals_come_back_with_their_rule(client, electronics, buyer):
    order = accepted_order(electronics, buyer, [("USB-1", 200)], when=PLACED)
    with clock.frozen(PLACED):
        _deposit(
            client, electronics.seller_user, order, item=PALLET, quantity="3", unit_deposit="15"
        )
    seller = electronics.seller_user
    with clock.frozen(at(2026, 5, 20, 10)):
        client.cookies["django_language"] = "en"
        for form, words in (
            ({"item": PALLET, "quantity": "0"}, "F10"),
            ({"item": PALLET, "quantity": "x"}, "F10"),
            ({"item": "Bocal", "quantity": "1"}, "F10"),
            ({"item": PALLET, "quantity": "1", "returned_on": "31/05"}, "calendar"),
            ({"item": PALLET, "quantity": "1", "returned_on": "2026-05-21"}, "after today"),
        ):
            said = _messages(_return(client, seller, order, **form))
            assert any(words in m for m in said), (form, said)
        _return(client, seller, order, item=PALLET, quantity="1", request_key="k-2")
        reused = _return(client, seller, order, item=PALLET, quantity="2", request_key="k-2")
        assert any("already used" in m for m in _messages(reused))
        as_buyer = _messages(_return(client, buyer.user, order, item=PALLET, quantity="1"))
        assert any("Only the seller" in m for m in as_buyer)
        client.force_login(make_buyer().user)
        url = reverse("web:packaging_return", args=[order.number])
        assert client.post(url, {"item": PALLET, "quantity": "1"}).status_code == 404
    assert PackagingReturn.objects.filter(buyer=buyer.org).count() == 1  # only k-2's first
