"""O10: a bank statement line naming an order awaiting its prepayment pays that order. Payments
asks fulfilment through `payments.hooks` (it may not read orders): the payment's reference is the
order number, so it counts in what was prepaid and the shipment is no longer held. Lines naming
an order of another seller, or one awaiting nothing, wait in the review queue as before."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.services import shipment_create
from comptoir.fulfilment.services.prepayment import (
    orders_awaiting_prepayment_by_number,
    prepayment_status,
)
from comptoir.ledger import queries as ledger
from comptoir.ordering.models import Order
from comptoir.ordering.services import order_accept
from comptoir.ordering.services.prepayment import order_prepayment_waive
from comptoir.payments import hooks, rules
from comptoir.payments.models import Payment, StatementEntry
from comptoir.payments.services import prepaid_amount
from comptoir.payments.services.statements import entry_assign, statement_import
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop, place
from tests.payments.conftest import Pair, camt053, fr_iban, issue

pytestmark = pytest.mark.django_db
PLACED = datetime(2026, 12, 1, 10, tzinfo=clock.PARIS)
BOOKED = date(2026, 12, 2)
IMPORTED = datetime(2026, 12, 3, 8, tzinfo=clock.PARIS)
PAYER_IBAN = "FR7630004000031234567890143"


def _shop() -> Shop:
    """Monthly intranet terms (001): a buyer without a deposit must pay at order (PT9)."""
    shop = make_shop("monthly-intranet", [("MIEL-1", "100.00", 1, 500)])
    shop.seller.iban = fr_iban()
    shop.seller.save(update_fields=["iban"])
    return shop


@pytest.fixture
def shop() -> Shop:
    return _shop()


@pytest.fixture
def buyer(shop) -> Buyer:
    return make_buyer("Bureau Central")


def _order(shop: Shop, buyer: Buyer, quantity: int = 2) -> Order:
    with clock.frozen(PLACED):
        order = place(shop, buyer, [("MIEL-1", quantity)])
        if order.state != "accepted":
            order_accept(actor=shop.seller_user, order_id=order.pk)
    order.refresh_from_db()
    assert order.prepayment_required and order.payment_method != "card"
    return order


def _entry(ref: str, amount: str, remittance: str) -> dict[str, str]:
    return {
        "amount": amount,
        "date": BOOKED.isoformat(),
        "ref": ref,
        "remittance": remittance,
        "iban": PAYER_IBAN,
    }


def _camt(shop: Shop, entries: list[dict[str, str]], statement_id: str = "S-1") -> bytes:
    return camt053(shop.seller.iban, entries, statement_id)


def _mt940(shop: Shop, entries: list[dict[str, str]]) -> bytes:
    """A minimal MT940 statement of the seller's account with the same lines."""
    day = BOOKED.strftime("%y%m%d")
    rows = []
    for e in entries:
        amount = f"{Decimal(e['amount']):.2f}".replace(".", ",")
        rows.append(f":61:{day}{day[2:]}C{amount}NTRFNONREF//{e['ref']}\n")
        rows.append(f":86:/REMI/USTD//{e['remittance']}/ORDP//NAME/CLIENT/IBAN/{e['iban']}\n")
    total = sum(Decimal(e["amount"]) for e in entries)
    closing = f"{total:.2f}".replace(".", ",")
    return (
        f":20:REL{day}\n:25:{shop.seller.iban}\n:28C:1/1\n:60F:C{day}EUR0,00\n"
        + "".join(rows)
        + f":62F:C{day}EUR{closing}\n-"
    ).encode("latin-1")


def _import(shop: Shop, data: bytes, filename: str = "releve.xml"):
    with clock.frozen(IMPORTED):
        return statement_import(data=data, filename=filename, seller=shop.seller)


def _ship(shop: Shop, order: Order):
    with clock.frozen(IMPORTED):
        return shipment_create(
            actor=shop.seller_user,
            order_id=order.pk,
            lines={line.pk: line.quantity for line in order.lines.all()},
            carrier="Colissimo",
            parcels=[f"6A{order.pk:09d}FR"],
        )


# ------------------------------------------------------------------------------ rules


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("VIR CO-2026-000123 Bureau Central", {"CO-2026-000123"}),
        ("Commande CO-2026-000012.", {"CO-2026-000012"}),
        ("cde co2026000012 merci", {"CO-2026-000012"}),
        ("CO 2026 000012", {"CO-2026-000012"}),
        ("CO-2026-1234567", {"CO-2026-1234567"}),
        ("XCO-2026-000012 / CO-2026-00012 / F2026-00042", set()),
    ],
)
def test_references_in_gives_order_numbers_in_their_canonical_form(text, numbers):
    tokens = rules.references_in(text)
    assert {t for t in tokens if rules.is_order_number(t)} == numbers
    assert rules.order_numbers_in(text) == numbers
    assert numbers <= tokens


# ------------------------------------------------------------------------------ import


@pytest.mark.parametrize("fmt", ["camt", "mt940"])
def test_a_line_naming_the_order_pays_its_prepayment_once(shop, buyer, fmt):
    order = _order(shop, buyer)
    total = order.total_incl_vat
    with pytest.raises(DomainError) as held:
        _ship(shop, order)
    assert held.value.code == "prepayment_required"
    lines = [_entry("BANK-0001", str(total), f"VIR {order.number} Bureau Central")]
    data = _camt(shop, lines) if fmt == "camt" else _mt940(shop, lines)

    (result,) = _import(shop, data, "releve.xml" if fmt == "camt" else "releve.sta")

    assert (result.created, result.matched, result.to_review) == (True, 1, 0)
    payment = Payment.objects.get(seller=shop.seller, idempotency_key="stmt:BANK-0001")
    assert (payment.buyer_id, payment.reference, payment.method, payment.source) == (
        buyer.org.pk,
        order.number,
        "transfer",
        "statement",
    )
    assert (payment.amount, payment.payer_iban, payment.value_date) == (total, PAYER_IBAN, BOOKED)
    entry = StatementEntry.objects.get(bank_reference="BANK-0001")
    assert entry.status == "matched" and entry.payment_id == payment.pk
    assert entry.note == f"Commande {order.number} (paiement à la commande, O10)"
    assert prepaid_amount(reference=order.number, seller=shop.seller) == total
    status = prepayment_status(order)
    assert status is not None and status.due == Decimal("0.00")
    event = order.events.get(action="prepayment_received")
    assert (event.rule, event.data["amount"], event.data["due"]) == ("O10", str(total), "0.00")
    assert event.label == "Paiement à la commande reçu (relevé bancaire)"  # French by default
    assert ledger.balance(buyer.org, shop.seller) == -total  # a credit until the invoice
    assert _ship(shop, order).number.endswith("-E1")  # no longer held

    # the same file again, then the same movement in another file: nothing twice
    (again,) = _import(shop, data, "releve.xml" if fmt == "camt" else "releve.sta")
    assert again.created is False
    other = _camt(shop, lines, statement_id="S-2")
    (moved,) = _import(shop, other)
    assert (moved.created, moved.matched, moved.skipped) == (True, 0, 1)
    assert Payment.objects.filter(reference=order.number).count() == 1
    assert order.events.filter(action="prepayment_received").count() == 1


def test_lines_naming_orders_awaiting_nothing_go_to_review(shop, buyer):
    waived = _order(shop, buyer)
    with clock.frozen(PLACED):
        order_prepayment_waive(actor=shop.seller_user, order_id=waived.pk, reason="Client connu")
    other_shop = _shop()
    elsewhere = _order(other_shop, make_buyer())
    data = _camt(
        shop,
        [
            _entry("BANK-0101", "240.00", f"Commande {waived.number}"),
            _entry("BANK-0102", "240.00", f"Commande {elsewhere.number}"),  # another seller's
            _entry("BANK-0103", "240.00", "Commande CO-2026-999999"),  # no such order
        ],
    )

    (result,) = _import(shop, data)

    assert (result.matched, result.to_review) == (0, 3)
    notes = set(StatementEntry.objects.values_list("status", "note"))
    assert notes == {("review", "Aucune facture ouverte ne correspond")}
    assert not Payment.objects.exists()
    assert prepayment_status(elsewhere).due == elsewhere.total_incl_vat


def test_more_than_due_stays_a_credit_and_a_covered_order_is_reviewed(shop, buyer):
    order = _order(shop, buyer)
    total = order.total_incl_vat
    data = _camt(
        shop,
        [
            _entry("BANK-0201", "100.00", f"Acompte {order.number}"),
            _entry("BANK-0202", str(total), f"Solde {order.number}"),  # 100 € more than due
            _entry("BANK-0203", "50.00", f"Encore {order.number}"),  # nothing due any more
        ],
    )

    (result,) = _import(shop, data)

    assert (result.matched, result.to_review) == (2, 1)
    assert prepaid_amount(reference=order.number, seller=shop.seller) == total + 100
    assert ledger.balance(buyer.org, shop.seller) == -(total + 100)
    review = StatementEntry.objects.get(status="review")
    assert review.bank_reference == "BANK-0203"
    assert review.note == f"Commande {order.number} déjà couverte par une ligne précédente"
    # a later statement naming the covered order is not its prepayment either
    (later,) = _import(shop, _camt(shop, [_entry("BANK-0204", "10.00", order.number)], "S-9"))
    assert later.to_review == 1
    assert [e.data["due"] for e in order.events.filter(action="prepayment_received")] == [
        str(total - 100),
        "0.00",
    ]


def test_the_invoice_named_wins_over_the_order_and_the_order_over_the_iban(shop, buyer):
    order = _order(shop, buyer)
    buyer.org.iban = PAYER_IBAN
    buyer.org.save(update_fields=["iban"])
    invoice = issue(Pair(shop.seller, buyer.org), on=date(2026, 11, 2), due=date(2026, 12, 31))
    owed = invoice.total_incl_vat
    data = _camt(
        shop,
        [
            # names both: the invoice wins (it exists, the order's money is still to come)
            _entry("BANK-0301", str(owed), f"{invoice.number} {order.number}"),
            # names the order, and the payer's IBAN owes an invoice of that amount: the order
            _entry("BANK-0302", str(order.total_incl_vat), f"Commande {order.number}"),
        ],
    )
    issue(
        Pair(shop.seller, buyer.org),
        on=date(2026, 11, 3),
        due=date(2026, 12, 31),
        excl_vat="200.00",
    )

    (result,) = _import(shop, data)

    assert result.matched == 2
    first, second = StatementEntry.objects.order_by("bank_reference")
    assert first.note == f"Facture {invoice.number}"
    assert first.payment.reference.startswith(invoice.number)
    assert second.payment.reference == order.number
    assert prepaid_amount(reference=order.number, seller=shop.seller) == order.total_incl_vat


def test_several_orders_named_wait_for_the_seller(shop, buyer):
    one, two = _order(shop, buyer), _order(shop, make_buyer())  # at most one a month (O5)
    total = one.total_incl_vat + two.total_incl_vat
    data = _camt(shop, [_entry("BANK-0401", str(total), f"{one.number} et {two.number}")])
    (result,) = _import(shop, data)
    assert result.to_review == 1
    entry = StatementEntry.objects.get()
    assert entry.note == f"Plusieurs commandes nommées ({one.number}, {two.number}) : à répartir"


# ------------------------------------------------------------------------------ review queue


def test_assigning_from_the_queue_pays_the_order_the_line_names(shop, buyer, monkeypatch):
    order = _order(shop, buyer)
    stranger = make_buyer("Autre Client")
    lines = [
        _entry("BANK-0501", "240.00", f"VIR {order.number} Bureau Central"),
        _entry("BANK-0502", "240.00", f"VIR {order.number} Bureau Central"),
    ]
    # imported while nobody answered for orders (before this was built): both wait in review
    monkeypatch.setattr(hooks, "_RESOLVERS", [])
    (result,) = _import(shop, _camt(shop, lines))
    monkeypatch.undo()
    assert result.to_review == 2
    first, second = StatementEntry.objects.order_by("bank_reference")

    with clock.frozen(IMPORTED):
        payment = entry_assign(entry=first, buyer=buyer.org, seller=shop.seller)
        # the same text assigned to another buyer: not that buyer's order, the text stays
        other = entry_assign(entry=second, buyer=stranger.org, seller=shop.seller)

    assert payment.reference == order.number
    assert other.reference == f"VIR {order.number} Bureau Central"
    first.refresh_from_db()
    assert first.note == (
        f"Rapproché manuellement : Commande {order.number} (paiement à la commande, O10)"
    )
    assert prepaid_amount(reference=order.number, seller=shop.seller) == Decimal("240.00")
    assert prepayment_status(order).due == Decimal("0.00")
    (event,) = order.events.filter(action="prepayment_received")
    assert event.data["source"] == "review"


# ------------------------------------------------------------------------------ resolver


def test_the_resolver_answers_a_statement_in_two_queries(shop, buyer, django_assert_num_queries):
    orders = [_order(shop, b) for b in (buyer, make_buyer(), make_buyer(), make_buyer())]
    with clock.frozen(PLACED):
        order_prepayment_waive(actor=shop.seller_user, order_id=orders[3].pk)
    numbers = {o.number for o in orders} | {"CO-2026-999999", "NOT-AN-ORDER"}
    with django_assert_num_queries(2):
        found = orders_awaiting_prepayment_by_number({shop.seller.pk}, numbers)
    assert set(found) == {o.number for o in orders[:3]}
    ref = found[orders[0].number]
    assert (ref.buyer_id, ref.seller_id, ref.amount_due) == (
        buyer.org.pk,
        shop.seller.pk,
        orders[0].total_incl_vat,
    )
    assert orders_awaiting_prepayment_by_number({shop.seller.pk + 999}, numbers) == {}
    assert hooks.orders_awaiting_prepayment(set(), numbers) == {}
