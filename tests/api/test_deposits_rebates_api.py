"""The API of a buyer's security deposits (PT9) and rebate agreements (PT13), as the seller's
page /seller/buyers/<id>/deposit-and-rebates/ (tests/web/test_receivables_more_pages.py):
/api/deposits, /api/deposits/return, /api/rebate-agreements. Data is built through the payments
and billing services (tests/payments/conftest.py); the clock is frozen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from comptoir.api.models import IdempotencyKey
from comptoir.core import clock
from comptoir.core.models import AuditEntry
from comptoir.ledger import queries as ledger
from comptoir.ledger.models import JournalEntry
from comptoir.parties import services
from comptoir.parties.models import Membership, Organization, Permission, User
from comptoir.payments.models import Deposit, RebateAgreement, RebateSettlement
from comptoir.payments.services import deposit_receive, payment_record
from comptoir.payments.services.rebates import rebates_settle
from tests.parties.factories import make_user
from tests.payments.conftest import Pair, at, issue, make_pair
from tests.web.test_api_fuzz import _keep_the_test_connection, _session

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 20)
DEPOSITS = "/api/deposits"
RETURN = "/api/deposits/return"
REBATES = "/api/rebate-agreements"
JSON = "application/json"


def owner_of(org: Organization) -> User:
    return Membership.objects.get(organization=org, is_owner=True).user


def employee_of(org: Organization, permissions: list[str]) -> User:
    user = make_user()
    services.membership_add(
        actor=owner_of(org), organization=org, user=user, permissions=permissions
    )
    return user


def bearer(org: Organization, *scopes: str) -> dict[str, str]:
    token = services.api_key_create(
        actor=owner_of(org), organization=org, name="ERP", scopes=list(scopes)
    )[1]
    return {"Authorization": f"Bearer {token}"}


def post(client: Client, url: str, body: dict, key: str | None = None, **headers: str):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(url, body, content_type=JSON, headers=headers)


def deposit_body(pair: Pair, amount: object = "2000.50", day: date = date(2026, 4, 2)) -> dict:
    return {"buyer_id": pair.buyer.pk, "amount": amount, "received_on": day.isoformat()}


def return_body(pair: Pair, day: date = date(2026, 4, 15)) -> dict:
    return {"buyer_id": pair.buyer.pk, "contract_ended_on": day.isoformat()}


def rebate_body(pair: Pair, start: str = "2026-07-01", tiers: list | None = None) -> dict:
    if tiers is None:
        tiers = [{"threshold": "0", "percent": "2"}, {"threshold": "5000.00", "percent": "3"}]
    return {"buyer_id": pair.buyer.pk, "period_start": start, "tiers": tiers}


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def intranet() -> Pair:
    """A monthly-intranet seller (a security deposit, Art. 4 [001 §4]; no rebates) and its buyer,
    one invoice of 1,000 € HT (1,200 € TTC) open; the clock on TODAY."""
    pair = make_pair("monthly-intranet")
    issue(pair, on=date(2026, 4, 1), due=date(2026, 4, 30))
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


def _with_deposit(pair: Pair, amount: str = "2000.00", day: date = date(2026, 4, 2)) -> Deposit:
    return deposit_receive(buyer=pair.buyer, seller=pair.seller, amount=amount, received_on=day)


# --- deposits ------------------------------------------------------------------------------------


def test_a_deposit_recorded_is_listed_to_the_cent(client, intranet):
    client.force_login(owner_of(intranet.seller))
    done = post(client, DEPOSITS, deposit_body(intranet), key="dep-1")
    assert done.status_code == 201, done.content
    body = done.json()
    deposit = Deposit.objects.get(buyer=intranet.buyer, seller=intranet.seller)
    assert body == {
        "id": deposit.pk,
        "buyer_id": intranet.buyer.pk,
        "buyer": intranet.buyer.display_name,
        "amount": "2000.50",
        "received_on": "2026-04-02",
        "deducted": "0.00",
        "held": "2000.50",
        "status": "held",
        "contract_ended_on": None,
        "return_due_on": None,
        "returned_on": None,
        "returned_amount": "0.00",
    }
    assert (deposit.amount, deposit.received_on) == (D("2000.50"), date(2026, 4, 2))
    listed = client.get(DEPOSITS).json()
    assert listed == {"items": [body], "count": 1, "offset": 0, "limit": 50}
    assert client.get(DEPOSITS, {"buyer_id": intranet.buyer.pk}).json()["items"] == [body]
    assert client.get(DEPOSITS, {"status": "returned"}).json()["count"] == 0
    # the receivables agree, and the audit log names the user
    [row] = client.get("/api/receivables").json()["items"]
    assert D(row["deposit_held"]) == D("2000.50")
    entry = AuditEntry.objects.get(action="payments.deposit_received")
    assert entry.actor == owner_of(intranet.seller) and entry.object_id == str(deposit.pk)


def test_the_same_key_twice_records_one_deposit(client, intranet):
    client.force_login(owner_of(intranet.seller))
    first = post(client, DEPOSITS, deposit_body(intranet, "500"), key="dep-1")
    again = post(client, DEPOSITS, deposit_body(intranet, "500"), key="dep-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.json()["amount"] == "500.00"
    assert Deposit.objects.count() == 1
    other = post(client, DEPOSITS, deposit_body(intranet, "700"), key="dep-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["field"] == "Idempotency-Key"
    assert Deposit.objects.count() == 1
    assert post(client, DEPOSITS, deposit_body(intranet, "700"), key="dep-2").status_code == 201
    assert sorted(Deposit.objects.values_list("amount", flat=True)) == [D("500.00"), D("700.00")]


def test_a_deposit_without_idempotency_key_is_refused(client, intranet):
    client.force_login(owner_of(intranet.seller))
    for headers in ({}, {"Idempotency-Key": ""}, {"Idempotency-Key": "k" * 81}):
        refused = client.post(DEPOSITS, deposit_body(intranet), content_type=JSON, headers=headers)
        assert refused.status_code == 422
        assert refused.json()["code"] == "invalid_input"
        assert refused.json()["field"] == "Idempotency-Key"
    assert not Deposit.objects.exists()


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("-3", "amount"),
        ("0", "amount"),
        (0, "amount"),
        ("12.345", "amount"),
        ("abc", "amount"),
        ("NaN", "amount"),
        ("Infinity", "amount"),
        ("9" * 20, "amount"),
        ("1000000000000.00", "amount"),  # 13 digits before the point: beyond the column
        (None, "amount"),
    ],
)
def test_a_bad_amount_is_refused_with_its_field(client, intranet, amount, field):
    client.force_login(owner_of(intranet.seller))
    refused = post(client, DEPOSITS, deposit_body(intranet, amount), key="bad")
    assert refused.status_code == 422, refused.content
    error = refused.json()
    assert error["code"] == "invalid_input" and error["field"] == field
    assert set(error) >= {"code", "message", "field", "rule"}
    assert not Deposit.objects.exists() and not IdempotencyKey.objects.exists()


def test_a_deposit_on_a_day_to_come_or_a_bad_day_is_refused(client, intranet):
    client.force_login(owner_of(intranet.seller))
    future = post(client, DEPOSITS, deposit_body(intranet, day=date(2026, 4, 21)), key="f")
    assert future.status_code == 422
    assert future.json() == {
        "code": "future_received_on",
        "message": "A deposit is recorded once received: not on a day to come (PT9).",
        "field": "received_on",
        "rule": "PT9",
    }
    bad = post(client, DEPOSITS, {**deposit_body(intranet), "received_on": "2026-02-31"}, key="b")
    assert bad.status_code == 422 and bad.json()["field"] == "received_on"
    assert not Deposit.objects.exists()
    # a refused call records nothing: the same key then records the deposit
    assert post(client, DEPOSITS, deposit_body(intranet), key="f").status_code == 201


def test_deposits_are_paginated_and_filtered_by_buyer(client, intranet):
    for day in (date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 4)):
        _with_deposit(intranet, "100.00", day)
    second = make_org_buyer_of(intranet)
    _with_deposit(Pair(intranet.seller, second), "250.25")
    client.force_login(owner_of(intranet.seller))
    first_page = client.get(DEPOSITS, {"limit": 2}).json()
    assert first_page["count"] == 4 and len(first_page["items"]) == 2
    rest = client.get(DEPOSITS, {"limit": 2, "offset": 2}).json()
    days = [i["received_on"] for i in first_page["items"] + rest["items"]]
    assert days == sorted(days)  # oldest received first
    mine = client.get(DEPOSITS, {"buyer_id": intranet.buyer.pk}).json()
    assert mine["count"] == 3 and {i["amount"] for i in mine["items"]} == {"100.00"}
    theirs = client.get(DEPOSITS, {"buyer_id": second.pk}).json()
    assert [i["amount"] for i in theirs["items"]] == ["250.25"]
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"status": "lost"}):
        assert client.get(DEPOSITS, params).status_code == 422, params


def make_org_buyer_of(pair: Pair) -> Organization:
    """Another buyer of the same seller, with an invoice (so they traded)."""
    other = make_pair("monthly-intranet")
    twin = Pair(pair.seller, other.buyer)
    issue(twin, on=date(2026, 4, 1), due=date(2026, 4, 30), excl_vat="10.00")
    return other.buyer


# --- the return (PT9) ----------------------------------------------------------------------------


def test_the_deposit_is_returned_minus_what_is_owed(client, intranet):
    deposit = _with_deposit(intranet)
    assert ledger.balance(intranet.buyer, intranet.seller) == D("1200.00")
    client.force_login(owner_of(intranet.seller))
    done = post(client, RETURN, return_body(intranet), key="ret-1")
    assert done.status_code == 200, done.content
    [out] = done.json()["deposits"]
    assert done.json()["buyer_id"] == intranet.buyer.pk
    assert out["id"] == deposit.pk and out["status"] == "returned"
    assert (out["amount"], out["deducted"], out["returned_amount"], out["held"]) == (
        "2000.00",
        "1200.00",
        "800.00",
        "0.00",
    )
    assert (out["contract_ended_on"], out["return_due_on"], out["returned_on"]) == (
        "2026-04-15",
        "2026-05-15",  # 30 days [001 §4]
        "2026-04-20",
    )
    assert ledger.balance(intranet.buyer, intranet.seller) == 0  # paid from the deposit
    entries = JournalEntry.objects.count()
    # the same key again answers the same and posts nothing more
    again = post(client, RETURN, return_body(intranet), key="ret-1")
    assert again.status_code == 200 and again.json() == done.json()
    assert JournalEntry.objects.count() == entries
    # another key: nothing is held any more
    refused = post(client, RETURN, return_body(intranet), key="ret-2")
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "no_deposit_held",
        "message": "No deposit of this buyer is held: there is nothing to return.",
        "field": "buyer_id",
        "rule": "PT9",
    }
    deposit.refresh_from_db()
    assert (deposit.deducted, deposit.returned_amount) == (D("1200.00"), D("800.00"))
    listed = client.get(DEPOSITS, {"buyer_id": intranet.buyer.pk, "status": "returned"}).json()
    assert listed["items"] == done.json()["deposits"]
    # a new deposit later: the key replayed still answers the return, and returns nothing more
    new = _with_deposit(intranet, "300.00", TODAY)
    replay = post(client, RETURN, return_body(intranet), key="ret-1")
    assert replay.status_code == 200
    assert [d["status"] for d in replay.json()["deposits"]] == ["returned", "held"]
    new.refresh_from_db()
    assert new.status == Deposit.Status.HELD and new.held == D("300.00")


def test_a_deposit_smaller_than_the_balance_leaves_the_rest_owed(client, intranet):
    _with_deposit(intranet, "500.00")
    client.force_login(owner_of(intranet.seller))
    [out] = post(client, RETURN, return_body(intranet), key="r").json()["deposits"]
    assert (out["deducted"], out["returned_amount"]) == ("500.00", "0.00")
    assert ledger.balance(intranet.buyer, intranet.seller) == D("700.00")


def test_a_bad_return_is_refused_and_records_nothing(client, intranet):
    client.force_login(owner_of(intranet.seller))
    none_held = post(client, RETURN, return_body(intranet), key="r-1")
    assert none_held.status_code == 422 and none_held.json()["code"] == "no_deposit_held"
    assert ledger.balance(intranet.buyer, intranet.seller) == D("1200.00")
    assert not IdempotencyKey.objects.exists()
    _with_deposit(intranet)
    future = post(client, RETURN, return_body(intranet, date(2026, 5, 1)), key="r-2")
    assert future.status_code == 422
    assert (future.json()["code"], future.json()["field"], future.json()["rule"]) == (
        "future_contract_end",
        "contract_ended_on",
        "PT9",
    )
    before = post(client, RETURN, return_body(intranet, date(2026, 3, 1)), key="r-3")
    assert before.status_code == 422
    assert before.json() == {
        "code": "contract_end_before_deposit",
        "message": "The contract cannot end before the deposit was received, on 02/04/2026 (PT9).",
        "field": "contract_ended_on",
        "rule": "PT9",
    }
    missing = client.post(RETURN, return_body(intranet), content_type=JSON)
    assert missing.status_code == 422 and missing.json()["field"] == "Idempotency-Key"
    assert Deposit.objects.get().status == Deposit.Status.HELD
    # the key of the refused call may be used again once there is something to return
    assert post(client, RETURN, return_body(intranet), key="r-1").status_code == 200


def test_a_return_with_the_balance_seen_is_refused_once_it_changed(client, intranet):
    _with_deposit(intranet)
    client.force_login(owner_of(intranet.seller))
    [row] = client.get("/api/receivables").json()["items"]
    assert row["buyer_id"] == intranet.buyer.pk and row["balance"] == "1200.00"
    payment_record(
        buyer=intranet.buyer,
        seller=intranet.seller,
        amount="200.00",
        method="transfer",
        value_date=TODAY,
        idempotency_key="part",
    )
    stale = post(client, RETURN, {**return_body(intranet), "owed_seen": "1200.00"}, key="r-1")
    assert stale.status_code == 422
    body = stale.json()
    assert (body["code"], body["field"], body["rule"]) == ("balance_changed", "owed_seen", "PT9")
    assert body["details"] == {"owed": "1000.00"}
    assert "it is now €1,000.00" in body["message"]
    french = post(
        client,
        RETURN,
        {**return_body(intranet), "owed_seen": "1200.00"},
        key="r-1",
        **{"Accept-Language": "fr"},
    )
    assert "elles sont maintenant de 1 000,00" in french.json()["message"].replace("\u202f", " ")
    deposit = Deposit.objects.get()
    assert deposit.status == Deposit.Status.HELD and deposit.deducted == 0
    assert not IdempotencyKey.objects.exists()
    # the key of the refused call, with the balance of now
    done = post(client, RETURN, {**return_body(intranet), "owed_seen": "1000.00"}, key="r-1")
    assert done.status_code == 200, done.content
    [out] = done.json()["deposits"]
    assert (out["deducted"], out["returned_amount"]) == ("1000.00", "1000.00")


def test_a_buyer_owing_nothing_is_seen_as_zero(client, intranet):
    payment_record(
        buyer=intranet.buyer,
        seller=intranet.seller,
        amount="1200.00",
        method="transfer",
        value_date=TODAY,
        idempotency_key="all",
    )
    _with_deposit(intranet)
    client.force_login(owner_of(intranet.seller))
    done = post(client, RETURN, {**return_body(intranet), "owed_seen": "0"}, key="r")
    assert done.status_code == 200, done.content
    assert done.json()["deposits"][0]["returned_amount"] == "2000.00"


# --- rebates (PT13) ------------------------------------------------------------------------------


def test_a_rebate_agreement_is_set_replaced_listed_then_settled(client, beauty):
    client.force_login(owner_of(beauty.seller))
    done = post(client, REBATES, rebate_body(beauty))
    assert done.status_code == 200, done.content
    agreement = RebateAgreement.objects.get(buyer=beauty.buyer, seller=beauty.seller)
    assert done.json() == {
        "id": agreement.pk,
        "buyer_id": beauty.buyer.pk,
        "buyer": beauty.buyer.display_name,
        "period_start": "2026-07-01",
        "period_end": "2026-09-30",
        "tiers": [
            {"threshold": "0.00", "percent": "2"},
            {"threshold": "5000.00", "percent": "3"},
        ],
        "set_on": "2026-06-20",
        "settlement": None,
    }
    # set again before the quarter starts: the new tiers replace the old
    tiers = [{"threshold": 0, "percent": "2.5"}]
    replaced = post(client, REBATES, rebate_body(beauty, tiers=tiers))
    assert replaced.status_code == 200 and replaced.json()["id"] == agreement.pk
    assert replaced.json()["tiers"] == [{"threshold": "0.00", "percent": "2.5"}]
    assert RebateAgreement.objects.count() == 1

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
    clock.freeze(at(date(2026, 11, 2)))
    assert rebates_settle(on=date(2026, 11, 2)) == 1
    listed = client.get(REBATES, {"buyer_id": beauty.buyer.pk}).json()
    assert listed["count"] == 1
    [row] = listed["items"]
    assert row["settlement"] == {
        "turnover": "5500.00",
        "percent": "2.50",
        "earned": "137.50",  # 2.5 % of 5,500 €
        "offset": "0.00",
        "due": "137.50",
        "forfeited": False,
        "reason": row["settlement"]["reason"],
        "settled_on": "2026-11-02",
    }
    assert client.get(REBATES).json()["items"] == [row]


def test_rebate_agreements_are_paginated_latest_first(client, beauty):
    client.force_login(owner_of(beauty.seller))
    for start in ("2026-07-01", "2026-10-01", "2027-01-01"):
        assert post(client, REBATES, rebate_body(beauty, start)).status_code == 200
    page = client.get(REBATES, {"limit": 2}).json()
    assert page["count"] == 3
    assert [i["period_start"] for i in page["items"]] == ["2027-01-01", "2026-10-01"]
    rest = client.get(REBATES, {"limit": 2, "offset": 2}).json()
    assert [i["period_start"] for i in rest["items"]] == ["2026-07-01"]


@pytest.mark.parametrize(
    ("start", "tiers", "code", "field"),
    [
        ("2026-07-02", None, "invalid_period", "period_start"),
        ("2026-04-01", None, "too_late", "period_start"),
        ("not a day", None, "invalid_input", "period_start"),
        ("9999-10-01", None, "invalid_input", "period_start"),
        ("2026-07-01", [], "invalid_input", "tiers"),
        (
            "2026-07-01",
            [{"threshold": "-5", "percent": "2"}],
            "invalid_input",
            "tiers[0].threshold",
        ),
        ("2026-07-01", [{"threshold": "0", "percent": "0"}], "invalid_input", "tiers[0].percent"),
        ("2026-07-01", [{"threshold": "0", "percent": "150"}], "invalid_input", "tiers[0].percent"),
        (
            "2026-07-01",
            [{"threshold": "0", "percent": "2.555"}],
            "invalid_input",
            "tiers[0].percent",
        ),
        (
            "2026-07-01",
            [{"threshold": "NaN", "percent": "2"}],
            "invalid_input",
            "tiers[0].threshold",
        ),
        (
            "2026-07-01",
            [{"threshold": "9" * 30, "percent": "2"}],
            "invalid_input",
            "tiers[0].threshold",
        ),
        (
            "2026-07-01",
            [{"threshold": "0", "percent": "2"}, {"threshold": "0.00", "percent": "3"}],
            "duplicate_threshold",
            "tiers",
        ),
        (
            "2026-07-01",
            [{"threshold": "0", "percent": "3"}, {"threshold": "5000", "percent": "2"}],
            "invalid_tiers",
            "tiers",
        ),
        (
            "2026-07-01",
            [{"threshold": str(i), "percent": "1"} for i in range(21)],
            "invalid_input",
            "tiers",
        ),
    ],
)
def test_a_bad_rebate_agreement_is_refused_with_its_code_field_and_rule(
    client, beauty, start, tiers, code, field
):
    client.force_login(owner_of(beauty.seller))
    refused = post(client, REBATES, rebate_body(beauty, start, tiers))
    assert refused.status_code == 422, refused.content
    error = refused.json()
    assert (error["code"], error["field"]) == (code, field)
    if code != "invalid_input":
        assert error["rule"] == "PT13"
    assert not RebateAgreement.objects.exists()


def test_terms_without_rebates_refuse_an_agreement(client, intranet):
    clock.freeze(at(date(2026, 6, 20)))
    client.force_login(owner_of(intranet.seller))
    refused = post(client, REBATES, rebate_body(intranet))
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "no_rebates",
        "message": (
            "Your terms in force on that day grant no rebates: publish terms with a rebates "
            "section first."
        ),
        "field": "period_start",
        "rule": "PT13",
    }
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    french = post(client, REBATES, rebate_body(intranet)).json()
    assert french["message"].startswith("Vos conditions en vigueur à cette date n'accordent pas")
    assert not RebateAgreement.objects.exists()


# --- who may -------------------------------------------------------------------------------------


def _every_route(client, pair: Pair, key: str = "who", **headers: str) -> list:
    """Each route of the module named with `pair`'s buyer: the answers."""
    return [
        client.get(DEPOSITS, {"buyer_id": pair.buyer.pk}, headers=headers),
        post(client, DEPOSITS, deposit_body(pair), key=key, **headers),
        post(client, RETURN, return_body(pair), key=key + "-r", **headers),
        client.get(REBATES, {"buyer_id": pair.buyer.pk}, headers=headers),
        post(client, REBATES, rebate_body(pair, "2026-07-01"), **headers),
        client.post(f"{REBATES}/1/settle", headers=headers),
    ]


def test_another_sellers_buyer_is_not_found_and_its_data_not_shown(client, intranet):
    other = make_pair("monthly-intranet")  # another seller and its buyer, with a deposit
    issue(other, on=date(2026, 4, 1), due=date(2026, 4, 30))
    _with_deposit(other, "3456.78")
    client.force_login(owner_of(intranet.seller))
    for response in _every_route(client, other):
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
        assert response.json()["field"] in ("buyer_id", "agreement_id")
        assert "3456" not in response.content.decode()
    for buyer_id in (intranet.seller.pk, 999999, 2**62):  # itself, nobody
        got = client.get(DEPOSITS, {"buyer_id": buyer_id})
        assert got.status_code == 404 and got.json()["field"] == "buyer_id"
    assert client.get(DEPOSITS).json()["count"] == 0  # the other seller's deposit is not here
    assert Deposit.objects.count() == 1 and not RebateAgreement.objects.exists()


def test_a_buyer_never_sees_deposits_and_employees_need_the_right(client, intranet):
    _with_deposit(intranet, "1234.56")
    _with_deposit(make_pair("monthly-intranet"), "6543.21")  # another company's
    # the buyer's own owner: its organization has no seller routes (404, never the data)
    client.force_login(owner_of(intranet.buyer))
    for response in [
        client.get(DEPOSITS),
        client.get(REBATES),
        *_every_route(client, intranet),
    ]:
        assert response.status_code == 404, response.content
        assert "1234.56" not in response.content.decode()
        assert "6543.21" not in response.content.decode()
    # members without "credit and invoices" (P4), of the seller or of the buyer: 403
    clerk = employee_of(intranet.seller, [Permission.VIEW_ORDERS, Permission.PLACE_ORDERS])
    buyer_clerk = employee_of(intranet.buyer, [Permission.VIEW_ORDERS])
    for user in (clerk, buyer_clerk):
        client.force_login(user)
        for response in [client.get(DEPOSITS), *_every_route(client, intranet)]:
            assert response.status_code == 403, response.content
            assert response.json()["code"] == "permission_denied"
            assert "1234.56" not in response.content.decode()
    client.logout()
    for response in [client.get(DEPOSITS), *_every_route(client, intranet)]:
        assert response.status_code == 401
    assert Deposit.objects.count() == 2 and not RebateAgreement.objects.exists()


def test_an_accountant_and_a_key_with_view_invoices_may(client, intranet):
    accountant = employee_of(intranet.seller, [Permission.VIEW_INVOICES])
    client.force_login(accountant)
    assert post(client, DEPOSITS, deposit_body(intranet, "100"), key="acc").status_code == 201
    assert AuditEntry.objects.get(action="payments.deposit_received").actor == accountant
    client.logout()
    key = Client()
    key.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    finance = bearer(intranet.seller, Permission.VIEW_INVOICES)
    recorded = post(key, DEPOSITS, deposit_body(intranet, "200"), key="k-1", **finance)
    assert recorded.status_code == 201 and recorded.json()["amount"] == "200.00"
    assert key.get(DEPOSITS, headers=finance).json()["count"] == 2
    narrow = bearer(intranet.seller, Permission.VIEW_ORDERS)
    for response in [key.get(DEPOSITS, headers=narrow), *_every_route(key, intranet, **narrow)]:
        assert response.status_code == 403
    assert key.get(DEPOSITS, headers={"Authorization": "Bearer cpt_x_y"}).status_code == 401
    assert Deposit.objects.count() == 2


def test_a_quarter_is_settled_now_through_the_api(client, beauty):
    client.force_login(owner_of(beauty.seller))
    assert post(client, REBATES, rebate_body(beauty)).status_code == 200
    agreement = RebateAgreement.objects.get()
    settle = f"{REBATES}/{agreement.pk}/settle"
    invoice = issue(beauty, on=date(2026, 7, 6), due=date(2026, 10, 31), excl_vat="3000.00")
    clock.freeze(at(date(2026, 9, 30)))
    running = client.post(settle)
    assert running.status_code == 422 and running.json()["code"] == "period_running"
    clock.freeze(at(date(2026, 10, 5)))
    waiting = client.post(settle)
    assert waiting.status_code == 422
    assert (waiting.json()["code"], waiting.json()["rule"]) == ("not_yet_judged", "PT13")
    assert waiting.json()["details"] == {"waiting": [invoice.number]}
    payment_record(
        buyer=beauty.buyer,
        seller=beauty.seller,
        amount=invoice.total_incl_vat,
        method="transfer",
        value_date=date(2026, 10, 5),
        idempotency_key="paid",
        reference=invoice.number or "",
    )
    done = client.post(settle)
    assert done.status_code == 200, done.content
    assert done.json()["id"] == agreement.pk
    assert done.json()["settlement"] == {
        "turnover": "3000.00",
        "percent": "2.00",
        "earned": "60.00",
        "offset": "0.00",
        "due": "60.00",
        "forfeited": False,
        "reason": "",
        "settled_on": "2026-10-05",
    }
    again = client.post(settle)
    assert again.status_code == 422 and again.json()["code"] == "already_settled"
    # another seller's owner, and an id that is nobody's
    client.force_login(owner_of(make_pair("selective-beauty").seller))
    assert client.post(settle).status_code == 404
    client.force_login(owner_of(beauty.seller))
    for missing in (agreement.pk + 1000, 2**62):
        assert client.post(f"{REBATES}/{missing}/settle").status_code == 404
    assert client.post(f"{REBATES}/0/settle").status_code == 422
    assert RebateSettlement.objects.count() == 1


# --- generated input -----------------------------------------------------------------------------

OPERATIONS = {
    "GET /api/deposits",
    "POST /api/deposits",
    "POST /api/deposits/return",
    "GET /api/rebate-agreements",
    "POST /api/rebate-agreements",
    "POST /api/rebate-agreements/{agreement_id}/settle",
}


def test_generated_requests_never_fail_on_the_server(beauty):
    """Schemathesis on the six operations as the seller's owner: no 500, every answer matches
    the schema. Half the bodies name the seller's buyer, so the services run too."""
    _with_deposit(beauty, "100.00", date(2026, 6, 1))
    with _keep_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    cookies = _session(owner_of(beauty.seller))
    operations = [r.ok() for r in schema.get_all_operations() if r.ok().label in OPERATIONS]
    assert {o.label for o in operations} == OPERATIONS
    seen: dict[str, set[int]] = {}
    for operation in operations:
        seen[operation.label] = set()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case) -> None:
            case.cookies = {**(case.cookies or {}), **cookies}
            if isinstance(case.body, dict) and len(str(case.body)) % 2 == 0:
                case.body = {**case.body, "buyer_id": beauty.buyer.pk}
            response = case.call_and_validate(
                headers={"X-CSRFToken": cookies["csrftoken"]},
                checks=[not_a_server_error, response_schema_conformance],
            )
            seen[case.operation.label].add(response.status_code)

        with _keep_the_test_connection():
            check()
    assert all(seen.values()), seen
    assert 200 in seen["GET /api/deposits"] and 200 in seen["GET /api/rebate-agreements"]
    assert 201 in seen["POST /api/deposits"] and 200 in seen["POST /api/deposits/return"]
