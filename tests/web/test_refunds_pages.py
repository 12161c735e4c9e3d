"""The seller's card refunds page and its "retry now" (I5, O12, PT1, P4), and the buyer's view
of its refunds on its statement of account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.core.errors import NotFound, PermissionDenied
from comptoir.parties import services as parties
from comptoir.payments import providers
from comptoir.payments.models import CardRefund
from comptoir.payments.services.card import card_refund_retry_now
from tests.ordering.conftest import make_shop
from tests.parties.factories import make_user
from tests.web.refund_helpers import NOW, _down, refused_card_refund, run_queued_refunds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def failed(monkeypatch):
    return refused_card_refund(monkeypatch)


def test_the_seller_sees_each_refund_with_its_error_and_next_retry(client, failed) -> None:
    shop, _buyer, note, refund = failed
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        page = client.get(reverse("web:card_refunds")).content.decode()
    assert note.number in page and "Boutique Lumière" in page
    assert "Failed, waiting for retry" in page and "PSP timed out" in page
    assert (NOW + timedelta(minutes=5)).strftime("%d/%m/%Y %H:%M") in page  # the next retry
    assert "120.00" in page or "120,00" in page
    assert reverse("web:card_refund_retry", args=[refund.pk]) in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'aria-current="page"' in page and "Card refunds" in page  # in the payments menu


def test_retry_now_refunds_once_the_provider_is_back(
    client, failed, django_capture_on_commit_callbacks
) -> None:
    shop, buyer, _note, refund = failed
    client.force_login(shop.seller_user)
    with clock.frozen(NOW + timedelta(minutes=1)):  # before the sweep's next retry
        with django_capture_on_commit_callbacks(execute=True):  # queued, answered at once
            response = client.post(reverse("web:card_refund_retry", args=[refund.pk]), follow=True)
        assert "retry queued" in response.content.decode()
        assert run_queued_refunds() == ["succeeded"]  # what the worker does
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.next_retry_at) == ("succeeded", 2, None)
    assert "Refunded" in client.get(reverse("web:card_refunds")).content.decode()
    again = client.post(reverse("web:card_refund_retry", args=[refund.pk]), follow=True)
    assert "not sent again" in again.content.decode()  # I5: never twice
    refund.refresh_from_db()
    assert refund.attempts == 2
    # the buyer sees it on its statement of account with the seller
    client.force_login(buyer.user)
    statement = client.get(reverse("web:account_statement", args=[shop.seller.pk])).content
    assert b"statement-card-refunds" in statement
    assert refund.credit_note_number.encode() in statement
    assert b"Refunded" in statement


def test_retry_now_that_fails_again_keeps_the_credit_and_says_so(
    client, failed, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    shop, _buyer, _note, refund = failed
    client.force_login(shop.seller_user)
    monkeypatch.setattr(providers.LocalProvider, "refund", _down)
    with clock.frozen(NOW + timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("web:card_refund_retry", args=[refund.pk]))
        assert run_queued_refunds() == ["failed"]  # the worker's attempt fails again
        page = client.get(reverse("web:card_refunds")).content.decode()
    assert "Failed, waiting for retry" in page and "PSP timed out" in page
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.retry_queued_at) == ("failed", 2, None)
    assert refund.next_retry_at == NOW + timedelta(minutes=1) + timedelta(minutes=30)


def test_retry_is_post_only_and_other_sellers_get_404(client, failed) -> None:
    shop, buyer, _note, refund = failed
    url = reverse("web:card_refund_retry", args=[refund.pk])
    client.force_login(shop.seller_user)
    assert client.get(url).status_code == 405
    other = make_shop("marketplace", [("POT", "10.00", 1, 5)])
    client.force_login(other.seller_user)
    assert client.post(url).status_code == 404
    assert client.get(reverse("web:card_refunds")).content.decode().count("card-refund-") == 0
    client.force_login(buyer.user)  # a buyer has no such page
    assert client.post(url).status_code == 404
    refund.refresh_from_db()
    assert refund.attempts == 1


def test_an_employee_without_the_finance_right_gets_403(client, failed) -> None:
    shop, _buyer, _note, refund = failed
    clerk = make_user("clerk@seller.test")
    parties.membership_add(
        actor=shop.seller_user, organization=shop.seller, user=clerk, permissions=[]
    )
    client.force_login(clerk)
    assert client.get(reverse("web:card_refunds")).status_code == 403
    assert client.post(reverse("web:card_refund_retry", args=[refund.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        card_refund_retry_now(actor=clerk, seller=shop.seller, refund_id=refund.pk)
    with pytest.raises(NotFound):
        card_refund_retry_now(actor=shop.seller_user, seller=shop.seller, refund_id=10**9)
    refund.refresh_from_db()
    assert refund.attempts == 1 and CardRefund.objects.count() == 1


def test_anonymous_is_sent_to_the_login_page(client) -> None:
    response = client.get(reverse("web:card_refunds"))
    assert response.status_code == 302 and "login" in response["Location"]
