"""The operator marks an exported payout paid from the payouts page (PT14); the page and the
seller's payout report show the day it was paid."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.parties.models import Organization
from comptoir.payments.models import Payout
from comptoir.payments.services import payouts_export
from tests.parties.factories import make_operator_user, make_org, make_user
from tests.payments.conftest import at, fr_iban, issue, make_pair, pay

pytestmark = pytest.mark.django_db
PAID_AT = datetime(2027, 1, 4, 9, 30, tzinfo=clock.PARIS)


@pytest.fixture(autouse=True)
def _english_and_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def payouts():
    """Two payouts of 984 € to a marketplace seller: the first exported, the second pending."""
    pair = make_pair("marketplace")
    operator_org = make_org(name="Halle Commune SAS", buyer=True)
    operator_org.is_operator, operator_org.iban, operator_org.bic = True, fr_iban(), "BNPAFRPP"
    operator_org.save()
    day = date(2026, 12, 1)
    invoice = issue(pair, on=day, due=day)
    with clock.frozen(at(day)):
        pay(pair, "1200.00", "card", day, "card-0", invoice.number)
        payouts_export()
        second = issue(pair, on=day, due=day)
        pay(pair, "1200.00", "card", day, "card-1", second.number)
    exported, pending = Payout.objects.order_by("pk")
    assert (exported.status, pending.status) == ("exported", "pending")
    return exported, pending


def test_the_operator_marks_an_exported_payout_paid(client, payouts) -> None:
    exported, pending = payouts
    client.force_login(make_operator_user())
    page = client.get(reverse("web:oversight_payouts"), {"status": "exported"}).content.decode()
    url = reverse("web:payout_paid", args=[exported.pk])
    assert url in page and "Mark paid" in page and 'name="csrfmiddlewaretoken"' in page
    assert reverse("web:payout_paid", args=[pending.pk]) not in page  # pending: no button
    back = reverse("web:oversight_payouts") + "?status=exported"
    with clock.frozen(PAID_AT):
        response = client.post(url, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    exported.refresh_from_db()
    assert (exported.status, exported.paid_at) == ("paid", PAID_AT)
    page = client.get(reverse("web:oversight_payouts")).content.decode()
    assert f"Payout {exported.end_to_end_id}" in page and "marked paid (PT14)" in page
    assert f'data-testid="payout-paid-{exported.pk}"' in page and "paid on 04/01/2027" in page
    assert url not in page  # paid: no button any more
    # the paid status is a filter too
    listed = client.get(reverse("web:oversight_payouts"), {"status": "paid"}).context["rows"]
    assert [p.pk for p in listed] == [exported.pk] and listed[0].status_label == "Paid"


def test_the_seller_report_has_the_paid_date(client, payouts) -> None:
    exported, _pending = payouts
    Payout.objects.filter(pk=exported.pk).update(status="paid", paid_at=PAID_AT)
    client.force_login(make_operator_user())
    url = reverse("web:oversight_payout_report", args=[exported.seller_id])
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    paid, status = header.index("Paid"), header.index("Status")
    assert header[paid - 1] == "Sent"
    assert (rows[1][status], rows[1][paid]) == ("Paid", "2027-01-04T09:30:00+01:00")
    assert (rows[2][status], rows[2][paid]) == ("Pending", "")
    assert rows[3][0] == "Total" and len(rows[3]) == len(header)


def test_a_pending_or_paid_payout_is_refused_with_the_reason(client, payouts) -> None:
    exported, pending = payouts
    client.force_login(make_operator_user())
    response = client.post(reverse("web:payout_paid", args=[pending.pk]), follow=True)
    html = response.content.decode()
    assert "has not been sent to the bank yet" in html and "(PT14)" in html
    pending.refresh_from_db()
    assert pending.status == "pending"
    with clock.frozen(PAID_AT):
        client.post(reverse("web:payout_paid", args=[exported.pk]))
    again = client.post(reverse("web:payout_paid", args=[exported.pk]), follow=True)
    assert "already marked paid (04/01/2027)" in again.content.decode()
    exported.refresh_from_db()
    assert exported.paid_at == PAID_AT


def test_only_the_operator_may_and_only_by_post(client, payouts) -> None:
    exported, _pending = payouts
    url = reverse("web:payout_paid", args=[exported.pk])
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("web:login"))
    seller_owner = exported.seller.memberships.get().user
    client.force_login(seller_owner)
    assert client.post(url).status_code == 404
    client.force_login(make_user())
    assert client.post(url).status_code == 404
    member = make_user()
    org = make_org(buyer=True, owner=member, name="Halle Bis SAS")
    Organization.objects.filter(pk=org.pk).update(is_operator=True)
    client.force_login(member)
    assert client.get(url).status_code == 405
    assert client.post(reverse("web:payout_paid", args=[10**9])).status_code == 404
    external = client.post(url, {"next": "https://evil.example/"})
    assert external["Location"] == reverse("web:oversight_payouts")  # no open redirect
    exported.refresh_from_db()
    assert exported.status == "paid"
