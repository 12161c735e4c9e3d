"""The order page (French by default) and the API for two ordering gaps:

- O8 [002 §4.2]: under terms that make the buyer's order irrevocable, the buyer is offered no
  cancellation and a posted or API cancellation is refused with the rule; where the terms allow
  it, the buyer cancels from the page before acceptance;
- O10: an order awaiting its prepayment shows both sides what is still due; the seller records
  what it received (amount, method, date) and the refusals name the field and the rule."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.ordering.models import Order
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_place
from comptoir.parties import services
from comptoir.payments.models import Payment
from comptoir.terms.loader import preset_text
from comptoir.terms.services import (
    terms_version_create_draft,
    terms_version_create_from_preset,
    terms_version_publish,
)
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db
JSON = "application/json"
REVOCABLE = preset_text("electronics-wholesale").replace(
    "buyer_order_irrevocable = true", "buyer_order_irrevocable = false", 1
)


def _seller_user(shop, source: str | None = None):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        if source is None:
            draft = terms_version_create_from_preset(
                seller=shop.seller, preset="electronics-wholesale"
            )
        else:
            draft = terms_version_create_draft(
                seller=shop.seller, source=source, preset="electronics-wholesale"
            )
        terms_version_publish(version=draft)
    user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


@pytest.fixture
def frozen():
    clock.freeze(datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS))
    yield
    clock.freeze(None)


def _order(shop) -> Order:
    return order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=(LineRequest("HD-001", 6),),
            accepted_terms_version=1,
            idempotency_key="gaps-1",
        ),
    )


def _page(client, order) -> str:
    response = client.get(reverse("web:order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


# ----------------------------------------------------------------------------- O8 irrevocable


def test_the_buyer_is_offered_no_cancellation_of_an_irrevocable_order(client, shop, frozen):
    _seller_user(shop)
    order = _order(shop)
    assert order.state == "submitted"
    client.force_login(shop.owner)
    html = _page(client, order)
    assert 'data-testid="buyer-cancel"' not in html and 'value="cancel"' not in html
    # a stale or forged form is refused with the rule, the order stays
    response = client.post(
        reverse("web:order_action", args=[order.number]),
        {"action": "cancel", "reason": "Plus besoin."},
        follow=True,
    )
    assert "(O8)" in response.content.decode() and "Art. 4.2" in response.content.decode()
    order.refresh_from_db()
    assert order.state == "submitted"
    # the API answers the error
    answer = client.post(
        f"/api/orders/{order.number}/cancel", {"reason": "Plus besoin."}, content_type=JSON
    )
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert (body["code"], body["rule"], body["field"]) == ("order_irrevocable", "O8", "state")
    order.refresh_from_db()
    assert order.state == "submitted"


def test_where_the_terms_allow_it_the_buyer_cancels_from_the_page(client, shop, frozen):
    seller_user = _seller_user(shop, REVOCABLE)
    order = _order(shop)
    client.force_login(shop.owner)
    html = _page(client, order)
    assert 'data-testid="buyer-cancel"' in html and 'for="cancel-reason"' in html
    client.post(
        reverse("web:order_action", args=[order.number]),
        {"action": "cancel", "reason": "Erreur de saisie."},
    )
    order.refresh_from_db()
    assert (order.state, order.reason) == ("cancelled", "Erreur de saisie.")
    assert 'data-testid="buyer-cancel"' not in _page(client, order)
    client.force_login(seller_user)  # the seller is not offered the buyer's cancellation
    assert 'data-testid="buyer-cancel"' not in _page(client, order)


# ------------------------------------------------------------------------------ O10 prepayment


def test_an_order_awaiting_its_prepayment_shows_what_is_due_and_the_seller_records_it(
    client, shop, frozen
):
    seller_user = _seller_user(shop)
    order = _order(shop)
    Order.objects.filter(pk=order.pk).update(prepayment_required=True, payment_method="transfer")
    assert order.total_incl_vat == Decimal("90.00")

    client.force_login(shop.owner)  # the buyer sees what is due, no form
    html = _page(client, order)
    assert 'data-testid="prepayment-due"' in html and "90,00" in html
    assert 'data-testid="prepayment-form"' not in html
    # the buyer posting the form is refused: only the seller records it
    client.post(
        reverse("web:prepayment_record", args=[order.number]),
        {"amount": "90.00", "method": "transfer", "value_date": "2026-11-24"},
    )
    assert not Payment.objects.exists()

    client.force_login(seller_user)
    html = _page(client, order)
    assert 'data-testid="prepayment-form"' in html
    assert 'for="prepayment-amount"' in html and 'for="prepayment-method"' in html
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    form = {"amount": "40,00", "method": "cheque", "value_date": "2026-11-24"}
    url = reverse("web:prepayment_record", args=[order.number])
    response = client.post(url, {**form, "idempotency_key": key}, follow=True)
    page = response.content.decode()
    assert 'data-testid="prepayment-due"' in page and "50,00" in page
    client.post(url, {**form, "idempotency_key": key})  # a double click records nothing more
    assert [(p.method, p.amount) for p in Payment.objects.all()] == [("cheque", Decimal("40.00"))]

    # more than is due, or a date to come: refused with the field and the rule
    response = client.post(url, {**form, "amount": "60.00", "idempotency_key": "k2"}, follow=True)
    assert "(O10)" in response.content.decode()
    response = client.post(
        url, {**form, "value_date": "2026-11-25", "idempotency_key": "k3"}, follow=True
    )
    assert "(PT4)" in response.content.decode()
    assert Payment.objects.count() == 1

    client.post(url, {**form, "amount": "50.00", "idempotency_key": "k4"})
    html = _page(client, order)
    assert 'data-testid="prepayment-covered"' in html
    assert 'data-testid="prepayment-form"' not in html


def test_an_order_without_prepayment_shows_no_section(client, shop, frozen):
    _seller_user(shop)
    order = _order(shop)
    client.force_login(shop.owner)
    assert 'data-testid="prepayment"' not in _page(client, order)


def test_the_seller_may_waive_the_immediate_payment_from_the_page(client, shop, frozen):
    """PT9, PT10: asking for the money is the seller's faculty; the buyer has no such button."""
    seller_user = _seller_user(shop)
    order = _order(shop)
    Order.objects.filter(pk=order.pk).update(prepayment_required=True, payment_method="transfer")
    client.force_login(shop.owner)
    assert 'data-testid="prepayment-waive"' not in _page(client, order)
    url = reverse("web:order_action", args=[order.number])
    client.post(url, {"action": "waive_prepayment"})
    order.refresh_from_db()
    assert order.prepayment_required  # the buyer cannot waive it

    client.force_login(seller_user)
    html = _page(client, order)
    assert 'data-testid="prepayment-waive"' in html and 'for="prepayment-waive-reason"' in html
    response = client.post(url, {"action": "waive_prepayment", "reason": "Client fidèle."})
    assert response.status_code == 302
    order.refresh_from_db()
    assert not order.prepayment_required
    html = _page(client, order)
    assert 'data-testid="prepayment"' not in html and "Client fidèle." in html
