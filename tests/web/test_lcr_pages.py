"""The seller's LCR page (PT1, PT4): the LCR due with their present-by day, the export of those not
remitted yet into a CFONB 160 file, its download; other companies see none of it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.payments.formats.lcr import parse_remittance
from comptoir.payments.models import LcrRemittance, ScheduledPayment
from tests.payments.test_lcr_export import NOW, _lcr_orders, french_iban
from tests.web.test_payments_pages import employee_of, owner_of

pytestmark = pytest.mark.django_db


def test_the_seller_sees_its_lcr_remits_them_once_and_downloads_the_file(client) -> None:
    shop, buyers, orders = _lcr_orders()
    buyers[0].org.iban = french_iban("20041", "01005")
    buyers[0].org.save()
    buyers[1].org.iban = ""  # no IBAN on file: the LCR goes without bank details
    buyers[1].org.save()
    client.force_login(owner_of(shop.seller))
    with clock.frozen(NOW):
        page = client.get(reverse("web:lcr"), {"until": "2026-05-31"})
        html = page.content.decode()
        assert page.status_code == 200
        for order in orders:
            assert order.invoice.number in html
        assert "18/04/2026" in html  # due 30 Apr, to reach the bank 12 days before (PT4)
        # the page speaks French by default
        assert 'data-testid="lcr-export"' in html and "Remettre 2 LCR" in html
        done = client.post(reverse("web:lcr_export"), {"until": "2026-05-31"}, follow=True)
        text = done.content.decode()
        assert "aucun IBAN français connu" in text  # the second buyer: no bank details
        remittance = LcrRemittance.objects.get()
        assert remittance.reference in text and "Aucune LCR à remettre" in text
        again = client.post(reverse("web:lcr_export"), {"until": "2026-05-31"}, follow=True)
    assert "Aucune LCR à remettre à cette date." in again.content.decode()
    assert LcrRemittance.objects.count() == 1  # nothing remitted twice
    assert not ScheduledPayment.objects.filter(method="lcr", lcr_remittance__isnull=True).exists()
    file = client.get(reverse("web:lcr_file", args=[remittance.pk]))
    assert file.status_code == 200
    assert f"LCR-{remittance.reference}.txt" in file["Content-Disposition"]
    parsed = parse_remittance(file.content.decode("ascii"))
    assert parsed.total == sum(o.invoice.total_incl_vat for o in orders)


def test_errors_are_shown_not_raised(client) -> None:
    shop, _buyers, _orders = _lcr_orders(count=1)
    client.force_login(owner_of(shop.seller))
    with clock.frozen(NOW):
        bad_day = client.get(reverse("web:lcr"), {"until": "31/05/2026"}, follow=True)
        assert bad_day.status_code == 200 and "AAAA-MM-JJ" in bad_day.content.decode()
        shop.seller.iban = "DE89370400440532013000"
        shop.seller.save()
        refused = client.post(reverse("web:lcr_export"), {"until": "2026-05-31"}, follow=True)
    assert "(PT4)" in refused.content.decode()  # the seller's IBAN must be French
    assert not LcrRemittance.objects.exists()


def test_other_companies_and_members_without_the_right_get_nothing(client) -> None:
    shop, buyers, _orders = _lcr_orders(count=1)
    with clock.frozen(NOW):
        from comptoir.payments.services.lcr import lcr_export

        remittance = lcr_export(seller=shop.seller, until=date(2026, 5, 31)).remittance
    client.force_login(owner_of(buyers[0].org))  # a buyer, not a seller
    assert client.get(reverse("web:lcr")).status_code == 404
    assert client.get(reverse("web:lcr_file", args=[remittance.pk])).status_code == 404
    other, _, _ = _lcr_orders(count=1)
    client.force_login(owner_of(other.seller))  # another seller
    assert client.get(reverse("web:lcr_file", args=[remittance.pk])).status_code == 404
    assert remittance.reference not in client.get(reverse("web:lcr")).content.decode()
    client.force_login(employee_of(shop.seller, ["view_products"]))  # no "see invoices" (P4)
    assert client.get(reverse("web:lcr")).status_code == 403
    assert client.post(reverse("web:lcr_export")).status_code == 403
