"""Catalog CSV import and export (C1, C3): all or nothing, every problem listed, round trip."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.catalog.models import Brand, Product, StockLevel, Tariff, TariffPrice
from comptoir.catalog.services import (
    CatalogImportRefused,
    catalog_export,
    catalog_import,
    product_remove,
)
from comptoir.catalog.services.importing import COLUMNS, tariff_for_import
from comptoir.core import clock
from comptoir.core.jobs import NullProgress
from comptoir.core.models import AuditEntry
from comptoir.parties import services as parties
from tests.parties.factories import make_operator_user, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and pages in English, the source language (French is checked elsewhere)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


TODAY = datetime(2026, 11, 24, 10, 0)
HEADER = "sku;gtin;title;brand;pack_size;vat_rate;unit_price;on_hand"


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def seller(db):
    owner = make_user("owner@maison.test")
    org = make_org(seller=True, name="Maison Import", owner=owner)
    org.owner_user = owner
    Tariff.objects.create(seller=org, name="Tarif 2026", valid_from=date(2026, 1, 1))
    return org


def run(seller, text: str, **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return catalog_import(actor=seller.owner_user, seller=seller, data=data, **kwargs)


GOOD = "\n".join(
    [
        HEADER,
        "A-1;4006381333931;Crème de jour;Hydra;12;20;12,50;100",
        "A-2;;Sérum nuit;Hydra;6;5,5;8.75;0",
        "A-3;;Savon;;1;20;;",
    ]
)


def test_creates_products_prices_stock_and_brands_in_one_go(seller):
    progress = NullProgress()
    report = run(seller, GOOD, progress=progress)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.brands_created == 1 and report.prices_set == 2 and report.stock_set == 2
    assert (progress.total, progress.done) == (3, 3)
    a1 = Product.objects.get(seller=seller, sku="A-1")
    assert a1.gtin == "4006381333931" and a1.pack_size == 12 and a1.vat_rate == Decimal("20")
    assert a1.brand == Brand.objects.get(seller=seller, name="Hydra")
    assert TariffPrice.objects.get(product=a1).unit_price == Decimal("12.50")
    assert StockLevel.objects.get(product=a1).on_hand == 100
    assert a1.sort_title == "creme de jour"  # set by the bulk insert too
    a3 = Product.objects.get(seller=seller, sku="A-3")
    assert a3.brand is None and not TariffPrice.objects.filter(product=a3).exists()
    assert StockLevel.objects.get(product=a3).on_hand == 0
    entry = AuditEntry.objects.get(action="catalog.import")
    assert entry.organization_id == seller.pk and entry.data["created"] == 3


def test_reimporting_the_same_file_changes_nothing(seller):
    run(seller, GOOD)
    audit_entries = AuditEntry.objects.count()
    report = run(seller, GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.prices_set == report.stock_set == report.brands_created == 0
    assert Product.objects.filter(seller=seller).count() == 3
    assert Brand.objects.filter(seller=seller).count() == 1
    assert AuditEntry.objects.count() == audit_entries + 1  # the import itself, nothing else


def test_updates_by_sku_and_flags_price_rises_over_5_percent(seller):
    run(seller, GOOD)
    changed = "\n".join(
        [
            "sku;title;unit_price;brand",
            "A-1;Crème de jour;13,50;hydra",  # +8 %: flagged (C3); brand matched ignoring case
            "A-2;Sérum nuit (nouvelle formule);8,75;Hydra",
            "A-3;Savon;2;Nouvelle",
        ]
    )
    report = run(seller, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 3, 0)
    assert report.price_rises_over_5_percent == ["A-1"]
    assert report.brands_created == 1
    a1 = Product.objects.get(seller=seller, sku="A-1")
    assert TariffPrice.objects.get(product=a1).unit_price == Decimal("13.50")
    assert a1.pack_size == 12 and a1.gtin == "4006381333931"  # absent columns stay as they were
    assert StockLevel.objects.get(product=a1).on_hand == 100
    a2 = Product.objects.get(seller=seller, sku="A-2")
    assert a2.title == "Sérum nuit (nouvelle formule)"
    assert a2.sort_title == "serum nuit (nouvelle formule)"  # the lists' order follows the title
    assert Product.objects.get(seller=seller, sku="A-3").brand.name == "Nouvelle"


def test_any_problem_imports_nothing_and_every_problem_is_listed(seller):
    run(seller, GOOD)
    bad = "\n".join(
        [
            HEADER,
            "B-1;4006381333932;Bad checksum;;12;20;1;1",  # GTIN check digit
            "B-2;;;;0;19,6;-1;abc",  # title, pack size, VAT, price, stock: five problems
            "B-3;;Fine line;;6;20;3;3",
            "A-1;;Duplicate below;;1;20;1;1",
            "A-1;;Duplicate;;1;20;1;1",
        ]
    )
    with pytest.raises(CatalogImportRefused) as refused:
        run(seller, bad)
    problems = refused.value.details["errors"]
    found = {(p["line"], p["column"], p["code"]) for p in problems}
    assert found == {
        (2, "gtin", "invalid_gtin"),
        (3, "title", "required"),
        (3, "pack_size", "invalid_pack_size"),
        (3, "vat_rate", "invalid_vat_rate"),
        (3, "unit_price", "negative_price"),
        (3, "on_hand", "invalid_quantity"),
        (6, "sku", "duplicate_sku"),
    }
    assert [p["line"] for p in problems] == sorted(p["line"] for p in problems)
    assert all(p["rule"] and p["message"] for p in problems)
    assert {p["rule"] for p in problems if p["column"] == "unit_price"} == {"C3"}
    assert "line 5" in next(p for p in problems if p["code"] == "duplicate_sku")["message"]
    assert refused.value.message.startswith("7 problems found")
    assert not Product.objects.filter(seller=seller, sku__startswith="B-").exists()
    assert Product.objects.get(seller=seller, sku="A-1").title == "Crème de jour"


def test_file_level_problems_are_listed_together(seller):
    with pytest.raises(CatalogImportRefused) as refused:
        run(seller, "reference;colour;colour\nA;red;blue\n")
    found = {(p["line"], p["column"], p["code"]) for p in refused.value.details["errors"]}
    assert found == {
        (1, "colour", "unknown_column"),
        (1, "colour", "duplicate_column"),
        (1, "title", "missing_column"),
    }


def test_text_that_is_not_utf8_is_refused_with_a_hint(seller):
    with pytest.raises(CatalogImportRefused) as refused:
        run(seller, "sku;title\nA;Crème\n".encode("latin-1"))
    [problem] = refused.value.details["errors"]
    assert problem["code"] == "not_utf8" and "UTF-8" in problem["message"]


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf8-semicolon"),
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="bom-semicolon"),
        pytest.param(lambda t: t.replace(";", ",").encode("utf-8"), id="comma"),
        pytest.param(
            lambda t: b"\xef\xbb\xbf" + t.replace(";", ",").replace("\n", "\r\n").encode(),
            id="bom-comma-crlf",
        ),
        pytest.param(lambda t: t.replace(";", "\t").encode("utf-8"), id="tab"),
    ],
)
def test_bom_and_delimiter_are_detected(seller, encode):
    text = "\n".join(["SKU;Titre;Marque;TVA;Prix", "C-1;Crème;Hydra;5.5;3.10"])
    report = run(seller, encode(text))
    assert report.created == 1
    product = Product.objects.get(seller=seller, sku="C-1")
    assert (product.title, product.brand.name, product.vat_rate) == (
        "Crème",
        "Hydra",
        Decimal("5.5"),
    )
    assert TariffPrice.objects.get(product=product).unit_price == Decimal("3.10")


def test_line_numbers_count_physical_lines_of_quoted_multiline_cells(seller):
    text = 'sku;title;description;pack_size\nD-1;Un;"deux\nlignes";1\nD-2;Deux;;zero\n'
    with pytest.raises(CatalogImportRefused) as refused:
        run(seller, text)
    [problem] = refused.value.details["errors"]
    assert (problem["line"], problem["column"], problem["value"]) == (4, "pack_size", "zero")


def test_export_then_import_round_trips_without_a_change(seller):
    run(seller, GOOD)
    rental = "\n".join(
        [
            "sku;title;kind;rental_term_months;seats;prices_include_vat;active;description",
            'L-1;Logiciel loué;software_rental;12;;1;0;"Deux lignes;\nvirgule, guillemet ""x"""',
            "L-2;Logiciel;software_purchase;;;0;1;",
        ]
    )
    run(seller, rental)
    exported = catalog_export(actor=seller.owner_user, seller=seller)
    assert exported.startswith("\ufeff" + ";".join(COLUMNS) + "\r\n")
    assert "A-1;4006381333931;Crème de jour;Hydra;physical;12;20;0;12,50;100;1;;;" in exported
    assert ";5,5;0;8,75;0;1;" in exported
    assert Product.objects.get(seller=seller, sku="L-2").seats == 1  # C1: a purchase has a seat
    report = run(seller, exported.encode("utf-8"))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert catalog_export(actor=seller.owner_user, seller=seller) == exported


def test_export_holds_only_the_sellers_own_products(seller):
    run(seller, GOOD)
    other = make_org(seller=True, owner=make_user())
    Product.objects.create(seller=other, sku="THEIRS", title="Pas à moi")
    exported = catalog_export(actor=seller.owner_user, seller=seller)
    assert "THEIRS" not in exported and exported.count("\r\n") == 4


def test_a_removed_product_cannot_be_reactivated(seller):
    run(seller, GOOD)
    product = Product.objects.get(seller=seller, sku="A-2")
    product_remove(actor=make_operator_user(), product=product, reason="Contrefaçon")
    assert run(seller, "sku;title;active\nA-2;Sérum nuit;0\n").unchanged == 1
    with pytest.raises(CatalogImportRefused) as refused:
        run(seller, "sku;title;active\nA-2;Sérum nuit;oui\n")
    [problem] = refused.value.details["errors"]
    assert (problem["code"], problem["rule"]) == ("product_removed", "P6")


def test_stock_cannot_drop_below_what_orders_reserved(seller):
    run(seller, GOOD)
    StockLevel.objects.filter(product__sku="A-1").update(reserved=40)
    with pytest.raises(CatalogImportRefused) as refused:
        run(seller, "sku;title;on_hand\nA-1;Crème de jour;39\n")
    [problem] = refused.value.details["errors"]
    assert problem["code"] == "below_reserved" and "40" in problem["message"]
    assert StockLevel.objects.get(product__sku="A-1").on_hand == 100


def test_a_rental_needs_its_term_and_prices_need_a_tariff(seller):
    Tariff.objects.filter(seller=seller).update(valid_from=date(2027, 1, 1))  # none in force
    assert tariff_for_import(seller) is None
    with pytest.raises(CatalogImportRefused) as refused:
        run(seller, "sku;title;kind;unit_price\nR-1;Location;software_rental;\nR-2;Prix;;4\n")
    found = {(p["line"], p["code"], p["rule"]) for p in refused.value.details["errors"]}
    assert found == {(2, "rental_term_required", "C1"), (3, "no_tariff", "C3")}


def test_prices_go_to_the_tariff_asked_for(seller):
    future = Tariff.objects.create(seller=seller, name="Tarif 2027", valid_from=date(2027, 1, 1))
    run(seller, GOOD, tariff=future)
    assert set(TariffPrice.objects.values_list("tariff__name", flat=True)) == {"Tarif 2027"}
    other_seller = make_org(seller=True)
    theirs = Tariff.objects.create(seller=other_seller, name="X", valid_from=date(2026, 1, 1))
    with pytest.raises(Exception) as refused:
        run(seller, GOOD, tariff=theirs)
    assert getattr(refused.value, "code", "") == "invalid_tariff"


def test_only_members_of_the_seller_import(seller):
    stranger = make_user("stranger@else.test")
    with pytest.raises(Exception) as refused:
        catalog_import(actor=stranger, seller=seller, data=GOOD.encode())
    assert getattr(refused.value, "code", "") == "permission_denied"
    employee = make_user("employee@maison.test")
    parties.membership_add(
        actor=seller.owner_user, organization=seller, user=employee, permissions=["view_prices"]
    )
    with pytest.raises(Exception) as refused:  # seeing prices is not managing the catalog (P4)
        catalog_import(actor=employee, seller=seller, data=GOOD.encode())
    assert getattr(refused.value, "code", "") == "permission_denied"
    clerk = make_user("clerk@maison.test")
    parties.membership_add(
        actor=seller.owner_user, organization=seller, user=clerk, permissions=["manage_catalog"]
    )
    assert catalog_import(actor=clerk, seller=seller, data=GOOD.encode()).created == 3
    assert not Product.objects.filter(seller=make_org(buyer=True)).exists()


def test_dry_run_counts_without_writing(seller):
    report = run(seller, GOOD, dry_run=True)
    assert report.created == 3
    assert not Product.objects.filter(seller=seller).exists()


def _big_file(n: int, *, price: str = "9,90") -> bytes:
    rows = [HEADER] + [
        f"S-{i:06d};;Produit {i};Marque {i % 20};6;20;{price};{i % 50}" for i in range(n)
    ]
    return "\n".join(rows).encode()


def test_queries_grow_by_batches_not_by_lines(seller):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = make_org(seller=True, owner=make_user())
    other.owner_user = other.memberships.get().user
    Tariff.objects.create(seller=other, name="Tarif", valid_from=date(2026, 1, 1))
    counts = []
    for org, n in ((seller, 20), (other, 900)):
        with CaptureQueriesContext(connection) as created:
            assert run(org, _big_file(n)).created == n
        with CaptureQueriesContext(connection) as updated:
            assert run(org, _big_file(n, price="10,90")).updated == n
        counts.append((len(created.captured_queries), len(updated.captured_queries)))
    # only the bulk batches grow (SQLite binds at most 999 values per statement): not a query
    # per line
    assert counts[1][0] - counts[0][0] <= 900 // 40
    assert counts[1][1] - counts[0][1] <= 900 // 40


def test_ten_thousand_lines_import_well_under_a_minute(seller):
    import time

    data = _big_file(10_000)
    started = time.perf_counter()
    report = run(seller, data)
    first = time.perf_counter() - started
    assert report.created == 10_000
    started = time.perf_counter()
    again = run(seller, _big_file(10_000, price="10,10"))
    second = time.perf_counter() - started
    assert again.updated == 10_000
    assert first < 60 and second < 60  # measured: about 5 s each on SQLite and PostgreSQL


def test_command_line_import_shows_progress_and_export_writes_the_file(seller, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    source = tmp_path / "catalogue.csv"
    source.write_bytes(_big_file(100))
    out, err = StringIO(), StringIO()
    call_command("catalog", "import", str(source), "--seller", seller.siren, stdout=out, stderr=err)
    assert "100 line(s): 100 created, 0 updated, 0 unchanged" in out.getvalue()
    progress = err.getvalue().splitlines()
    assert any(line.strip().startswith("50 % (50/100)") for line in progress)
    assert progress[-1].strip().startswith("100 % (100/100) Saving")
    target = tmp_path / "export.csv"
    err = StringIO()
    call_command("catalog", "export", "--seller", str(seller.pk), "--out", str(target), stderr=err)
    assert "100 product(s)" in err.getvalue()
    assert target.read_bytes().startswith(b"\xef\xbb\xbfsku;gtin;title")
    out = StringIO()
    call_command("catalog", "import", str(target), "--seller", seller.siren, stdout=out)
    assert "0 created, 0 updated, 100 unchanged" in out.getvalue()


def test_command_line_lists_every_problem_and_fails(seller, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    source = tmp_path / "bad.csv"
    source.write_text("sku;title;pack_size\nE-1;;2\nE-2;Ok;-3\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("catalog", "import", str(source), "--seller", seller.siren, stderr=err)
    lines = err.getvalue().splitlines()
    assert any(line.startswith("line 2, title: ") and "[required, C1]" in line for line in lines)
    assert any(line.startswith("line 3, pack_size «-3»: ") for line in lines)
    assert not Product.objects.filter(seller=seller).exists()
