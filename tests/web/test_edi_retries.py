"""Messages not sent (O14): the seller's EDI page lists its failed answers with "Retry now", and
the API lists and retries them; buyers and other companies see none (404 on a retry)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.edi.models import EdiMessage, OutboundRetry
from comptoir.edi.services import edi_import
from comptoir.ordering.services import order_accept
from comptoir.parties import services as parties
from comptoir.parties.models import Organization
from tests.edi.conftest import BUYER_GLN, ORDERED_AT, make_pair, sample, set_gln
from tests.parties.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    return make_pair()


@pytest.fixture
def retry(pair, django_capture_on_commit_callbacks) -> OutboundRetry:
    """The ORDRSP of an EDI order's acceptance, not issued: the buyer's GLN was removed."""
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        result = edi_import(actor=None, text=sample("orders_two_messages.edi"))
        order = result.outcomes[0].message.order
        Organization.objects.filter(pk=pair.buyer.org.pk).update(gln="")
        order_accept(actor=pair.shop.seller_user, order_id=order.pk)
    return OutboundRetry.objects.get()


def _ordrsp() -> list[EdiMessage]:
    return list(EdiMessage.objects.filter(direction="out", message_type="ORDRSP"))


def test_the_seller_sees_the_message_not_sent_and_retries_it(client, pair, retry):
    client.force_login(pair.shop.seller_user)
    page = client.get(reverse("web:edi_messages")).content.decode()
    assert "Messages non envoyés" in page  # the page speaks French by default
    assert retry.order.number in page and "no GLN" in page
    action = reverse("web:edi_retry_now", args=[retry.pk])
    assert f'action="{action}"' in page and "csrfmiddlewaretoken" in page

    # still failing: the attempt is counted and the error shown
    response = client.post(action, follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:edi_messages")
    assert "toujours pas émis" in response.content.decode()
    retry.refresh_from_db()
    assert (retry.status, retry.attempts) == ("pending", 2)

    set_gln(pair.buyer.org, BUYER_GLN)
    response = client.post(action, follow=True)
    assert f"ORDRSP de la commande {retry.order.number} émis." in response.content.decode()
    retry.refresh_from_db()
    assert retry.status == "issued" and len(_ordrsp()) == 1
    assert 'data-testid="edi-retries"' not in response.content.decode()  # nothing left

    # a second click: refused, nothing more
    page = client.post(action, follow=True).content.decode()
    assert "a déjà été émis" in page and "(O14)" in page
    assert len(_ordrsp()) == 1


def test_buyers_see_no_retry_and_cannot_reach_one(client, pair, retry):
    client.force_login(pair.buyer.user)
    page = client.get(reverse("web:edi_messages")).content.decode()
    assert "Messages non envoyés" not in page and "no GLN" not in page
    assert client.post(reverse("web:edi_retry_now", args=[retry.pk])).status_code == 404
    retry.refresh_from_db()
    assert retry.attempts == 1


def test_a_clerk_without_place_orders_sees_the_list_but_cannot_retry(client, pair, retry):
    clerk = make_user()
    parties.membership_add(
        actor=pair.shop.seller_user,
        organization=pair.shop.seller,
        user=clerk,
        permissions=["view_orders"],
    )
    client.force_login(clerk)
    page = client.get(reverse("web:edi_messages")).content.decode()
    assert "Messages non envoyés" in page and "Retenter maintenant" not in page
    assert client.post(reverse("web:edi_retry_now", args=[retry.pk])).status_code == 403
    retry.refresh_from_db()
    assert retry.attempts == 1


def test_the_retry_needs_a_post(client, pair, retry):
    client.force_login(pair.shop.seller_user)
    assert client.get(reverse("web:edi_retry_now", args=[retry.pk])).status_code == 405


def test_api_lists_and_retries(client, pair, retry):
    client.force_login(pair.shop.seller_user)
    listed = client.get("/api/edi/outbound-retries").json()
    assert listed["count"] == 1
    [item] = listed["items"]
    assert (item["id"], item["message_type"], item["order"], item["status"]) == (
        retry.pk,
        "ORDRSP",
        retry.order.number,
        "pending",
    )
    assert item["attempts"] == 1 and "no GLN" in item["last_error"]
    assert item["message_id"] is None and item["next_attempt_at"]

    url = f"/api/edi/outbound-retries/{retry.pk}/retry"
    failed = client.post(url)
    assert failed.status_code == 200
    assert (failed.json()["status"], failed.json()["attempts"]) == ("pending", 2)

    set_gln(pair.buyer.org, BUYER_GLN)
    done = client.post(url).json()
    [message] = _ordrsp()
    assert (done["status"], done["message_id"], done["next_attempt_at"]) == (
        "issued",
        message.pk,
        None,
    )
    assert client.get("/api/edi/outbound-retries").json() == {
        "items": [],
        "count": 0,
        "offset": 0,
        "limit": 50,
    }
    again = client.post(url)
    assert again.status_code == 422
    assert (again.json()["code"], again.json()["rule"]) == ("already_issued", "O14")


def test_api_other_companies_see_nothing(client, pair, retry):
    client.force_login(pair.buyer.user)
    listed = client.get("/api/edi/outbound-retries")
    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert "no GLN" not in listed.content.decode()
    refused = client.post(f"/api/edi/outbound-retries/{retry.pk}/retry")
    assert refused.status_code == 404 and "no GLN" not in refused.content.decode()
    retry.refresh_from_db()
    assert retry.attempts == 1
