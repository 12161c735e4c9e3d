"""O17 before placing: each cart line's withdrawal right as a consumer sees it (applies or not,
why, the seller's clause, the period that would run, the waiver's effect), from the same
decisions placing takes [C. conso. L221-18 to L221-28; 004 §7.2]."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.services import product_update
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.quoting import LineRequest, quote_cart
from comptoir.ordering.rules import (
    NATURE_EXCEPTIONS,
    cart_withdrawal,
    consumer_buyer_check,
    consumer_document,
    line_withdrawal,
)
from comptoir.terms.loader import preset_text
from comptoir.terms.schema.fulfilment import WITHDRAWAL_EXCEPTIONS
from tests.ordering.conftest import make_buyer, make_shop, place

CLAUSE = ("Art. 10", "Exceptions au droit de rétractation.")
DIGITAL = frozenset({"digital_content_started_with_waiver", "sealed_media_or_software_unsealed"})
NOW = datetime(2026, 12, 3, 10, tzinfo=clock.PARIS)


def _line(kind: str, nature: str, exceptions: frozenset[str], waiver: bool = False):
    return line_withdrawal(
        sku="X",
        kind=kind,
        nature=nature,
        exceptions=exceptions,
        waiver=waiver,
        days=14,
        runs_from="delivery",
        clause=CLAUSE,
    )


# ---------------------------------------------------------------- pure rules (no database)


@pytest.mark.parametrize(("nature", "key"), sorted(NATURE_EXCEPTIONS.items()))
def test_each_nature_excludes_the_line_only_when_the_terms_list_its_exception(nature, key):
    listed = _line("physical", nature, frozenset({key}))
    assert (listed.applies, listed.exception, listed.rule) == (False, key, "O17")
    assert listed.law == WITHDRAWAL_EXCEPTIONS[key]
    assert listed.reason_fr.startswith("Pas de droit de rétractation : ")
    assert listed.reason_en.startswith("No withdrawal right: ")
    assert listed.law in listed.reason_fr and listed.law in listed.reason_en
    assert (listed.clause_article, listed.clause_text) == CLAUSE  # the clause listing it
    assert listed.runs_from == "" and listed.period_fr == ""  # no period for it
    others = frozenset(WITHDRAWAL_EXCEPTIONS) - {key} - {"hygiene_goods_unsealed"}
    others -= {"sealed_media_or_software_unsealed"}
    silent = _line("physical", nature, others)
    assert (silent.applies, silent.exception, silent.reason_en) == (True, "", "")
    assert (silent.clause_article, silent.clause_text) == ("", "")
    assert silent.runs_from == "delivery"
    assert silent.period_fr.startswith("14 jours à compter de la réception du dernier lot")


def test_an_unsealing_exception_keeps_the_right_and_states_the_condition():
    line = _line("physical", "", DIGITAL)
    assert line.applies and line.exception == "sealed_media_or_software_unsealed"
    assert line.reason_fr == (
        "Droit de rétractation, sauf si l'enregistrement ou le logiciel est descellé après la "
        "livraison (C. conso. L221-28 9°)"
    )
    assert line.reason_en.endswith("unsealed after delivery (C. conso. L221-28 9°)")
    assert line.clause_article == "Art. 10" and line.runs_from == "delivery"


def test_the_waiver_takes_digital_content_out_of_the_right_only_when_the_terms_list_it():
    waived = _line("license_key", "", DIGITAL, waiver=True)
    assert not waived.applies and waived.exception == "digital_content_started_with_waiver"
    assert "L221-28 13°" in waived.reason_fr and waived.runs_from == ""
    assert waived.waiver_en.startswith("You ask for immediate supply and waive")
    kept = _line("download", "", DIGITAL, waiver=False)
    assert kept.applies and kept.exception == "" and kept.reason_fr == ""
    assert kept.waiver_en.startswith("If you ask for immediate supply (waiver), you lose")
    unlisted = _line("license_key", "", frozenset(), waiver=True)  # the terms invoke nothing
    assert unlisted.applies and unlisted.exception == "" and unlisted.waiver_fr == ""


def test_a_service_with_the_waiver_keeps_the_right_until_fully_performed():
    terms = frozenset({"services_fully_performed"})
    waived = _line("service", "", terms, waiver=True)
    assert waived.applies and waived.exception == "services_fully_performed"
    assert waived.reason_en == (
        "Withdrawal right lost once the service is fully performed (C. conso. L221-28 1°)"
    )
    assert "pleinement exécuté" in waived.waiver_fr
    plain = _line("service", "", terms, waiver=False)
    assert plain.applies and plain.exception == "" and plain.waiver_en.startswith("If you ask")


def test_the_period_runs_from_the_order_start_placing_will_store():
    def cart(lines, waiver=False):
        return cart_withdrawal(
            lines, exceptions=DIGITAL, waiver=waiver, days=14, terms_from="receipt_of_last_lot"
        )

    digital_only = cart([("KEY", "license_key", "")])
    assert digital_only[0].runs_from == "conclusion"
    assert digital_only[0].period_en.startswith("14 days from the conclusion of the contract")
    mixed = cart([("KEY", "license_key", ""), ("BOX", "physical", "")])
    assert [w.runs_from for w in mixed] == ["delivery", "delivery"]  # goods: from receipt
    waived = cart([("KEY", "license_key", ""), ("BOX", "physical", "")], waiver=True)
    assert [(w.sku, w.applies, w.runs_from) for w in waived] == [
        ("KEY", False, ""),
        ("BOX", True, "delivery"),
    ]
    by_terms = cart_withdrawal(
        [("BOX", "physical", "")],
        exceptions=frozenset(),
        waiver=False,
        days=30,
        terms_from="conclusion",
    )
    assert by_terms[0].runs_from == "conclusion" and by_terms[0].period_fr.startswith("30 jours")


def test_a_document_is_a_consumer_s_only_when_every_order_it_bills_is():
    assert consumer_document([True]) and consumer_document([True, True])
    assert not consumer_document([False])
    assert not consumer_document([True, False])  # a professional's item keeps its mentions
    assert not consumer_document([])


def test_only_a_natural_person_quotes_as_a_consumer():
    consumer_buyer_check(is_company=False)
    with pytest.raises(DomainError) as refused:
        consumer_buyer_check(is_company=True)
    assert (refused.value.code, refused.value.field, refused.value.rule) == (
        "consumer_must_be_a_person",
        "as_consumer",
        "O17",
    )


# ---------------------------------------------------------------- the quote


def _fresh_food_terms() -> str:
    text = preset_text("monthly-intranet")
    old = 'exceptions = ["hygiene_goods_unsealed"]'
    assert old in text
    return text.replace(old, 'exceptions = ["hygiene_goods_unsealed", "perishable_goods"]')


@pytest.fixture
def food(db):
    shop = make_shop(
        "monthly-intranet",
        [("FRAISES", "4.00", 1, 100), ("MIEL-12", "6.50", 1, 100)],
        vat="5.5",
        source=_fresh_food_terms(),
    )
    product_update(
        actor=shop.seller_user, product=shop.products["FRAISES"], withdrawal_nature="perishable"
    )
    return shop


def _quote(shop, buyer, *, consumer: bool):
    return quote_cart(
        buyer=buyer.org,
        seller=shop.seller,
        requests=[LineRequest("FRAISES", 10), LineRequest("MIEL-12", 2)],
        is_consumer=consumer,
    )


def test_a_consumer_quote_gives_each_line_what_placing_then_records(food):
    person = make_buyer(person=True)
    with clock.frozen(NOW):
        priced = _quote(food, person, consumer=True)
        order = place(food, person, [("FRAISES", 10), ("MIEL-12", 2)], as_consumer=True)
    rights = {w.sku: w for w in priced.withdrawal}
    assert set(rights) == {"FRAISES", "MIEL-12"}
    assert not rights["FRAISES"].applies and "L221-28 4°" in rights["FRAISES"].reason_fr
    assert rights["MIEL-12"].applies and rights["MIEL-12"].runs_from == "delivery"
    assert rights["MIEL-12"].clause_article  # seed 001's withdrawal clause
    for line in order.lines.all():  # the same exceptions as the order's lines
        assert rights[line.sku].exception == line.withdrawal_exception
    assert order.withdrawal_from == rights["MIEL-12"].runs_from


def test_the_professional_quote_has_no_withdrawal_and_costs_no_more_queries(food):
    company = make_buyer()
    with clock.frozen(NOW):
        _quote(food, company, consumer=False)  # warm the caches (terms, policies)
        with CaptureQueriesContext(connection) as plain:
            priced = _quote(food, company, consumer=False)
        person = make_buyer(person=True)
        _quote(food, person, consumer=False)
        with CaptureQueriesContext(connection) as consumer:
            as_consumer = _quote(food, person, consumer=True)
    assert priced.withdrawal == ()
    assert len(as_consumer.withdrawal) == 2
    assert len(consumer.captured_queries) == len(plain.captured_queries)  # read from the terms


def test_terms_serving_no_consumers_give_no_withdrawal_lines(db):
    shop = make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])
    person = make_buyer(person=True)
    with clock.frozen(NOW):
        priced = quote_cart(
            buyer=person.org,
            seller=shop.seller,
            requests=[LineRequest("SER-1", 6)],
            is_consumer=True,
        )
    assert priced.withdrawal == ()
    assert any(v.rule == "O17" for v in priced.quote.violations)
