"""O17 before placing, through the faces: the cart page (the consumer box, htmx) and the API
quote show each line's withdrawal right, why a line has none, the seller's clause and the
period that would run; a company gets none of it."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from comptoir.catalog.services import product_update
from comptoir.core import clock
from comptoir.ordering.services.carts import cart_line_set
from comptoir.terms.loader import preset_text
from tests.ordering.conftest import make_buyer, make_shop

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=clock.PARIS)
LINES = [("FRAISES", 10), ("MIEL-12", 2)]


@pytest.fixture
def food():
    """Seed 001 (monthly-intranet) serving consumers, its withdrawal clause listing the
    hygiene and the perishable-goods exceptions; strawberries are perishable (L221-28 4°)."""
    text = preset_text("monthly-intranet")
    old = 'exceptions = ["hygiene_goods_unsealed"]'
    assert old in text
    shop = make_shop(
        "monthly-intranet",
        [("FRAISES", "4.00", 1, 100), ("MIEL-12", "6.50", 1, 100)],
        vat="5.5",
        source=text.replace(old, 'exceptions = ["hygiene_goods_unsealed", "perishable_goods"]'),
    )
    product_update(
        actor=shop.seller_user, product=shop.products["FRAISES"], withdrawal_nature="perishable"
    )
    return shop


def _cart(shop, buyer) -> str:
    for sku, quantity in LINES:
        with clock.frozen(NOW):
            cart_line_set(
                actor=buyer.user, buyer=buyer.org, seller=shop.seller, sku=sku, quantity=quantity
            )
    return reverse("web:cart", args=[shop.seller.pk])


def test_the_cart_shows_each_line_s_withdrawal_right_when_ordering_as_a_consumer(client, food):
    person = make_buyer(person=True)
    url = _cart(food, person)
    client.force_login(person.user)
    with clock.frozen(NOW):
        plain = client.get(url).content.decode()
        htmx = client.get(url, {"as_consumer": "yes"}, headers={"HX-Request": "true"})
    assert 'data-testid="withdrawal"' not in plain  # a professional's cart: nothing to show
    assert (
        'hx-get="' + url + '"' in plain and 'hx-include="#consumer-choice, #voucher-code"' in plain
    )
    page = htmx.content.decode()
    assert htmx.status_code == 200 and "<html" not in page  # the cart fragment only
    assert "Commander en tant que particulier" in page  # pages render French by default
    assert 'id="as-consumer" name="as_consumer" value="yes"' in page
    assert 'aria-describedby="as-consumer-help" checked' in page  # the box stays ticked
    strawberries = page.split('data-testid="withdrawal-FRAISES"')[1].split("</tr>")[0]
    assert "Pas de droit de rétractation : bien susceptible de se détériorer" in strawberries
    assert "(C. conso. L221-28 4°)" in strawberries
    assert "Art." in strawberries  # the seller's clause listing the exception
    honey = page.split('data-testid="withdrawal-MIEL-12"')[1].split("</tr>")[0]
    assert "Droit de rétractation, sauf si le bien est descellé" in honey
    assert "14 jours à compter de la réception du dernier lot" in honey
    assert "Pas de droit" not in honey


def test_changing_a_quantity_keeps_the_consumer_quote(client, food):
    person = make_buyer(person=True)
    _cart(food, person)
    client.force_login(person.user)
    with clock.frozen(NOW):
        answer = client.post(
            reverse("web:cart_update", args=[food.seller.pk]),
            {"sku": "MIEL-12", "quantity": "3", "as_consumer": "yes"},
            headers={"HX-Request": "true"},
        )
    page = answer.content.decode()
    assert 'hx-include="#consumer-choice, #voucher-code"' in page  # the boxes ride along
    assert 'data-testid="withdrawal-MIEL-12"' in page
    assert 'data-testid="withdrawal-FRAISES"' in page


def test_a_company_asking_for_the_consumer_view_gets_the_professional_cart(client, food):
    company = make_buyer()
    url = _cart(food, company)
    client.force_login(company.user)
    with clock.frozen(NOW):
        page = client.get(url, {"as_consumer": "yes"}).content.decode()
    assert 'data-testid="withdrawal"' not in page and 'name="as_consumer"' not in page


def test_terms_serving_no_consumers_offer_the_way_back(client):
    shop = make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])
    person = make_buyer(person=True)
    with clock.frozen(NOW):
        cart_line_set(
            actor=person.user, buyer=person.org, seller=shop.seller, sku="SER-1", quantity=6
        )
    url = reverse("web:cart", args=[shop.seller.pk])
    client.force_login(person.user)
    with clock.frozen(NOW):
        page = client.get(url, {"as_consumer": "yes"}).content.decode()
    assert 'data-testid="checkout"' not in page  # the terms refuse a consumer's order (O17)
    assert 'data-testid="consumer-back"' in page and f'href="{url}"' in page


def _quote(client, shop, **extra):
    body = {"lines": [{"sku": s, "quantity": q} for s, q in LINES], **extra}
    with clock.frozen(NOW):
        return client.post(
            f"/api/sellers/{shop.seller.pk}/quote", body, content_type="application/json"
        )


def test_the_api_quote_gives_each_line_its_withdrawal_as_a_consumer(client, food):
    person = make_buyer(person=True)
    client.force_login(person.user)
    answer = _quote(client, food, as_consumer=True)
    assert answer.status_code == 200, answer.json()
    lines = {line["sku"]: line["withdrawal"] for line in answer.json()["lines"]}
    strawberries, honey = lines["FRAISES"], lines["MIEL-12"]
    assert (strawberries["applies"], strawberries["rule"]) == (False, "O17")
    assert strawberries["exception"] == "perishable_goods"
    assert strawberries["law"] == "C. conso. L221-28 4°"
    assert strawberries["reason"]["en"].startswith("No withdrawal right: goods liable to")
    assert strawberries["clause"]["article"]
    assert strawberries["runs_from"] is None and strawberries["period"] is None
    assert honey["applies"] and honey["exception"] == "hygiene_goods_unsealed"
    assert (honey["runs_from"], honey["days"]) == ("delivery", 14)
    assert honey["waiver_effect"] is None
    plain = _quote(client, food)
    assert plain.status_code == 200
    assert all("withdrawal" not in line for line in plain.json()["lines"])


def test_the_api_quote_with_the_waiver_for_digital_content(client):
    shop = make_shop("digital-goods", [("KEY-1", "50.00", 1, None)], kind="license_key")
    person = make_buyer(person=True)
    client.force_login(person.user)
    body = {"lines": [{"sku": "KEY-1", "quantity": 1}], "as_consumer": True}
    with clock.frozen(NOW):
        without = client.post(
            f"/api/sellers/{shop.seller.pk}/quote", body, content_type="application/json"
        )
        waived = client.post(
            f"/api/sellers/{shop.seller.pk}/quote",
            {**body, "withdrawal_waiver": True},
            content_type="application/json",
        )
    kept = without.json()["lines"][0]["withdrawal"]
    assert kept["applies"] and kept["runs_from"] == "conclusion"
    assert kept["waiver_effect"]["en"].startswith("If you ask for immediate supply")
    lost = waived.json()["lines"][0]["withdrawal"]
    assert not lost["applies"] and lost["law"] == "C. conso. L221-28 13°"
    assert lost["clause"]["article"] == "Art. 7.2"


def test_a_company_cannot_get_a_consumer_quote(client, food):
    company = make_buyer()
    client.force_login(company.user)
    answer = _quote(client, food, as_consumer=True)
    assert answer.status_code == 422
    assert (answer.json()["code"], answer.json()["field"], answer.json()["rule"]) == (
        "consumer_must_be_a_person",
        "as_consumer",
        "O17",
    )
