"""run_quote / run_interest: exit codes, JSON output, clear messages for bad input."""

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from comptoir.terms.cli_quote import parse_at, run_interest, run_quote
from comptoir.terms.loader import preset_path

BEAUTY = str(preset_path("selective-beauty"))


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def cart(amount="150.00", **extra):
    return {
        "lines": [{"sku": "SH-1", "quantity": 1, "unit_price": amount, "vat_rate": "20"}],
        **extra,
    }


def test_quote_ok_prints_json(tmp_path):
    code, text = run_quote(
        BEAUTY, write(tmp_path, "c.json", cart()), None, "2026-11-05T10:00:00+01:00"
    )
    assert code == 0
    data = json.loads(text)
    assert data["fees"][0]["code"] == "shipping" and data["fees"][0]["amount"] == "15.00"
    assert data["totals"]["incl_vat"] == "198.00"
    assert data["order_date"] == "2026-11-05"


def test_quote_with_violation_exits_1(tmp_path):
    code, text = run_quote(BEAUTY, write(tmp_path, "c.json", cart("90.00")), None, "2026-11-05")
    assert code == 1
    assert json.loads(text)["violations"][0]["rule"] == "O2"


def test_context_file_is_used(tmp_path):
    ctx = write(tmp_path, "ctx.json", {"orders_this_month": 2})
    code, text = run_quote(BEAUTY, write(tmp_path, "c.json", cart("2500.00")), ctx, "2026-11-05")
    assert code == 0
    assert json.loads(text)["fees"][0]["amount"] == "72.00"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (cart(colour="red"), "cart: colour: Extra inputs are not permitted"),
        (
            {"lines": [{"sku": "A", "quantity": -1, "unit_price": "1"}]},
            "cart: lines[0].quantity: Input should be greater than or equal to 0",
        ),
        (
            {"lines": [{"sku": "A", "quantity": "3", "unit_price": "1"}]},
            "cart: lines[0].quantity: Input should be a valid integer",
        ),
        (
            {"lines": [{"sku": "A", "quantity": 1, "unit_price": "x"}]},
            "cart: lines[0].unit_price: Input should be a valid decimal",
        ),
        (
            cart(voucher={"code": "V", "amount": "5", "valid_to": "2026-02-30"}),
            "cart: voucher.valid_to: Input should be a valid date",
        ),
        ({"lines": []}, "cart: lines: List should have at least 1 item"),
        ("{not json", "cart: invalid JSON at line 1"),
    ],
)
def test_bad_cart_is_reported_with_its_place(tmp_path, payload, expected):
    code, text = run_quote(BEAUTY, write(tmp_path, "c.json", payload), None, "2026-11-05")
    assert code == 2
    assert expected in text
    assert "Traceback" not in text


def test_bad_context_terms_and_dates(tmp_path):
    c = write(tmp_path, "c.json", cart())
    code, text = run_quote(BEAUTY, c, write(tmp_path, "x.json", {"unpaid": 3}), None)
    assert code == 2 and "context: unpaid: Extra inputs are not permitted" in text
    code, text = run_quote(BEAUTY, c, None, "2026-02-30")
    assert code == 2 and text.startswith("at: ")
    code, text = run_quote(str(tmp_path / "missing.toml"), c, None, None)
    assert code == 2 and text.startswith("terms: file not found")
    bad_terms = write(tmp_path, "t.toml", "schema_version = 1\n[meta]\ntitle = 'x'\n")
    code, text = run_quote(bad_terms, c, None, None)
    assert code == 2 and "terms: seller" in text
    code, text = run_quote(BEAUTY, str(tmp_path / "nope.json"), None, None)
    assert code == 2 and text.startswith("cart: cannot read")


def test_parse_at_accepts_dates_naive_and_aware():
    assert parse_at("2026-11-05").isoformat() == "2026-11-05T12:00:00+01:00"
    assert parse_at("2026-07-01T08:00").utcoffset().total_seconds() == 7200
    assert parse_at("2026-07-01T08:00:00Z").utcoffset().total_seconds() == 0
    assert parse_at(None).tzinfo is not None


def test_interest_text_and_exit_codes():
    mkt = str(preset_path("marketplace"))
    code, text = run_interest(mkt, "10000.00", "2026-03-31", "2026-05-15", None)
    assert code == 0
    assert "45" in text and "98.63" in text  # 10,000 × 8 % × 45 / 365
    assert "Total: 138.63 EUR" in text and "PT11" in text
    code, text = run_interest(BEAUTY, "1200", "2026-02-28", "2026-03-30", "2026-01-20")
    assert code == 0 and "Intérêts / interest: 7.75 EUR" in text
    assert run_interest(mkt, "abc", "2026-03-31", "2026-05-15", None)[0] == 2
    assert run_interest(mkt, "-5", "2026-03-31", "2026-05-15", None)[0] == 2
    code, text = run_interest(mkt, "100", "2026-02-30", "2026-05-15", None)
    assert code == 2 and text.startswith("due: ")
    digital = str(preset_path("digital-goods"))  # ECB + 9 points: needs the rate tables
    code, text = run_interest(digital, "100", "2020-01-01", "2020-05-15", None)
    assert code == 2 and text.startswith("rates: ")


@pytest.mark.django_db
def test_interest_reads_the_rate_tables_from_the_database():
    from comptoir.core.models import ECBRate

    mkt = str(preset_path("digital-goods"))  # ECB reference rate + 9 points
    code, text = run_interest(mkt, "730.00", "2026-01-01", "2026-01-11", None)
    assert code == 0 and "database rate tables" in text
    assert "Intérêts / interest: 2.23 EUR" in text  # (2.15 + 9) % × 730 × 10 / 365
    ECBRate.objects.filter(effective_date__gte="2025-06-11").update(rate=D("3.15"))
    code, text = run_interest(mkt, "730.00", "2026-01-01", "2026-01-11", None)
    assert "Intérêts / interest: 2.43 EUR" in text  # the operator's table wins
