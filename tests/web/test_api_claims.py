"""Claims through the API (A5): the buyer opens one with files (multipart), both sides reply and
close, the thread and its files for the order's two parties only; opening and replying replayed
with their `Idempotency-Key` create once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.core import clock
from comptoir.fulfilment.models import Claim, ClaimMessage
from comptoir.ordering.models import Order
from tests.fulfilment.conftest import accepted_order, at, deliver, ship_all
from tests.ordering.conftest import make_buyer, make_shop

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def marketplace(db):
    return make_shop("marketplace", [("VASE-1", "40.00", 1, 20)])


@pytest.fixture
def buyer(db):
    return make_buyer()


@pytest.fixture
def delivered(marketplace, buyer) -> Order:
    order = accepted_order(marketplace, buyer, [("VASE-1", 3)])
    deliver(marketplace, ship_all(marketplace, order))
    order.refresh_from_db()
    return order


def _photo(name: str = "casse.png", content: bytes = PNG, kind: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=kind)


def _post(client, user, path: str, data: dict | None = None, key: str | None = None):
    client.force_login(user)
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, data or {}, headers=headers)


def test_a_claim_opened_once_answered_and_closed(client, marketplace, buyer, delivered):
    seller, other = marketplace.seller_user, make_buyer()
    url = f"/api/orders/{delivered.number}/claims"
    form = {"subject": "Vase cassé", "body": "Un vase est arrivé fendu."}
    with clock.frozen(at(2026, 12, 26, 10)):
        assert _post(client, buyer.user, url, form).status_code == 422  # no Idempotency-Key
        by_seller = _post(client, seller, url, form, key="c1")
        assert (by_seller.status_code, by_seller.json()["rule"]) == (403, "A5")
        assert _post(client, other.user, url, form, key="c1").status_code == 404
        no_subject = _post(client, buyer.user, url, {"body": "x"}, key="c0")
        assert (no_subject.status_code, no_subject.json()["field"]) == (422, "subject")
        exe = _post(
            client,
            buyer.user,
            url,
            {**form, "attachments": [_photo("x.exe", b"MZ\x90\x00", "application/x-msdownload")]},
            key="c0",
        )
        assert exe.status_code == 422 and exe.json()["rule"] == "A5"
        opened = _post(client, buyer.user, url, {**form, "attachments": [_photo()]}, key="c1")
        assert opened.status_code == 201, opened.content
        claim = opened.json()
        assert (claim["status"], claim["opened_by_side"], claim["order"]) == (
            "open",
            "buyer",
            delivered.number,
        )
        [message] = claim["messages"]
        assert message["side"] == "buyer" and message["attachments"][0]["file_name"] == "casse.png"
        replay = _post(client, buyer.user, url, {**form, "attachments": [_photo()]}, key="c1")
        assert replay.status_code == 201 and replay.json()["id"] == claim["id"]
        reused = _post(client, buyer.user, url, {**form, "subject": "Autre"}, key="c1")
        assert reused.json()["code"] == "idempotency_key_reused"
    assert Claim.objects.filter(order=delivered).count() == 1

    file_url = message["attachments"][0]["url"]
    client.force_login(seller)
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(other.user)
    assert client.get(file_url).status_code == 404
    assert client.get(f"/api/claims/{claim['id']}").status_code == 404

    reply_url = f"/api/claims/{claim['id']}/messages"
    with clock.frozen(at(2026, 12, 27, 10)):
        assert _post(client, other.user, reply_url, {"body": "?"}, key="r1").status_code == 404
        empty = _post(client, seller, reply_url, {"body": ""}, key="r1")
        assert (empty.status_code, empty.json()["field"]) == (422, "body")
        answered = _post(client, seller, reply_url, {"body": "Nous remplaçons le vase."}, key="r1")
        assert answered.status_code == 201, answered.content
        assert answered.json()["status"] == "answered"
        assert [m["side"] for m in answered.json()["messages"]] == ["buyer", "seller"]
        again = _post(client, seller, reply_url, {"body": "Nous remplaçons le vase."}, key="r1")
        assert again.status_code == 201
    assert ClaimMessage.objects.filter(claim_id=claim["id"]).count() == 2

    client.force_login(seller)
    listed = client.get(f"/api/orders/{delivered.number}/claims").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == claim["id"]
    with clock.frozen(at(2026, 12, 28, 10)):
        closed = _post(client, buyer.user, f"/api/claims/{claim['id']}/close")
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        late = _post(client, seller, reply_url, {"body": "Encore ?"}, key="r2")
    assert (late.status_code, late.json()["code"], late.json()["rule"]) == (
        422,
        "claim_closed",
        "A5",
    )


def test_too_many_files_are_refused(client, buyer, delivered):
    url = f"/api/orders/{delivered.number}/claims"
    files = [_photo(f"p{i}.png") for i in range(6)]
    with clock.frozen(at(2026, 12, 26, 10)):
        refused = _post(
            client, buyer.user, url, {"subject": "S", "body": "B", "attachments": files}, key="k"
        )
    assert (refused.status_code, refused.json()["code"], refused.json()["rule"]) == (
        422,
        "too_many_attachments",
        "A5",
    )
    assert not Claim.objects.exists()
