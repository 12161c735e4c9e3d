"""The statement of account's lines in the reader's language, on the page (language cookie) and
through the API (Accept-Language); the entries' labels stay the French record."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.ledger.models import JournalEntry
from comptoir.parties.models import Membership
from comptoir.payments.services import collection_run
from tests.payments.conftest import at, issue, make_pair, pay

pytestmark = pytest.mark.django_db
PAID_ON = date(2026, 4, 16)
TODAY = date(2026, 4, 20)


def _owner(org):
    return Membership.objects.get(organization=org, is_owner=True).user


@pytest.fixture
def late():
    """An invoice unpaid past its due date: the 40 € indemnity, interest claimed when part of it
    is paid, interest again since."""
    pair = make_pair("monthly-intranet")
    pair.invoice = issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))  # type: ignore[attr-defined]
    for day in (date(2026, 3, 17), date(2026, 4, 15)):
        with clock.frozen(at(day)):
            collection_run(on=day)
    with clock.frozen(at(PAID_ON)):
        pay(pair, "200.00", "transfer", PAID_ON, "part-1", pair.invoice.number)  # type: ignore[attr-defined]
    return pair


def _page(client, late, lang: str) -> str:
    client.cookies["django_language"] = lang
    client.force_login(_owner(late.buyer))
    with clock.frozen(at(TODAY)):
        page = client.get(reverse("web:account_statement", args=[late.seller.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_the_statement_page_says_each_line_in_english(client, late) -> None:
    ref = late.invoice.number
    html = _page(client, late, "en")
    assert f"Invoice {ref} {late.invoice.recipient_snapshot['name']}" in html
    assert f"Fixed indemnity for recovery costs {ref} (C. com. D441-5, PT11)" in html
    assert f"Late-payment interest {ref} to 15/04/2026 (PT11)" in html
    assert f"Late-payment interest {ref} to 16/04/2026 (PT11)" in html
    assert f"Payment {ref}" in html
    for french in ("Intérêts de retard", "Indemnité forfaitaire", "Facture ", "Règlement "):
        assert french not in html
    # the record itself is unchanged
    assert JournalEntry.objects.filter(label=f"Intérêts de retard {ref} au 15/04/2026 (PT11)")


def test_the_statement_page_in_french_reads_as_before(client, late) -> None:
    ref = late.invoice.number
    html = _page(client, late, "fr")
    assert f"Intérêts de retard {ref} au 15/04/2026 (PT11)" in html
    assert f"Indemnité forfaitaire pour frais de recouvrement {ref} (C. com. D441-5, PT11)" in html
    assert f"Règlement {ref}" in html
    assert "Late-payment interest" not in html


def test_the_api_statement_describes_each_line_in_the_requests_language(client, late) -> None:
    client.force_login(_owner(late.seller))
    ref = late.invoice.number
    url = f"/api/statements/{late.buyer.pk}"
    with clock.frozen(at(TODAY)):
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["lines"]
        french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").json()["lines"]
    interest = [line for line in english if line["kind"] == "interest"][0]
    assert interest["description"] == f"Late-payment interest {ref} to 15/04/2026 (PT11)"
    assert interest["label"] == f"Intérêts de retard {ref} au 15/04/2026 (PT11)"  # the record
    assert [line["label"] for line in english] == [line["label"] for line in french]
    assert [line["description"] for line in french] == [line["label"] for line in french]
    assert {line["description"] for line in english}.isdisjoint(line["label"] for line in english)
