"""Payments pages through the Django client: receivables and credit limits, the statement of
account with its explanations, formal notices as PDF, bank statement import and its review queue,
SEPA debits and mandates (PT1, PT4, PT9–PT11, N1). Data is built through the payments services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.core import clock
from comptoir.core.models import Job
from comptoir.ledger.models import OpenItem
from comptoir.parties import services
from comptoir.parties.models import Membership, Organization, Permission, User
from comptoir.payments.models import (
    CreditLimit,
    DebitBatch,
    DirectDebit,
    FormalNotice,
    Mandate,
    Payment,
    SepaCreditor,
    StatementEntry,
    StatementImport,
)
from comptoir.payments.queries import buyer_standing
from comptoir.payments.services import (
    collection_run,
    credit_limit_set,
    debit_schedule,
    deposit_receive,
    payment_record,
)
from tests.parties.factories import make_org, make_user
from tests.payments.conftest import Pair, at, camt053, fr_iban, issue, make_pair

pytestmark = pytest.mark.django_db
PAID_ON = date(2026, 4, 16)
TODAY = date(2026, 4, 20)


def owner_of(org: Organization) -> User:
    return Membership.objects.get(organization=org, is_owner=True).user


def employee_of(org: Organization, permissions: list[str]) -> User:
    user = make_user()
    services.membership_add(
        actor=owner_of(org), organization=org, user=user, permissions=permissions
    )
    return user


@pytest.fixture(autouse=True)
def _english_and_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def late() -> Pair:
    """A monthly-intranet invoice unpaid 30 days after its due date: reminders, a formal notice
    with interest and the 40 € indemnity, a partial payment, interest accruing since; a deposit and
    a credit limit."""
    pair = make_pair("monthly-intranet")
    with clock.frozen(at(date(2026, 2, 1))):
        deposit_receive(
            buyer=pair.buyer, seller=pair.seller, amount="500.00", received_on=date(2026, 2, 1)
        )
        credit_limit_set(buyer=pair.buyer, seller=pair.seller, amount="5000.00")
    pair.invoice = issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))  # type: ignore[attr-defined]
    for day in (date(2026, 3, 17), date(2026, 3, 31), date(2026, 4, 15)):
        with clock.frozen(at(day)):
            collection_run(on=day)
    with clock.frozen(at(PAID_ON)):
        payment_record(
            buyer=pair.buyer,
            seller=pair.seller,
            amount="200.00",
            method="transfer",
            value_date=PAID_ON,
            idempotency_key="part-1",
            reference=pair.invoice.number,  # type: ignore[attr-defined]
        )
    clock.freeze(at(TODAY))
    collection_run(on=TODAY)  # interest accrues again from the payment
    return pair


def another_buyer(pair: Pair, amount: str = "300.00") -> Organization:
    """One more buyer invoiced by the same seller."""
    buyer = make_org(buyer=True, owner=make_user())
    buyer.iban = fr_iban()
    buyer.save()
    issue(Pair(pair.seller, buyer), on=date(2026, 3, 2), due=date(2026, 4, 30), excl_vat=amount)
    return buyer


# --- receivables ---------------------------------------------------------------------------------


def test_receivables_show_each_buyers_standing(client, late):
    client.force_login(owner_of(late.seller))
    page = client.get(reverse("web:receivables"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="receivables"' in html and 'data-testid="late-cases"' in html
    [row] = page.context["rows"]
    standing = buyer_standing(buyer=late.buyer, seller=late.seller, on=TODAY)
    assert row["pk"] == late.buyer.pk
    assert (row["balance"], row["overdue"], row["oldest_overdue"]) == (
        standing.balance,
        standing.overdue,
        standing.oldest_overdue,
    )
    assert row["interest_accrued"] == standing.interest_accrued > 0
    assert row["suspended"] is standing.suspended
    assert row["deposit_held"] == standing.deposit_held == D("500.00")
    assert row["credit_limit"] == standing.credit_limit == D("5000.00")
    assert standing.overdue > 0
    [case] = page.context["cases"]
    notice = FormalNotice.objects.get()
    assert case.stage == "formal_notice" and case.reminders >= 1
    assert case.notice_id == notice.pk and case.notice_deadline == notice.deadline
    assert reverse("web:seller_notice_pdf", args=[notice.pk]) in html
    assert reverse("web:account_statement", args=[late.buyer.pk]) in html


def test_receivables_take_the_same_queries_whatever_the_number_of_buyers(
    client, late, django_assert_max_num_queries
):
    client.force_login(owner_of(late.seller))
    url = reverse("web:receivables")
    client.get(url)  # session and caches warm
    with CaptureQueriesContext(connection) as one_buyer:
        client.get(url)
    for amount in ("300.00", "400.00", "500.00"):
        another_buyer(late, amount)
    with clock.frozen(at(date(2026, 5, 2))):
        collection_run(on=date(2026, 5, 2))  # more late cases
    with django_assert_max_num_queries(len(one_buyer)):
        page = client.get(url)
    assert len(page.context["rows"]) == 4 and len(page.context["cases"]) >= 2


def test_the_seller_sets_a_credit_limit(client, late):
    client.force_login(owner_of(late.seller))
    url = reverse("web:credit_limit")
    response = client.post(url, {"buyer": late.buyer.pk, "amount": "7500,50"})
    assert response.status_code == 302
    assert CreditLimit.objects.get(buyer=late.buyer, seller=late.seller).amount == D("7500.50")
    refused = client.post(url, {"buyer": late.buyer.pk, "amount": "-3"}, follow=True)
    assert "A positive amount" in refused.content.decode()
    for huge in ("1e400", "9" * 60):  # too large to round to the cent: said, not a 500
        refused = client.post(url, {"buyer": late.buyer.pk, "amount": huge}, follow=True)
        assert refused.status_code == 200
        assert CreditLimit.objects.get(buyer=late.buyer).amount == D("7500.50")
    stranger = make_org(buyer=True)
    client.post(url, {"buyer": stranger.pk, "amount": "100"})
    assert not CreditLimit.objects.filter(buyer=stranger).exists()


# --- statement of account ------------------------------------------------------------------------


def test_the_buyer_reads_its_statement_with_the_explanations(client, late):
    client.force_login(owner_of(late.buyer))
    page = client.get(reverse("web:account_statement", args=[late.seller.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    statement = page.context["statement"]
    kinds = {line.kind for line in statement.lines}
    assert {"invoice", "interest", "fee", "payment"} <= kinds
    assert 'data-testid="explanation"' in html
    assert "× the legal interest rate, on the unpaid amount" in html  # the formula of 001 §5
    assert "40 € for each invoice paid late — C. com. L441-10" in html  # the indemnity
    assert late.invoice.number in html
    notice = FormalNotice.objects.get()
    assert reverse("web:buyer_notice_pdf", args=[notice.pk]) in html
    assert statement.balance > 0 and statement.interest_accrued > 0


def test_the_statement_explains_in_french_too(client, late, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(owner_of(late.buyer))
    html = client.get(reverse("web:account_statement", args=[late.seller.pk])).content.decode()
    assert "taux d&#x27;intérêt légal, sur le montant" in html
    assert "40 € par facture payée en retard — C. com. L441-10" in html


def test_the_seller_reads_its_statement_with_the_buyer(client, late):
    client.force_login(owner_of(late.seller))
    page = client.get(reverse("web:account_statement", args=[late.buyer.pk]))
    assert page.status_code == 200
    assert page.context["as_seller"] and late.invoice.number in page.content.decode()
    notice = FormalNotice.objects.get()
    assert reverse("web:seller_notice_pdf", args=[notice.pk]) in page.content.decode()


def test_statements_of_pairs_that_never_traded_are_not_found(client, late):
    other = make_pair("monthly-intranet")  # another seller and another buyer
    client.force_login(owner_of(other.buyer))
    assert client.get(reverse("web:account_statement", args=[late.seller.pk])).status_code == 404
    client.force_login(owner_of(other.seller))
    assert client.get(reverse("web:account_statement", args=[late.buyer.pk])).status_code == 404
    assert client.get(reverse("web:account_statement", args=[other.seller.pk])).status_code == 404


# --- formal notices ------------------------------------------------------------------------------


def test_formal_notice_downloads_for_its_seller_and_its_buyer_only(client, late):
    notice = FormalNotice.objects.get()
    client.force_login(owner_of(late.seller))
    pdf = client.get(reverse("web:seller_notice_pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    client.force_login(owner_of(late.buyer))
    pdf = client.get(reverse("web:buyer_notice_pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(reverse("web:seller_notice_pdf", args=[notice.pk])).status_code == 404
    other = make_pair("monthly-intranet")
    client.force_login(owner_of(other.seller))
    assert client.get(reverse("web:seller_notice_pdf", args=[notice.pk])).status_code == 404
    client.force_login(owner_of(other.buyer))
    assert client.get(reverse("web:buyer_notice_pdf", args=[notice.pk])).status_code == 404


# --- bank statements -----------------------------------------------------------------------------


@pytest.fixture
def invoiced() -> Pair:
    pair = make_pair("electronics-wholesale")
    pair.invoice = issue(pair, on=date(2026, 11, 2), due=date(2026, 11, 30))  # type: ignore[attr-defined]
    clock.freeze(at(date(2026, 11, 21)))
    return pair


def _statement(pair: Pair) -> bytes:
    return camt053(
        pair.seller.iban,
        [
            {
                "amount": "1200.00",
                "date": "2026-11-20",
                "ref": "B1",
                "remittance": f"Fact {pair.invoice.number}",  # type: ignore[attr-defined]
            },
            {"amount": "450.00", "date": "2026-11-20", "ref": "B2", "remittance": "Acompte"},
            {"amount": "80.00", "date": "2026-11-20", "ref": "B3", "remittance": "Remboursement"},
        ],
    )


@pytest.fixture
def immediate(settings):
    """Jobs run when the upload's transaction commits (the worker's part, in the test)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def upload(client, immediate, django_capture_on_commit_callbacks):
    """Post a file to the import page and run the job it queues when the post's transaction
    commits (`follow` follows the redirect before that: use it for refusals only)."""

    def post(data: bytes, follow: bool = False, name: str = "releve.xml"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("web:bank_statement_import"),
                {"file": SimpleUploadedFile(name, data, content_type="application/xml")},
                follow=follow,
            )

    return post


def test_upload_runs_a_job_whose_page_shows_the_result_and_a_second_changes_nothing(
    client, invoiced, upload
):
    client.force_login(owner_of(invoiced.seller))
    data = _statement(invoiced)
    first = upload(data)
    job = Job.objects.get(organization_id=invoiced.seller.pk, kind="payments.statement_import")
    assert first.status_code == 302
    assert first["Location"] == reverse("web:job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.filename == "releve.xml"
    assert (job.total, job.done) == (3, 3)
    assert job.result == {
        "statements": 1,
        "recorded": 3,
        "matched": 1,
        "to_review": 2,
        "returned": 0,
        "skipped": 0,
        "already_imported": 0,
    }
    assert job.input == b""  # the file is dropped once the job ends
    [record] = StatementImport.objects.filter(seller=invoiced.seller)
    assert (record.lines, record.matched, record.to_review) == (3, 1, 2)
    page = client.get(first["Location"]).content.decode()
    assert "Bank statement import" in page and 'aria-valuenow="100"' in page
    assert 'data-testid="job-result"' in page and "hx-trigger" not in page
    assert "Entries matched (invoice or direct debit)" in page
    assert "Entries sent to review" in page and "Entries recorded" in page
    assert f'href="{reverse("web:bank_statements")}"' in page
    assert "Back to the bank statements" in page
    listing = client.get(reverse("web:bank_statements"))
    assert [e.bank_reference for e in listing.context["entries"]] == ["B2", "B3"]
    assert listing.context["imports"] == [record]
    state = (StatementEntry.objects.count(), Payment.objects.count())
    again = client.get(upload(data)["Location"])  # the job ran when the upload committed
    second = Job.objects.filter(kind="payments.statement_import").latest("pk")
    assert second.status == Job.Status.DONE and second.pk != job.pk
    assert (second.result["already_imported"], second.result["recorded"]) == (1, 0)
    assert "Statements already imported (nothing changed)" in again.content.decode()
    assert StatementImport.objects.count() == 1
    assert (StatementEntry.objects.count(), Payment.objects.count()) == state


def test_upload_refuses_what_is_not_a_statement_before_queueing(client, invoiced, upload):
    client.force_login(owner_of(invoiced.seller))
    page = upload(b"hello", follow=True)
    assert page.redirect_chain[-1][0] == reverse("web:bank_statements")
    assert "neither a CAMT.053 nor an MT940" in page.content.decode()
    assert "(PT4)" in page.content.decode()
    assert not StatementImport.objects.exists() and not Job.objects.exists()


def test_upload_refuses_an_empty_file_and_another_accounts_statement(client, invoiced, upload):
    client.force_login(owner_of(invoiced.seller))
    empty = upload(b"  \n", follow=True).content.decode()
    assert "The file is empty." in empty
    foreign = camt053(fr_iban(), [{"amount": "10.00", "date": "2026-11-20", "ref": "F1"}])
    page = upload(foreign, follow=True).content.decode()
    assert "not yours" in page
    assert not StatementImport.objects.exists() and not Job.objects.exists()


def test_a_statement_import_job_is_hidden_from_another_seller(client, invoiced, upload):
    client.force_login(owner_of(invoiced.seller))
    response = upload(_statement(invoiced))
    other = make_pair("electronics-wholesale")
    client.force_login(owner_of(other.seller))
    assert client.get(response["Location"]).status_code == 404


def test_assign_moves_a_review_line_to_matched_and_ignore_closes_one(client, invoiced, upload):
    client.force_login(owner_of(invoiced.seller))
    upload(_statement(invoiced))
    b2 = StatementEntry.objects.get(bank_reference="B2")
    b3 = StatementEntry.objects.get(bank_reference="B3")
    page = client.get(reverse("web:bank_statements")).content.decode()
    assert f'<option value="{invoiced.buyer.pk}">' in page  # buyers that traded with the seller
    response = client.post(
        reverse("web:bank_entry_assign", args=[b2.pk]), {"buyer": invoiced.buyer.pk}
    )
    assert response.status_code == 302
    b2.refresh_from_db()
    assert b2.status == StatementEntry.Status.MATCHED and b2.payment is not None
    assert b2.payment.buyer_id == invoiced.buyer.pk and b2.payment.amount == D("450.00")
    client.post(
        reverse("web:bank_entry_ignore", args=[b3.pk]), {"note": "Remboursement fournisseur"}
    )
    b3.refresh_from_db()
    assert b3.status == StatementEntry.Status.IGNORED and b3.note == "Remboursement fournisseur"
    queue = client.get(reverse("web:bank_statements")).context["entries"]
    assert queue == []
    again = client.post(
        reverse("web:bank_entry_assign", args=[b2.pk]), {"buyer": invoiced.buyer.pk}, follow=True
    )
    assert "already reconciled" in again.content.decode()
    stranger = make_org(buyer=True)
    client.post(reverse("web:bank_entry_assign", args=[b3.pk]), {"buyer": stranger.pk})
    assert not Payment.objects.filter(buyer=stranger).exists()


def test_another_seller_neither_sees_nor_touches_the_review_queue(client, invoiced, upload):
    client.force_login(owner_of(invoiced.seller))
    upload(_statement(invoiced))
    entry = StatementEntry.objects.get(bank_reference="B2")
    other = make_pair("electronics-wholesale")
    client.force_login(owner_of(other.seller))
    assert client.get(reverse("web:bank_statements")).context["entries"] == []
    url = reverse("web:bank_entry_assign", args=[entry.pk])
    assert client.post(url, {"buyer": invoiced.buyer.pk}).status_code == 404
    assert client.post(reverse("web:bank_entry_ignore", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.status == StatementEntry.Status.REVIEW


# --- SEPA ----------------------------------------------------------------------------------------


def test_mandate_then_debit_export_and_batch_download(client):
    pair = make_pair("digital-goods")
    SepaCreditor.objects.create(seller=pair.seller, creditor_id="FR72ZZZ123456")
    invoice = issue(pair, on=date(2026, 6, 1), due=date(2026, 6, 1))
    clock.freeze(at(date(2026, 6, 1)))
    client.force_login(owner_of(pair.buyer))
    page = client.get(reverse("web:mandates"))
    assert page.status_code == 200 and page.context["sellers"] == [pair.seller]
    assert reverse("web:account_statement", args=[pair.seller.pk]) in page.content.decode()
    iban = fr_iban()
    response = client.post(
        reverse("web:mandate_sign"), {"seller": pair.seller.pk, "iban": iban, "bic": "agrifrpp"}
    )
    assert response.status_code == 302
    mandate = Mandate.objects.get(buyer=pair.buyer, seller=pair.seller)
    assert (mandate.iban, mandate.bic, mandate.signed_on) == (iban, "AGRIFRPP", date(2026, 6, 1))
    assert mandate.reference in client.get(reverse("web:mandates")).content.decode()

    debit = debit_schedule(
        open_item=OpenItem.objects.get(reference=invoice.number, kind="invoice"),
        collection_date=date(2026, 6, 1),
    )
    assert debit is not None
    client.force_login(owner_of(pair.seller))
    page = client.get(reverse("web:sepa"))
    assert page.status_code == 200 and page.context["debits"] == [debit]
    assert page.context["scheduled"] == 1
    response = client.post(reverse("web:sepa_export"))
    assert response.status_code == 302
    batch = DebitBatch.objects.get(seller=pair.seller)
    debit.refresh_from_db()
    assert debit.status == DirectDebit.Status.EXPORTED and debit.batch_id == batch.pk
    page = client.get(reverse("web:sepa"))
    assert page.context["batches"] == [batch] and page.context["debits"] == [debit]
    xml = client.get(reverse("web:sepa_batch_xml", args=[batch.pk]))
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    assert b"pain.008.001.02" in xml.content and invoice.number.encode() in xml.content
    nothing = client.post(reverse("web:sepa_export"), follow=True)
    assert "No scheduled debit to export" in nothing.content.decode()
    assert DebitBatch.objects.count() == 1
    other = make_pair("digital-goods")
    client.force_login(owner_of(other.seller))
    assert client.get(reverse("web:sepa_batch_xml", args=[batch.pk])).status_code == 404
    assert client.get(reverse("web:sepa")).context["debits"] == []


def test_export_without_a_creditor_identifier_says_what_is_missing(client, late):
    client.force_login(owner_of(late.seller))
    page = client.post(reverse("web:sepa_export"), follow=True)
    assert "SEPA creditor identifier" in page.content.decode() and "(PT1)" in page.content.decode()
    assert not DebitBatch.objects.exists()


def test_mandates_only_for_sellers_traded_with_and_signed_by_an_owner(client, late):
    stranger = make_pair("monthly-intranet").seller
    client.force_login(owner_of(late.buyer))
    page = client.post(
        reverse("web:mandate_sign"), {"seller": stranger.pk, "iban": fr_iban()}, follow=True
    )
    assert "Choose the seller" in page.content.decode()
    page = client.post(
        reverse("web:mandate_sign"), {"seller": late.seller.pk, "iban": "FR00 1234"}, follow=True
    )
    assert "Invalid IBAN" in page.content.decode()
    assert not Mandate.objects.exists()
    accountant = employee_of(late.buyer, [Permission.VIEW_INVOICES])
    client.force_login(accountant)
    page = client.get(reverse("web:mandates"))
    assert page.status_code == 200 and not page.context["may_sign"]
    url = reverse("web:mandate_sign")
    assert client.post(url, {"seller": late.seller.pk, "iban": fr_iban()}).status_code == 403
    assert not Mandate.objects.exists()
    client.force_login(owner_of(late.seller))
    assert client.get(reverse("web:mandates")).status_code == 404  # not a buyer


# --- permissions ---------------------------------------------------------------------------------

SELLER_PAGES = ("web:receivables", "web:bank_statements", "web:sepa")


def test_an_employee_without_the_finance_right_gets_403(client, late):
    notice = FormalNotice.objects.get()
    clerk = employee_of(late.seller, [Permission.VIEW_ORDERS, Permission.PLACE_ORDERS])
    client.force_login(clerk)
    for name in SELLER_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("web:seller_notice_pdf", args=[notice.pk])).status_code == 403
    assert client.get(reverse("web:account_statement", args=[late.buyer.pk])).status_code == 403
    assert client.post(reverse("web:sepa_export")).status_code == 403
    assert "nav-payments" not in client.get(reverse("web:home")).content.decode()
    buyer_clerk = employee_of(late.buyer, [Permission.VIEW_ORDERS, Permission.USE_CART])
    client.force_login(buyer_clerk)
    assert client.get(reverse("web:account_statement", args=[late.seller.pk])).status_code == 403
    assert client.get(reverse("web:buyer_notice_pdf", args=[notice.pk])).status_code == 403
    assert client.get(reverse("web:mandates")).status_code == 403


def test_an_accountant_of_the_seller_with_the_right_sees_the_pages(client, late):
    accountant = employee_of(late.seller, [Permission.VIEW_INVOICES])
    client.force_login(accountant)
    for name in SELLER_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    home = client.get(reverse("web:home")).content.decode()
    assert "nav-payments" in home and reverse("web:receivables") in home


def test_a_buyer_has_no_seller_payment_pages(client, late):
    client.force_login(owner_of(late.buyer))
    for name in SELLER_PAGES:
        assert client.get(reverse(name)).status_code == 404, name
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("web:mandates") in home and reverse("web:receivables") not in home


def test_the_pages_render_in_french(client, late):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(owner_of(late.seller))
    page = client.get(reverse("web:receivables"))
    assert page.status_code == 200 and '<html lang="fr">' in page.content.decode()
