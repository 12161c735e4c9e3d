"""The seller's refunds by transfer page (O12, O17, P4): due, late, sent and paid refunds, the
pain.001 export as a download, "mark paid"; the buyer sees them on its statement; the API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.ledger import queries as ledger
from comptoir.payments.formats.validation import validate
from comptoir.payments.models import Refund
from tests.ordering.conftest import make_buyer, make_shop
from tests.payments.test_refunds_transfer import NOW, _cancel, _order, _prepay

pytestmark = pytest.mark.django_db
LATER = datetime(2026, 12, 20, 10, tzinfo=clock.PARIS)  # past the 14 days of O12


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def owed():
    shop = make_shop("monthly-intranet", [("MIEL-1", "100.00", 1, 50)])
    buyer = make_buyer()
    order = _order(shop, buyer)
    _prepay(shop, order, "240.00", "k-1")
    _cancel(shop, order)
    return shop, buyer, order, Refund.objects.get()


def test_the_seller_sees_its_refunds_and_the_late_ones(client, owed):
    shop, buyer, order, refund = owed
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        page = client.get(reverse("web:transfer_refunds")).content.decode()
    assert order.number in page and "240.00" in page and "15/12/2026" in page and "O12" in page
    assert 'data-testid="refunds-late"' not in page and "Due" in page
    assert reverse("web:transfer_refund_paid", args=[refund.pk]) in page
    assert 'name="csrfmiddlewaretoken"' in page and 'for="paid-on-' in page
    with clock.frozen(LATER):
        late = client.get(reverse("web:transfer_refunds")).content.decode()
    assert 'data-testid="refunds-late"' in late and "1 refund is late" in late
    assert 'data-testid="transfer-refund-late"' in late


def test_export_answers_the_file_and_mark_paid_settles_the_buyer(client, owed):
    shop, buyer, _order_, refund = owed
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        response = client.post(reverse("web:transfer_refunds_export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert "attachment" in response["Content-Disposition"]
    assert validate(response.content, "pain.001.001.03") == []
    refund.refresh_from_db()
    assert refund.status == "exported"
    with clock.frozen(NOW):  # nothing left: back to the page with the reason
        again = client.post(reverse("web:transfer_refunds_export"), follow=True)
    assert "nothing to send to the bank" in again.content.decode()
    with clock.frozen(NOW):
        paid = client.post(
            reverse("web:transfer_refund_paid", args=[refund.pk]),
            {"on": "2026-12-01"},
            follow=True,
        )
    assert "marked paid on 01/12/2026" in paid.content.decode()
    assert ledger.balance(buyer.org, shop.seller) == Decimal("0.00")
    with clock.frozen(NOW):
        twice = client.post(reverse("web:transfer_refund_paid", args=[refund.pk]), follow=True)
    assert "already marked paid" in twice.content.decode() and "(O12)" in twice.content.decode()


def test_another_seller_gets_404_and_a_bad_day_is_refused(client, owed):
    shop, _buyer, _order_, refund = owed
    other = make_shop("monthly-intranet", [("X-1", "10.00", 1, 5)])
    client.force_login(other.seller_user)
    with clock.frozen(NOW):
        assert client.post(reverse("web:transfer_refund_paid", args=[refund.pk])).status_code == 404
        page = client.get(reverse("web:transfer_refunds")).content.decode()
    assert refund.reference not in page
    client.force_login(shop.seller_user)
    with clock.frozen(NOW):
        bad = client.post(
            reverse("web:transfer_refund_paid", args=[refund.pk]), {"on": "2026-13-45"}, follow=True
        )
    assert "YYYY-MM-DD" in bad.content.decode()
    refund.refresh_from_db()
    assert refund.status == "due"


def test_the_buyer_sees_the_refund_on_its_statement(client, owed):
    shop, buyer, order, _refund = owed
    client.force_login(buyer.user)
    with clock.frozen(NOW):
        page = client.get(reverse("web:account_statement", args=[shop.seller.pk])).content.decode()
    assert 'data-testid="statement-transfer-refunds"' in page
    assert order.number in page and "240.00" in page and "15/12/2026" in page


def test_the_api_lists_and_marks_paid(client, owed):
    shop, buyer, order, refund = owed
    client.force_login(shop.seller_user)
    with clock.frozen(LATER):
        listed = client.get(reverse("api:list_refunds")).json()
    assert listed["count"] == 1 and listed["limit"] == 50
    [item] = listed["items"]
    assert (item["reference"], item["amount"], item["rule"], item["status"], item["late"]) == (
        order.number,
        "240.00",
        "O12",
        "due",
        True,
    )
    with clock.frozen(LATER):
        assert client.get(reverse("api:list_refunds") + "?status=paid").json()["count"] == 0
        assert client.get(reverse("api:list_refunds") + "?status=nope").status_code == 422
        done = client.post(
            reverse("api:mark_refund_paid", args=[refund.pk]),
            {"on": "2026-12-18"},
            content_type="application/json",
        )
        assert done.status_code == 200 and done.json()["paid_on"] == "2026-12-18"
        again = client.post(
            reverse("api:mark_refund_paid", args=[refund.pk]), {}, content_type="application/json"
        )
    assert again.status_code == 422 and again.json()["code"] == "refund_already_paid"
    assert ledger.balance(buyer.org, shop.seller) == Decimal("0.00")
    client.force_login(buyer.user)
    with clock.frozen(LATER):
        assert client.get(reverse("api:list_refunds")).json()["count"] == 0
