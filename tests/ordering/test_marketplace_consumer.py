"""O17 in the one-step marketplace checkout (O1, K1): a natural person orders as a consumer from
every seller at once, with the digital/service waiver; each seller's section shows each line's
withdrawal right; a seller selling to professionals only, while included, places nothing at all
(named, with O17); without the consumer box the checkout is a professional's, as before."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from comptoir.catalog.models import StockLevel
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import CartLine, Order
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.rules import consumers_served_check
from comptoir.ordering.services import Signature, Submission, orders_place
from comptoir.ordering.services.carts import cart_line_set
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop
from tests.web.test_marketplace_checkout import _form

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=clock.PARIS)
PAGE = "web:marketplace_checkout"
CONFIRM = "web:marketplace_confirm"
JARS = [("MIEL-12", 24)]
SOFTWARE = [("LIC-PRO", 1), ("BOX-PRO", 1)]
USB = [("USB-C", 10)]


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def jars() -> Shop:
    """Seed 001 (monthly-intranet) serves consumers."""
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


@pytest.fixture
def software() -> Shop:
    """Seed 004 (digital-goods) serves consumers: a licence key and boxed software."""
    return make_shop(
        "digital-goods",
        [("LIC-PRO", "99.00", 1, None), ("BOX-PRO", "129.00", 1, 10)],
        kinds={"LIC-PRO": "license_key"},
    )


@pytest.fixture
def electronics() -> Shop:
    """Seed 002 (electronics-wholesale) sells to professionals only."""
    return make_shop("electronics-wholesale", [("USB-C", "4.20", 1, 500)])


@pytest.fixture
def person() -> Buyer:
    return make_buyer(person=True)


def _sub(shop: Shop, buyer: Buyer, lines, key: str, **kw) -> Submission:
    return Submission(
        buyer=buyer.org,
        seller=shop.seller,
        lines=tuple(LineRequest(sku, qty) for sku, qty in lines),
        accepted_terms_version=shop.version.version,
        idempotency_key=key,
        **kw,
    )


def _place(buyer: Buyer, *subs: Submission) -> list:
    return orders_place(actor=buyer.user, submissions=subs, signature=Signature("192.0.2.1"))


# ------------------------------------------------------------------------------ the service


def test_the_rule_names_every_seller_for_professionals_only():
    consumers_served_check([(1, "Miel", True), (2, "Logiciels", True)])
    with pytest.raises(DomainError) as refused:
        consumers_served_check([(1, "Miel", True), (2, "Volt", False), (3, "Ohm", False)])
    assert (refused.value.code, refused.value.rule) == ("consumers_not_served", "O17")
    assert "Volt, Ohm" in refused.value.message and "Miel" not in refused.value.message
    assert refused.value.details["sellers"] == [{"id": 2, "name": "Volt"}, {"id": 3, "name": "Ohm"}]


def test_a_consumer_orders_from_two_sellers_serving_consumers(jars, software, person):
    outcomes = _place(
        person,
        _sub(jars, person, JARS, "c-1", as_consumer=True, withdrawal_waiver=True),
        _sub(software, person, SOFTWARE, "c-2", as_consumer=True, withdrawal_waiver=True),
    )
    assert all(isinstance(o, Order) for o in outcomes)
    honey, licences = outcomes
    assert honey.consumer and licences.consumer
    assert honey.withdrawal_waiver and licences.withdrawal_waiver
    assert honey.withdrawal_from == "delivery"
    # the waiver excludes the licence key (L221-28 13°), the boxed software keeps the right
    lic = licences.lines.get(sku="LIC-PRO")
    assert lic.withdrawal_exception == "digital_content_started_with_waiver"
    assert licences.events.get(action="place").data["consumer"]["waiver"] is True


def test_a_seller_for_professionals_only_refuses_the_whole_checkout_before_anything(
    jars, software, electronics, person
):
    with pytest.raises(DomainError) as refused:
        _place(
            person,
            _sub(jars, person, JARS, "m-1", as_consumer=True),
            _sub(electronics, person, USB, "m-2", as_consumer=True),
            _sub(software, person, SOFTWARE, "m-3", as_consumer=True),
        )
    error = refused.value
    assert (error.code, error.rule, error.field) == ("consumers_not_served", "O17", "as_consumer")
    assert electronics.seller.display_name in error.message
    assert error.details["sellers"] == [
        {"id": electronics.seller.pk, "name": electronics.seller.display_name}
    ]
    # nothing half-placed: no order, no stock held (the first seller was not placed either)
    assert not Order.objects.exists()
    assert StockLevel.objects.filter(reserved__gt=0).count() == 0


def test_a_company_asking_as_a_consumer_places_nothing(jars, software):
    company = make_buyer()
    with pytest.raises(DomainError) as refused:
        _place(
            company,
            _sub(jars, company, JARS, "k-1"),
            _sub(software, company, SOFTWARE, "k-2", as_consumer=True),
        )
    assert (refused.value.code, refused.value.rule) == ("consumer_must_be_a_person", "O17")
    assert not Order.objects.exists()


def test_a_professional_checkout_is_unchanged(jars, electronics, person):
    """The same person buying for its trade: every seller, consumers served or not."""
    outcomes = _place(
        person, _sub(jars, person, JARS, "p-1"), _sub(electronics, person, USB, "p-2")
    )
    assert all(isinstance(o, Order) and not o.consumer for o in outcomes)


def test_a_seller_s_own_refusal_still_binds_no_other_consumer_order(jars, software, person):
    """O1 stays for what only one seller decides (here: too little stock, O13)."""
    honey, boxes = _place(
        person,
        _sub(jars, person, JARS, "s-1", as_consumer=True),
        _sub(software, person, [("BOX-PRO", 11)], "s-2", as_consumer=True),
    )
    assert isinstance(honey, Order) and honey.consumer
    assert isinstance(boxes, DomainError) and boxes.code == "insufficient_stock"


# ------------------------------------------------------------------------------ the page


def _carts(buyer: Buyer, *shops_lines) -> None:
    for shop, lines in shops_lines:
        for sku, quantity in lines:
            cart_line_set(
                actor=buyer.user, buyer=buyer.org, seller=shop.seller, sku=sku, quantity=quantity
            )


def _consumer_form(html: str, *shops: Shop, waiver: bool = False) -> dict:
    form = _form(html, *(s.seller for s in shops), as_consumer="yes")
    if waiver:
        form["withdrawal_waiver"] = "yes"
    return form


def test_the_page_orders_as_a_consumer_from_two_sellers(client, jars, software, person):
    _carts(person, (jars, JARS), (software, SOFTWARE))
    client.force_login(person.user)
    plain = client.get(reverse(PAGE)).content.decode()
    assert 'data-testid="consumer"' in plain and 'data-testid="withdrawal"' not in plain
    assert f'hx-get="{reverse(PAGE)}"' in plain and 'hx-target="#checkout-sellers"' in plain
    # ticking the boxes (htmx): the sellers' sections only, each line's withdrawal right
    htmx = client.get(
        reverse(PAGE), {"as_consumer": "yes", "withdrawal_waiver": "yes"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in htmx and 'id="checkout-status" hx-swap-oob' in htmx
    assert htmx.count('data-testid="withdrawal"') == 2  # one table per seller
    for sku in ("MIEL-12", "LIC-PRO", "BOX-PRO"):
        assert f'data-testid="withdrawal-{sku}"' in htmx
    lic = htmx.split('data-testid="withdrawal-LIC-PRO"')[1].split("</tr>")[0]
    assert "L221-28 13°" in lic and "<td>—</td>" in lic  # excluded: no period runs
    page = client.get(reverse(PAGE), {"as_consumer": "yes", "withdrawal_waiver": "yes"})
    html = page.content.decode()
    assert 'name="as_consumer" value="yes" aria-describedby="as-consumer-help" checked' in html
    response = client.post(reverse(CONFIRM), _consumer_form(html, jars, software, waiver=True))
    assert response.status_code == 302
    orders = list(Order.objects.order_by("pk"))
    assert len(orders) == 2 and all(o.consumer and o.withdrawal_waiver for o in orders)
    assert not CartLine.objects.exists()


def test_the_page_refuses_a_consumer_checkout_with_a_seller_for_professionals(
    client, jars, electronics, person
):
    _carts(person, (jars, JARS), (electronics, USB))
    client.force_login(person.user)
    html = client.get(reverse(PAGE), {"as_consumer": "yes"}).content.decode()
    section = html.split(f'data-seller="{electronics.seller.pk}"')[1].split("</section>")[0]
    assert 'data-testid="consumer-refused"' in section and "(O17)" in section
    assert 'name="accept_terms_' not in section  # nothing to sign with that seller
    form = _consumer_form(html, jars)
    form["seller"] = [str(jars.seller.pk), str(electronics.seller.pk)]  # kept in the checkout
    refused = client.post(reverse(CONFIRM), form)
    assert refused.status_code == 400
    page = refused.content.decode()
    errors = page.split('data-testid="checkout-errors"')[1].split("</article>")[0]
    assert electronics.seller.display_name in errors and "(O17)" in errors
    assert f"consumer_{electronics.seller.pk}" in errors
    assert not Order.objects.exists()  # nothing placed, not even the honey
    assert CartLine.objects.count() == 2
    # left out, the consumer's order goes to the seller serving consumers only
    form["seller"] = [str(jars.seller.pk)]
    assert client.post(reverse(CONFIRM), form).status_code == 302
    order = Order.objects.get()
    assert order.seller == jars.seller and order.consumer
    assert CartLine.objects.filter(cart__seller=electronics.seller).exists()


def test_without_the_consumer_box_the_page_orders_as_a_professional(
    client, jars, electronics, person
):
    _carts(person, (jars, JARS), (electronics, USB))
    client.force_login(person.user)
    html = client.get(reverse(PAGE)).content.decode()
    assert 'data-testid="consumer-refused"' not in html
    response = client.post(reverse(CONFIRM), _form(html, jars.seller, electronics.seller))
    assert response.status_code == 302
    assert sorted(o.consumer for o in Order.objects.all()) == [False, False]
    assert Order.objects.count() == 2


def test_a_company_sees_no_consumer_box_and_orders_as_a_professional(client, jars, software):
    company = make_buyer()
    _carts(company, (jars, JARS), (software, SOFTWARE))
    client.force_login(company.user)
    html = client.get(reverse(PAGE), {"as_consumer": "yes"}).content.decode()
    assert 'data-testid="consumer"' not in html and 'data-testid="withdrawal"' not in html
    form = _form(html, jars.seller, software.seller, as_consumer="yes")
    assert client.post(reverse(CONFIRM), form).status_code == 302
    assert [o.consumer for o in Order.objects.all()] == [False, False]
