"""A payment received, recorded by hand from the web (PT1, PT4, PT5, PT7, P4): the form reached
from the receivables and the statement of account, the payment recorded and allocated as the
terms say, the same form sent twice, bad input answered 400 with each field's rule, and who may
record (an owner of the seller, as through the API)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.ledger.models import Matching, OpenItem
from comptoir.parties import services
from comptoir.parties.models import Membership, Organization, Permission, User
from comptoir.payments.models import Payment
from tests.parties.factories import make_org, make_user
from tests.payments.conftest import Pair, at, fr_iban, issue, make_pair

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 12)
KEY = "0123456789abcdef0123456789abcdef"
FORM = "web:payment_new"
RECORD = "web:payment_record"


def owner_of(org: Organization) -> User:
    return Membership.objects.get(organization=org, is_owner=True).user


def employee_of(org: Organization, permissions: list[str]) -> User:
    user = make_user()
    services.membership_add(
        actor=owner_of(org), organization=org, user=user, permissions=permissions
    )
    return user


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def pair() -> Pair:
    """A monthly-intranet seller (PT7: "sur les sommes dont l'exigibilité est la plus ancienne",
    Art. 5) and its buyer with two invoices of 1,200 € incl. VAT not yet due, the older first."""
    pair = make_pair("monthly-intranet")
    pair.older = issue(pair, on=date(2026, 3, 2), due=date(2026, 3, 17))  # type: ignore[attr-defined]
    pair.newer = issue(pair, on=date(2026, 3, 10), due=date(2026, 3, 25))  # type: ignore[attr-defined]
    clock.freeze(at(TODAY))
    return pair


def item_of(invoice) -> OpenItem:
    return OpenItem.objects.get(reference=invoice.number, kind="invoice")


def post(client, pair: Pair, **fields: str):
    data = {
        "buyer": str(pair.buyer.pk),
        "amount": "1200,00",
        "method": "cheque",
        "value_date": "2026-03-11",
        "reference": "Chèque n° 4471203",
        "payer_iban": "",
        "idempotency_key": KEY,
        **fields,
    }
    return client.post(reverse(RECORD), data)


# --- the entry points and the form ---------------------------------------------------------------


def test_receivables_and_statement_link_to_the_form_with_the_buyer_chosen(client, pair):
    client.force_login(owner_of(pair.seller))
    url = f"{reverse(FORM)}?buyer={pair.buyer.pk}"
    receivables = client.get(reverse("web:receivables")).content.decode()
    assert f'data-testid="record-payment-{pair.buyer.pk}"' in receivables
    assert url in receivables
    statement = client.get(reverse("web:account_statement", args=[pair.buyer.pk]))
    assert 'data-testid="record-payment"' in statement.content.decode()
    assert url in statement.content.decode()

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    form = page.context["form"]
    assert form["buyer"].value() == pair.buyer.pk
    assert form["value_date"].value() == TODAY
    key = form["idempotency_key"].value()
    assert len(key) == 32 and int(key, 16) >= 0
    assert client.get(url).context["form"]["idempotency_key"].value() != key  # a fresh one
    assert 'data-testid="payment-record-form"' in html
    assert '<label for="id_amount"' in html and 'id="id_amount"' in html  # labels tied
    assert f'max="{TODAY.isoformat()}"' in html  # no date to come (PT4)
    # the choices: the seller's buyers only, the methods a seller records by hand (PT1)
    assert list(form.fields["buyer"].queryset) == [pair.buyer]
    assert [code for code, _ in form.fields["method"].choices] == [
        "",
        "transfer",
        "sepa_debit",
        "cheque",
        "lcr",
        "paypal",
    ]
    terms = page.context
    assert terms["allocation_clause"] == "Art. 5" and "oldest debt first" in str(
        terms["allocation"]
    )
    assert 'data-testid="payment-record-allocation"' in html


def test_the_links_are_not_shown_to_members_who_may_not_record(client, pair):
    client.force_login(employee_of(pair.seller, [Permission.VIEW_INVOICES]))
    assert "record-payment" not in client.get(reverse("web:receivables")).content.decode()
    statement = client.get(reverse("web:account_statement", args=[pair.buyer.pk]))
    assert statement.status_code == 200 and "record-payment" not in statement.content.decode()


# --- recording -----------------------------------------------------------------------------------


def test_a_cheque_pays_the_oldest_invoice_and_the_statement_shows_it(client, pair):
    client.force_login(owner_of(pair.seller))
    # the payer names the newer invoice: these terms pay the oldest debt first all the same
    response = post(client, pair, reference=f"Chèque 4471203 {pair.newer.number}")
    statement = reverse("web:account_statement", args=[pair.buyer.pk])
    assert response.status_code == 302 and response["Location"] == statement
    payment = Payment.objects.get()
    assert (payment.buyer, payment.seller, payment.method) == (pair.buyer, pair.seller, "cheque")
    assert payment.amount == D("1200.00") and payment.value_date == date(2026, 3, 11)
    assert payment.source == Payment.Source.MANUAL and payment.recorded_by == owner_of(pair.seller)
    assert payment.idempotency_key == f"web:{KEY}"
    [matching] = Matching.objects.filter(item_b_id=payment.open_item_id)
    assert matching.item_a == item_of(pair.older) and matching.amount == D("1200.00")
    assert item_of(pair.older).open_amount == 0
    assert item_of(pair.newer).open_amount == D("1200.00")
    assert OpenItem.objects.get(pk=payment.open_item_id).open_amount == 0

    page = client.get(statement)
    [message] = [str(m) for m in page.context["messages"]]
    assert "1,200.00" in message and "11/03/2026" in message and "(PT4)" in message
    assert f"invoice {pair.older.number}: €1,200.00 (settled)" in message
    assert "Allocation (PT7, Art. 5: the oldest debt first, whatever the payer names)" in message
    assert pair.newer.number not in message and "credit" not in message
    # these terms offer the SEPA debit only and do not keep the method for the year (PT5)
    assert "do not offer this method (PT1): it was recorded as you accepted it." in message
    assert "PT5" not in message
    html = page.content.decode()
    assert "Chèque 4471203" in html  # the payment's line on the statement


def test_what_is_left_after_the_debts_stays_a_credit_of_the_buyer(client, pair):
    client.force_login(owner_of(pair.seller))
    response = post(client, pair, amount="2 500,5", method="transfer", reference="VIR 0311")
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.amount == D("2500.50") and payment.method == "transfer"
    paid = dict(
        Matching.objects.filter(item_b_id=payment.open_item_id).values_list("item_a", "amount")
    )
    assert paid == {item_of(pair.older).pk: D("1200.00"), item_of(pair.newer).pk: D("1200.00")}
    assert OpenItem.objects.get(pk=payment.open_item_id).open_amount == D("-100.50")
    [message] = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert pair.older.number in message and pair.newer.number in message
    assert "€100.50 was left over: it stays a credit of the buyer (PT7)." in message


def test_a_partial_payment_says_what_is_still_due(client, pair):
    client.force_login(owner_of(pair.seller))
    response = post(client, pair, amount="200.00", method="lcr")
    [message] = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert "€200.00 received from" in message and "by LCR (bill of exchange)" in message
    assert f"invoice {pair.older.number}: €200.00 (still due €1,000.00)" in message


def test_a_buyer_owing_nothing_keeps_the_whole_payment_as_a_credit(client, pair):
    other = make_org(buyer=True, owner=make_user())
    other.iban = fr_iban()
    other.save()
    issue(Pair(pair.seller, other), on=date(2026, 3, 11), due=date(2026, 3, 26), excl_vat="10")
    client.force_login(owner_of(pair.seller))
    post(client, pair, buyer=str(other.pk), amount="12.00", idempotency_key="a" * 32)
    response = post(client, pair, buyer=str(other.pk), amount="50.00", idempotency_key="b" * 32)
    message = [str(m) for m in client.get(response["Location"]).context["messages"]][-1]
    assert "owed you nothing: all of it stays a credit of the buyer (PT7)" in message
    assert Payment.objects.filter(buyer=other).count() == 2


def test_the_payers_iban_is_checked_and_kept(client, pair):
    iban = fr_iban()
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    client.force_login(owner_of(pair.seller))
    assert post(client, pair, payer_iban=spaced.lower()).status_code == 302
    assert Payment.objects.get().payer_iban == iban


def test_a_method_the_terms_do_not_offer_is_recorded_as_the_seller_accepted_it(client):
    pair = make_pair("selective-beauty")  # LCR, SEPA debit, transfer; method kept all year
    issue(pair, on=date(2026, 3, 2), due=date(2026, 4, 30))
    clock.freeze(at(TODAY))
    client.force_login(owner_of(pair.seller))
    form = client.get(reverse(FORM)).content.decode()
    assert "(PT5, Art. 7)" in form and "(PT1)" in form
    response = post(client, pair, amount="100.00")
    assert response.status_code == 302
    [message] = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert "Your terms do not offer this method (PT1)" in message and "(PT5)" in message


# --- the same form sent twice --------------------------------------------------------------------


def test_the_same_form_sent_twice_records_one_payment(client, pair):
    client.force_login(owner_of(pair.seller))
    first = post(client, pair)
    second = post(client, pair)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    payment = Payment.objects.get()
    assert Matching.objects.filter(item_b_id=payment.open_item_id).count() == 1
    messages = [str(m) for m in client.get(second["Location"]).context["messages"]]
    assert len(messages) == 2  # the first answer's message was not read in between
    assert "already sent: the payment was recorded once" in messages[1]
    assert f"invoice {pair.older.number}: €1,200.00 (settled)" in messages[1]


def test_the_same_form_with_another_amount_is_refused_and_renewed(client, pair):
    client.force_login(owner_of(pair.seller))
    post(client, pair)
    response = post(client, pair, amount="300.00")
    assert response.status_code == 400
    assert "already recorded another payment" in response.content.decode()
    renewed = response.context["form"]["idempotency_key"].value()
    assert renewed != KEY and len(renewed) == 32
    assert Payment.objects.count() == 1
    assert post(client, pair, amount="300.00", idempotency_key=renewed).status_code == 302
    assert Payment.objects.count() == 2


# --- bad input -----------------------------------------------------------------------------------


def _stranger_buyer(pair: Pair) -> Organization:
    return make_org(buyer=True, owner=make_user())


def _other_sellers_buyer(pair: Pair) -> Organization:
    other = make_pair("monthly-intranet")
    issue(other, on=date(2026, 3, 2), due=date(2026, 3, 17))
    return other.buyer


BAD = [
    ("amount", {"amount": ""}, "This field is required (PT4)."),
    ("amount", {"amount": "-50,00"}, "more than zero (PT4)"),
    ("amount", {"amount": "0"}, "more than zero (PT4)"),
    ("amount", {"amount": "12,345"}, "at most two decimals (PT4)"),
    ("amount", {"amount": "douze"}, "for example 1234,56 (PT4)"),
    ("amount", {"amount": "1e3"}, "for example 1234,56 (PT4)"),
    ("amount", {"amount": "NaN"}, "for example 1234,56 (PT4)"),
    ("amount", {"amount": "9" * 20}, "too large (PT4)"),
    ("amount", {"amount": "1" * 40}, "for example 1234,56 (PT4)"),
    ("method", {"method": "bitcoin"}, "methods listed (PT1)"),
    ("method", {"method": "set_off"}, "methods listed (PT1)"),
    ("method", {"method": ""}, "how the buyer paid (PT1)"),
    ("buyer", {"buyer": ""}, "buyer who paid (P9)"),
    ("buyer", {"buyer": "abc"}, "buyers you trade with (P9)"),
    ("buyer", {"buyer": "99999999999999999999999"}, "buyers you trade with (P9)"),
    ("value_date", {"value_date": "2026-02-30"}, "Enter a date (PT4)."),
    ("value_date", {"value_date": "yesterday"}, "Enter a date (PT4)."),
    ("value_date", {"value_date": ""}, "This field is required (PT4)."),
    ("value_date", {"value_date": "2026-03-13"}, "not on a day to come (PT4)"),
    ("value_date", {"value_date": "2025-12-31"}, "not yet in force on that day"),
    ("value_date", {"value_date": "0001-01-01"}, "check the date (PT4, PT7)"),
    ("reference", {"reference": "x" * 141}, "At most 140 characters (PT7)."),
    ("reference", {"reference": "   "}, "the invoice paid (PT7)"),
    ("payer_iban", {"payer_iban": "FR7630006000011234567890188"}, "IBAN is not valid"),
    ("payer_iban", {"payer_iban": "not an iban"}, "(P1)"),
    ("payer_iban", {"payer_iban": "F" * 51}, "(P1)"),
    ("idempotency_key", {"idempotency_key": ""}, "This form has expired"),
    ("idempotency_key", {"idempotency_key": "z" * 32}, "This form has expired"),
]


@pytest.mark.parametrize(("field", "fields", "problem"), BAD, ids=[str(b[1]) for b in BAD])
def test_bad_input_shows_the_form_again_with_the_fields_problem_and_rule(
    client, pair, field, fields, problem
):
    client.force_login(owner_of(pair.seller))
    response = post(client, pair, **fields)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert any(problem in error for error in form.errors[field]), form.errors
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html and 'data-testid="payment-record-form"' in html
    if field != "idempotency_key":
        assert f'id="id_{field}_error"' in html  # the problem beside its field
        assert form["idempotency_key"].value() == KEY  # the same form may be sent again
    assert not Payment.objects.exists()


@pytest.mark.parametrize("buyer", [_stranger_buyer, _other_sellers_buyer])
def test_a_buyer_the_seller_does_not_trade_with_is_refused(client, pair, buyer):
    stranger = buyer(pair)
    client.force_login(owner_of(pair.seller))
    response = post(client, pair, buyer=str(stranger.pk))
    assert response.status_code == 400
    assert (
        "Choose one of the buyers you trade with (P9)." in response.context["form"].errors["buyer"]
    )
    assert stranger.display_name not in [
        str(o) for o in response.context["form"].fields["buyer"].queryset
    ]
    assert client.get(f"{reverse(FORM)}?buyer={stranger.pk}").status_code == 404
    assert client.get(f"{reverse(FORM)}?buyer=abc").status_code == 404
    assert not Payment.objects.exists()


# --- who may record ------------------------------------------------------------------------------


def _buyer_owner(pair: Pair) -> User:
    return owner_of(pair.buyer)


def _buyer_employee(pair: Pair) -> User:
    return employee_of(pair.buyer, [Permission.VIEW_INVOICES])


def _other_seller(pair: Pair) -> User:
    return owner_of(make_pair("monthly-intranet").seller)


def _finance_employee(pair: Pair) -> User:
    return employee_of(pair.seller, [Permission.VIEW_INVOICES, Permission.VIEW_ORDERS])


def _employee_without_rights(pair: Pair) -> User:
    return employee_of(pair.seller, [])


@pytest.mark.parametrize(
    ("who", "form_status", "post_status"),
    [
        (_buyer_owner, 404, 404),
        (_buyer_employee, 404, 404),
        (_other_seller, 404, 400),  # its form does not offer this buyer (P9)
        (_finance_employee, 403, 403),  # recording is an owner's act, as through the API (P4)
        (_employee_without_rights, 403, 403),
    ],
    ids=["buyer", "buyer employee", "other seller", "finance employee", "employee no rights"],
)
def test_only_an_owner_of_the_seller_records(client, pair, who, form_status, post_status):
    client.force_login(who(pair))
    assert client.get(f"{reverse(FORM)}?buyer={pair.buyer.pk}").status_code == form_status
    assert post(client, pair).status_code == post_status
    assert not Payment.objects.exists()


def test_a_visitor_is_sent_to_the_login_page(client, pair):
    assert client.get(reverse(FORM))["Location"].startswith(reverse("web:login"))
    assert post(client, pair)["Location"].startswith(reverse("web:login"))
    assert client.get(reverse(RECORD)).status_code == 405  # the form posts; nothing to read
    assert not Payment.objects.exists()


def test_yesterday_is_accepted_and_today_is_the_default(client, pair):
    client.force_login(owner_of(pair.seller))
    response = post(client, pair, value_date=(TODAY - timedelta(days=1)).isoformat())
    assert response.status_code == 302
    assert Payment.objects.get().value_date == TODAY - timedelta(days=1)
