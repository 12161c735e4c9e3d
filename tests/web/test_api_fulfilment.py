"""The buyers' side of fulfilment and billing through the API: shipments with parcels and delivery
(F2, F3), validation and contest (F4, F5), invoices and credit notes as JSON, PDF and Factur-X XML
(I5, I7, I9). Other companies get 404; the wrong side of the order 403; bad input 4xx."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.billing.services import credit_note_create, invoice_issue
from comptoir.catalog.models import Product, Tariff, TariffPrice
from comptoir.core import clock
from comptoir.fulfilment.services import shipment_create
from comptoir.ordering.models import Order
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_place
from comptoir.parties import services
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_org, make_user

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _publish(seller) -> None:
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=seller, preset="selective-beauty")
        terms_version_publish(version=draft)


def _owner_of(seller, email: str):
    user = make_user(email)
    services.membership_add(
        actor=make_operator_user(), organization=seller, user=user, is_owner=True
    )
    return user


@pytest.fixture
def ready(shop):
    """Buyer A's order of two lines, accepted on placing (the terms accept automatically)."""
    _publish(shop.seller)
    seller_user = _owner_of(shop.seller, "sales@seller.test")
    clock.freeze(datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS))
    shop.order = order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=(LineRequest("HD-001", 6), LineRequest("HD-002", 6)),
            accepted_terms_version=1,
            idempotency_key="api-fulfilment",
        ),
    )
    yield seller_user
    clock.freeze(None)


def _ship(client, number: str, body: dict):
    return client.post(f"/api/orders/{number}/shipments", body, content_type=JSON)


def _deliver(client, shipment_id: int, body: dict):
    return client.post(f"/api/shipments/{shipment_id}/delivery", body, content_type=JSON)


def test_ship_deliver_contest_then_validate(client, shop, ready):
    number = shop.order.number
    client.force_login(ready)
    first = _ship(
        client,
        number,
        {
            "carrier": "Colissimo",
            "parcels": ["6A1", "6A2"],
            "lines": [{"sku": "HD-001", "quantity": 6}],
        },
    )
    assert first.status_code == 201, first.content
    assert first.json()["state"] == "shipped" and first.json()["order"] == number
    assert [p["tracking_number"] for p in first.json()["parcels"]] == ["6A1", "6A2"]
    assert first.json()["lines"] == [
        {"sku": "HD-001", "title": "Crème hydratante 001", "quantity": 6}
    ]
    rest = _ship(client, number, {"carrier": "DPD", "parcels": ["DPD9"]})  # all that remains
    assert rest.status_code == 201 and rest.json()["lines"][0]["sku"] == "HD-002"

    client.force_login(shop.owner)
    page = client.get(f"/api/orders/{number}/shipments").json()
    assert page["count"] == 2 and page["contestation"] is None
    assert page["items"][0]["incoterm"] and page["items"][0]["delivery"] is None

    client.force_login(ready)
    damaged = _deliver(
        client,
        first.json()["id"],
        {"signed_by": "M. Martin", "reserves": [{"kind": "damaged", "text": "Carton écrasé"}]},
    )
    assert damaged.status_code == 200, damaged.content
    delivery = damaged.json()["delivery"]
    assert delivery["with_reserves"] is True and delivery["reserves"][0]["kind"] == "damaged"
    assert damaged.json()["state"] == "delivered"
    again = _deliver(client, first.json()["id"], {"signed_by": "M. Martin"})
    assert (again.status_code, again.json()["code"], again.json()["rule"]) == (
        422,
        "not_in_transit",
        "F3",
    )
    assert _deliver(client, rest.json()["id"], {"signed_by": "Mme Roux"}).status_code == 200

    client.force_login(shop.owner)
    page = client.get(f"/api/orders/{number}/shipments?state=delivered").json()
    assert page["count"] == 2
    window = page["contestation"]
    assert window["status"] == "open" and window["order_state"] == "delivered"
    assert window["deadline_on"] == "2026-12-02"  # 8 calendar days after receipt (F4)
    contested = client.post(
        f"/api/orders/{number}/contest",
        {"reason": "Deux pots cassés.", "lines": [{"sku": "HD-001", "quantity": 2}]},
        content_type=JSON,
    )
    assert contested.status_code == 200, contested.content
    assert contested.json()["status"] == "contested"
    assert contested.json()["lines"] == [
        {"line": shop.order.lines.get(sku="HD-001").pk, "sku": "HD-001", "quantity": 2}
    ]
    validated = client.post(f"/api/orders/{number}/validate")
    assert validated.status_code == 200
    assert (validated.json()["status"], validated.json()["order_state"]) == ("validated", "frozen")


def test_the_wrong_side_other_companies_and_bad_input(client, shop, ready):
    number = shop.order.number
    client.force_login(shop.owner)  # the buyer may not ship (F2 is the seller's act)
    assert _ship(client, number, {"carrier": "X", "parcels": ["1"]}).status_code == 403
    early = client.post(f"/api/orders/{number}/validate")
    assert (early.status_code, early.json()["code"], early.json()["rule"]) == (
        422,
        "not_delivered",
        "F4",
    )

    client.force_login(ready)
    unknown = _ship(
        client,
        number,
        {"carrier": "X", "parcels": ["1"], "lines": [{"sku": "NOPE", "quantity": 1}]},
    )
    assert (unknown.status_code, unknown.json()["field"], unknown.json()["rule"]) == (
        422,
        "lines[0].sku",
        "F2",
    )
    twice = _ship(client, number, {"carrier": "X", "parcels": ["1", "1"]})
    assert (twice.status_code, twice.json()["code"]) == (422, "duplicate_tracking")
    empty = _ship(client, number, {"carrier": "X", "parcels": []})
    assert (empty.status_code, empty.json()["code"], empty.json()["field"]) == (
        422,
        "invalid_input",
        "parcels",
    )
    shipped = _ship(client, number, {"carrier": "X", "parcels": ["1"]}).json()
    assert client.post(f"/api/orders/{number}/validate").status_code == 403  # the seller's side
    bad_kind = _deliver(
        client, shipped["id"], {"signed_by": "A", "reserves": [{"kind": "lost", "text": ""}]}
    )
    assert (bad_kind.status_code, bad_kind.json()["field"]) == (422, "reserves[0].kind")
    future = _deliver(client, shipped["id"], {"signed_by": "A", "delivered_on": "2026-12-24"})
    assert (future.status_code, future.json()["code"]) == (422, "invalid_delivery_date")
    assert _deliver(client, 2**62, {"signed_by": "A"}).status_code == 404
    assert _deliver(client, 2**62 + 1, {"signed_by": "A"}).status_code == 422

    client.force_login(shop.other_owner)  # buyer B: the order and its shipment do not exist
    assert client.get(f"/api/orders/{number}/shipments").status_code == 404
    assert _deliver(client, shipped["id"], {"signed_by": "A"}).status_code == 404
    contest = client.post(f"/api/orders/{number}/contest", {"reason": "x"}, content_type=JSON)
    assert contest.status_code == 404


def test_a_key_needs_place_orders_to_act(client, shop, ready):
    token = services.api_key_create(
        actor=ready, organization=shop.seller, name="WMS", scopes=["view_orders"]
    )[1]
    headers = {"Authorization": f"Bearer {token}"}
    number = shop.order.number
    listed = client.get(f"/api/orders/{number}/shipments", headers=headers)
    assert listed.status_code == 200 and listed.json()["count"] == 0
    refused = client.post(
        f"/api/orders/{number}/shipments",
        {"carrier": "X", "parcels": ["1"]},
        content_type=JSON,
        headers=headers,
    )
    assert refused.status_code == 403 and refused.json()["rule"] == "P4"


# --- invoices and credit notes ------------------------------------------------------------------


def _shipped(client, seller_user, number: str) -> None:
    client.force_login(seller_user)
    assert _ship(client, number, {"carrier": "X", "parcels": ["1"]}).status_code == 201


def test_invoices_as_json_pdf_and_xml(client, shop, ready):
    _shipped(client, ready, shop.order.number)  # invoiced at shipment (I1)
    client.force_login(shop.owner)
    page = client.get("/api/invoices").json()
    assert page["count"] == 1
    item = page["items"][0]
    number = item["number"]
    assert number.startswith("F-2026-") and item["order"] == shop.order.number
    assert (item["issuer_id"], item["recipient_id"]) == (shop.seller.pk, shop.approved_buyer.pk)
    assert Decimal(item["open_amount"]) == Decimal(item["total_incl_vat"]) > 0
    assert item["payment_status"] == "open"

    detail = client.get(f"/api/invoices/{number}").json()
    assert [line["sku"] for line in detail["lines"]] == ["HD-001", "HD-002"]
    assert detail["vat_breakdown"][0]["rate"] == "20.00" and detail["credit_notes"] == []
    assert any(m["code"] for m in detail["mentions"])
    xml = client.get(f"/api/invoices/{number}.xml")
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    assert number.encode() in xml.content and b"CrossIndustryInvoice" in xml.content
    pdf = client.get(f"/api/invoices/{number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    client.force_login(shop.other_owner)  # buyer B: neither listed nor readable
    assert client.get("/api/invoices").json()["count"] == 0
    for suffix in ("", ".pdf", ".xml"):
        assert client.get(f"/api/invoices/{number}{suffix}").status_code == 404
    client.force_login(shop.employee_no_prices)  # without view_invoices (P4)
    assert client.get("/api/invoices").status_code == 403
    assert client.get(f"/api/invoices/{number}").status_code == 403


def test_invoice_filters_and_credit_notes(client, shop, ready):
    _shipped(client, ready, shop.order.number)
    invoice = Order.objects.get(pk=shop.order.pk).invoice
    note = credit_note_create(invoice_id=invoice.pk, reason="Casse", actor=ready)
    note = invoice_issue(invoice_id=note.pk, actor=ready, enqueue_render=False)
    client.force_login(shop.owner)

    def count(query: str) -> int:
        response = client.get(f"/api/invoices?{query}")
        assert response.status_code == 200, response.content
        return response.json()["count"]

    assert count("") == 2 and count("kind=credit_note") == 1 and count("kind=invoice") == 1
    assert count("role=received") == 2 and count("role=issued") == 0
    assert (
        count(f"issuer_id={shop.seller.pk}") == 2 and count(f"issuer_id={shop.other_buyer.pk}") == 0
    )
    assert count("issued_from=2026-11-24&issued_to=2026-11-24") == 2
    assert count("issued_from=2026-11-25") == 0 and count("issued_to=2026-11-23") == 0
    # the credit note settles the invoice it corrects (I5): nothing open on either
    assert count("status=settled") == 2 and count("status=open") == 0
    assert count("status=overdue") == 0
    assert count("offset=1&limit=1") == 2
    page = client.get("/api/invoices?offset=1&limit=1").json()
    assert len(page["items"]) == 1 and (page["offset"], page["limit"]) == (1, 1)
    credit = client.get("/api/invoices?kind=credit_note").json()["items"][0]
    assert credit["number"] == note.number and credit["credited_invoice"] == invoice.number
    detail = client.get(f"/api/invoices/{invoice.number}").json()
    assert detail["credit_notes"] == [note.number]
    bad = client.get("/api/invoices?status=unpaid")
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (
        422,
        "invalid_input",
        "status",
    )
    assert client.get("/api/invoices?issued_from=yesterday").status_code == 422

    client.force_login(ready)  # the seller sees them as issued
    assert count("role=issued") == 2 and count(f"recipient_id={shop.approved_buyer.pk}") == 2


def _second_seller_invoices(shop) -> None:
    """Another seller invoices buyer A: its own series starts at the same number (I9)."""
    seller = make_org(seller=True, name="Autre Vendeur")
    _publish(seller)
    tariff = Tariff.objects.create(seller=seller, name="T", valid_from=date(2026, 1, 1))
    product = Product.objects.create(
        seller=seller, sku="AV-1", title="Savon", vat_rate=Decimal("20.00"), pack_size=1
    )
    TariffPrice.objects.create(tariff=tariff, product=product, unit_price=Decimal("12.50"))
    order = order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=seller,
            lines=(LineRequest("AV-1", 12),),
            accepted_terms_version=1,
            idempotency_key="second-seller",
        ),
    )
    shipment_create(
        actor=None,
        order_id=order.pk,
        lines={line.pk: line.quantity for line in order.lines.all()},
        carrier="X",
        parcels=["2"],
    )
    shop.second_seller = seller


def test_one_number_from_two_issuers_needs_the_issuer(client, shop, ready):
    _shipped(client, ready, shop.order.number)
    _second_seller_invoices(shop)
    client.force_login(shop.owner)
    numbers = [i["number"] for i in client.get("/api/invoices").json()["items"]]
    assert len(numbers) == 2 and numbers[0] == numbers[1]
    ambiguous = client.get(f"/api/invoices/{numbers[0]}")
    assert (ambiguous.status_code, ambiguous.json()["code"], ambiguous.json()["field"]) == (
        422,
        "ambiguous_number",
        "issuer_id",
    )
    mine = client.get(f"/api/invoices/{numbers[0]}?issuer_id={shop.second_seller.pk}")
    assert mine.status_code == 200 and mine.json()["lines"][0]["sku"] == "AV-1"
    xml = client.get(f"/api/invoices/{numbers[0]}.xml?issuer_id={shop.seller.pk}")
    assert xml.status_code == 200 and b"HD-001" in xml.content
