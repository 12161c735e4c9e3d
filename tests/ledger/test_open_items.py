"""Open items, matching (lettrage), balances, overdue amounts and exposure."""

from datetime import date
from decimal import Decimal as D

import pytest

from comptoir.core.errors import DomainError
from comptoir.ledger import queries
from comptoir.ledger.models import Account, Matching, OpenItem
from comptoir.ledger.services import (
    OpenItemSpec,
    Posting,
    accounts_get,
    journal_entry_post,
    matching_create,
)
from tests.ledger.conftest import make_org

P = Account.Purpose


def post_item(buyer, seller, amount: D, kind: str, due: date | None, ref: str) -> OpenItem:
    acc = accounts_get(wanted=[(buyer.pk, P.RECEIVABLE), (None, P.BANK)])
    receivable, bank = acc[(buyer.pk, P.RECEIVABLE)], acc[(None, P.BANK)]
    if amount > 0:
        lines = [Posting(receivable, debit=amount), Posting(bank, credit=amount)]
    else:
        lines = [Posting(bank, debit=-amount), Posting(receivable, credit=-amount)]
    entry = journal_entry_post(
        date=date(2026, 11, 1),
        label=ref,
        reference=ref,
        lines=lines,
        open_items=[OpenItemSpec(receivable, buyer.pk, seller.pk, ref, kind, amount, due)],
    )
    return entry.open_items.get()


def test_partial_then_full_matching(buyer, seller):
    inv = post_item(buyer, seller, D("120.00"), "invoice", date(2026, 12, 1), "F-1")
    pay = post_item(buyer, seller, D("-50.00"), "payment", None, "PAY-1")
    pay2 = post_item(buyer, seller, D("-100.00"), "payment", None, "PAY-2")
    matching_create(item_a_id=inv.pk, item_b_id=pay.pk, amount=D("50.00"))
    inv.refresh_from_db()
    pay.refresh_from_db()
    assert (inv.open_amount, pay.open_amount) == (D("70.00"), D("0.00"))
    with pytest.raises(DomainError) as err:
        matching_create(item_a_id=inv.pk, item_b_id=pay2.pk, amount=D("70.01"))
    assert err.value.code == "matching_exceeds_open"
    matching_create(item_a_id=inv.pk, item_b_id=pay2.pk, amount=D("70.00"))
    inv.refresh_from_db()
    assert inv.open_amount == D("0.00")
    assert Matching.objects.count() == 2
    assert queries.balance(buyer, seller) == D("-30.00")


def test_matching_refuses_other_party_or_seller(buyer, seller):
    other_seller = make_org("Autre SAS", is_seller=True)
    inv = post_item(buyer, seller, D("10.00"), "invoice", None, "F-1")
    pay = post_item(buyer, other_seller, D("-10.00"), "payment", None, "P-1")
    with pytest.raises(DomainError) as err:
        matching_create(item_a_id=inv.pk, item_b_id=pay.pk, amount=D("10.00"))
    assert err.value.code == "matching_mismatch"
    with pytest.raises(DomainError):
        matching_create(item_a_id=inv.pk, item_b_id=inv.pk, amount=D("1.00"))
    with pytest.raises(DomainError):
        matching_create(item_a_id=inv.pk, item_b_id=pay.pk, amount=D("0"))


def test_balance_overdue_oldest_and_exposure(buyer, seller):
    other_seller = make_org("Autre SAS", is_seller=True)
    post_item(buyer, seller, D("100.00"), "invoice", date(2026, 10, 15), "F-1")
    post_item(buyer, seller, D("200.00"), "invoice", date(2026, 11, 10), "F-2")
    post_item(buyer, seller, D("300.00"), "invoice", date(2026, 12, 31), "F-3")
    post_item(buyer, seller, D("-40.00"), "credit_note", date(2026, 11, 1), "A-1")
    post_item(buyer, other_seller, D("999.00"), "invoice", date(2026, 1, 1), "X-1")
    on = date(2026, 11, 20)
    assert queries.balance(buyer, seller) == D("560.00")
    assert queries.balance(buyer) == D("1559.00")
    assert queries.overdue_amount(buyer, seller, on) == D("300.00")
    assert queries.oldest_overdue_date(buyer, seller, on) == date(2026, 10, 15)
    assert queries.oldest_overdue_date(buyer, seller, date(2026, 10, 1)) is None
    assert queries.overdue_amount(buyer, seller, date(2026, 10, 1)) == D("0.00")
    assert queries.exposure(buyer, seller, D("150.00")) == D("710.00")
    assert queries.exposure(buyer.pk, seller.pk) == D("560.00")


def test_balance_and_overdue_in_one_read_as_the_two_sums_say(buyer, seller):
    """The checkout's read (O10, PT10), compiled: the same figures as `balance` and
    `overdue_amount`, for each date, by object or id; nothing owed is zero."""
    other_seller = make_org("Autre SAS", is_seller=True)
    assert queries.balance_and_overdue(buyer, seller, date(2026, 11, 20)) == (D("0"), D("0"))
    post_item(buyer, seller, D("100.00"), "invoice", date(2026, 10, 15), "F-1")
    post_item(buyer, seller, D("200.10"), "invoice", date(2026, 11, 10), "F-2")
    post_item(buyer, seller, D("-40.00"), "credit_note", date(2026, 11, 1), "A-1")
    post_item(buyer, other_seller, D("999.00"), "invoice", date(2026, 1, 1), "X-1")
    for on in (date(2026, 10, 1), date(2026, 10, 16), date(2026, 11, 20)):
        expected = (queries.balance(buyer, seller), queries.overdue_amount(buyer, seller, on))
        assert queries.balance_and_overdue(buyer, seller, on) == expected
        assert queries.balance_and_overdue(buyer.pk, seller.pk, on) == expected
    assert queries.balance_and_overdue(buyer, seller, date(2026, 11, 20)) == (
        D("260.10"),
        D("300.10"),
    )
    assert queries.balance_and_overdue(buyer, None, date(2026, 11, 20)) == (
        D("1259.10"),
        D("1299.10"),
    )
    assert queries.balance_and_overdue(seller, buyer, date(2026, 11, 20)) == (D("0"), D("0"))
