"""The seller's refunds page and the API when the export holds a refund the buyer's credit no
longer covers (O12, O17, I5): the held refunds with the reason and the rule, release and cancel,
the export's message, the refunds paid beyond the credit; the API's held state and release."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.payments.models import Refund
from tests.ordering.conftest import make_buyer
from tests.payments.test_refunds_recheck import (
    INVOICE,
    NOW,
    _debit,
    _export,
    _import,
    _invoice,
    _refund,
    _shop,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def held():
    """A refund of 250.00 held at export: a new invoice left 60.10 of the buyer's credit."""
    shop, buyer = _shop(), make_buyer("Épicerie Fine")
    refund = _refund(shop, buyer, "250.00")
    _invoice(shop, buyer)
    with pytest.raises(DomainError):
        _export(shop)
    refund.refresh_from_db()
    assert refund.status == "held"
    return shop, buyer, refund


def _page(client) -> str:
    with clock.frozen(NOW):
        return client.get(reverse("web:transfer_refunds")).content.decode()


def test_the_page_shows_the_held_refund_with_its_reason_rule_and_forms(client, held):
    shop, buyer, refund = held
    client.force_login(shop.seller_user)
    page = _page(client)
    assert 'data-testid="refunds-held"' in page and "1 refund held at export" in page
    assert f'data-testid="held-refund-{refund.pk}"' in page
    assert "covered only €60.10 of the €250.00 to refund (I5)" in page
    assert reverse("web:transfer_refund_release", args=[refund.pk]) in page
    assert f'for="held-cancel-reason-{refund.pk}"' in page and "Held" in page
    # a held refund is not offered to "mark paid", nor counted as exportable
    assert reverse("web:transfer_refund_paid", args=[refund.pk]) not in page
    assert "0 due refunds can be sent to the bank" in page


def test_an_export_with_every_refund_held_says_so(client, held):
    shop, buyer, refund = held
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):  # released, still not covered: held again, no file
        client.post(reverse("web:transfer_refund_release", args=[refund.pk]))
        answer = client.post(reverse("web:transfer_refunds_export"), follow=True)
    text = answer.content.decode()
    assert answer.redirect_chain[-1][0] == reverse("web:transfer_refunds")
    assert "no longer covers any of the due refunds" in text and "(I5)" in text
    refund.refresh_from_db()
    assert refund.status == "held"


def test_release_makes_it_due_and_the_next_export_sends_it_once_covered(client, held):
    shop, buyer, refund = held
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        done = client.post(reverse("web:transfer_refund_release", args=[refund.pk]), follow=True)
    assert "released: it is due again" in done.content.decode()
    refund.refresh_from_db()
    assert refund.status == "due" and refund.held_reason == ""
    with clock.frozen(NOW):  # not held any more: refused, back to the page
        again = client.post(reverse("web:transfer_refund_release", args=[refund.pk]), follow=True)
    assert "is not held" in again.content.decode()


def test_another_seller_cannot_release_it(client, held):
    shop, _buyer, refund = held
    other = _shop()
    client.force_login(other.seller_user)
    with clock.frozen(NOW):
        answer = client.post(reverse("web:transfer_refund_release", args=[refund.pk]))
    assert answer.status_code == 404
    refund.refresh_from_db()
    assert refund.status == "held"


def test_an_export_holding_some_refunds_sends_the_others_and_warns(client):
    shop = _shop()
    first, second = make_buyer("Cave A"), make_buyer("Cave B")
    covered = _refund(shop, first, "100.00")
    short = _refund(shop, second, "100.00")
    _invoice(shop, second)
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        response = client.post(reverse("web:transfer_refunds_export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert covered.end_to_end_id.encode() in response.content
    assert short.end_to_end_id.encode() not in response.content
    page = _page(client)  # the warning waits on the next page
    assert "1 refund was held, not sent" in page and f'data-testid="held-refund-{short.pk}"' in page


def test_the_page_lists_a_refund_paid_beyond_the_credit(client):
    shop, buyer = _shop(), make_buyer("Épicerie Fine")
    refund = _refund(shop, buyer, "250.00")
    _export(shop)
    _invoice(shop, buyer)
    _import(shop, _debit(refund))
    client.force_login(shop.seller_user)
    page = _page(client)
    assert 'data-testid="refunds-beyond-credit"' in page
    assert f'data-testid="beyond-refund-{refund.pk}"' in page
    assert "189.90" in page and "€189.90 beyond the buyer's credit: the buyer owes it (I5)" in page
    assert 'data-testid="transfer-refund-beyond"' in page


def test_the_api_shows_the_held_state_and_releases(client, held):
    shop, buyer, refund = held
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        listed = client.get(reverse("api:list_refunds") + "?status=held").json()
    [item] = listed["items"]
    assert (item["status"], item["held_reason"], item["held_credit"]) == (
        "held",
        "credit_short",
        "60.10",
    )
    assert item["held_at"] and "(I5)" in item["held_message"]
    assert item["beyond_credit"] == "0.00"
    with clock.frozen(NOW):
        released = client.post(reverse("api:release_refund", args=[refund.pk]))
        again = client.post(reverse("api:release_refund", args=[refund.pk]))
    assert released.status_code == 200
    body = released.json()
    assert (body["status"], body["held_reason"], body["held_message"]) == ("due", "", "")
    assert again.status_code == 422 and again.json()["code"] == "refund_not_held"
    assert again.json()["rule"] == "I5"


def test_the_api_cancels_a_held_refund(client, held):
    shop, buyer, refund = held
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        done = client.post(
            reverse("api:cancel_refund", args=[refund.pk]),
            {"reason": "Déduit de la facture."},
            content_type="application/json",
        )
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_the_api_shows_a_refund_paid_beyond_the_credit(client):
    shop, buyer = _shop(), make_buyer("Épicerie Fine")
    refund = _refund(shop, buyer, "250.00")
    _export(shop)
    _invoice(shop, buyer)
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        paid = client.post(
            reverse("api:mark_refund_paid", args=[refund.pk]), {}, content_type="application/json"
        )
    assert paid.status_code == 200
    assert (paid.json()["status"], paid.json()["beyond_credit"]) == ("paid", str(INVOICE))
    assert Refund.objects.get(pk=refund.pk).beyond_credit == Decimal("189.90")
