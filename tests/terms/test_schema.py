"""The terms schema: unknown keys, wrong types and negative amounts are errors with a dotted
location; decimals never go through binary floats."""

import re
import tomllib
import typing
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from comptoir.core.errors import DomainError
from comptoir.terms.loader import TermsInvalid, dotted, load_terms
from comptoir.terms.schema import Clause, Delay, Flag, TermsDocument

MINIMAL = """
[meta]
title = "CGV"

[seller]
name = "Vendeur exemple"

[[payment.options]]
id = "transfer-30"
method = "transfer"
due = { basis = "invoice", days = 30 }

[late_payment.interest]
kind = "legal_rate_multiple"
multiplier = "3"

[late_payment.fixed_indemnity]
amount = "40.00"
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(TermsInvalid) as caught:
        load_terms(text)
    assert isinstance(caught.value, DomainError)
    assert caught.value.code == "terms_invalid"
    return [str(e) for e in caught.value.errors]


def test_minimal_document_loads_with_defaults():
    doc = load_terms(MINIMAL)
    assert isinstance(doc, TermsDocument)
    assert doc.schema_version == 1
    assert doc.payment.options[0].due.days == 30
    assert doc.payment.options[0].due.convention == "calendar"
    assert doc.ordering.processing.mode == "immediate"
    assert doc.consumers.allowed is False
    assert doc.late_payment.fixed_indemnity.amount == Decimal("40.00")


def test_unknown_key_is_an_error_with_its_location():
    text = MINIMAL.replace('name = "Vendeur exemple"', 'name = "V"\nnickname = "x"')
    assert errors_of(text) == ["seller.nickname: Extra inputs are not permitted"]


def test_unknown_key_in_a_list_item_is_located_by_index():
    text = (
        MINIMAL
        + """
[[payment.options]]
id = "card"
method = "card"
due = { basis = "order", convention = "immediate", delay = 3 }
"""
    )
    assert errors_of(text) == ["payment.options[1].due.delay: Extra inputs are not permitted"]


def test_negative_days_are_located():
    text = (
        MINIMAL
        + """
[[payment.options]]
id = "lcr"
method = "lcr"
due = { basis = "invoice", days = -5 }
"""
    )
    assert errors_of(text) == [
        "payment.options[1].due.days: Input should be greater than or equal to 0"
    ]


def test_negative_amount_is_an_error():
    text = (
        MINIMAL
        + """
[ordering.minimum_order]
amount = "-100.00"
policy = "refuse"
"""
    )
    assert errors_of(text) == [
        "ordering.minimum_order.amount: Input should be greater than or equal to 0"
    ]


def test_wrong_types_are_errors():
    text = MINIMAL.replace('id = "transfer-30"', 'id = "transfer-30"\nlabel = 12')
    text = text.replace('amount = "40.00"', 'amount = "quarante"')
    found = errors_of(text)
    assert "payment.options[0].label: Input should be a valid string" in found
    assert any(e.startswith("late_payment.fixed_indemnity.amount: ") for e in found)
    assert any("not a decimal number" in e for e in found)


def test_integer_fields_are_strict():
    text = MINIMAL.replace("days = 30", 'days = "30"')
    assert errors_of(text) == ["payment.options[0].due.days: Input should be a valid integer"]


def test_unknown_enum_value_is_an_error():
    text = MINIMAL.replace('method = "transfer"', 'method = "cheque"')
    (only,) = errors_of(text)
    assert only.startswith("payment.options[0].method: Input should be 'card', ")


def test_missing_sections_are_reported():
    found = errors_of('[meta]\ntitle = "x"\n[seller]\nname = "S"\n')
    assert found == ["payment: Field required", "late_payment: Field required"]


def test_toml_floats_become_exact_decimals():
    text = MINIMAL.replace('multiplier = "3"', "multiplier = 3").replace(
        '[late_payment.fixed_indemnity]\namount = "40.00"',
        "[late_payment.fixed_indemnity]\namount = 40.0",
    )
    text += "\n[ordering.shipping]\nfree_threshold = 200.1\nfee = 15\n"
    doc = load_terms(text)
    assert doc.ordering.shipping.free_threshold == Decimal("200.1")
    assert doc.ordering.shipping.fee == Decimal("15")
    assert doc.late_payment.fixed_indemnity.amount == Decimal("40.0")


def test_money_has_at_most_two_decimals():
    text = MINIMAL + '\n[ordering.shipping]\nfee = "15.005"\n'
    (only,) = errors_of(text)
    assert only.startswith("ordering.shipping.fee: ")


def test_booleans_are_not_numbers():
    text = MINIMAL.replace('multiplier = "3"', "multiplier = true")
    (only,) = errors_of(text)
    assert only.startswith("late_payment.interest.multiplier: ")


def test_interest_kind_needs_its_parameters():
    text = MINIMAL.replace('kind = "legal_rate_multiple"', 'kind = "fixed_annual"')
    (only,) = errors_of(text)
    assert only == "late_payment.interest: kind 'fixed_annual' needs rate"


def test_cross_field_rules():
    text = MINIMAL + '\n[ordering.frequency]\npolicy = "fee"\nfree_orders = 2\n'
    (only,) = errors_of(text)
    assert only == (
        "ordering.frequency: policy 'fee' needs free_orders, fee_per_bracket and bracket"
    )


def test_financing_needs_a_partner_and_deferrals_need_financing():
    text = MINIMAL.replace('method = "transfer"', 'method = "transfer"\ndeferrals = [30]')
    (only,) = errors_of(text)
    assert only == "payment.options[0]: deferrals and instalments need method 'financing_partner'"


def test_duplicate_payment_option_ids():
    text = (
        MINIMAL
        + """
[[payment.options]]
id = "transfer-30"
method = "card"
due = { convention = "immediate" }
"""
    )
    assert errors_of(text) == ["payment: payment option ids must be unique"]


def test_documents_are_frozen():
    doc = load_terms(MINIMAL)
    with pytest.raises(ValueError):
        doc.meta.title = "other"  # type: ignore[misc]


def test_toml_syntax_error_is_reported_without_location():
    with translation.override("en"):  # the message follows the active language
        (only,) = errors_of("[meta\ntitle = 1")
    assert only.startswith("TOML syntax error: ")


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.toml"
    (only,) = errors_of(str(missing))
    assert only == f"file not found: {missing}"


def test_json_round_trip_keeps_values():
    doc = load_terms(MINIMAL + '\n[fulfilment.lead_time]\namount = 6\nfrom = "order_receipt"\n')
    data = doc.to_json()
    assert data["fulfilment"]["lead_time"]["from"] == "order_receipt"
    assert data["late_payment"]["fixed_indemnity"]["amount"] == "40.00"
    assert TermsDocument.model_validate(data) == doc


def test_dotted_locations():
    assert dotted(("payment", "options", 1, "due", "days")) == "payment.options[1].due.days"
    assert dotted(("a", "function-after[_complete()]", "b")) == "a.b"


def test_clauses_are_listed_with_their_rule_location():
    text = MINIMAL.replace(
        'multiplier = "3"', 'multiplier = "3"\nclause = { article = "Art. 7", text = "3 fois" }'
    )
    doc = load_terms(text)
    assert [(where, c.article) for where, c in doc.clauses()] == [
        ("late_payment.interest", "Art. 7")
    ]


# --- docs/terms-reference.md stays true to the schema ---------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "terms-reference.md"


def _merge(base: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        elif isinstance(value, list) and isinstance(base.get(key), list):
            base[key] = base[key] + value
        else:
            base[key] = value
    return base


def _all_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        keys.add(key)
        for sub in _models_in(field.annotation):
            if sub in (Clause, Delay, Flag):
                continue
            is_list = "list[" in str(field.annotation)
            keys |= _all_keys(sub, f"{key}{'[]' if is_list else ''}.")
    return keys


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def test_every_toml_example_in_the_reference_validates():
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 15
    for block in blocks:
        base = tomllib.loads(MINIMAL)
        data = _merge(base, tomllib.loads(block))
        if "payment" in tomllib.loads(block):
            data["payment"]["options"] = [
                o for o in data["payment"]["options"] if o["id"] != "transfer-30"
            ] or data["payment"]["options"]
        TermsDocument.model_validate(data)


def test_every_key_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    missing = sorted(k for k in _all_keys(TermsDocument) if f"`{k}`" not in text)
    assert missing == []
    assert "## The quote" in text


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_toml_float_amounts_are_exact(amount):
    text = MINIMAL + f"\n[ordering.shipping]\nfee = {float(amount)!r}\n"
    assert load_terms(text).ordering.shipping.fee == amount
