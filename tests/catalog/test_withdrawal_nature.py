"""A product's withdrawal nature (O17, C. conso. L221-28): the service, the CSV import (an optional
column, checked line by line, all or nothing) and the export."""

from __future__ import annotations

import pytest

from comptoir.catalog.models import Product
from comptoir.catalog.services import (
    CatalogImportRefused,
    catalog_export,
    product_create,
    product_update,
)
from comptoir.catalog.services.importing import COLUMNS
from comptoir.core.errors import DomainError
from comptoir.core.models import AuditEntry
from tests.catalog import test_importing
from tests.catalog.test_importing import run

# the import tests' seller, English messages and frozen day
seller = test_importing.seller
_english = test_importing._english
_today = test_importing._today

pytestmark = pytest.mark.django_db


def test_the_service_keeps_a_known_nature_and_refuses_another(seller):
    product = product_create(
        actor=seller.owner_user, seller=seller, sku="F-1", title="Fraises", withdrawal_nature=""
    )
    assert product.withdrawal_nature == ""
    product_update(actor=seller.owner_user, product=product, withdrawal_nature="perishable")
    product.refresh_from_db()
    assert product.withdrawal_nature == "perishable"
    entry = AuditEntry.objects.filter(action="product.update").latest("pk")
    assert entry.data["after"] == {"withdrawal_nature": "perishable"}
    with pytest.raises(DomainError) as refused:
        product_update(actor=seller.owner_user, product=product, withdrawal_nature="fragile")
    assert (refused.value.code, refused.value.field, refused.value.rule) == (
        "invalid_withdrawal_nature",
        "withdrawal_nature",
        "O17",
    )
    product.refresh_from_db()
    assert product.withdrawal_nature == "perishable"


def test_a_file_without_the_column_still_imports_and_keeps_the_nature(seller):
    run(seller, "sku;title;withdrawal_nature\nF-1;Fraises;perishable\n")
    report = run(seller, "sku;title\nF-1;Fraises gariguette\n")
    assert report.updated == 1
    product = Product.objects.get(seller=seller, sku="F-1")
    assert (product.title, product.withdrawal_nature) == ("Fraises gariguette", "perishable")


def test_the_column_sets_changes_and_clears_the_nature(seller):
    report = run(
        seller,
        "sku;title;nature_retractation\nF-1;Fraises;Perishable\nG-1;Gravure;custom\nS-1;Savon;\n",
    )
    assert report.created == 3
    natures = dict(Product.objects.filter(seller=seller).values_list("sku", "withdrawal_nature"))
    assert natures == {"F-1": "perishable", "G-1": "custom", "S-1": ""}
    run(seller, "sku;title;withdrawal_nature\nF-1;Fraises;\nG-1;Gravure;newspaper\n")
    natures = dict(Product.objects.filter(seller=seller).values_list("sku", "withdrawal_nature"))
    assert natures == {"F-1": "", "G-1": "newspaper", "S-1": ""}  # an empty cell clears it


def test_an_unknown_nature_is_a_line_error_and_nothing_is_imported(seller):
    run(seller, "sku;title\nA-1;Existant\n")
    bad = "\n".join(
        [
            "sku;title;withdrawal_nature",
            "N-1;Nouveau;perishable",
            "A-1;Existant renommé;fragile",
            "N-2;Autre;custom",
        ]
    )
    with pytest.raises(CatalogImportRefused) as refused:
        run(seller, bad)
    [problem] = refused.value.details["errors"]
    assert (problem["line"], problem["column"], problem["code"], problem["rule"]) == (
        3,
        "withdrawal_nature",
        "invalid_withdrawal_nature",
        "O17",
    )
    assert problem["value"] == "fragile" and "perishable" in problem["message"]
    assert set(Product.objects.filter(seller=seller).values_list("sku", flat=True)) == {"A-1"}
    assert Product.objects.get(seller=seller, sku="A-1").title == "Existant"


def test_the_export_writes_the_column_and_round_trips(seller):
    run(seller, "sku;title;withdrawal_nature\nF-1;Fraises;perishable\nS-1;Savon;\n")
    exported = catalog_export(actor=seller.owner_user, seller=seller)
    header = exported.lstrip("\ufeff").split("\r\n")[0].split(";")
    assert header == list(COLUMNS) and "withdrawal_nature" in header
    rows = {r.split(";")[0]: r.split(";") for r in exported.split("\r\n")[1:] if r}
    at = COLUMNS.index("withdrawal_nature")
    assert (rows["F-1"][at], rows["S-1"][at]) == ("perishable", "")
    report = run(seller, exported.encode("utf-8"))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
