"""The seller's dashboard: figures from billing, ledger and ordering, charts as SVG images."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from comptoir.billing.queries import sales_by_month
from comptoir.core import clock
from comptoir.fulfilment.services import shipment_create
from comptoir.ledger import queries as ledger
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_place
from comptoir.parties import services
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoiced(shop):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="selective-beauty")
        terms_version_publish(version=draft)
    seller_user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=seller_user, is_owner=True
    )
    with clock.frozen(datetime(2026, 10, 12, 10, 0, tzinfo=clock.PARIS)):
        order = order_place(
            actor=shop.owner,
            submission=Submission(
                buyer=shop.approved_buyer,
                seller=shop.seller,
                lines=(LineRequest("HD-001", 6), LineRequest("HD-002", 6)),
                accepted_terms_version=1,
                idempotency_key="dash",
            ),
        )
        shipment_create(
            actor=seller_user,
            order_id=order.pk,
            lines={line.pk: line.quantity for line in order.lines.all()},
            carrier="Colissimo",
            parcels=["6A1"],
        )
    order.refresh_from_db()
    return seller_user, order


def test_figures_come_from_the_invoice(shop, invoiced):
    _, order = invoiced
    invoice = order.invoice
    sales = dict(sales_by_month(shop.seller, on=date(2026, 11, 22)))
    assert sales[date(2026, 10, 1)] == invoice.total_excl_vat == Decimal("165.00")  # + 15 € O3
    assert sales[date(2026, 11, 1)] == Decimal("0.00") and len(sales) == 12
    buckets = dict(ledger.ageing(shop.seller, date(2026, 11, 22)))
    assert buckets["not_due"] == invoice.total_incl_vat  # due 30 days end of month: 30/11
    assert dict(ledger.ageing(shop.seller, date(2027, 1, 15)))["31-60"] == invoice.total_incl_vat
    assert ledger.on_time_rate(shop.seller, date(2026, 1, 1), date(2027, 1, 1)) == (0, 0)


def test_the_seller_sees_the_dashboard_and_its_charts(client, shop, invoiced):
    seller_user, _ = invoiced
    client.force_login(seller_user)
    page = client.get(reverse("web:dashboard"))
    assert page.status_code == 200 and 'data-testid="ageing"' in page.content.decode()
    for name in ("sales", "ageing", "on-time", "orders"):
        svg = client.get(reverse("web:dashboard_chart", args=[name]))
        assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
        assert b"<svg" in svg.content and b"<script" not in svg.content


def test_the_charts_speak_the_readers_language(client, shop, invoiced):
    seller_user, _ = invoiced
    client.force_login(seller_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    svg = client.get(reverse("web:dashboard_chart", args=["sales"])).content.decode()
    assert "Sales by month (excl. VAT)" in svg and "€ excl. VAT" in svg
    assert "HT" not in svg  # the axis once read "€ HT" in English too


def test_a_buyer_has_no_dashboard(client, shop, invoiced):
    client.force_login(shop.owner)
    assert client.get(reverse("web:dashboard")).status_code == 404
    assert client.get(reverse("web:dashboard_chart", args=["sales"])).status_code == 404
