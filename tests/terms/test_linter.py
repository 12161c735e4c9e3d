"""The legal linter catches each mandatory-law breach (errors) and each inconsistency (warnings)."""

from decimal import Decimal

import pytest

from comptoir.terms.linter import LATEST_LEGAL_RATE, errors, lint
from comptoir.terms.loader import load_preset, load_terms

BASE = """
[meta]
title = "CGV"

[seller]
name = "Vendeur exemple"

[[payment.options]]
id = "transfer-30"
method = "transfer"
due = { basis = "invoice", days = 30 }
clause = { article = "Art. 5" }

[late_payment.interest]
kind = "legal_rate_multiple"
multiplier = "3"
clause = { article = "Art. 6" }

[late_payment.fixed_indemnity]
amount = "40.00"
clause = { article = "Art. 6" }
"""


def codes(text: str, **kwargs) -> list[tuple[str, str, str]]:
    return [(f.severity, f.code, f.location) for f in lint(load_terms(text), **kwargs)]


def test_a_compliant_document_is_clean():
    assert codes(BASE) == []


def test_multiplier_below_three_is_an_error():
    text = BASE.replace('multiplier = "3"', 'multiplier = "2.5"')
    (finding,) = lint(load_terms(text))
    assert (finding.severity, finding.code) == ("error", "late_rate_below_floor")
    assert finding.location == "late_payment.interest.multiplier"
    assert "L441-10" in finding.law


def test_fixed_rate_below_three_times_the_legal_rate():
    text = BASE.replace(
        'kind = "legal_rate_multiple"\nmultiplier = "3"', 'kind = "fixed_annual"\nrate = "7"'
    )
    (finding,) = lint(load_terms(text))
    assert finding.code == "late_rate_below_floor"
    assert finding.location == "late_payment.interest.rate"
    assert "7,86 %" in finding.message  # 3 × 2.62 %
    assert codes(text, legal_rate=Decimal("2")) == []  # 3 × 2 % = 6 % ≤ 7 %


def test_fixed_rate_at_the_floor_is_accepted():
    floor = 3 * LATEST_LEGAL_RATE
    text = BASE.replace(
        'kind = "legal_rate_multiple"\nmultiplier = "3"',
        f'kind = "fixed_annual"\nrate = "{floor}"',
    )
    assert codes(text) == []


def test_monthly_rate_is_compared_a_year():
    text = BASE.replace(
        'kind = "legal_rate_multiple"\nmultiplier = "3"', 'kind = "monthly"\nrate = "0.5"'
    )
    assert codes(text) == [("error", "late_rate_below_floor", "late_payment.interest.rate")]
    assert codes(text.replace('rate = "0.5"', 'rate = "1.5"')) == []


def test_reference_plus_points_uses_the_ecb_rate():
    text = BASE.replace(
        'kind = "legal_rate_multiple"\nmultiplier = "3"',
        'kind = "reference_plus_points"\nreference = "ecb"\npoints = "5"',
    )
    assert codes(text, ecb_rate=Decimal("2.15")) == [
        ("error", "late_rate_below_floor", "late_payment.interest.points")
    ]
    assert codes(text, ecb_rate=Decimal("3")) == []


def test_ninety_days_from_invoice_is_an_error():
    text = BASE.replace("days = 30 }", "days = 90 }")
    (finding,) = lint(load_terms(text))
    assert (finding.severity, finding.code) == ("error", "payment_term_too_long")
    assert finding.location == "payment.options[0].due.days"
    assert finding.law == "C. com. L441-10 I"


def test_sixty_days_from_invoice_is_the_ceiling():
    assert codes(BASE.replace("days = 30 }", "days = 60 }")) == []
    assert codes(BASE.replace("days = 30 }", "days = 61 }"))[0][1] == "payment_term_too_long"


def test_end_of_month_terms_are_capped_at_45_days():
    eom = 'convention = "days_then_end_of_month", days = '
    assert codes(BASE.replace("days = 30 }", eom + "45 }")) == []
    assert codes(BASE.replace("days = 30 }", eom + "60 }")) == [
        ("error", "payment_term_too_long", "payment.options[0].due.days")
    ]


def test_validation_basis_is_the_invoice_date_when_invoicing_at_freeze():
    text = BASE.replace('basis = "invoice", days = 30', 'basis = "validation", days = 60')
    assert codes(text) == [("warning", "payment_term_may_exceed", "payment.options[0].due.basis")]
    assert codes(text + '\n[invoicing]\nmoment = "at_freeze"\n') == []
    too_long = text.replace("days = 60", "days = 75") + '\n[invoicing]\nmoment = "at_freeze"\n'
    assert codes(too_long)[0][1] == "payment_term_too_long"


def test_missing_fixed_indemnity_is_an_error():
    text = BASE.replace(
        '[late_payment.fixed_indemnity]\namount = "40.00"\nclause = { article = "Art. 6" }\n', ""
    )
    (finding,) = lint(load_terms(text))
    assert (finding.severity, finding.code, finding.location) == (
        "error",
        "missing_fixed_indemnity",
        "late_payment.fixed_indemnity",
    )
    assert "D441-5" in finding.law


def test_fixed_indemnity_below_40_is_an_error():
    text = BASE.replace('amount = "40.00"', 'amount = "20.00"')
    assert codes(text) == [
        ("error", "fixed_indemnity_too_low", "late_payment.fixed_indemnity.amount")
    ]


def test_discount_on_a_method_not_accepted_is_a_warning():
    text = (
        BASE
        + """
[payment.cash_discount]
percent = "1"
within_days = 8
methods = ["lcr", "transfer"]
clause = { article = "Art. 5" }
"""
    )
    assert codes(text) == [
        ("warning", "discount_method_not_accepted", "payment.cash_discount.methods[0]")
    ]


def test_consumer_sales_need_withdrawal_information():
    text = BASE + "\n[consumers]\nallowed = true\n\n[pricing]\nprices_include_vat = true\n"
    assert codes(text) == [("error", "missing_withdrawal", "consumers.withdrawal")]


def test_invalid_withdrawal_exception_is_an_error():
    text = (
        BASE
        + """
[pricing]
prices_include_vat = true

[consumers]
allowed = true

[consumers.withdrawal]
days = 14
exceptions = ["perishable_goods", "sale_items"]
"""
    )
    assert codes(text) == [
        ("error", "invalid_withdrawal_exception", "consumers.withdrawal.exceptions[1]")
    ]


def test_withdrawal_shorter_than_14_days_is_an_error():
    text = (
        BASE
        + """
[pricing]
prices_include_vat = true

[consumers]
allowed = true

[consumers.withdrawal]
days = 7
"""
    )
    assert codes(text) == [("error", "withdrawal_too_short", "consumers.withdrawal.days")]


def test_consumer_prices_excl_vat_is_a_warning():
    text = BASE + "\n[consumers]\nallowed = true\n\n[consumers.withdrawal]\ndays = 14\n"
    assert codes(text) == [("warning", "consumer_prices_excl_vat", "pricing.prices_include_vat")]


def test_digital_withdrawal_end_needs_the_legal_exception():
    text = (
        BASE
        + """
[pricing]
prices_include_vat = true

[consumers]
allowed = true

[consumers.withdrawal]
days = 14

[digital]
withdrawal_ends_on = ["download"]
"""
    )
    assert codes(text) == [
        ("error", "withdrawal_end_without_exception", "digital.withdrawal_ends_on")
    ]
    fixed = text.replace(
        "days = 14", 'days = 14\nexceptions = ["digital_content_started_with_waiver"]'
    )
    assert codes(fixed) == []


def test_unreachable_shipping_fee_is_a_warning():
    text = (
        BASE
        + """
[ordering.minimum_order]
amount = "300.00"
policy = "refuse"
clause = { article = "Art. 3" }

[ordering.shipping]
free_threshold = "200.00"
fee = "15.00"
clause = { article = "Art. 3" }
"""
    )
    assert codes(text) == [
        ("warning", "shipping_fee_unreachable", "ordering.shipping.free_threshold")
    ]


def test_enforced_rule_without_clause_is_a_warning():
    text = BASE.replace('clause = { article = "Art. 5" }\n', "")
    assert codes(text) == [("warning", "missing_clause", "payment.options[0].clause")]


def test_errors_come_first():
    text = BASE.replace("days = 30 }", "days = 90 }").replace(
        'clause = { article = "Art. 5" }\n', ""
    )
    found = lint(load_terms(text))
    assert [f.severity for f in found] == ["error", "warning"]
    assert [f.code for f in errors(found)] == ["payment_term_too_long"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("selective-beauty", []),
        ("digital-goods", []),
        ("marketplace", ["acceptance_deadline_missing"]),
        ("monthly-intranet", ["consumer_prices_excl_vat"]),
        ("electronics-wholesale", ["collection_costs_need_proof"]),
    ],
)
def test_preset_findings(name, expected):
    assert [f.code for f in lint(load_preset(name))] == expected


def test_findings_render_with_their_law():
    text = BASE.replace("days = 30 }", "days = 90 }")
    (finding,) = lint(load_terms(text))
    assert str(finding).startswith("error: payment.options[0].due.days: a payment term of 90 days")
    assert finding.as_dict()["rule"] == "PT2"


def test_pure_modules_do_not_import_django():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import comptoir.terms.schema, comptoir.terms.loader, comptoir.terms.linter\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
