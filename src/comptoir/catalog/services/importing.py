"""A seller's catalog as a CSV file: import (all or nothing) and export, in the same columns.

Import. The file is UTF-8 (with or without a byte-order mark); the delimiter (`;`, `,` or tab) is
read from the header line. Every line is checked first, against the same rules as
`product_create`/`product_update` (C1), `tariff_price_set` (C3) and `stock_set`; every problem is
listed with its line, column, code and rule, and if there is any the import changes nothing.
Otherwise products are created or updated by SKU, unit prices written in one tariff and stock
counts set, in one transaction with one audit entry (P8). Reads and writes are in bulk: a constant
number of queries whatever the number of lines.

Columns (header names are case- and accent-insensitive; French names are accepted, see ALIASES):
only `sku` and `title` are required. A column that is absent leaves that field as it is (or at
its default for a new product); an empty cell clears the text fields (gtin, brand, description,
seats, rental term, withdrawal nature) and leaves the others as they are (pack size, VAT rate,
kind, flags, price, stock). Numbers take a decimal point or comma ("5,5"); flags take 1/0,
yes/no, oui/non, true/false. The withdrawal nature (O17) is one of `WithdrawalNature`'s values.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog import rules
from comptoir.catalog.models import (
    VAT_RATES,
    Brand,
    Product,
    ProductKind,
    StockLevel,
    Tariff,
    TariffPrice,
    WithdrawalNature,
)
from comptoir.catalog.services._common import _audit, _require_seller_member
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.jobs import NullProgress, Progress, job_create, operation
from comptoir.core.models import Job
from comptoir.core.sorting import sort_key
from comptoir.parties.models import Organization

if TYPE_CHECKING:
    from comptoir.parties.models import User

__all__ = [
    "COLUMNS",
    "IMPORT_KIND",
    "MAX_IMPORT_BYTES",
    "CatalogImportRefused",
    "ImportReport",
    "catalog_export",
    "catalog_import",
    "catalog_import_start",
    "seller_tariffs",
    "tariff_for_import",
]

IMPORT_KIND = "catalog.import"
MAX_IMPORT_BYTES = 20 * 1024 * 1024  # 100,000 lines of a rich catalog stay below
MAX_LINES = 100_000
MAX_INT = 2**31 - 1
PRICE_INCREASE_FLAG = Decimal("1.05")  # C3: a rise of more than 5 % is flagged

#: The columns, in the order the export writes them.
COLUMNS = (
    "sku",
    "gtin",
    "title",
    "brand",
    "kind",
    "pack_size",
    "vat_rate",
    "prices_include_vat",
    "unit_price",
    "on_hand",
    "active",
    "seats",
    "rental_term_months",
    "withdrawal_nature",
    "description",
)
REQUIRED = ("sku", "title")

#: Other accepted header names (after lower-casing, removing accents, spaces and dashes as "_").
ALIASES = {
    "reference": "sku",
    "ref": "sku",
    "ean": "gtin",
    "ean13": "gtin",
    "gtin_ean": "gtin",
    "gtin/ean": "gtin",
    "titre": "title",
    "name": "title",
    "nom": "title",
    "designation": "title",
    "libelle": "title",
    "marque": "brand",
    "type": "kind",
    "pack": "pack_size",
    "case_multiple": "pack_size",
    "units_per_case": "pack_size",
    "colisage": "pack_size",
    "conditionnement": "pack_size",
    "vat": "vat_rate",
    "tva": "vat_rate",
    "taux_tva": "vat_rate",
    "prix_ttc": "prices_include_vat",
    "price": "unit_price",
    "prix": "unit_price",
    "prix_unitaire": "unit_price",
    "stock": "on_hand",
    "stock_on_hand": "on_hand",
    "actif": "active",
    "is_active": "active",
    "postes": "seats",
    "duree_location_mois": "rental_term_months",
    "nature": "withdrawal_nature",
    "nature_retractation": "withdrawal_nature",
}

TRUE = {"1", "yes", "y", "oui", "o", "true", "vrai", "x"}
FALSE = {"0", "no", "n", "non", "false", "faux"}
TEXT_LIMITS = {"sku": 64, "title": 255, "brand": 200}
#: Fields of Product the file can change (`active` maps to `is_active`).
PRODUCT_COLUMNS = {
    "gtin": "gtin",
    "title": "title",
    "kind": "kind",
    "pack_size": "pack_size",
    "vat_rate": "vat_rate",
    "prices_include_vat": "prices_include_vat",
    "active": "is_active",
    "seats": "seats",
    "rental_term_months": "rental_term_months",
    "withdrawal_nature": "withdrawal_nature",
    "description": "description",
}
DEFAULTS: dict[str, Any] = {
    "gtin": "",
    "kind": ProductKind.PHYSICAL.value,
    "pack_size": 1,
    "vat_rate": Decimal("20"),
    "prices_include_vat": False,
    "is_active": True,
    "seats": None,
    "rental_term_months": None,
    "withdrawal_nature": "",
    "description": "",
}
#: Columns whose empty cell means "leave as it is" (the others' empty cell clears the field).
KEEP_WHEN_EMPTY = {
    "kind",
    "pack_size",
    "vat_rate",
    "prices_include_vat",
    "active",
    "unit_price",
    "on_hand",
}


class CatalogImportRefused(DomainError):
    """The file has problems: nothing was imported; `details["errors"]` lists every one."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(
            code="import_refused",
            message=ngettext(
                "%(n)s problem found: nothing was imported.",
                "%(n)s problems found: nothing was imported.",
                len(errors),
            )
            % {"n": len(errors)},
            field="file",
            rule="C1",
            details={"errors": errors},
        )


@dataclass
class ImportReport:
    """What an import did (or, with `dry_run`, would do)."""

    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    brands_created: int = 0
    prices_set: int = 0
    stock_set: int = 0
    tariff: str = ""
    price_rises_over_5_percent: list[str] = field(default_factory=list)
    created_skus: list[str] = field(default_factory=list)
    updated_skus: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "brands_created": self.brands_created,
            "prices_set": self.prices_set,
            "stock_set": self.stock_set,
            "tariff": self.tariff,
            "price_rises_over_5_percent": self.price_rises_over_5_percent[:200],
        }


# --- reading the file --------------------------------------------------------------------------


def _problem(
    line: int | None, column: str | None, code: str, message: str, rule: str = "C1", value: str = ""
) -> dict[str, Any]:
    return {
        "line": line,
        "column": column,
        "value": value[:100],
        "code": code,
        "message": message,
        "rule": rule,
    }


def _header_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff")).encode("ascii", "ignore")
    key = text.decode().lower().strip().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogImportRefused(
            [
                _problem(
                    None,
                    None,
                    "not_utf8",
                    _(
                        "The file is not UTF-8 text (byte %(at)s): save it as "
                        "“CSV UTF-8” and try again."
                    )
                    % {"at": exc.start},
                )
            ]
        ) from None


@dataclass
class _Table:
    columns: list[str]  # canonical names, in the file's order
    records: list[tuple[int, list[str]]]  # (line where the record starts, cells)


def _read(data: bytes) -> _Table:
    """Split the file into records; problems of the file as a whole refuse it at once."""
    if len(data) > MAX_IMPORT_BYTES:
        raise CatalogImportRefused(
            [
                _problem(
                    None,
                    None,
                    "file_too_large",
                    _("The file is larger than %(n)s MB.") % {"n": MAX_IMPORT_BYTES // 1024**2},
                )
            ]
        )
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise CatalogImportRefused(
            [_problem(1, None, "bad_csv", _("Unreadable CSV: %(e)s") % {"e": exc})]
        ) from None
    columns = [_header_key(name) for name in header]
    problems = []
    for name, key in zip(header, columns, strict=True):
        if key not in COLUMNS:
            problems.append(
                _problem(
                    1,
                    name,
                    "unknown_column",
                    _("Unknown column. Expected columns: %(cols)s.") % {"cols": ", ".join(COLUMNS)},
                    value=name,
                )
            )
    for key in sorted({k for k in columns if columns.count(k) > 1}):
        problems.append(_problem(1, key, "duplicate_column", _("This column appears twice.")))
    for key in REQUIRED:
        if key not in columns:
            problems.append(_problem(1, key, "missing_column", _("This column is required.")))
    if problems:
        raise CatalogImportRefused(problems)
    records: list[tuple[int, list[str]]] = []
    previous = reader.line_num
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            records.append((start, cells))
            if len(records) > MAX_LINES:
                raise CatalogImportRefused(
                    [
                        _problem(
                            start,
                            None,
                            "too_many_lines",
                            _("At most %(n)s lines per file: split it.") % {"n": MAX_LINES},
                        )
                    ]
                )
    except csv.Error as exc:
        raise CatalogImportRefused(
            [_problem(previous + 1, None, "bad_csv", _("Unreadable CSV: %(e)s") % {"e": exc})]
        ) from None
    return _Table(columns=columns, records=records)


# --- checking each line (no database) ----------------------------------------------------------


def _number(text: str) -> Decimal | None:
    """A decimal written with a point or a comma, spaces allowed as thousands separators."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").rstrip("%")
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            return None
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _whole(text: str, minimum: int) -> int | None:
    value = _number(text)
    if value is None or value != value.to_integral_value() or not minimum <= value <= MAX_INT:
        return None
    return int(value)


@dataclass
class _Line:
    line: int
    sku: str
    values: dict[str, Any]  # Product fields given in the file
    brand: str | None = None  # None: column absent or cell empty means no brand ("")
    unit_price: Decimal | None = None
    on_hand: int | None = None


def _check_line(
    line: int, cells: list[str], columns: Sequence[str]
) -> tuple[_Line | None, list[dict[str, Any]]]:
    """Parse one record into product values; every cell at fault is reported."""
    problems: list[dict[str, Any]] = []
    if len(cells) > len(columns):
        extra = cells[len(columns) :]
        if any(c.strip() for c in extra):
            problems.append(
                _problem(
                    line,
                    None,
                    "too_many_cells",
                    _("This line has %(n)s cells, the header %(m)s.")
                    % {"n": len(cells), "m": len(columns)},
                )
            )
    raw = {key: (cells[i].strip() if i < len(cells) else "") for i, key in enumerate(columns)}
    values: dict[str, Any] = {}
    parsed = _Line(line=line, sku=raw.get("sku", ""), values=values)

    def bad(column: str, code: str, message: str, rule: str = "C1") -> None:
        problems.append(_problem(line, column, code, message, rule, raw.get(column, "")))

    for key in REQUIRED:
        if not raw.get(key):
            bad(key, "required", _("This column is required."))
    for key, limit in TEXT_LIMITS.items():
        if len(raw.get(key, "")) > limit:
            bad(key, "too_long", _("At most %(n)s characters.") % {"n": limit})
    for key, text in raw.items():
        if key in ("sku", "brand"):
            continue
        if not text and key in KEEP_WHEN_EMPTY:
            continue
        if key == "title":
            values["title"] = text
        elif key == "description":
            values["description"] = text
        elif key == "gtin":
            try:
                values["gtin"] = rules.validate_gtin(text) if text else ""
            except DomainError:
                bad(key, "invalid_gtin", _("Invalid GTIN/EAN: wrong length or check digit."))
        elif key == "kind":
            if text in ProductKind.values:
                values["kind"] = text
            else:
                bad(
                    key,
                    "invalid_kind",
                    _("Unknown kind; expected one of: %(kinds)s.")
                    % {"kinds": ", ".join(ProductKind.values)},
                )
        elif key == "withdrawal_nature":
            if not text or text.lower() in WithdrawalNature.values:
                values["withdrawal_nature"] = text.lower()
            else:
                bad(
                    key,
                    "invalid_withdrawal_nature",
                    _("Unknown withdrawal nature; expected one of: %(natures)s, or empty.")
                    % {"natures": ", ".join(WithdrawalNature.values)},
                    "O17",
                )
        elif key == "pack_size":
            pack = _whole(text, 1)
            if pack is None:
                bad(key, "invalid_pack_size", _("Units per case: a whole number, at least 1."))
            else:
                values["pack_size"] = pack
        elif key == "vat_rate":
            rate = _number(text)
            if rate is None or rate not in VAT_RATES:
                bad(
                    key,
                    "invalid_vat_rate",
                    _("French VAT rate expected: 20, 10, 5.5, 2.1 or 0."),
                )
            else:
                values["vat_rate"] = next(r for r in VAT_RATES if r == rate)
        elif key in ("prices_include_vat", "active"):
            flag = text.lower()
            if flag in TRUE or flag in FALSE:
                values[PRODUCT_COLUMNS[key]] = flag in TRUE
            else:
                bad(key, "invalid_flag", _("Expected 1 or 0 (yes or no)."))
        elif key in ("seats", "rental_term_months"):
            if not text:
                values[key] = None
            else:
                count = _whole(text, 1)
                if count is None:
                    bad(key, f"invalid_{key}", _("A whole number, at least 1."))
                else:
                    values[key] = count
        elif key == "unit_price":
            price = _number(text)
            if price is None:
                bad(key, "invalid_number", _("Invalid number."), "C3")
            elif price < 0:
                bad(key, "negative_price", _("A price cannot be negative."), "C3")
            elif price != price.quantize(rules.UNIT_PRICE_QUANT) or price >= Decimal(10**10):
                bad(key, "invalid_price", _("At most 4 decimals and 10 digits."), "C3")
            else:
                parsed.unit_price = price
        elif key == "on_hand":
            stock = _whole(text, 0)
            if stock is None:
                bad(key, "invalid_quantity", _("Stock on hand: a whole number, 0 or more."))
            else:
                parsed.on_hand = stock
    if "brand" in raw:
        parsed.brand = raw["brand"]
    return (None if problems else parsed), problems


# --- comparing with the catalog, planning the writes -------------------------------------------


@dataclass
class _State:
    products: dict[str, Product]
    stock: dict[int, StockLevel]
    prices: dict[int, Decimal]
    brands: dict[str, Brand]  # by lower-cased name


def _load(seller: Organization, tariff: Tariff | None, *, lock: bool) -> _State:
    """The seller's catalog in four queries (rows locked on PostgreSQL when `lock`)."""
    products = Product.objects.filter(seller=seller)
    stock = StockLevel.objects.filter(product__seller=seller)
    if lock and connection.vendor == "postgresql":
        products = products.select_for_update(of=("self",))
        stock = stock.select_for_update(of=("self",))
    prices: dict[int, Decimal] = {}
    if tariff is not None:
        prices = dict(
            TariffPrice.objects.filter(tariff=tariff).values_list("product_id", "unit_price")
        )
    return _State(
        products={p.sku: p for p in products},
        stock={s.product_id: s for s in stock},
        prices=prices,
        brands={b.name.lower(): b for b in Brand.objects.filter(seller=seller)},
    )


@dataclass
class _Plan:
    creates: list[tuple[_Line, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[Product, list[str], str | None]] = field(default_factory=list)
    new_brands: dict[str, str] = field(default_factory=dict)  # lower-cased → spelling
    prices: dict[str, Decimal] = field(default_factory=dict)  # sku → unit price to write
    stock: dict[str, int] = field(default_factory=dict)  # sku → on hand to write
    report: ImportReport = field(default_factory=ImportReport)


def _final_values(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Existing (or default) values with the file's on top, cross-field rules applied (C1)."""
    values = current | given
    if values["kind"] == ProductKind.SOFTWARE_PURCHASE and values["seats"] is None:
        values["seats"] = 1
    if values["kind"] != ProductKind.SOFTWARE_RENTAL:
        values["rental_term_months"] = None
    return values


def _plan(
    lines: list[_Line], state: _State, tariff: Tariff | None
) -> tuple[_Plan, list[dict[str, Any]]]:
    """What to write, or the problems that depend on the catalog as it is (no writes)."""
    plan = _Plan()
    problems: list[dict[str, Any]] = []
    plan.report.lines = len(lines)
    plan.report.tariff = tariff.name if tariff else ""
    for item in lines:
        product = state.products.get(item.sku)
        current = {name: getattr(product, name) for name in DEFAULTS} if product else dict(DEFAULTS)
        values = _final_values(current, item.values)
        if values["kind"] == ProductKind.SOFTWARE_RENTAL and not values["rental_term_months"]:
            problems.append(
                _problem(
                    item.line,
                    "rental_term_months",
                    "rental_term_required",
                    _("A software rental needs a term in months."),
                )
            )
        brand_id: int | None = None
        if item.brand is not None:
            key = item.brand.lower()
            if not key:
                brand_id = None
            elif key in state.brands:
                brand_id = state.brands[key].pk
            else:
                plan.new_brands.setdefault(key, item.brand)
                brand_id = -1  # created with the import
            values["brand"] = key
        if product and product.removed_at and values["is_active"] and not product.is_active:
            problems.append(
                _problem(
                    item.line,
                    "active",
                    "product_removed",
                    _("Removed by the operator: this product cannot be reactivated."),
                    "P6",
                )
            )
        if item.unit_price is not None and tariff is None:
            problems.append(
                _problem(
                    item.line,
                    "unit_price",
                    "no_tariff",
                    _("You have no tariff in force to put this price in: create one first."),
                    "C3",
                )
            )
        stock = state.stock.get(product.pk) if product else None
        if item.on_hand is not None and stock is not None and item.on_hand < stock.reserved:
            problems.append(
                _problem(
                    item.line,
                    "on_hand",
                    "below_reserved",
                    ngettext(
                        "%(n)s unit is reserved by orders: stock cannot be lower.",
                        "%(n)s units are reserved by orders: stock cannot be lower.",
                        stock.reserved,
                    )
                    % {"n": stock.reserved},
                    value=str(item.on_hand),
                )
            )
        if problems:
            continue  # once the file is refused, planning the writes is pointless
        changed = False
        if product is None:
            plan.creates.append((item, values))
            changed = True
        else:
            fields = [
                name
                for name in DEFAULTS | {"title": None}
                if name in values and values[name] != getattr(product, name)
            ]
            if item.brand is not None and brand_id != product.brand_id:
                fields.append("brand")
            if fields:
                for name in fields:
                    if name != "brand":
                        setattr(product, name, values[name])
                plan.updates.append((product, fields, values.get("brand")))
                changed = True
        if item.unit_price is not None:
            old = state.prices.get(product.pk) if product else None
            if old is None or old != item.unit_price:
                plan.prices[item.sku] = item.unit_price
                changed = True
                if old is not None and item.unit_price > old * PRICE_INCREASE_FLAG:
                    plan.report.price_rises_over_5_percent.append(item.sku)
        if item.on_hand is not None:
            before = stock.on_hand if stock is not None else None
            if before != item.on_hand:
                plan.stock[item.sku] = item.on_hand
                changed = True
        if product is None:
            plan.report.created += 1
            plan.report.created_skus.append(item.sku)
        elif changed:
            plan.report.updated += 1
            plan.report.updated_skus.append(item.sku)
        else:
            plan.report.unchanged += 1
    plan.report.brands_created = len(plan.new_brands)
    plan.report.prices_set = len(plan.prices)
    plan.report.stock_set = len(plan.stock)
    return plan, problems


def _apply(seller: Organization, tariff: Tariff | None, plan: _Plan, state: _State) -> None:
    """Write the plan in bulk (inside the caller's transaction)."""
    now = clock.now()
    brands = dict(state.brands)
    if plan.new_brands:
        created = Brand.objects.bulk_create(
            [Brand(seller=seller, name=name, created_at=now) for name in plan.new_brands.values()]
        )
        brands.update({b.name.lower(): b for b in created})

    def brand_of(key: str | None) -> Brand | None:
        return brands[key] if key else None

    new_products = []
    for item, values in plan.creates:
        given = {k: v for k, v in values.items() if k != "brand"}
        new_products.append(
            Product(
                seller=seller,
                sku=item.sku,
                brand=brand_of(values.get("brand")),
                created_at=now,
                **given,
            )
        )
    Product.objects.bulk_create(new_products, batch_size=1000)
    by_sku = dict(state.products) | {p.sku: p for p in new_products}
    StockLevel.objects.bulk_create(
        [
            StockLevel(product=p, on_hand=plan.stock.get(p.sku, 0), updated_at=now)
            for p in new_products
        ],
        batch_size=1000,
    )
    if plan.updates:
        changed_fields: set[str] = set()
        for product, changed, brand in plan.updates:
            if "brand" in changed:
                product.brand = brand_of(brand)
            if "title" in changed:  # bulk_update saves what it is given: the order's key too
                product.sort_title = sort_key(product.title)
                changed_fields.add("sort_title")
            changed_fields.update(changed)
        Product.objects.bulk_update(
            [u[0] for u in plan.updates], sorted(changed_fields), batch_size=500
        )
    new_ids = {p.pk for p in new_products}
    stock_rows: list[StockLevel] = []
    missing: list[StockLevel] = []
    for sku, on_hand in plan.stock.items():
        product = by_sku[sku]
        if product.pk in new_ids:
            continue
        level = state.stock.get(product.pk)
        if level is None:
            missing.append(StockLevel(product=product, on_hand=on_hand, updated_at=now))
        else:
            level.on_hand, level.updated_at = on_hand, now
            stock_rows.append(level)
    StockLevel.objects.bulk_update(stock_rows, ["on_hand", "updated_at"], batch_size=500)
    StockLevel.objects.bulk_create(missing, batch_size=1000)
    if plan.prices and tariff is not None:
        TariffPrice.objects.bulk_create(
            [
                TariffPrice(tariff=tariff, product=by_sku[sku], unit_price=price)
                for sku, price in plan.prices.items()
            ],
            update_conflicts=True,
            unique_fields=["tariff", "product"],
            update_fields=["unit_price"],
            batch_size=1000,
        )


def _problem_order(problem: dict[str, Any]) -> tuple[int, int]:
    column = problem["column"]
    return (problem["line"] or 0, COLUMNS.index(column) if column in COLUMNS else -1)


# --- the use cases -----------------------------------------------------------------------------


def tariff_for_import(
    seller: Organization, tariff_id: int | None = None, *, on: date | None = None
) -> Tariff | None:
    """The seller's tariff `tariff_id`, or by default the one in force today (the latest start);
    another seller's tariff is refused (C3)."""
    tariffs = Tariff.objects.filter(seller=seller)
    if tariff_id is not None:
        tariff = tariffs.filter(pk=tariff_id).first()
        if tariff is None:
            raise DomainError("invalid_tariff", _("Unknown tariff."), "tariff", "C3")
        return tariff
    day = on or clock.today()
    return (
        tariffs.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-pk")
        .first()
    )


def seller_tariffs(seller: Organization) -> list[Tariff]:
    """The seller's tariffs, latest start first (to choose where imported prices go)."""
    return list(Tariff.objects.filter(seller=seller).order_by("-valid_from", "-pk"))


def _check_actor(actor: User | None, seller: Organization) -> None:
    """A member of the seller or the operator; None is the command line (the system)."""
    if actor is not None:
        _require_seller_member(actor, seller)
    elif not seller.is_seller:
        raise DomainError("not_a_seller", _("This organization is not a seller."), "seller", "C1")


def catalog_import(
    *,
    actor: User | None,
    seller: Organization,
    data: bytes,
    tariff: Tariff | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a catalog CSV for `seller`: all lines or none (see the module's docstring).

    Prices go to `tariff` (default: the seller's tariff in force today). Raises
    `CatalogImportRefused` listing every problem; with `dry_run` checks and counts only.
    `progress` hears the number of lines, then each line checked, then the saving.
    """
    progress = progress or NullProgress()
    _check_actor(actor, seller)
    if tariff is None:
        tariff = tariff_for_import(seller)
    elif tariff.seller_id != seller.pk:
        raise DomainError("invalid_tariff", _("Unknown tariff."), "tariff", "C3")
    progress.note(_("Reading the file"))
    table = _read(data)
    progress.set_total(len(table.records))
    progress.note(_("Checking the lines"))
    lines: list[_Line] = []
    problems: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for line, cells in table.records:
        parsed, found = _check_line(line, cells, table.columns)
        problems.extend(found)
        if parsed is not None:
            if parsed.sku in first_line:
                problems.append(
                    _problem(
                        line,
                        "sku",
                        "duplicate_sku",
                        _("This SKU is already on line %(n)s.") % {"n": first_line[parsed.sku]},
                        value=parsed.sku,
                    )
                )
            else:
                first_line[parsed.sku] = line
                lines.append(parsed)
        progress.advance(1)
    state = _load(seller, tariff, lock=False)
    plan, found = _plan(lines, state, tariff)
    problems.extend(found)
    if problems:
        problems.sort(key=_problem_order)
        raise CatalogImportRefused(problems)
    if dry_run:
        return plan.report
    progress.note(_("Saving"))
    with transaction.atomic():
        state = _load(seller, tariff, lock=True)  # again, under lock: what changed meanwhile
        plan, found = _plan(lines, state, tariff)
        if found:
            raise CatalogImportRefused(found)
        _apply(seller, tariff, plan, state)
        _audit(
            actor=actor,
            organization_id=seller.pk,
            action="catalog.import",
            obj_type="catalog.Catalog",
            obj_id=seller.pk,
            data={
                **plan.report.as_dict(),
                "created_skus": plan.report.created_skus,
                "updated_skus": plan.report.updated_skus,
            },
        )
    return plan.report


def catalog_import_start(
    *,
    actor: User,
    seller: Organization,
    data: bytes,
    filename: str = "",
    tariff_id: int | None = None,
    language: str | None = None,
) -> Job:
    """Queue an import of `data` for the seller, run by a worker with progress (the job page)."""
    _require_seller_member(actor, seller)
    if not data.strip():
        raise DomainError("empty_file", _("The file is empty."), "file", "C1")
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError(
            "file_too_large",
            _("The file is larger than %(n)s MB.") % {"n": MAX_IMPORT_BYTES // 1024**2},
            "file",
        )
    tariff = tariff_for_import(seller, tariff_id)
    return job_create(
        kind=IMPORT_KIND,
        organization_id=seller.pk,
        actor=actor,
        params={"tariff_id": tariff.pk if tariff else None},
        data=data,
        filename=filename,
        language=language,
    )


@operation(IMPORT_KIND)
def _run_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The worker's side of `catalog_import_start`."""
    seller = Organization.objects.get(pk=job.organization_id)
    tariff_id = job.params.get("tariff_id")
    tariff = tariff_for_import(seller, tariff_id) if tariff_id else None
    report = catalog_import(
        actor=job.created_by,
        seller=seller,
        data=bytes(job.input),
        tariff=tariff,
        progress=progress,
    )
    return report.as_dict()


# --- export ------------------------------------------------------------------------------------


def _decimal_text(value: Decimal | None, *, places: int = 2) -> str:
    """ "12,50", "5,5", "0,1234": a decimal comma, at least `places` decimals, no trailing zero
    beyond them (so that importing the text gives the same number back)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    whole, _point, decimals = text.partition(".")
    decimals = decimals.ljust(places, "0") if places else decimals
    return whole + ("," + decimals if decimals else "")


def _export_rows(seller: Organization, tariff: Tariff | None) -> Iterable[list[str]]:
    prices: dict[int, Decimal] = {}
    if tariff is not None:
        prices = dict(
            TariffPrice.objects.filter(tariff=tariff).values_list("product_id", "unit_price")
        )
    stock = dict(
        StockLevel.objects.filter(product__seller=seller).values_list("product_id", "on_hand")
    )
    products = (
        Product.objects.filter(seller=seller).select_related("brand").order_by("sku").iterator()
    )
    for p in products:
        row = {
            "sku": p.sku,
            "gtin": p.gtin,
            "title": p.title,
            "brand": p.brand.name if p.brand else "",
            "kind": p.kind,
            "pack_size": str(p.pack_size),
            "vat_rate": _decimal_text(Decimal(p.vat_rate), places=0),
            "prices_include_vat": "1" if p.prices_include_vat else "0",
            "unit_price": _decimal_text(prices.get(p.pk)),
            "on_hand": str(stock[p.pk]) if p.pk in stock else "",
            "active": "1" if p.is_active else "0",
            "seats": "" if p.seats is None else str(p.seats),
            "rental_term_months": "" if p.rental_term_months is None else str(p.rental_term_months),
            "withdrawal_nature": p.withdrawal_nature,
            "description": p.description,
        }
        yield [row[c] for c in COLUMNS]


def catalog_export(
    *, actor: User | None, seller: Organization, tariff: Tariff | None = None
) -> str:
    """The seller's catalog as CSV text in the import's columns (`;`, decimal comma, with a
    byte-order mark so that spreadsheets read it as UTF-8); prices of `tariff` (default: the one
    in force today). Importing it back changes nothing."""
    _check_actor(actor, seller)
    if tariff is None:
        tariff = tariff_for_import(seller)
    elif tariff.seller_id != seller.pk:
        raise DomainError("invalid_tariff", _("Unknown tariff."), "tariff", "C3")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_export_rows(seller, tariff))
    return out.getvalue()
