"""An LCR returned unpaid, on the seller's LCR page and through the API (PT4): the form per
remitted LCR, the payment reversed, the return shown; errors come back as messages; other
companies and members without the right get nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from comptoir.core import clock
from comptoir.ledger.models import OpenItem
from comptoir.payments.models import LcrReturn, Payment, ScheduledPayment
from tests.payments.test_lcr_return import BACK, DUE, _paid_on_due_date, _remitted
from tests.web.test_payments_pages import employee_of, owner_of

pytestmark = pytest.mark.django_db


def test_the_seller_records_an_unpaid_lcr_from_the_page(client) -> None:
    shop, buyers, orders = _remitted()
    invoice = orders[0].invoice
    payment = _paid_on_due_date(shop, buyers[0], invoice)
    lcr = ScheduledPayment.objects.get()
    client.force_login(owner_of(shop.seller))
    with clock.frozen(BACK):
        page = client.get(reverse("web:lcr"))
        html = page.content.decode()
        assert page.status_code == 200
        # French by default (the page's known strings), the form per remitted LCR
        assert '<html lang="fr"' in html and "LCR (lettres de change relevé)" in html
        assert 'data-testid="lcr-return-form"' in html
        assert reverse("web:lcr_return", args=[lcr.pk]) in html
        assert f'id="lcr-reason-{lcr.pk}"' in html and f'for="lcr-reason-{lcr.pk}"' in html
        done = client.post(
            reverse("web:lcr_return", args=[lcr.pk]),
            {"reason": "insufficient_funds", "detail": "", "on": "2026-05-04"},
            follow=True,
        )
        text = done.content.decode()
        assert done.status_code == 200 and invoice.number in text and "04/05/2026" in text
        assert 'data-testid="lcr-returned"' in text  # shown returned, no form any more
        assert 'data-testid="lcr-return-form"' not in text
        again = client.post(
            reverse("web:lcr_return", args=[lcr.pk]), {"reason": "disputed"}, follow=True
        )
        assert again.status_code == 200
    returned = LcrReturn.objects.get()
    assert (returned.reason, returned.returned_on) == ("insufficient_funds", date(2026, 5, 4))
    payment.refresh_from_db()
    assert payment.reversed_at is not None
    [owed] = OpenItem.objects.filter(kind="invoice", open_amount__gt=0)
    assert owed.due_date == DUE and owed.open_amount == invoice.total_incl_vat


def test_the_page_in_english_names_the_reasons(client) -> None:
    shop, _buyers, _orders = _remitted()
    client.force_login(owner_of(shop.seller))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with clock.frozen(BACK):
        html = client.get(reverse("web:lcr")).content.decode()
    assert "LCR at the bank" in html and "Insufficient funds" in html
    assert "Record the unpaid LCR" in html


def test_errors_come_back_as_messages(client) -> None:
    shop, _buyers, _orders = _remitted()
    lcr = ScheduledPayment.objects.get()
    client.force_login(owner_of(shop.seller))
    with clock.frozen(BACK):
        url = reverse("web:lcr_return", args=[lcr.pk])
        empty = client.post(url, {"reason": "other", "detail": ""}, follow=True)
        assert empty.status_code == 200 and "(PT4)" in empty.content.decode()
        bad_day = client.post(url, {"reason": "disputed", "on": "04/05/2026"}, follow=True)
        assert "AAAA-MM-JJ" in bad_day.content.decode()  # as the page's other date field
        future = client.post(url, {"reason": "disputed", "on": "2026-06-01"}, follow=True)
        assert "(PT4)" in future.content.decode()
    assert not LcrReturn.objects.exists()


def test_other_companies_and_members_without_the_right_get_nothing(client) -> None:
    shop, buyers, _orders = _remitted()
    lcr = ScheduledPayment.objects.get()
    url = reverse("web:lcr_return", args=[lcr.pk])
    with clock.frozen(BACK):
        client.force_login(owner_of(buyers[0].org))  # the buyer itself: not a seller
        assert client.post(url, {"reason": "disputed"}).status_code == 404
        other, _, _ = _remitted()
        client.force_login(owner_of(other.seller))  # another seller
        assert client.post(url, {"reason": "disputed"}).status_code == 404
        client.force_login(employee_of(shop.seller, ["view_products"]))  # no "see invoices" (P4)
        assert client.post(url, {"reason": "disputed"}).status_code == 403
        client.logout()
        assert client.post(url, {"reason": "disputed"}).status_code == 302  # to the login page
    assert not LcrReturn.objects.exists()


# --- the API ----------------------------------------------------------------------------------


def test_api_returns_an_lcr_once_and_hides_others(client) -> None:
    shop, buyers, orders = _remitted()
    invoice = orders[0].invoice
    payment = _paid_on_due_date(shop, buyers[0], invoice)
    lcr = ScheduledPayment.objects.get()
    url = f"/api/lcr/{lcr.pk}/return"
    client.force_login(owner_of(shop.seller))
    with clock.frozen(BACK):
        done = client.post(
            url, {"reason": "disputed", "on": "2026-05-04"}, content_type="application/json"
        )
        assert done.status_code == 200, done.content
        body = done.json()
        assert body["invoice"] == invoice.number and body["reason"] == "disputed"
        assert body["payment_reversed_id"] == payment.pk and body["fee"] in ("0.00", "0", 0)
        assert body["returned_on"] == "2026-05-04"
        again = client.post(
            url, {"reason": "other", "detail": "x"}, content_type="application/json"
        )
        assert again.status_code == 200 and again.json()["id"] == body["id"]
        assert again.json()["reason"] == "disputed"  # unchanged
        unknown = client.post(
            "/api/lcr/999999/return", {"reason": "disputed"}, content_type="application/json"
        )
        assert unknown.status_code == 404 and unknown.json()["rule"] == "PT4"
        other, _, _ = _remitted()
        client.force_login(owner_of(other.seller))
        hidden = client.post(url, {"reason": "disputed"}, content_type="application/json")
        assert hidden.status_code == 404 and invoice.number not in hidden.content.decode()
        other_lcr = ScheduledPayment.objects.filter(seller=other.seller).get()
        future = client.post(
            f"/api/lcr/{other_lcr.pk}/return",
            {"reason": "disputed", "on": "2026-06-01"},
            content_type="application/json",
        )
        assert future.status_code == 422
        assert (future.json()["field"], future.json()["rule"]) == ("on", "PT4")
    assert LcrReturn.objects.count() == 1
    assert Payment.objects.filter(reversed_at__isnull=False).count() == 1


def test_api_refuses_a_return_of_an_lcr_never_remitted() -> None:
    from django.test import Client

    from tests.payments.test_lcr_export import _lcr_orders

    shop, _buyers, _orders = _lcr_orders(count=1)
    lcr = ScheduledPayment.objects.get()
    client = Client()
    client.force_login(owner_of(shop.seller))
    with clock.frozen(datetime(2026, 3, 20, 10, tzinfo=clock.PARIS)):
        refused = client.post(
            f"/api/lcr/{lcr.pk}/return", {"reason": "disputed"}, content_type="application/json"
        )
    assert refused.status_code == 422 and refused.json()["code"] == "lcr_not_remitted"
