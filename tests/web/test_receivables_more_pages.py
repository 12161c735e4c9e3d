"""A buyer's security deposits (PT9) and quarterly rebates (PT13) on the seller's web pages:
`/seller/buyers/<party_id>/deposit-and-rebates/` and its three forms. Data is built through the
payments and billing services (tests/payments/conftest.py); the clock is frozen."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.urls import reverse

from comptoir.core import clock
from comptoir.core.models import AuditEntry
from comptoir.ledger import queries as ledger
from comptoir.parties import services
from comptoir.parties.models import Membership, Organization, Permission, User
from comptoir.payments.models import Deposit, RebateAgreement, RebateSettlement
from comptoir.payments.services import deposit_receive, deposit_return, payment_record
from comptoir.payments.services.rebates import rebates_settle
from comptoir.web.receivables_more import next_quarter_start
from tests.parties.factories import make_user
from tests.payments.conftest import Pair, at, issue, make_pair

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 20)
KEY = "0123456789abcdef0123456789abcdef"


def owner_of(org: Organization) -> User:
    return Membership.objects.get(organization=org, is_owner=True).user


def employee_of(org: Organization, permissions: list[str]) -> User:
    user = make_user()
    services.membership_add(
        actor=owner_of(org), organization=org, user=user, permissions=permissions
    )
    return user


def page_url(buyer: Organization) -> str:
    return reverse("web:receivables_more_buyer", args=[buyer.pk])


def receive_url(buyer: Organization) -> str:
    return reverse("web:receivables_more_deposit", args=[buyer.pk])


def return_url(buyer: Organization) -> str:
    return reverse("web:receivables_more_deposit_return", args=[buyer.pk])


def rebates_url(buyer: Organization) -> str:
    return reverse("web:receivables_more_rebates", args=[buyer.pk])


def deposit_post(amount: str = "2 000,00", day: date = TODAY, key: str = KEY) -> dict[str, str]:
    return {
        "deposit-amount": amount,
        "deposit-received_on": day.isoformat(),
        "deposit-form_key": key,
    }


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def intranet() -> Pair:
    """A monthly-intranet seller (a security deposit, Art. 4 [001 §4]; no rebates) and its buyer,
    one invoice of 1,000 € HT (1,200 € TTC) open; the clock on TODAY."""
    pair = make_pair("monthly-intranet")
    pair.invoice = issue(pair, on=date(2026, 4, 1), due=date(2026, 4, 30))  # type: ignore[attr-defined]
    clock.freeze(at(TODAY))
    return pair


@pytest.fixture
def beauty() -> Pair:
    """A selective-beauty seller (quarterly rebates, Art. 8 [003 §8]) and its buyer, one
    invoice before the quarter; the clock on 20 June 2026."""
    pair = make_pair("selective-beauty")
    issue(pair, on=date(2026, 6, 1), due=date(2026, 6, 30), excl_vat="100.00")
    clock.freeze(at(date(2026, 6, 20)))
    return pair


# --- the page ----------------------------------------------------------------------------------


def test_the_receivables_row_links_to_the_page_that_shows_the_terms(client, intranet):
    client.force_login(owner_of(intranet.seller))
    receivables = client.get(reverse("web:receivables")).content.decode()
    assert f'data-testid="deposit-rebates-{intranet.buyer.pk}"' in receivables
    assert page_url(intranet.buyer) in receivables
    page = client.get(page_url(intranet.buyer))
    assert page.status_code == 200
    html = text(page)
    for testid in ("deposits", "deposit-list", "deposit-receive-form", "rebates", "no-rebates"):
        assert f'data-testid="{testid}"' in html, testid
    assert "Art. 4" in html and "dépôt de garantie" in html  # the seller's clause
    assert 'data-testid="deposit-return-none"' in html  # nothing held yet
    assert 'data-testid="rebate-form"' not in html  # the terms grant no rebates
    assert page.context["receive_form"].initial["amount"] == "2000.00"  # Art. 4: 2,000 €
    assert '<main id="main"' in html and '<label for="id_deposit-amount"' in html


# --- deposits ------------------------------------------------------------------------------------


def test_a_deposit_received_is_shown_and_the_receivables_agree(client, intranet):
    client.force_login(owner_of(intranet.seller))
    done = client.post(receive_url(intranet.buyer), deposit_post("2 000,50", date(2026, 4, 2)))
    assert done.status_code == 302 and done["Location"].endswith("#deposits")
    deposit = Deposit.objects.get(buyer=intranet.buyer, seller=intranet.seller)
    assert (deposit.amount, deposit.received_on) == (D("2000.50"), date(2026, 4, 2))
    assert deposit.status == Deposit.Status.HELD
    page = client.get(done["Location"])
    html = text(page)
    assert "Deposit of €2,000.50 received on 02/04/2026 recorded: it is held (PT9)." in html
    assert f'data-testid="deposit-{deposit.pk}"' in html
    assert page.context["deposit_held"] == D("2000.50")
    [row] = client.get(reverse("web:receivables")).context["rows"]
    assert row["deposit_held"] == page.context["deposit_held"]
    # the audit log names the user and the form's key
    entry = AuditEntry.objects.get(action="payments.deposit_form_sent")
    assert entry.object_id == KEY and entry.data["deposit"] == deposit.pk


def test_a_deposit_sent_twice_by_a_double_click_is_recorded_once(client, intranet):
    client.force_login(owner_of(intranet.seller))
    first = client.post(receive_url(intranet.buyer), deposit_post("500"))
    second = client.post(receive_url(intranet.buyer), deposit_post("500"), follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert Deposit.objects.filter(buyer=intranet.buyer).count() == 1
    assert "This form was already sent: the deposit was recorded once." in text(second)
    assert second.context["deposit_held"] == D("500.00")
    # the same key with another amount records nothing and renews the key
    other = client.post(receive_url(intranet.buyer), deposit_post("700"))
    assert other.status_code == 400
    assert "already recorded another deposit" in text(other)
    assert other.context["receive_form"].data["deposit-form_key"] != KEY
    assert Deposit.objects.filter(buyer=intranet.buyer).count() == 1
    # a new form (another key) records a second deposit
    new = client.post(receive_url(intranet.buyer), deposit_post("700", key="f" * 32))
    assert new.status_code == 302
    assert Deposit.objects.filter(buyer=intranet.buyer).count() == 2


@pytest.mark.parametrize(
    ("amount", "day", "key", "field", "message"),
    [
        ("-3", TODAY, KEY, "amount", "The amount must be more than zero (PT9)."),
        ("0", TODAY, KEY, "amount", "The amount must be more than zero (PT9)."),
        ("abc", TODAY, KEY, "amount", "Enter an amount in euros"),
        ("12,345", TODAY, KEY, "amount", "at most two decimals (PT9)"),
        ("1e5", TODAY, KEY, "amount", "Enter an amount in euros"),
        ("9" * 20, TODAY, KEY, "amount", "This amount is too large (PT9)."),
        ("", TODAY, KEY, "amount", "This field is required (PT9)."),
        ("100", date(2026, 4, 21), KEY, "received_on", "not on a day to come (PT9)"),
        ("100", TODAY, "", "form_key", "This form has expired"),
        ("100", TODAY, "not-a-key", "form_key", "This form has expired"),
    ],
)
def test_a_bad_deposit_is_refused_with_its_field_and_rule(
    client, intranet, amount, day, key, field, message
):
    client.force_login(owner_of(intranet.seller))
    refused = client.post(receive_url(intranet.buyer), deposit_post(amount, day, key))
    assert refused.status_code == 400
    form = refused.context["receive_form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert message.replace("'", "&#x27;") in refused.content.decode()
    assert not Deposit.objects.exists()


def test_a_bad_date_is_refused(client, intranet):
    client.force_login(owner_of(intranet.seller))
    post = {**deposit_post("100"), "deposit-received_on": "31/02/2026"}
    refused = client.post(receive_url(intranet.buyer), post)
    assert refused.status_code == 400 and "Enter a date (PT9)." in text(refused)
    assert not Deposit.objects.exists()


def _with_deposit(pair: Pair, amount: str = "2000.00") -> Deposit:
    return deposit_receive(
        buyer=pair.buyer, seller=pair.seller, amount=amount, received_on=date(2026, 4, 2)
    )


def test_the_deposit_is_returned_at_the_end_of_the_contract_minus_the_balance(client, intranet):
    _with_deposit(intranet)
    owed = ledger.balance(intranet.buyer, intranet.seller)
    assert owed == D("1200.00")
    client.force_login(owner_of(intranet.seller))
    page = client.get(page_url(intranet.buyer))
    html = text(page)
    # shown before confirming: the balance owed, what is deducted and what goes back
    assert (page.context["owed"], page.context["deducted"], page.context["returned"]) == (
        D("1200.00"),
        D("1200.00"),
        D("800.00"),
    )
    assert 'data-testid="deposit-return-preview"' in html
    preview = html.split('data-testid="deposit-return-preview"')[1].split("</dl>")[0]
    assert "1,200.00" in preview and "800.00" in preview
    done = client.post(
        return_url(intranet.buyer),
        {
            "return-contract_ended_on": "2026-04-15",
            "return-owed_seen": "1200.00",
            "return-confirm": "on",
        },
    )
    assert done.status_code == 302
    deposit = Deposit.objects.get(buyer=intranet.buyer)
    assert deposit.status == Deposit.Status.RETURNED
    assert (deposit.deducted, deposit.returned_amount) == (D("1200.00"), D("800.00"))
    assert deposit.contract_ended_on == date(2026, 4, 15)
    assert deposit.return_due_on == date(2026, 5, 15)  # 30 days [001 §4]
    assert deposit.returned_on == TODAY
    assert ledger.balance(intranet.buyer, intranet.seller) == 0  # paid from the deposit
    after = client.get(done["Location"])
    assert "€1,200.00 deducted for what the buyer owed, €800.00 to transfer back" in text(after)
    assert after.context["deposit_held"] == 0 and not after.context["any_held"]
    [row] = client.get(reverse("web:receivables")).context["rows"]
    assert row["deposit_held"] == 0

    # the service alone, on the same figures, gives the same amounts
    twin = make_pair("monthly-intranet")
    issue(twin, on=date(2026, 4, 1), due=date(2026, 4, 30))
    _with_deposit(twin)
    deposit_return(buyer=twin.buyer, seller=twin.seller, contract_ended_on=date(2026, 4, 15))
    alone = Deposit.objects.get(buyer=twin.buyer)
    assert (alone.deducted, alone.returned_amount, alone.return_due_on) == (
        deposit.deducted,
        deposit.returned_amount,
        deposit.return_due_on,
    )


def test_a_return_is_refused_when_the_balance_changed_or_is_not_confirmed(client, intranet):
    _with_deposit(intranet)
    client.force_login(owner_of(intranet.seller))
    url = return_url(intranet.buyer)
    base = {"return-contract_ended_on": "2026-04-15", "return-owed_seen": "1200.00"}
    unconfirmed = client.post(url, base)
    assert unconfirmed.status_code == 400 and "Tick the box to confirm" in text(unconfirmed)
    payment_record(
        buyer=intranet.buyer,
        seller=intranet.seller,
        amount="200.00",
        method="transfer",
        value_date=TODAY,
        idempotency_key="part",
    )
    changed = client.post(url, {**base, "return-confirm": "on"})
    assert changed.status_code == 400
    assert "changed since it was read: it is now €1,000.00" in text(changed)
    assert changed.context["return_form"].data["return-owed_seen"] == "1000.00"
    future = client.post(
        url, {**base, "return-contract_ended_on": "2026-05-01", "return-confirm": "on"}
    )
    assert future.status_code == 400 and "not on a day to come (PT9)" in text(future)
    before = client.post(
        url, {**base, "return-contract_ended_on": "2026-03-01", "return-confirm": "on"}
    )
    assert before.status_code == 400 and "before the deposit was received" in text(before)
    deposit = Deposit.objects.get()
    assert deposit.status == Deposit.Status.HELD and deposit.deducted == 0


def test_a_deposit_smaller_than_the_balance_says_what_stays_owed(client, intranet):
    _with_deposit(intranet, "500.00")
    client.force_login(owner_of(intranet.seller))
    page = client.get(page_url(intranet.buyer))
    assert (page.context["deducted"], page.context["returned"]) == (D("500.00"), 0)
    assert "€700.00 stays owed after the return" in text(page)
    post = {
        "return-contract_ended_on": "2026-04-15",
        "return-owed_seen": "1200.00",
        "return-confirm": "on",
    }
    assert client.post(return_url(intranet.buyer), post).status_code == 302
    deposit = Deposit.objects.get()
    assert (deposit.deducted, deposit.returned_amount) == (D("500.00"), 0)
    assert ledger.balance(intranet.buyer, intranet.seller) == D("700.00")


def test_a_return_without_a_deposit_held_is_refused(client, intranet):
    client.force_login(owner_of(intranet.seller))
    refused = client.post(
        return_url(intranet.buyer),
        {
            "return-contract_ended_on": "2026-04-15",
            "return-owed_seen": "1200.00",
            "return-confirm": "on",
        },
    )
    assert refused.status_code == 400
    assert "nothing to return" in text(refused) and "(PT9)" in text(refused)
    assert ledger.balance(intranet.buyer, intranet.seller) == D("1200.00")


def test_a_return_sent_twice_returns_once(client, intranet):
    _with_deposit(intranet)
    client.force_login(owner_of(intranet.seller))
    post = {
        "return-contract_ended_on": "2026-04-15",
        "return-owed_seen": "1200.00",
        "return-confirm": "on",
    }
    assert client.post(return_url(intranet.buyer), post).status_code == 302
    again = client.post(return_url(intranet.buyer), post)
    assert again.status_code == 400 and "nothing to return" in text(again)
    deposit = Deposit.objects.get()
    assert (deposit.deducted, deposit.returned_amount) == (D("1200.00"), D("800.00"))
    assert ledger.balance(intranet.buyer, intranet.seller) == 0


# --- rebates -------------------------------------------------------------------------------------


def rebate_post(start: str = "2026-07-01", tiers: str = "0;2\r\n5 000,00;3") -> dict[str, str]:
    return {"rebate-period_start": start, "rebate-tiers": tiers}


def test_a_rebate_agreement_is_set_shown_then_settled(client, beauty):
    client.force_login(owner_of(beauty.seller))
    page = client.get(page_url(beauty.buyer))
    html = text(page)
    assert 'data-testid="rebate-form"' in html and "Art. 8" in html
    assert page.context["rebate_form"].initial["period_start"] == date(2026, 7, 1)
    done = client.post(rebates_url(beauty.buyer), rebate_post())
    assert done.status_code == 302 and done["Location"].endswith("#rebates")
    agreement = RebateAgreement.objects.get(buyer=beauty.buyer, seller=beauty.seller)
    assert agreement.period_end == date(2026, 9, 30)
    assert agreement.tiers == [
        {"threshold": "0.00", "percent": "2"},
        {"threshold": "5000.00", "percent": "3"},
    ]
    shown = text(client.get(done["Location"]))
    assert "Rebate tiers of 2026T3 set for" in shown
    assert f'data-testid="rebate-{agreement.pk}"' in shown
    assert "Set: the quarter has not started" in shown and "5,000.00" in shown
    # set again before the quarter starts: the new tiers replace the old
    assert client.post(rebates_url(beauty.buyer), rebate_post(tiers="0;2,5")).status_code == 302
    agreement.refresh_from_db()
    assert agreement.tiers == [{"threshold": "0.00", "percent": "2.5"}]

    # the quarter: 3,000 € + 2,500 € HT paid on time; the sweep settles it
    first = issue(beauty, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    second = issue(beauty, on=date(2026, 9, 10), due=date(2026, 10, 31), excl_vat="2500.00")
    for invoice, on in ((first, date(2026, 8, 20)), (second, date(2026, 10, 30))):
        with clock.frozen(at(on)):
            payment_record(
                buyer=beauty.buyer,
                seller=beauty.seller,
                amount=invoice.total_incl_vat,
                method="transfer",
                value_date=on,
                idempotency_key=f"pay-{invoice.number}",
                reference=invoice.number or "",
            )
    clock.freeze(at(date(2026, 8, 1)))
    [running] = client.get(page_url(beauty.buyer)).context["agreements"]
    assert running.status == "running"
    clock.freeze(at(date(2026, 10, 5)))  # the quarter is over, not yet settled
    [waiting] = client.get(page_url(beauty.buyer)).context["agreements"]
    assert waiting.status == "waiting"
    clock.freeze(at(date(2026, 11, 2)))
    assert rebates_settle(on=date(2026, 11, 2)) == 1
    settlement = RebateSettlement.objects.get()
    settled = client.get(page_url(beauty.buyer))
    html = text(settled)
    [row] = settled.context["agreements"]
    assert row.status == "earned" and row.settlement == settlement
    assert settlement.earned == D("137.50")  # 2.5 % of 5,500 €
    assert "137.50" in html and "5,500.00" in html and "Earned" in html


def test_a_forfeited_rebate_shows_its_reason(client, beauty):
    client.force_login(owner_of(beauty.seller))
    assert client.post(rebates_url(beauty.buyer), rebate_post()).status_code == 302
    late = issue(beauty, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    with clock.frozen(at(date(2026, 9, 10))):
        payment_record(
            buyer=beauty.buyer,
            seller=beauty.seller,
            amount=late.total_incl_vat,
            method="transfer",
            value_date=date(2026, 9, 10),
            idempotency_key="late",
            reference=late.number or "",
        )
    clock.freeze(at(date(2026, 10, 2)))
    assert rebates_settle(on=date(2026, 10, 2)) == 1
    agreement = RebateAgreement.objects.get()
    page = client.get(page_url(beauty.buyer))
    html = text(page)
    assert "Forfeited" in html and f'data-testid="rebate-reason-{agreement.pk}"' in html
    reason = RebateSettlement.objects.get().reason
    assert late.number in reason and "PT13 Art. 8" in reason
    assert late.number in html


def settle_url(buyer: Organization, agreement: RebateAgreement) -> str:
    return reverse("web:receivables_more_rebate_settle", args=[buyer.pk, agreement.pk])


def test_a_waiting_quarter_is_settled_now_from_the_page(client, beauty):
    client.force_login(owner_of(beauty.seller))
    assert client.post(rebates_url(beauty.buyer), rebate_post()).status_code == 302
    agreement = RebateAgreement.objects.get()
    invoice = issue(beauty, on=date(2026, 7, 6), due=date(2026, 10, 31), excl_vat="3000.00")
    clock.freeze(at(date(2026, 8, 1)))
    running = text(client.get(page_url(beauty.buyer)))
    assert f'data-testid="rebate-settle-{agreement.pk}"' not in running
    clock.freeze(at(date(2026, 10, 5)))
    waiting = text(client.get(page_url(beauty.buyer)))
    assert f'data-testid="rebate-settle-{agreement.pk}"' in waiting and "Settle now" in waiting
    refused = client.post(settle_url(beauty.buyer, agreement), follow=True)
    said = text(refused)
    assert f"Not yet: invoice {invoice.number} is open and not yet due" in said
    assert "(PT13)" in said and not RebateSettlement.objects.exists()
    payment_record(
        buyer=beauty.buyer,
        seller=beauty.seller,
        amount=invoice.total_incl_vat,
        method="transfer",
        value_date=date(2026, 10, 5),
        idempotency_key="paid",
        reference=invoice.number or "",
    )
    done = client.post(settle_url(beauty.buyer, agreement))
    assert done.status_code == 302 and done["Location"].endswith("#rebates")
    shown = text(client.get(done["Location"]))
    assert "Rebate of 2026T3 settled: €60.00 due to" in shown  # 2 % of 3,000 €
    assert f'data-testid="rebate-settle-{agreement.pk}"' not in shown
    assert RebateSettlement.objects.get().settled_on == date(2026, 10, 5)


def test_settle_now_is_the_seller_s_alone(client, beauty):
    client.force_login(owner_of(beauty.seller))
    assert client.post(rebates_url(beauty.buyer), rebate_post()).status_code == 302
    agreement = RebateAgreement.objects.get()
    clock.freeze(at(date(2026, 10, 5)))
    other = make_pair("selective-beauty")
    client.force_login(owner_of(other.seller))
    assert client.post(settle_url(beauty.buyer, agreement)).status_code == 404
    client.force_login(owner_of(beauty.buyer))
    assert client.post(settle_url(beauty.buyer, agreement)).status_code in (403, 404)
    client.force_login(employee_of(beauty.seller, []))
    assert client.post(settle_url(beauty.buyer, agreement)).status_code == 403
    client.force_login(owner_of(beauty.seller))
    assert client.get(settle_url(beauty.buyer, agreement)).status_code == 405
    assert not RebateSettlement.objects.exists()


@pytest.mark.parametrize(
    ("start", "tiers", "field", "message"),
    [
        ("2026-07-02", "0;2", "period_start", "A quarter starts on 1 January"),
        ("2026-04-01", "0;2", "period_start", "on its first day at the latest (PT13)"),
        ("not a day", "0;2", "period_start", "Enter a date (PT13)."),
        ("2026-07-01", "", "tiers", "This field is required (PT13)."),
        ("2026-07-01", "5000", "tiers", "separated by a semicolon"),
        ("2026-07-01", "abc;2", "tiers", "the threshold is an amount excl. VAT"),
        ("2026-07-01", "-5;2", "tiers", "the threshold is an amount excl. VAT"),
        ("2026-07-01", "0;0", "tiers", "the percent is more than 0 and at most 100"),
        ("2026-07-01", "0;150", "tiers", "the percent is more than 0 and at most 100"),
        ("2026-07-01", "0;2,555", "tiers", "the percent is more than 0 and at most 100"),
        ("2026-07-01", "0;2\n0;3", "tiers", "Each threshold appears once (PT13)."),
        ("2026-07-01", "0;3\n5000;2", "tiers", "cannot give a lower percent (PT13)."),
        ("2026-07-01", "\n".join(["1;1"] * 21), "tiers", "At most 20 tiers (PT13)."),
        ("2026-07-01", "9" * 30 + ";2", "tiers", "this threshold is too large (PT13)"),
    ],
)
def test_a_bad_rebate_agreement_is_refused_with_its_field_and_rule(
    client, beauty, start, tiers, field, message
):
    client.force_login(owner_of(beauty.seller))
    refused = client.post(rebates_url(beauty.buyer), rebate_post(start, tiers))
    assert refused.status_code == 400
    form = refused.context["rebate_form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert not RebateAgreement.objects.exists()


def test_terms_without_rebates_say_so_and_refuse_an_agreement(client, intranet):
    client.force_login(owner_of(intranet.seller))
    page = text(client.get(page_url(intranet.buyer)))
    assert "Your terms in force grant no rebates (PT13)" in page
    clock.freeze(at(date(2026, 6, 20)))
    refused = client.post(rebates_url(intranet.buyer), rebate_post())
    assert refused.status_code == 400
    assert "grant no rebates" in " ".join(refused.context["rebate_form"].errors["period_start"])
    assert not RebateAgreement.objects.exists()


def test_next_quarter_start():
    assert next_quarter_start(date(2026, 7, 1)) == date(2026, 7, 1)
    assert next_quarter_start(date(2026, 7, 2)) == date(2026, 10, 1)
    assert next_quarter_start(date(2026, 11, 30)) == date(2027, 1, 1)
    assert next_quarter_start(date(2026, 2, 14)) == date(2026, 4, 1)


# --- who may -----------------------------------------------------------------------------------


def test_a_buyer_the_seller_does_not_trade_with_is_not_found(client, intranet):
    other = make_pair("monthly-intranet")  # another seller and its buyer
    client.force_login(owner_of(intranet.seller))
    for url in (
        page_url(other.buyer),
        page_url(intranet.seller),
        reverse("web:receivables_more_buyer", args=[999999]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(receive_url(other.buyer), deposit_post("100")).status_code == 404
    assert client.post(rebates_url(other.buyer), rebate_post()).status_code == 404
    assert client.post(return_url(other.buyer), {}).status_code == 404
    assert not Deposit.objects.exists()


def test_buyers_and_employees_without_the_right_are_refused(client, intranet):
    posts = (
        (receive_url(intranet.buyer), deposit_post("100")),
        (return_url(intranet.buyer), {"return-contract_ended_on": "2026-04-15"}),
        (rebates_url(intranet.buyer), rebate_post()),
    )
    clerk = employee_of(intranet.seller, [Permission.VIEW_ORDERS, Permission.PLACE_ORDERS])
    buyer_clerk = employee_of(intranet.buyer, [Permission.VIEW_ORDERS])
    for user in (clerk, buyer_clerk):
        client.force_login(user)
        assert client.get(page_url(intranet.buyer)).status_code == 403
        for url, data in posts:
            assert client.post(url, data).status_code == 403, url
    # the buyer's own owner has no seller page (404, as the receivables page)
    client.force_login(owner_of(intranet.buyer))
    assert client.get(page_url(intranet.buyer)).status_code == 404
    assert client.get(page_url(intranet.seller)).status_code == 404
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    client.logout()
    assert client.get(page_url(intranet.buyer)).status_code == 302  # to the login page
    assert not Deposit.objects.exists() and not RebateAgreement.objects.exists()


def test_an_accountant_with_the_right_records_a_deposit(client, intranet):
    accountant = employee_of(intranet.seller, [Permission.VIEW_INVOICES])
    client.force_login(accountant)
    assert client.get(page_url(intranet.buyer)).status_code == 200
    assert client.post(receive_url(intranet.buyer), deposit_post("100")).status_code == 302
    assert AuditEntry.objects.get(action="payments.deposit_received").actor == accountant


def test_garbage_never_answers_500(client, beauty):
    client.force_login(owner_of(beauty.seller))
    junk = {
        "deposit-amount": "1\x00" * 40,
        "deposit-received_on": "9999-99-99",
        "deposit-form_key": "x" * 500,
        "return-contract_ended_on": "0000-00-00",
        "return-owed_seen": "sNaN",
        "return-confirm": "maybe",
        "rebate-period_start": "2026-07-01\x00",
        "rebate-tiers": "NaN;Infinity\n1e999;1e999\n;;;\n" + "x" * 3000,
    }
    for url in (receive_url(beauty.buyer), return_url(beauty.buyer), rebates_url(beauty.buyer)):
        response = client.post(url, junk)
        assert response.status_code == 400, url
    for tiers in ("NaN;2", "0;NaN", "Infinity;2", "0;-0", "1e3;2", "0;2%"):
        response = client.post(rebates_url(beauty.buyer), rebate_post(tiers=tiers))
        assert response.status_code in (302, 400), tiers
    assert client.get(page_url(beauty.buyer) + "?x=\x00").status_code in (200, 400)
    assert Deposit.objects.count() == 0


def test_the_page_renders_in_french(client, beauty):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(owner_of(beauty.seller))
    page = client.get(page_url(beauty.buyer))
    assert page.status_code == 200 and '<html lang="fr">' in page.content.decode()
