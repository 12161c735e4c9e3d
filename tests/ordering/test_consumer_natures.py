"""O17: exceptions that follow from the nature of the goods (C. conso. L221-28 2°, 3°, 4°, 6°,
7°, 10°, 12°), and the consumer's invoice without the B2B late-payment mentions."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from comptoir.billing.facturx_xml import facturx_data
from comptoir.catalog.models import WithdrawalNature
from comptoir.catalog.services import product_update
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import OrderWithdrawal
from comptoir.ordering.rules import (
    EXCEPTION_TEXTS,
    NATURE_EXCEPTIONS,
    exception_reason,
    line_withdrawal_exception,
    withdrawal_excluded,
)
from comptoir.ordering.services import order_invoice_issue, order_withdraw
from comptoir.terms.loader import preset_text
from comptoir.terms.schema.fulfilment import WITHDRAWAL_EXCEPTIONS
from tests.ordering.conftest import make_buyer, make_shop, place

HYGIENE = frozenset({"hygiene_goods_unsealed"})
FOOD = frozenset({"hygiene_goods_unsealed", "perishable_goods"})


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


# ---------------------------------------------------------------- pure rules (no database)


def test_every_nature_maps_to_an_exception_of_the_terms_schema_with_its_texts():
    assert set(NATURE_EXCEPTIONS) == set(WithdrawalNature.values)
    for key in NATURE_EXCEPTIONS.values():
        assert key in WITHDRAWAL_EXCEPTIONS and key in EXCEPTION_TEXTS
        assert withdrawal_excluded(key, performed=False)  # excluded from the start


@pytest.mark.parametrize(
    ("kind", "nature", "exceptions", "waiver", "expected"),
    [
        ("physical", "perishable", FOOD, False, "perishable_goods"),  # listed: excluded
        ("physical", "perishable", HYGIENE, False, "hygiene_goods_unsealed"),  # not listed
        ("physical", "perishable", frozenset(), False, ""),  # terms silent: withdrawable
        ("physical", "", FOOD, False, "hygiene_goods_unsealed"),  # no nature: as before
        ("physical", "custom", frozenset({"custom_goods"}), False, "custom_goods"),
        ("physical", "custom", FOOD, False, "hygiene_goods_unsealed"),
        (
            "physical",
            "mixed",
            frozenset({"goods_mixed_inseparably"}),
            False,
            "goods_mixed_inseparably",
        ),
        ("physical", "newspaper", frozenset({"newspapers"}), False, "newspapers"),
        (
            "physical",
            "alcohol_market",
            frozenset({"alcohol_market_value"}),
            False,
            "alcohol_market_value",
        ),
        (
            "physical",
            "market_price",
            frozenset({"financial_market_prices"}),
            False,
            "financial_market_prices",
        ),
        # a dated service is excluded without the waiver a service otherwise needs (12° vs 1°)
        (
            "service",
            "dated_service",
            frozenset({"dated_leisure_services"}),
            False,
            "dated_leisure_services",
        ),
        ("service", "", frozenset({"dated_leisure_services"}), False, ""),
        # digital content keeps its own rule when its nature is not listed
        (
            "license_key",
            "custom",
            frozenset({"digital_content_started_with_waiver"}),
            True,
            "digital_content_started_with_waiver",
        ),
        ("physical", "unknown", FOOD, False, "hygiene_goods_unsealed"),
    ],
)
def test_nature_times_terms_gives_the_exception(kind, nature, exceptions, waiver, expected):
    assert line_withdrawal_exception(kind, exceptions, waiver, nature) == expected


def test_the_reason_names_the_exception_and_its_article_in_both_languages():
    assert exception_reason("perishable_goods") == (
        "bien susceptible de se détériorer ou de se périmer rapidement (C. conso. L221-28 4°)"
    )
    assert exception_reason("custom_goods", "en").endswith(
        "specifications or clearly personalised (C. conso. L221-28 3°)"
    )


# ---------------------------------------------------------------- consumer orders


def _fresh_food_terms() -> str:
    """Seed 001's terms with the perishable-goods exception added to the withdrawal clause."""
    text = preset_text("monthly-intranet")
    old = 'exceptions = ["hygiene_goods_unsealed"]'
    assert old in text
    return text.replace(old, 'exceptions = ["hygiene_goods_unsealed", "perishable_goods"]')


PRODUCTS = [("FRAISES", "4.00", 1, 100), ("MIEL-12", "6.50", 1, 100)]


def _perishable(shop) -> None:
    product = shop.products["FRAISES"]
    product_update(actor=shop.seller_user, product=product, withdrawal_nature="perishable")


@pytest.fixture
def person(db):
    return make_buyer(person=True)


def test_perishable_goods_under_terms_listing_the_exception_are_excluded(db, person):
    shop = make_shop("monthly-intranet", PRODUCTS, vat="5.5", source=_fresh_food_terms())
    _perishable(shop)
    with clock.frozen(paris(2026, 12, 3, 10)):
        order = place(shop, person, [("FRAISES", 10), ("MIEL-12", 2)], as_consumer=True)
    fraises = order.lines.get(sku="FRAISES")
    miel = order.lines.get(sku="MIEL-12")
    assert fraises.withdrawal_exception == "perishable_goods"
    assert "L221-28 4°" in fraises.withdrawal_exception_reason
    assert miel.withdrawal_exception == "hygiene_goods_unsealed"  # a condition only
    assert order.withdrawal_from == "delivery"  # the honey can still be withdrawn
    facts = order.events.get(action="place").data["consumer"]["exceptions"]
    assert {f["sku"]: f["excluded"] for f in facts} == {"FRAISES": True, "MIEL-12": False}
    with (
        clock.frozen(paris(2026, 12, 4, 9)),
        translation.override("en"),  # the message follows the active language
        pytest.raises(DomainError) as refused,
    ):
        order_withdraw(actor=person.user, order_id=order.pk, lines=[fraises.pk])
    assert (refused.value.code, refused.value.rule) == ("withdrawal_excluded", "O17")
    assert "deteriorate or expire rapidly" in refused.value.message
    assert "L221-28 4°" in refused.value.message
    assert not OrderWithdrawal.objects.exists()
    with clock.frozen(paris(2026, 12, 4, 9)):
        order_withdraw(actor=person.user, order_id=order.pk)  # the whole order: honey only
    assert [ln["sku"] for ln in OrderWithdrawal.objects.get().lines] == ["MIEL-12"]


def test_perishable_goods_under_terms_without_the_exception_stay_withdrawable(db, person):
    shop = make_shop("monthly-intranet", PRODUCTS, vat="5.5")  # seed 001: hygiene only
    _perishable(shop)
    with clock.frozen(paris(2026, 12, 3, 10)):
        order = place(shop, person, [("FRAISES", 10)], as_consumer=True)
    fraises = order.lines.get()
    assert fraises.withdrawal_exception == "hygiene_goods_unsealed"
    with clock.frozen(paris(2026, 12, 4, 9)):
        order = order_withdraw(actor=person.user, order_id=order.pk, lines=[fraises.pk])
    assert order.state == "cancelled"  # nothing shipped yet: the whole order goes
    assert [ln["sku"] for ln in OrderWithdrawal.objects.get().lines] == ["FRAISES"]


def test_a_professional_order_of_perishable_goods_has_no_withdrawal_at_all(db):
    shop = make_shop("monthly-intranet", PRODUCTS, vat="5.5", source=_fresh_food_terms())
    _perishable(shop)
    with clock.frozen(paris(2026, 12, 3, 10)):
        order = place(shop, make_buyer(), [("FRAISES", 10)])
    assert not order.consumer and order.lines.get().withdrawal_exception == ""


def test_the_natures_need_no_query_per_line(db):
    """The natures come with the products the quote loads: placing 1 or 5 lines costs the same
    number of queries for them (none)."""
    products = [(f"P-{i}", "4.00", 1, 100) for i in range(5)]
    shop = make_shop("monthly-intranet", products, vat="5.5", source=_fresh_food_terms())
    for product in shop.products.values():
        product_update(actor=shop.seller_user, product=product, withdrawal_nature="perishable")

    def count(skus: list[str]) -> int:
        buyer = make_buyer(person=True)  # seed 001: one order a month per buyer (O5)
        with clock.frozen(paris(2026, 12, 3, 10)), CaptureQueriesContext(connection) as ctx:
            order = place(shop, buyer, [(s, 1) for s in skus], as_consumer=True)
        assert {ln.withdrawal_exception for ln in order.lines.all()} == {"perishable_goods"}
        return len(ctx.captured_queries)

    count(["P-0"])  # warm the caches (terms, policies)
    assert count([f"P-{i}" for i in range(5)]) == count(["P-1"])


# ---------------------------------------------------------------- the consumer's invoice


def test_a_consumer_invoice_has_no_b2b_late_payment_mentions(db, person, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    shop = make_shop("monthly-intranet", PRODUCTS, vat="5.5")
    professional = make_buyer()
    with clock.frozen(paris(2026, 12, 3, 10)):
        consumer_order = place(shop, person, [("MIEL-12", 2)], as_consumer=True)
        business_order = place(shop, professional, [("MIEL-12", 2)])
        consumer_invoice = order_invoice_issue(consumer_order).invoice
        business_invoice = order_invoice_issue(business_order).invoice
    assert consumer_invoice.consumer and not business_invoice.consumer
    consumer_codes = {m["code"] for m in consumer_invoice.mentions}
    assert "recovery_indemnity" not in consumer_codes and "late_penalties" not in consumer_codes
    assert "cash_discount" in consumer_codes and "nature" in consumer_codes
    assert not any("40 €" in m["text"] for m in consumer_invoice.mentions)
    assert any("40 €" in m["text"] for m in business_invoice.mentions)
    consumer_notes = {n.get("BT-21") for n in facturx_data(consumer_invoice)["BG-1"]}
    business_notes = {n.get("BT-21") for n in facturx_data(business_invoice)["BG-1"]}
    assert {"PMT", "PMD"}.isdisjoint(consumer_notes) and "AAB" in consumer_notes
    assert {"PMT", "PMD", "AAB"} <= business_notes
