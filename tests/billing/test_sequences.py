"""Property: any sequence of invoices, credit notes, payments and partial matchings keeps the
journal balanced and each account's open items equal to its balance."""

from datetime import date, datetime
from decimal import Decimal as D

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.billing.models import Invoice, Kind, Status
from comptoir.billing.rules import LineInput
from comptoir.billing.services import credit_note_create, invoice_create, invoice_issue
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ledger import queries
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import (
    OpenItemSpec,
    Posting,
    accounts_get,
    journal_entry_post,
    matching_create,
)
from tests.billing.conftest import make_draft, make_org

P = Account.Purpose
prices = st.integers(min_value=1, max_value=200_000).map(lambda c: D(c) / 100)
rates = st.sampled_from([D(20), D(10), D("5.5")])
lines = st.lists(
    st.builds(
        LineInput,
        description=st.just("Article"),
        sku=st.just("A"),
        quantity=st.integers(min_value=1, max_value=50).map(D),
        unit_price=prices,
        vat_rate=rates,
        prices_include_vat=st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), lines),
        st.tuples(st.just("credit_full"), st.integers(0, 20)),
        st.tuples(st.just("credit_partial"), st.integers(0, 20), prices, rates),
        st.tuples(st.just("payment"), st.integers(0, 20), prices),
        st.tuples(st.just("match"), st.integers(0, 20), st.integers(0, 20), prices),
    ),
    min_size=1,
    max_size=12,
)


def pay(buyer, seller, amount: D) -> None:
    acc = accounts_get(wanted=[(buyer.pk, P.RECEIVABLE), (None, P.BANK)])
    receivable = acc[(buyer.pk, P.RECEIVABLE)]
    journal_entry_post(
        date=date(2026, 11, 20),
        label="Virement",
        journal="BQ",
        lines=[Posting(acc[(None, P.BANK)], debit=amount), Posting(receivable, credit=amount)],
        open_items=[OpenItemSpec(receivable, buyer.pk, seller.pk, "VIR", "payment", -amount)],
    )


def check_invariants(buyer) -> None:
    debit, credit = queries.journal_totals()
    assert debit == credit
    for account in Account.objects.filter(purpose=P.RECEIVABLE, party=buyer):
        opened = OpenItem.objects.filter(account=account).aggregate(s=Sum("open_amount"))["s"]
        assert queries.money(opened) == queries.account_balance(account)
    for inv in Invoice.objects.filter(kind=Kind.INVOICE, status=Status.ISSUED, recipient=buyer):
        credited = inv.credit_notes.filter(status=Status.ISSUED).aggregate(s=Sum("total_incl_vat"))
        assert queries.money(credited["s"]) <= inv.total_incl_vat


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_random_sequences_keep_the_books_consistent(db, ops):
    clock.freeze(datetime(2026, 11, 20, 10, 0))
    # fresh parties per example, so that every example (and its replay) starts from empty books
    seller, buyer = make_org("Marque SAS", is_seller=True), make_org("Boutique SARL")
    for op in ops:
        issued = list(
            Invoice.objects.filter(kind=Kind.INVOICE, status=Status.ISSUED, issuer=seller)
        )
        items = list(OpenItem.objects.filter(party=buyer).order_by("id"))
        try:
            if op[0] == "invoice":
                draft = make_draft(seller, buyer, lines=op[1])
                invoice_issue(invoice_id=invoice_create(draft=draft).pk, enqueue_render=False)
            elif op[0] == "credit_full" and issued:
                note = credit_note_create(invoice_id=issued[op[1] % len(issued)].pk)
                invoice_issue(invoice_id=note.pk, enqueue_render=False)
            elif op[0] == "credit_partial" and issued:
                line = LineInput("Avoir partiel", "R", D(1), op[2], op[3])
                note = credit_note_create(invoice_id=issued[op[1] % len(issued)].pk, lines=[line])
                invoice_issue(invoice_id=note.pk, enqueue_render=False)
            elif op[0] == "payment":
                pay(buyer, seller, op[2])
            elif op[0] == "match" and items:
                debits = [i for i in items if i.open_amount > 0]
                credits = [i for i in items if i.open_amount < 0]
                if debits and credits:
                    a, b = debits[op[1] % len(debits)], credits[op[2] % len(credits)]
                    amount = min(op[3], a.open_amount, -b.open_amount)
                    matching_create(item_a_id=a.pk, item_b_id=b.pk, amount=amount)
        except DomainError as exc:
            assert exc.code in {"credit_exceeds_invoice", "invalid_document"}, exc
        check_invariants(buyer)
