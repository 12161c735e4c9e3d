"""The EDI API and page (O14): a buyer sends its ORDERS in its own name only, each company sees
its own messages and downloads their text; another company's message answers 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comptoir.core import clock
from comptoir.edi.models import EdiMessage
from comptoir.ordering.models import Order
from comptoir.parties import services
from tests.edi.conftest import ORDERED_AT, orders_text, sample

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(ORDERED_AT)
    yield
    clock.freeze(None)


def bearer(user, org, *scopes: str) -> dict[str, str]:
    token = services.api_key_create(actor=user, organization=org, name="ERP", scopes=scopes)[1]
    return {"Authorization": f"Bearer {token}"}


def test_buyer_posts_text_and_reads_its_messages(pair):
    client = Client(enforce_csrf_checks=True)
    headers = bearer(pair.buyer.user, pair.buyer.org, "place_orders", "view_orders")
    response = client.post(
        "/api/edi/interchanges",
        sample("orders_two_messages.edi"),  # sent as Latin-1, the UNOC character set
        content_type="text/plain; charset=iso-8859-1",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["accepted"], body["refused"]) == (2, 0)
    assert body["messages"][0]["document_number"] == "PO-2026-0451"
    assert body["messages"][0]["order"].startswith("CO-2026-")
    again = client.post(
        "/api/edi/interchanges",
        {"text": sample("orders_two_messages.edi")},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 200 and all(m["duplicate"] for m in again.json()["messages"])
    assert Order.objects.count() == 2

    listed = client.get("/api/edi/messages?direction=in&type=ORDERS", headers=headers)
    assert listed.status_code == 200 and listed.json()["count"] == 2
    assert client.get("/api/edi/messages?direction=out", headers=headers).json()["count"] == 0
    assert client.get("/api/edi/messages?type=XXX", headers=headers).status_code == 422
    message_id = body["messages"][0]["id"]
    raw = client.get(f"/api/edi/messages/{message_id}/raw", headers=headers)
    assert raw.status_code == 200 and "PO-2026-0451" in raw.content.decode()
    assert raw["Content-Disposition"].startswith("attachment; filename=")


def test_refusals_come_back_with_their_place_and_rule(pair):
    headers = bearer(pair.buyer.user, pair.buyer.org, "place_orders")
    text = orders_text(lines=(("4006381333931", "", "2"),))
    response = Client().post(
        "/api/edi/interchanges", {"text": text}, content_type="application/json", headers=headers
    )
    [message] = response.json()["messages"]
    assert message["status"] == "refused"
    assert message["errors"][0] | {"message": ""} == {
        "code": "unknown_item",
        "message": "",
        "rule": "C1",
        "segment": 6,
        "tag": "LIN",
        "line": 1,
    }


def test_nobody_sends_in_another_company_name(pair):
    other = bearer(pair.other.user, pair.other.org, "place_orders", "view_orders")
    response = Client().post(
        "/api/edi/interchanges",
        {"text": orders_text()},
        content_type="application/json",
        headers=other,
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not EdiMessage.objects.exists() and not Order.objects.exists()
    seller = bearer(pair.shop.seller_user, pair.shop.seller, "place_orders")
    response = Client().post(
        "/api/edi/interchanges",
        {"text": orders_text()},
        content_type="application/json",
        headers=seller,
    )
    assert response.status_code == 403


def test_a_key_without_place_orders_cannot_send(pair):
    headers = bearer(pair.buyer.user, pair.buyer.org, "view_orders")
    response = Client().post(
        "/api/edi/interchanges",
        {"text": orders_text()},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403


def test_tenant_isolation_of_messages(pair):
    buyer = bearer(pair.buyer.user, pair.buyer.org, "place_orders", "view_orders")
    posted = Client().post(
        "/api/edi/interchanges",
        {"text": orders_text()},
        content_type="application/json",
        headers=buyer,
    )
    message_id = posted.json()["messages"][0]["id"]
    other = bearer(pair.other.user, pair.other.org, "view_orders")
    assert Client().get(f"/api/edi/messages/{message_id}/raw", headers=other).status_code == 404
    assert Client().get("/api/edi/messages", headers=other).json()["count"] == 0
    seller = bearer(pair.shop.seller_user, pair.shop.seller, "view_orders")
    assert Client().get(f"/api/edi/messages/{message_id}/raw", headers=seller).status_code == 200
    assert Client().get("/api/edi/messages", headers=seller).json()["count"] == 1


def test_page_lists_and_uploads_for_a_buyer(client, pair):
    client.force_login(pair.buyer.user)
    page = client.get("/edi/")
    assert page.status_code == 200 and 'data-testid="edi-upload"' in page.content.decode()
    upload = SimpleUploadedFile(
        "orders.edi", sample("orders_two_messages.edi").encode("iso8859-1"), "text/plain"
    )
    response = client.post("/edi/upload/", {"file": upload}, follow=True)
    content = response.content.decode()
    assert response.status_code == 200 and "PO-2026-0451" in content
    assert Order.objects.filter(channel="edi", buyer=pair.buyer.org).count() == 2
    message = EdiMessage.objects.order_by("pk").first()
    download = client.get(f"/edi/{message.pk}/download/")
    assert download.status_code == 200 and b"PO-2026-0451" in download.content
    assert "ORDERS" in client.get("/edi/?type=ORDERS&direction=in").content.decode()
    assert "PO-2026-0451" not in client.get("/edi/?direction=out").content.decode()


def test_page_shows_refusals_and_hides_other_companies(client, pair):
    client.force_login(pair.buyer.user)
    bad = orders_text(lines=(("4006381333931", "", "2"),))
    upload = SimpleUploadedFile("bad.edi", bad.encode(), "text/plain")
    response = client.post("/edi/upload/", {"file": upload}, follow=True)
    assert "4006381333931" in response.content.decode()  # the problem, named
    message = EdiMessage.objects.get()
    client.force_login(pair.other.user)
    assert client.get(f"/edi/{message.pk}/download/").status_code == 404
    assert "PO-9001" not in client.get("/edi/").content.decode()


def test_seller_sees_messages_but_has_no_upload(client, pair):
    Client().post(
        "/api/edi/interchanges",
        {"text": orders_text()},
        content_type="application/json",
        headers=bearer(pair.buyer.user, pair.buyer.org, "place_orders"),
    )
    client.force_login(pair.shop.seller_user)
    page = client.get("/edi/").content.decode()
    assert "PO-9001" in page and 'data-testid="edi-upload"' not in page
    upload = SimpleUploadedFile("x.edi", orders_text().encode(), "text/plain")
    assert client.post("/edi/upload/", {"file": upload}).status_code == 404
