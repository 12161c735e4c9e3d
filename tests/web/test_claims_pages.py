"""Claims pages through the Django client (A5, F4): the buyer opens a claim from its order, both
sides follow the thread, attach files and change its status through the services; other
companies see nothing (P9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.fulfilment.models import Claim, ClaimAttachment, ClaimMessage
from comptoir.fulfilment.services import claim_open
from comptoir.parties import services
from comptoir.parties.models import Permission
from tests.fulfilment.conftest import accepted_order, ship_all
from tests.ordering.conftest import make_buyer, make_shop
from tests.parties.factories import make_user

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n% claim evidence\n"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def _english_and_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def trade():
    """A seller, buyer A with a shipped order, buyer B with its own order at the same seller."""
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 20), ("BOL-2", "12.50", 1, 50)])
    buyer_a, buyer_b = make_buyer("Salon Alpha"), make_buyer("Salon Bravo")
    order_a = accepted_order(shop, buyer_a, [("VASE-1", 3)])
    ship_all(shop, order_a)
    order_b = accepted_order(shop, buyer_b, [("BOL-2", 4)])
    return shop, buyer_a, buyer_b, order_a, order_b


def open_claim(buyer, order, subject="Vase fêlé", files=()):
    return claim_open(
        actor=buyer.user, order_id=order.pk, subject=subject, body="Arrivé fêlé.", attachments=files
    )


def test_the_buyer_opens_a_claim_from_its_order_with_a_photo(client, trade):
    _shop, buyer_a, _buyer_b, order_a, _order_b = trade
    client.force_login(buyer_a.user)
    detail = client.get(reverse("web:order_detail", args=[order_a.number])).content.decode()
    assert reverse("web:claim_new", args=[order_a.number]) in detail
    form = client.get(reverse("web:claim_new", args=[order_a.number]))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    response = client.post(
        reverse("web:claim_new", args=[order_a.number]),
        {"subject": "Vase fêlé", "body": "Un vase est arrivé fêlé.", "attachments": [png()]},
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:claim_detail", args=[claim.pk])
    assert (claim.order_id, claim.opened_by_organization_id, claim.status) == (
        order_a.pk,
        buyer_a.org.pk,
        "open",
    )
    [attachment] = ClaimAttachment.objects.all()
    page = client.get(reverse("web:claim_detail", args=[claim.pk])).content.decode()
    assert "Un vase est arrivé fêlé." in page
    assert reverse("web:claim_attachment", args=[claim.pk, attachment.pk]) in page


def test_a_claim_without_subject_or_with_a_bad_file_is_refused(client, trade):
    _shop, buyer_a, _buyer_b, order_a, _order_b = trade
    client.force_login(buyer_a.user)
    url = reverse("web:claim_new", args=[order_a.number])
    empty = client.post(url, {"subject": "", "body": "x"})
    assert empty.status_code == 200 and "(A5)" in empty.content.decode()
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a png", content_type="image/png")
    refused = client.post(url, {"subject": "Vase", "body": "Fêlé.", "attachments": [fake]})
    assert refused.status_code == 200 and "(A5)" in refused.content.decode()
    script = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")
    client.post(url, {"subject": "Vase", "body": "Fêlé.", "attachments": [script]})
    too_many = [png(f"p{i}.png") for i in range(6)]
    many = client.post(url, {"subject": "Vase", "body": "Fêlé.", "attachments": too_many})
    assert "At most 5 files" in many.content.decode()
    assert not Claim.objects.exists() and not ClaimAttachment.objects.exists()


def test_the_seller_answers_the_buyer_reopens_and_either_side_closes(client, trade):
    shop, buyer_a, _buyer_b, order_a, _order_b = trade
    claim = open_claim(buyer_a, order_a)
    client.force_login(shop.seller_user)
    listing = client.get(reverse("web:claims")).content.decode()
    assert "Vase fêlé" in listing and "Salon Alpha" in listing
    pdf = SimpleUploadedFile("avoir.pdf", PDF, content_type="application/pdf")
    client.post(
        reverse("web:claim_reply", args=[claim.pk]),
        {"body": "Un vase part demain.", "attachments": [pdf]},
    )
    claim.refresh_from_db()
    assert claim.status == "answered"
    client.force_login(buyer_a.user)
    client.post(reverse("web:claim_reply", args=[claim.pk]), {"body": "Merci, et le bol ?"})
    claim.refresh_from_db()
    assert claim.status == "open"
    client.post(reverse("web:claim_reply", args=[claim.pk]), {"body": "  "})
    assert ClaimMessage.objects.filter(claim=claim).count() == 3  # an empty message is refused
    client.force_login(shop.seller_user)
    client.post(reverse("web:claim_close", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == "closed" and claim.closed_at is not None
    client.force_login(buyer_a.user)
    response = client.post(
        reverse("web:claim_reply", args=[claim.pk]), {"body": "Encore ?"}, follow=True
    )
    assert "The claim is closed." in response.content.decode()
    assert ClaimMessage.objects.filter(claim=claim).count() == 3
    assert 'data-testid="reply-form"' not in response.content.decode()


def test_the_list_filters_by_status_and_shows_each_side_its_own(client, trade):
    shop, buyer_a, buyer_b, order_a, order_b = trade
    open_claim(buyer_a, order_a, subject="Vase fêlé")
    closed = open_claim(buyer_b, order_b, subject="Bol manquant")
    Claim.objects.filter(pk=closed.pk).update(status="closed")
    client.force_login(shop.seller_user)
    everything = client.get(reverse("web:claims")).content.decode()
    assert "Vase fêlé" in everything and "Bol manquant" in everything
    only_open = client.get(reverse("web:claims"), {"status": "open"}).content.decode()
    assert "Vase fêlé" in only_open and "Bol manquant" not in only_open
    bogus = client.get(reverse("web:claims"), {"status": "nonsense"})
    assert bogus.status_code == 200 and "Bol manquant" in bogus.content.decode()
    client.force_login(buyer_a.user)
    mine = client.get(reverse("web:claims")).content.decode()
    assert "Vase fêlé" in mine and "Bol manquant" not in mine


def test_attachments_are_downloaded_by_the_two_parties_only(client, trade):
    shop, buyer_a, buyer_b, order_a, order_b = trade
    claim = open_claim(buyer_a, order_a, files=[png("preuve.png")])
    attachment = ClaimAttachment.objects.get()
    url = reverse("web:claim_attachment", args=[claim.pk, attachment.pk])
    for user in (buyer_a.user, shop.seller_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "image/png"
    client.force_login(buyer_b.user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("web:claim_detail", args=[claim.pk])).status_code == 404
    assert (
        client.post(reverse("web:claim_reply", args=[claim.pk]), {"body": "x"}).status_code == 404
    )
    assert client.post(reverse("web:claim_close", args=[claim.pk])).status_code == 404
    claim.refresh_from_db()
    assert claim.status == "open" and claim.messages.count() == 1
    # buyer B's own claim does not open buyer A's file either
    own = open_claim(buyer_b, order_b, subject="Bol")
    crossed = reverse("web:claim_attachment", args=[own.pk, attachment.pk])
    assert client.get(crossed).status_code == 404


def test_an_attachment_lost_from_the_storage_answers_404_not_500(client, trade):
    shop, buyer_a, _buyer_b, order_a, _order_b = trade
    claim = open_claim(buyer_a, order_a, files=[png("preuve.png")])
    attachment = ClaimAttachment.objects.get()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(buyer_a.user)
    url = reverse("web:claim_attachment", args=[claim.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_only_the_orders_buyer_opens_a_claim_from_the_form(client, trade):
    shop, buyer_a, buyer_b, order_a, _order_b = trade
    client.force_login(shop.seller_user)
    assert client.get(reverse("web:claim_new", args=[order_a.number])).status_code == 403
    client.force_login(buyer_b.user)
    url = reverse("web:claim_new", args=[order_a.number])
    assert client.post(url, {"subject": "x", "body": "y"}).status_code == 404
    assert not Claim.objects.exists()


def test_claims_need_the_right_to_see_orders(client, trade):
    _shop, buyer_a, _buyer_b, order_a, _order_b = trade
    claim = open_claim(buyer_a, order_a)
    clerk = make_user()
    services.membership_add(
        actor=buyer_a.user,
        organization=buyer_a.org,
        user=clerk,
        permissions=[Permission.VIEW_PRODUCTS, Permission.USE_CART],
    )
    client.force_login(clerk)
    assert client.get(reverse("web:claims")).status_code == 403
    assert client.get(reverse("web:claim_detail", args=[claim.pk])).status_code == 403
    assert client.post(reverse("web:claim_close", args=[claim.pk])).status_code == 403
    claim.refresh_from_db()
    assert claim.status == "open"
