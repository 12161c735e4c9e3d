"""Refunds by transfer, the remaining faces (O12, O17, I5, P4): cancelling a refund from the
seller's page and the API, refunding a buyer's credit from the seller's statement of its account
and through the API with an Idempotency-Key."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.ledger import queries as ledger
from comptoir.payments.models import Refund
from comptoir.payments.services import payment_record
from comptoir.payments.services.refunds import refund_mark_paid
from tests.ordering.conftest import make_buyer, make_shop

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=clock.PARIS)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def credit():
    """A business buyer that paid 100 € with nothing to settle: a credit with the seller."""
    shop = make_shop("monthly-intranet", [("MIEL-1", "100.00", 1, 50)])
    buyer = make_buyer()
    with clock.frozen(NOW):
        payment_record(
            buyer=buyer.org,
            seller=shop.seller,
            amount=Decimal("100.00"),
            method="transfer",
            value_date=date(2026, 12, 3),
            idempotency_key="over-1",
            payer_iban="FR7610107001011234567890129",
        )
    return shop, buyer


def _refund_credit(client, shop, buyer, **data):
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        return client.post(
            reverse("web:buyer_credit_refund", args=[buyer.org.pk]), data, follow=True
        )


def test_the_seller_refunds_a_credit_from_the_buyers_statement(client, credit):
    shop, buyer = credit
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        page = client.get(reverse("web:account_statement", args=[buyer.org.pk])).content.decode()
    assert 'data-testid="credit-refund"' in page
    assert reverse("web:buyer_credit_refund", args=[buyer.org.pk]) in page
    assert 'for="credit-refund-amount"' in page and 'name="csrfmiddlewaretoken"' in page
    too_much = _refund_credit(client, shop, buyer, amount="100.01").content.decode()
    assert "Amount to refund" in too_much and "(I5)" in too_much and "100.00" in too_much
    assert not Refund.objects.exists()
    done = _refund_credit(client, shop, buyer, amount="60,50", reason="Demande du client")
    assert "17/12/2026" in done.content.decode()
    refund = Refund.objects.get()
    assert (refund.amount, refund.rule, refund.reason) == (
        Decimal("60.50"),
        "I5",
        "Demande du client",
    )
    again = _refund_credit(client, shop, buyer).content.decode()
    assert "already due" in again and Refund.objects.count() == 1


def test_the_buyer_sees_no_refund_form_and_others_get_404(client, credit):
    shop, buyer = credit
    client.force_login(buyer.user)
    with clock.frozen(NOW):
        page = client.get(reverse("web:account_statement", args=[shop.seller.pk])).content.decode()
        assert 'data-testid="credit-refund"' not in page
        # a buyer is no seller: the route does not exist for it
        url = reverse("web:buyer_credit_refund", args=[buyer.org.pk])
        assert client.post(url).status_code == 404
    other = make_shop("monthly-intranet", [("X-1", "10.00", 1, 5)])
    client.force_login(other.seller_user)
    with clock.frozen(NOW):  # not its customer
        assert client.post(url).status_code == 404
    assert not Refund.objects.exists()


def test_the_seller_cancels_a_refund_with_a_reason(client, credit):
    shop, buyer = credit
    _refund_credit(client, shop, buyer)
    refund = Refund.objects.get()
    with clock.frozen(NOW):
        page = client.get(reverse("web:transfer_refunds")).content.decode()
        assert reverse("web:transfer_refund_cancel", args=[refund.pk]) in page
        assert f'for="cancel-reason-{refund.pk}"' in page
        url = reverse("web:transfer_refund_cancel", args=[refund.pk])
        empty = client.post(url, {"reason": " "}, follow=True).content.decode()
        assert "Reason — Say why the refund is cancelled. (I5)" in empty
        done = client.post(url, {"reason": "Déduit de la prochaine facture"}, follow=True)
    assert "cancelled" in done.content.decode()
    assert "Déduit de la prochaine facture" in done.content.decode()
    refund.refresh_from_db()
    assert refund.status == "cancelled"
    assert ledger.balance(buyer.org, shop.seller) == Decimal("-100.00")  # the credit stays
    other = make_shop("monthly-intranet", [("X-1", "10.00", 1, 5)])
    client.force_login(other.seller_user)
    with clock.frozen(NOW):
        assert client.post(url, {"reason": "x"}).status_code == 404


def test_a_paid_refund_is_not_cancelled_from_the_page(client, credit):
    shop, buyer = credit
    _refund_credit(client, shop, buyer)
    refund = Refund.objects.get()
    with clock.frozen(NOW):
        refund_mark_paid(seller=shop.seller, refund=refund, actor=shop.seller_user)
        answer = client.post(
            reverse("web:transfer_refund_cancel", args=[refund.pk]), {"reason": "x"}, follow=True
        )
    assert "already marked paid" in answer.content.decode()
    refund.refresh_from_db()
    assert refund.status == "paid"


def test_the_api_refunds_a_credit_once_per_key_and_cancels(client, credit):
    shop, buyer = credit
    client.force_login(shop.seller_user)
    url = reverse("api:create_refund")
    body = {"buyer_id": buyer.org.pk, "amount": "40.00"}
    with clock.frozen(NOW):
        first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
        replay = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
        other_key = client.post(
            url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k2"
        )
        reused = client.post(
            url,
            {**body, "amount": "41.00"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k1",
        )
    assert first.status_code == 201 and replay.status_code == 201
    assert first.json()["id"] == replay.json()["id"] and first.json()["rule"] == "I5"
    assert first.json()["transfer_reference"].startswith("RB")
    assert other_key.status_code == 422 and other_key.json()["code"] == "credit_refund_pending"
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert Refund.objects.count() == 1
    cancel = reverse("api:cancel_refund", args=[first.json()["id"]])
    with clock.frozen(NOW):
        no_reason = client.post(cancel, {"reason": ""}, content_type="application/json")
        done = client.post(cancel, {"reason": "Erreur"}, content_type="application/json")
        above = client.post(
            url,
            {"buyer_id": buyer.org.pk, "amount": "100.01"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k3",
        )
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert done.json()["cancel_reason"] == "Erreur"
    assert above.status_code == 422
    assert (above.json()["code"], above.json()["field"], above.json()["rule"]) == (
        "amount_above_credit",
        "amount",
        "I5",
    )
    with clock.frozen(NOW):
        again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k4")
    assert again.status_code == 201  # the cancelled one no longer holds the credit
    refund_id = again.json()["id"]
    with clock.frozen(NOW):
        refund_mark_paid(seller=shop.seller, refund=refund_id, actor=shop.seller_user)
        paid = client.post(
            reverse("api:cancel_refund", args=[refund_id]),
            {"reason": "trop tard"},
            content_type="application/json",
        )
    assert paid.status_code == 422
    assert (paid.json()["code"], paid.json()["rule"]) == ("refund_already_paid", "I5")


def test_the_api_hides_other_companies_refunds_and_buyers(client, credit):
    shop, buyer = credit
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        made = client.post(
            reverse("api:create_refund"),
            {"buyer_id": buyer.org.pk},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k1",
        ).json()
    assert made["amount"] == "100.00"
    other = make_shop("monthly-intranet", [("X-1", "10.00", 1, 5)])
    client.force_login(other.seller_user)
    with clock.frozen(NOW):
        cancel = client.post(
            reverse("api:cancel_refund", args=[made["id"]]),
            {"reason": "x"},
            content_type="application/json",
        )
        stranger = client.post(
            reverse("api:create_refund"),
            {"buyer_id": buyer.org.pk},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k1",
        )
    assert cancel.status_code == 404 and stranger.status_code == 404
    assert Refund.objects.get().status == "due"
