"""A charge of fulfilment (F7) and a packaging return (F10) explain themselves in the reader's
language on the order page and in the API, while the French stays stored for the invoice's line
and the record (notes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.core import clock
from comptoir.fulfilment.models import Charge
from comptoir.fulfilment.services import (
    delivery_refuse,
    packaging_deposit_record,
    packaging_return_record,
)
from tests.fulfilment.conftest import accepted_order, at, ship_all
from tests.ordering.conftest import make_buyer, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def beauty(db):
    return make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])


def test_a_refused_delivery_fee_reads_in_english_and_keeps_its_french_record(beauty, client):
    buyer = make_buyer()
    order = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 11, 5, 10))
    shipment = ship_all(beauty, order, when=at(2026, 11, 6, 9))
    with clock.frozen(at(2026, 11, 9, 9)):
        refusal = delivery_refuse(
            actor=beauty.seller_user,
            shipment_id=shipment.pk,
            reason="Le client a refusé le colis sans motif.",
            valid_reason=False,
        )
    charge = Charge.objects.get(refusal=refusal)
    # the record, which the invoice's line carries
    assert charge.explanation.startswith(
        f"Livraison {shipment.number} refusée sans juste motif : frais de dossier de "
        "24,00\u00a0€ HT."
    )
    assert "Art. 3" in charge.explanation
    with translation.override("en"):
        english = charge.explanation_text
    assert english.startswith(
        f"Delivery {shipment.number} refused without a valid reason: handling fee of €24.00 "
        "excl. VAT."
    )
    assert "Art. 3" in english  # the clause is quoted as the terms write it

    client.force_login(buyer.user)
    client.cookies["django_language"] = "en"
    with clock.frozen(at(2026, 11, 9, 10)):
        page = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
    assert "handling fee of €24.00 excl. VAT" in page and "refusée sans juste motif" not in page


def test_a_packaging_return_explains_itself_in_each_language(client):
    shop = make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])
    buyer = make_buyer()
    when = at(2026, 11, 16, 10)
    order = accepted_order(shop, buyer, [("USB-1", 200)], when=when)
    with clock.frozen(when):
        packaging_deposit_record(
            actor=shop.seller_user,
            order_id=order.pk,
            item="Palette consignée",
            quantity=3,
            unit_deposit=Decimal("15"),
        )
        dirty = packaging_return_record(
            actor=shop.seller_user,
            buyer_id=buyer.org.pk,
            seller_id=shop.seller.pk,
            item="Palette consignée",
            quantity=1,
            returned_on=date(2026, 11, 21),
            clean=False,
        )
    assert dirty.explanation.startswith(
        "Emballages rendus sales ou étiquetés : consigne non remboursée."
    )
    with translation.override("en"):
        assert dirty.explanation_text.startswith(
            "Packaging returned dirty or labelled: deposit not refunded."
        )

    client.force_login(shop.seller_user)
    answer = client.get(f"/api/orders/{order.number}/packaging", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200, answer.content
    (returned,) = answer.json()["returns"]
    assert returned["explanation"].startswith("Packaging returned dirty or labelled")
