"""The operator's oversight pages through the Django client: the audit log and its verification
(P8), payouts and commission with the pain.001 export and the per-seller report (PT14, I8), the
moderation of reported products (C7, P6) and the report form of the product page."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.catalog.models import Product, ProductReport
from comptoir.catalog.services import product_report
from comptoir.core import clock
from comptoir.core.models import AuditEntry
from comptoir.core.services import audit_record
from comptoir.parties.models import Organization
from comptoir.payments.formats.validation import validate
from comptoir.payments.models import Payout
from tests.parties.factories import make_operator_user, make_org, make_user
from tests.payments.conftest import at, fr_iban, issue, make_pair, pay

pytestmark = pytest.mark.django_db

OPERATOR_GETS = ("web:oversight_audit", "web:oversight_payouts", "web:oversight_moderation")


@pytest.fixture(autouse=True)
def _english_and_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def operator():
    return make_operator_user()


@pytest.fixture
def operator_member():
    """A member of the operator's organization (not Django staff)."""
    user = make_user()
    org = make_org(buyer=True, owner=user, name="Halle Commune SAS")
    Organization.objects.filter(pk=org.pk).update(is_operator=True)
    return user


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", OPERATOR_GETS)
def test_visitors_log_in_and_other_users_get_404(client, shop, route):
    url = reverse(route)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    client.force_login(shop.owner)  # an owner of a buyer, with every right of its company
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("route", OPERATOR_GETS)
def test_a_member_of_the_operator_organization_sees_the_pages(client, operator_member, route):
    client.force_login(operator_member)
    assert client.get(reverse(route)).status_code == 200


def test_non_operators_cannot_post_the_operator_actions(client, shop):
    client.force_login(shop.owner)
    audit_record(actor=None, organization_id=None, action="x.y", obj_type="t", obj_id=1)
    for name, args in (
        ("web:oversight_audit_verify", []),
        ("web:oversight_payouts_export", []),
        ("web:oversight_moderation_dismiss", [shop.open_product.pk]),
        ("web:oversight_moderation_remove", [shop.open_product.pk]),
    ):
        assert client.post(reverse(name, args=args), {"reason": "x"}).status_code == 404, name
    assert (
        client.get(reverse("web:oversight_payout_report", args=[shop.seller.pk])).status_code == 404
    )
    shop.open_product.refresh_from_db()
    assert shop.open_product.removed_at is None


# --- audit log (P8) ----------------------------------------------------------------------------


def _entries(n: int, *, org: int | None = None, action: str = "test.step", actor=None) -> None:
    for i in range(n):
        audit_record(
            actor=actor,
            organization_id=org,
            action=action,
            obj_type="test.obj",
            obj_id=i,
            data={"i": i, "amount": D("12.50")},
        )


def test_the_audit_log_lists_entries_newest_first_with_their_data(client, operator, shop):
    client.force_login(operator)
    _entries(3, org=shop.seller.pk, actor=shop.owner)
    page = client.get(reverse("web:oversight_audit"))
    seqs = [row["entry"].seq for row in page.context["rows"]]
    assert seqs == sorted(seqs, reverse=True)
    html = page.content.decode()
    assert (
        "test.step" in html and "Maison Test Cosmétiques" in html and "owner@buyer-a.test" in html
    )
    assert "&quot;amount&quot;: &quot;12.50&quot;" in html  # the data, as JSON


def test_the_audit_log_filters(client, operator, shop):
    client.force_login(operator)
    with clock.frozen(datetime(2026, 3, 1, 10, 0)):
        _entries(2, org=shop.seller.pk, action="product.create", actor=shop.owner)
    with clock.frozen(datetime(2026, 3, 5, 10, 0)):
        _entries(1, org=shop.approved_buyer.pk, action="product.remove")
        _entries(1, org=shop.approved_buyer.pk, action="order.place", actor=shop.other_owner)
    url = reverse("web:oversight_audit")

    def actions(**query) -> list[str]:
        rows = client.get(url, query).context["rows"]
        return [row["entry"].action for row in rows if row["entry"].object_type == "test.obj"]

    assert actions(organization=shop.seller.pk) == ["product.create"] * 2
    assert actions(action="product.remove") == ["product.remove"]
    assert actions(action="product.*") == ["product.remove", "product.create", "product.create"]
    assert actions(actor="OWNER@buyer-b.test") == ["order.place"]
    assert actions(actor="nobody@nowhere.test") == []
    assert actions(**{"from": "2026-03-02"}) == ["order.place", "product.remove"]
    assert actions(to="2026-03-01") == ["product.create"] * 2  # the day itself is included
    page = client.get(url, {"from": "2026-13-45"}, follow=True)
    assert page.status_code == 200 and "is not a date" in page.content.decode()


def test_the_audit_log_pages_without_counting_and_in_a_few_queries(client, operator):
    client.force_login(operator)
    _entries(120, actor=operator)
    url = reverse("web:oversight_audit")
    client.get(url)  # session and user cached
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    assert len(first.context["rows"]) == 50
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    # the actors are read for their e-mail, their password hashes left in the database
    entries = [q["sql"] for q in queries.captured_queries if 'FROM "core_auditentry"' in q["sql"]]
    assert entries and all('"parties_user"."password"' not in sql for sql in entries)
    assert len(queries.captured_queries) <= 8  # session, user, operator check, page, names, orgs
    older = first.context["older_url"]
    second = client.get(url + older)
    assert second.context["rows"][0]["entry"].seq == first.context["rows"][-1]["entry"].seq - 1
    third = client.get(url + client.get(url + older).context["older_url"])
    assert len(third.context["rows"]) == 20 and third.context["older_url"] == ""
    assert "Newest entries" in third.content.decode()


def test_verify_reports_an_intact_chain(client, operator):
    client.force_login(operator)
    _entries(5)
    page = client.post(reverse("web:oversight_audit_verify"), follow=True)
    assert "Audit chain intact: 5 entries checked" in page.content.decode()


def test_verify_points_to_the_first_entry_changed_behind_the_log_s_back(client, operator):
    client.force_login(operator)
    _entries(5)
    tampered = AuditEntry.objects.get(seq=3)
    with connection.cursor() as cursor:  # a change made outside the application
        cursor.execute(
            "UPDATE core_auditentry SET action = %s WHERE id = %s", ["test.forged", tampered.pk]
        )
    response = client.post(reverse("web:oversight_audit_verify"))
    assert response.status_code == 302 and response["Location"].endswith("?before=4")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Audit chain broken at entry #3" in html and "changed after writing" in html
    assert "The 2 entries before it are intact" in html
    assert page.context["rows"][0]["entry"].seq == 3  # the page opens on the broken entry


# --- payouts and commission (PT14, I8) ---------------------------------------------------------


@pytest.fixture
def marketplace():
    """Two payments of 1,200 € to a marketplace seller (card), so two payouts of 984 €."""
    pair = make_pair("marketplace")
    operator_org = make_org(name="Halle Commune SAS", buyer=True)
    operator_org.is_operator, operator_org.iban, operator_org.bic = True, fr_iban(), "BNPAFRPP"
    operator_org.save()
    for n, day in enumerate((date(2026, 12, 1), date(2026, 12, 15))):
        invoice = issue(pair, on=day, due=day)
        with clock.frozen(at(day)):
            pay(pair, "1200.00", "card", day, f"card-{n}", invoice.number)
    return pair


def test_the_payouts_page_shows_commission_vat_and_totals(client, operator, marketplace):
    client.force_login(operator)
    page = client.get(reverse("web:oversight_payouts"))
    summary = page.context["summary"]
    [seller] = summary.by_seller
    assert seller.seller == marketplace.seller and seller.count == 2
    assert (seller.gross, seller.commission_excl_vat, seller.commission_vat) == (
        D("2400.00"),
        D("360.00"),
        D("72.00"),
    )
    assert (seller.commission, seller.net, seller.pending) == (
        D("432.00"),
        D("1968.00"),
        D("1968.00"),
    )
    assert summary.overall.net == D("1968.00") and summary.overall.unsplit == 0
    row = page.context["rows"][0]
    assert (row.commission_excl_vat, row.commission_vat, row.status_label) == (
        D("180.00"),
        D("36.00"),
        "Pending",
    )
    html = page.content.decode()
    assert "€984.00" in html and "€1,968.00" in html and "Export 2 pending payouts" in html


def test_the_payouts_page_filters_by_period_status_and_seller(client, operator, marketplace):
    client.force_login(operator)
    url = reverse("web:oversight_payouts")
    december_first_half = client.get(url, {"from": "2026-12-01", "to": "2026-12-14"})
    assert december_first_half.context["summary"].overall.count == 1
    assert client.get(url, {"status": "exported"}).context["summary"].overall.count == 0
    other = make_org(seller=True)
    assert client.get(url, {"seller": other.pk}).context["summary"].overall.count == 0
    assert client.get(url, {"status": "bogus"}).context["summary"].overall.count == 2


def test_export_downloads_the_pain001_and_marks_the_payouts_sent(client, operator, marketplace):
    client.force_login(operator)
    with clock.frozen(at(date(2026, 12, 31))):
        response = client.post(reverse("web:oversight_payouts_export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].startswith('attachment; filename="COMPTOIR-PO-')
    assert validate(response.content, "pain.001.001.03") == []
    assert response.content.count(b"984.00") == 2
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.EXPORTED}
    page = client.get(reverse("web:oversight_payouts"))
    assert page.context["summary"].overall.pending == 0
    assert "Sent to the bank" in page.content.decode()
    again = client.post(reverse("web:oversight_payouts_export"), follow=True)
    assert "No pending payout to export" in again.content.decode()


def test_export_without_the_operator_bank_account_says_so(client, operator, marketplace):
    Organization.objects.filter(is_operator=True).update(iban="")
    client.force_login(operator)
    page = client.post(reverse("web:oversight_payouts_export"), follow=True)
    assert "IBAN" in page.content.decode() and "(PT14)" in page.content.decode()
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.PENDING}


def test_the_seller_report_is_a_csv_with_totals(client, operator, marketplace):
    client.force_login(operator)
    url = reverse("web:oversight_payout_report", args=[marketplace.seller.pk])
    response = client.get(url, {"from": "2026-12-01", "to": "2026-12-31"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert (
        f"payouts-{marketplace.seller.pk}-2026-12-01-2026-12-31.csv"
        in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-5:] == [
        "Collected incl. VAT",
        "Commission excl. VAT",
        "VAT on commission",
        "Commission incl. VAT",
        "Paid out",
    ]
    assert [r[-5:] for r in rows[1:3]] == [["1200.00", "180.00", "36.00", "216.00", "984.00"]] * 2
    assert rows[3][0] == "Total" and rows[3][1] == "2"
    assert rows[3][-5:] == ["2400.00", "360.00", "72.00", "432.00", "1968.00"]
    empty = list(
        csv.reader(
            io.StringIO(client.get(url, {"to": "2026-11-30"}).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert len(empty) == 2 and empty[1][-1] == "0.00"
    buyer = marketplace.buyer
    assert client.get(reverse("web:oversight_payout_report", args=[buyer.pk])).status_code == 404


# --- moderation (C7, P6) -----------------------------------------------------------------------


def _product_page(shop, product: Product) -> str:
    return reverse("web:product_detail", args=[shop.seller.pk, product.pk])


def test_the_product_page_has_the_report_form_for_other_companies_only(client, shop):
    client.force_login(shop.owner)
    page = client.get(_product_page(shop, shop.open_product)).content.decode()
    assert 'data-testid="report-product"' in page
    values = [v for v in ProductReport.Reason.values if f'<option value="{v}">' in page]
    assert values == ProductReport.Reason.values  # the form offers every reason of the model
    seller_user = make_user()
    from comptoir.parties import services

    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=seller_user, is_owner=True
    )
    client.force_login(seller_user)
    page = client.get(_product_page(shop, shop.open_product)).content.decode()
    assert 'data-testid="report-product"' not in page
    client.logout()
    assert (
        'data-testid="report-product"'
        not in client.get(_product_page(shop, shop.open_product)).content.decode()
    )


def test_a_buyer_reports_a_product_from_its_page(client, shop):
    client.force_login(shop.owner)
    url = reverse("web:product_report", args=[shop.seller.pk, shop.open_product.pk])
    page = client.post(url, {"reason": "misleading", "text": "Contenance fausse"}, follow=True)
    assert page.redirect_chain[-1][0] == _product_page(shop, shop.open_product)
    assert "the operator will review this product" in page.content.decode()
    report = ProductReport.objects.get()
    assert (report.reporter_organization, report.reporter_user) == (shop.approved_buyer, shop.owner)
    again = client.post(url, {"reason": "other", "text": "Encore"}, follow=True)
    assert "already reported this product" in again.content.decode()
    assert ProductReport.objects.count() == 1


def test_an_invalid_report_shows_its_rule_and_saves_nothing(client, shop):
    client.force_login(shop.owner)
    url = reverse("web:product_report", args=[shop.seller.pk, shop.open_product.pk])
    page = client.post(url, {"reason": "other", "text": ""}, follow=True)
    assert "(C7)" in page.content.decode() and not ProductReport.objects.exists()


def test_a_product_hidden_from_the_buyer_cannot_be_reported(client, shop):
    client.force_login(shop.other_owner)  # not approved for the selective brand (C2)
    url = reverse("web:product_report", args=[shop.seller.pk, shop.selective_product.pk])
    assert client.post(url, {"reason": "counterfeit"}).status_code == 404
    assert client.get(url).status_code == 405
    assert not ProductReport.objects.exists()


def _two_reports(shop):
    product_report(
        actor=shop.owner,
        reporter=shop.approved_buyer,
        product=shop.open_product,
        reason="counterfeit",
        text="Logo imité",
    )
    product_report(
        actor=shop.other_owner,
        reporter=shop.other_buyer,
        product=shop.open_product,
        reason="misleading",
    )


def test_the_queue_groups_reports_per_product(client, operator, shop):
    _two_reports(shop)
    client.force_login(operator)
    page = client.get(reverse("web:oversight_moderation"))
    [group] = page.context["groups"]
    assert group.product == shop.open_product and group.count == 2
    html = page.content.decode()
    assert "2 open reports" in html and "Logo imité" in html
    assert "Counterfeit or infringing (1)" in html and "Misleading description (1)" in html
    # C7: the seller's name leads to its page, where the operator may suspend it
    assert reverse("web:operator_organization", args=[shop.seller.pk]) in html


def test_the_operator_dismisses_the_reports(client, operator, shop):
    _two_reports(shop)
    client.force_login(operator)
    url = reverse("web:oversight_moderation_dismiss", args=[shop.open_product.pk])
    page = client.post(url, {"note": "Conforme"}, follow=True)
    assert "2 report(s)" in page.content.decode() and page.context["groups"] == []
    assert [r.status_label for r in page.context["recent"]] == ["Dismissed", "Dismissed"]
    assert "No open report left" in client.post(url, follow=True).content.decode()
    shop.open_product.refresh_from_db()
    assert shop.open_product.is_active


def test_the_operator_removes_the_product_with_a_reason(client, operator, shop):
    _two_reports(shop)
    client.force_login(operator)
    url = reverse("web:oversight_moderation_remove", args=[shop.open_product.pk])
    page = client.post(url, {"reason": ""}, follow=True)
    assert "Give the reason" in page.content.decode() and "(C7)" in page.content.decode()
    shop.open_product.refresh_from_db()
    assert shop.open_product.removed_at is None
    page = client.post(url, {"reason": "Contrefaçon avérée"}, follow=True)
    assert "removed from the catalog; 2 report(s) closed (P6)" in page.content.decode()
    shop.open_product.refresh_from_db()
    assert shop.open_product.removal_reason == "Contrefaçon avérée"
    assert set(ProductReport.objects.values_list("status", flat=True)) == {"actioned"}
    client.force_login(shop.owner)  # the product has left the catalog for buyers
    assert client.get(_product_page(shop, shop.open_product)).status_code == 404


def test_deciding_on_an_unknown_product_is_404(client, operator):
    client.force_login(operator)
    assert (
        client.post(reverse("web:oversight_moderation_dismiss", args=[999999])).status_code == 404
    )
    url = reverse("web:oversight_moderation_remove", args=[999999])
    assert client.post(url, {"reason": "x"}).status_code == 404
