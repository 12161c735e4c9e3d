"""Claims between buyer and seller (A5) and delivery-address change requests (F6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.fulfilment.models import ClaimAttachment
from comptoir.fulfilment.queries import claim_for, claims_for
from comptoir.fulfilment.services import (
    address_change_decide,
    address_change_request,
    claim_close,
    claim_open,
    claim_reply,
)
from tests.fulfilment.conftest import accepted_order, at, ship_all
from tests.ordering.conftest import make_buyer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_claim_thread_is_followed_by_the_buyer_and_the_seller_only(marketplace, buyer, delivered):
    photo = SimpleUploadedFile("vase.png", PNG, content_type="image/png")
    with clock.frozen(at(2026, 12, 26)):
        claim = claim_open(
            actor=buyer.user,
            order_id=delivered.pk,
            subject="Vase fêlé",
            body="Un vase est arrivé fêlé, photo jointe.",
            attachments=[photo],
        )
    assert claim.status == "open" and claim.opened_by_organization == buyer.org
    attachment = ClaimAttachment.objects.get()
    assert (attachment.file_name, attachment.content_type, attachment.size) == (
        "vase.png",
        "image/png",
        len(PNG),
    )
    with clock.frozen(at(2026, 12, 27)):
        claim_reply(actor=marketplace.seller_user, claim_id=claim.pk, body="Un vase part demain.")
    claim.refresh_from_db()
    assert claim.status == "answered"
    assert [m.organization_id for m in claim.messages.all()] == [
        buyer.org.pk,
        marketplace.seller.pk,
    ]
    assert list(claims_for(buyer.org)) == [claim]
    assert list(claims_for(marketplace.seller)) == [claim]

    outsider = make_buyer()
    assert list(claims_for(outsider.org)) == []
    with pytest.raises(NotFound):
        claim_for(outsider.org, claim.pk)
    with clock.frozen(at(2026, 12, 27)), pytest.raises(NotFound):
        claim_reply(actor=outsider.user, claim_id=claim.pk, body="Bonjour ?")
    with clock.frozen(at(2026, 12, 27)), pytest.raises(DomainError) as error:
        claim_open(actor=outsider.user, order_id=delivered.pk, subject="x", body="y")
    assert error.value.code == "permission_denied"

    with clock.frozen(at(2026, 12, 28)):
        claim_close(actor=buyer.user, claim_id=claim.pk)
        with pytest.raises(DomainError) as error:
            claim_reply(actor=buyer.user, claim_id=claim.pk, body="Encore")
    assert error.value.code == "claim_closed"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "code"),
    [
        ("x.exe", b"MZ\x90", "application/octet-stream", "attachment_type"),
        ("fake.pdf", b"not a pdf", "application/pdf", "attachment_content"),
    ],
)
def test_attachments_are_pdf_jpeg_or_png(buyer, delivered, name, content, content_type, code):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    with clock.frozen(at(2026, 12, 26)), pytest.raises(DomainError) as error:
        claim_open(
            actor=buyer.user, order_id=delivered.pk, subject="s", body="b", attachments=[upload]
        )
    assert (error.value.code, error.value.rule) == (code, "A5")


def test_attachments_are_at_most_ten_megabytes(buyer, delivered):
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "application/pdf")
    with clock.frozen(at(2026, 12, 26)), pytest.raises(DomainError) as error:
        claim_open(
            actor=buyer.user, order_id=delivered.pk, subject="s", body="b", attachments=[big]
        )
    assert error.value.code == "attachment_too_large"


NEW_ADDRESS = {"name": "Boutique Rive Gauche", "line1": "3 quai Voltaire", "postcode": "75007",
               "city": "Paris"}  # fmt: skip


def test_an_approved_address_change_updates_the_order(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    with clock.frozen(at(2026, 12, 15)):
        request = address_change_request(actor=buyer.user, order_id=order.pk, address=NEW_ADDRESS)
        with pytest.raises(DomainError) as error:
            address_change_request(actor=buyer.user, order_id=order.pk, address=NEW_ADDRESS)
        assert error.value.code == "request_pending"
        with pytest.raises(DomainError):  # the buyer does not approve its own request
            address_change_decide(actor=buyer.user, request_id=request.pk, approve=True)
        request = address_change_decide(
            actor=marketplace.seller_user, request_id=request.pk, approve=True
        )
    order.refresh_from_db()
    assert request.status == "approved" and request.decided_by == marketplace.seller_user
    assert order.delivery_address == {**NEW_ADDRESS, "country": "FR"}


def test_a_refused_address_change_leaves_the_order_and_shipped_orders_cannot_change(
    marketplace, buyer
):
    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    before = order.delivery_address
    with clock.frozen(at(2026, 12, 15)):
        request = address_change_request(actor=buyer.user, order_id=order.pk, address=NEW_ADDRESS)
        address_change_decide(
            actor=marketplace.seller_user, request_id=request.pk, approve=False, note="Non."
        )
    order.refresh_from_db()
    assert order.delivery_address == before
    ship_all(marketplace, order)
    with clock.frozen(at(2026, 12, 19)), pytest.raises(DomainError) as error:
        address_change_request(actor=buyer.user, order_id=order.pk, address=NEW_ADDRESS)
    assert (error.value.code, error.value.rule) == ("too_late", "F6")
