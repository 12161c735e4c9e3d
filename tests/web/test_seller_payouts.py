"""A marketplace seller's own payouts page and its CSV (PT14): newest first, paginated, filtered
by status and period, with the totals of the selection; only the seller's members with
view_invoices (P4) see them, and never another seller's."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.parties import services as parties
from comptoir.parties.models import Membership, Permission, User
from comptoir.payments.models import Payment, Payout
from comptoir.payments.services import payouts_export
from comptoir.payments.services.payouts import payout_mark_paid
from tests.parties.factories import make_operator_user, make_user
from tests.payments.conftest import Pair, at, issue, make_pair, pay

pytestmark = pytest.mark.django_db

PAID_AT = datetime(2026, 12, 15, 9, 30, tzinfo=clock.PARIS)
URL = "/seller/payouts/"


@dataclass
class Market:
    pair: Pair
    owner: User  # owner of the seller
    paid: Payout  # 1 December, 1 200 €, sent on 10 December, paid on 15 December
    exported: Payout  # 10 December, 600 €, sent on 10 December
    pending: Payout  # 20 December, 2 400 €
    other: Payout  # another marketplace seller's payout


def _owner(org) -> User:
    return Membership.objects.get(organization=org, is_owner=True).user


def _sale(pair: Pair, day: date, excl_vat: str, key: str) -> Payout:
    invoice = issue(pair, on=day, due=day, excl_vat=excl_vat)
    amount = (Decimal(excl_vat) * Decimal("1.2")).quantize(Decimal("0.01"))
    with clock.frozen(at(day)):
        payment = pay(pair, str(amount), "card", day, key, invoice.number)
    return Payout.objects.get(payment=payment)


def build_market() -> Market:
    """Three payouts of one marketplace seller (paid, sent, pending) and one of another."""
    pair = make_pair("marketplace")
    other_pair = make_pair("marketplace")
    paid = _sale(pair, date(2026, 12, 1), "1000.00", "po-1")
    exported = _sale(pair, date(2026, 12, 10), "500.00", "po-2")
    other = _sale(other_pair, date(2026, 12, 10), "700.00", "po-other")
    with clock.frozen(at(date(2026, 12, 10), 16)):
        payouts_export()
    with clock.frozen(PAID_AT):
        payout_mark_paid(actor=make_operator_user(), payout_id=paid.pk)
    pending = _sale(pair, date(2026, 12, 20), "2000.00", "po-3")
    for payout in (paid, exported, pending, other):
        payout.refresh_from_db()
    return Market(pair, _owner(pair.seller), paid, exported, pending, other)


@pytest.fixture(autouse=True)
def _english_and_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def market() -> Market:
    return build_market()


def _ids(response) -> list[int]:
    return [p.pk for p in response.context["page_obj"].object_list]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_seller_sees_its_payouts_newest_first_with_totals(client, market) -> None:
    assert (market.paid.gross, market.paid.commission, market.paid.net) == (
        Decimal("1200.00"),
        Decimal("216.00"),
        Decimal("984.00"),
    )
    client.force_login(market.owner)
    response = client.get(reverse("web:seller_payouts"))
    assert response.status_code == 200
    assert _ids(response) == [market.pending.pk, market.exported.pk, market.paid.pk]
    totals = response.context["totals"]
    assert (totals.count, totals.gross, totals.commission, totals.net) == (
        3,
        Decimal("4200.00"),
        Decimal("756.00"),
        Decimal("3444.00"),
    )
    assert all(isinstance(v, Decimal) for v in (totals.gross, totals.commission, totals.net))
    page = response.content.decode()
    assert market.other.end_to_end_id not in page  # another seller's payout
    row = page.split(f'data-testid="seller-payout-{market.paid.pk}"')[1].split("</tr>")[0]
    assert "Paid" in row and "sent on 10/12/2026" in row and "paid on 15/12/2026" in row
    assert market.paid.payment.reference in row and market.paid.end_to_end_id in row
    pending_row = page.split(f'data-testid="seller-payout-{market.pending.pk}"')[1]
    pending_row = pending_row.split("</tr>")[0]
    assert "Pending" in pending_row and "sent on" not in pending_row
    assert 'data-testid="seller-payout-totals"' in page and "Total of 3 payouts" in page


def test_the_commission_invoice_pdf_opens_for_the_seller(client, market) -> None:
    invoice = market.paid.commission_invoice
    assert invoice is not None and invoice.recipient_id == market.pair.seller.pk
    client.force_login(market.owner)
    page = client.get(reverse("web:seller_payouts")).content.decode()
    # the page's own route (the web session), not the API's
    link = reverse("web:seller_payout_invoice_pdf", args=[market.paid.pk])
    assert f'href="{link}"' in page and "/api/invoices/" not in page
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert f"{invoice.number}.pdf" in pdf["Content-Disposition"]
    # another seller's payout, and a payout whose invoice is not issued: nothing
    other = reverse("web:seller_payout_invoice_pdf", args=[market.other.pk])
    assert client.get(other).status_code == 404
    Payout.objects.filter(pk=market.pending.pk).update(commission_invoice=None)
    pending = reverse("web:seller_payout_invoice_pdf", args=[market.pending.pk])
    assert client.get(pending).status_code == 404


def test_filters_by_status_and_period(client, market) -> None:
    client.force_login(market.owner)
    url = reverse("web:seller_payouts")
    response = client.get(url, {"status": "exported"})
    assert _ids(response) == [market.exported.pk]
    assert response.context["totals"].net == Decimal("492.00")
    assert _ids(client.get(url, {"status": "paid"})) == [market.paid.pk]
    response = client.get(url, {"from": "2026-12-05", "to": "2026-12-10"})  # both days included
    assert _ids(response) == [market.exported.pk]
    assert response.context["totals"].gross == Decimal("600.00")
    assert _ids(client.get(url, {"from": "2026-12-10"})) == [market.pending.pk, market.exported.pk]
    assert _ids(client.get(url, {"to": "2026-12-01"})) == [market.paid.pk]
    empty = client.get(url, {"from": "2027-01-01"})
    assert _ids(empty) == [] and "No payout in this selection." in empty.content.decode()
    # the CSV link carries the filters
    assert "payouts.csv?status=exported" in client.get(url, {"status": "exported"}).content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-13-01"}, "Enter a date as yyyy-mm-dd."),
        ({"to": "demain"}, "Enter a date as yyyy-mm-dd."),
        ({"from": "2026-12-20", "to": "2026-12-01"}, "The end of the period is before its start."),
        ({"status": "lost"}, "Select a valid choice."),
    ],
)
def test_invalid_filters_show_their_error_and_list_nothing(client, market, query, message):
    client.force_login(market.owner)
    response = client.get(reverse("web:seller_payouts"), query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'aria-invalid="true"' in page and 'role="alert"' in page
    assert 'data-testid="seller-payouts"' not in page and market.paid.end_to_end_id not in page
    # the CSV sends back to the page, which shows the error
    csv_response = client.get(reverse("web:seller_payouts_csv"), query)
    assert csv_response.status_code == 302
    assert csv_response["Location"].startswith(reverse("web:seller_payouts") + "?")


def test_the_csv_has_the_filtered_rows_and_their_totals(client, market) -> None:
    client.force_login(market.owner)
    response = client.get(reverse("web:seller_payouts_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    header = rows[0]
    assert header[:6] == [
        "Date",
        "Payment reference",
        "Transfer reference",
        "Collected incl. VAT",
        "Commission incl. VAT",
        "Net paid out",
    ]
    transfer = header.index("Transfer reference")
    assert [r[transfer] for r in rows[1:-1]] == [
        market.paid.end_to_end_id,
        market.exported.end_to_end_id,
        market.pending.end_to_end_id,
    ]
    first = dict(zip(header, rows[1], strict=True))
    assert (first["Status"], first["Net paid out"], first["Paid"]) == (
        "Paid",
        "984.00",
        "2026-12-15T09:30:00+01:00",
    )
    assert first["Commission invoice"] == market.paid.commission_invoice.number
    assert rows[-1][0] == "Total" and rows[-1][3:6] == ["4200.00", "756.00", "3444.00"]
    assert market.other.end_to_end_id not in response.content.decode()
    filtered = _csv_rows(client.get(reverse("web:seller_payouts_csv"), {"status": "pending"}))
    assert len(filtered) == 3 and filtered[1][transfer] == market.pending.end_to_end_id
    assert filtered[-1][3:6] == ["2400.00", "432.00", "1968.00"]


def test_another_seller_sees_only_its_own(client, market) -> None:
    client.force_login(_owner(market.other.seller))
    response = client.get(reverse("web:seller_payouts"))
    assert _ids(response) == [market.other.pk]
    page = response.content.decode()
    for payout in (market.paid, market.exported, market.pending):
        assert payout.end_to_end_id not in page
    csv_text = client.get(reverse("web:seller_payouts_csv")).content.decode("utf-8-sig")
    assert market.paid.end_to_end_id not in csv_text and market.other.end_to_end_id in csv_text


def test_who_may_see_the_page(client, market) -> None:
    url = reverse("web:seller_payouts")
    response = client.get(url)  # a visitor is sent to the login page
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(_owner(market.pair.buyer))  # a buyer's company has no payouts page
    assert client.get(url).status_code == 404
    assert client.get(reverse("web:seller_payouts_csv")).status_code == 404
    clerk = make_user()
    parties.membership_add(
        actor=market.owner,
        organization=market.pair.seller,
        user=clerk,
        permissions=[Permission.VIEW_PRODUCTS],
    )
    client.force_login(clerk)  # a member of the seller without view_invoices (P4)
    forbidden = client.get(url)
    assert forbidden.status_code == 403
    assert market.paid.end_to_end_id not in forbidden.content.decode()
    assert client.get(reverse("web:seller_payouts_csv")).status_code == 403


def _many(seller, buyer, count: int) -> None:
    now = clock.now()
    for i in range(count):
        payment = Payment.objects.create(
            buyer=buyer,
            seller=seller,
            method="card",
            amount=Decimal("120.00"),
            value_date=now.date(),
            idempotency_key=f"many-{i}",
            recorded_at=now,
        )
        Payout.objects.create(
            seller=seller,
            payment=payment,
            gross=Decimal("120.00"),
            commission=Decimal("21.60"),
            net=Decimal("98.40"),
            end_to_end_id=f"PO-MANY-{i:04d}",
            created_at=now,
        )


def test_pagination_and_a_bounded_number_of_queries(
    client, market, django_assert_max_num_queries
) -> None:
    client.force_login(market.owner)
    url = reverse("web:seller_payouts")
    with django_assert_max_num_queries(7):
        client.get(url)
    _many(market.pair.seller, market.pair.buyer, 55)  # 58 payouts in all
    with django_assert_max_num_queries(7):  # the same with 50 rows on the page: no N+1
        first = client.get(url)
    assert len(first.context["page_obj"].object_list) == 50
    assert first.context["totals"].count == 58
    assert first.context["totals"].net == Decimal("3444.00") + 55 * Decimal("98.40")
    assert "Page 1 of 2" in first.content.decode() and "page=2" in first.content.decode()
    second = client.get(url, {"page": 2, "status": "pending"})
    assert second.context["page_obj"].number == 2
    assert len(second.context["page_obj"].object_list) == 6  # 55 + the pending one, 50 a page
    assert "status=pending&amp;page=1" in second.content.decode()  # filters kept across pages
