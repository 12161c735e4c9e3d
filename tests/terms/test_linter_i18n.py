"""The legal linter's findings in both languages: every finding has a French text (``message_fr``)
next to the English ``message``, and whoever shows a finding picks the reader's language."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from comptoir.terms import linter
from comptoir.terms.linter import Finding, lint, report_message
from comptoir.terms.loader import load_terms
from tests.terms.test_linter import BASE

ECB_5 = 'kind = "reference_plus_points"\nreference = "ecb"\npoints = "5"'
MULTIPLE_3 = 'kind = "legal_rate_multiple"\nmultiplier = "3"'
CONSUMERS = "\n[pricing]\nprices_include_vat = true\n\n[consumers]\nallowed = true\n"
WITHDRAWAL = CONSUMERS + "\n[consumers.withdrawal]\ndays = 14\n"
NO_INDEMNITY = '[late_payment.fixed_indemnity]\namount = "40.00"\nclause = { article = "Art. 6" }\n'


def _replace(old: str, new: str):
    return lambda text: text.replace(old, new)


def _append(extra: str):
    return lambda text: text + extra


# (id, how BASE is changed, expected code, expected location): one case per Finding( of the linter
CASES = [
    (
        "multiplier",
        _replace('multiplier = "3"', 'multiplier = "2"'),
        "late_rate_below_floor",
        "late_payment.interest.multiplier",
    ),
    (
        "fixed_annual",
        _replace(MULTIPLE_3, 'kind = "fixed_annual"\nrate = "7"'),
        "late_rate_below_floor",
        "late_payment.interest.rate",
    ),
    (
        "monthly",
        _replace(MULTIPLE_3, 'kind = "monthly"\nrate = "0.5"'),
        "late_rate_below_floor",
        "late_payment.interest.rate",
    ),
    (
        "ecb_points",
        _replace(MULTIPLE_3, ECB_5),
        "late_rate_below_floor",
        "late_payment.interest.points",
    ),
    (
        "no_indemnity",
        _replace(NO_INDEMNITY, ""),
        "missing_fixed_indemnity",
        "late_payment.fixed_indemnity",
    ),
    (
        "indemnity_low",
        _replace('amount = "40.00"', 'amount = "20.00"'),
        "fixed_indemnity_too_low",
        "late_payment.fixed_indemnity.amount",
    ),
    (
        "indemnity_high",
        _replace('amount = "40.00"', 'amount = "60.00"'),
        "fixed_indemnity_not_legal_amount",
        "late_payment.fixed_indemnity.amount",
    ),
    (
        "term_too_long",
        _replace("days = 30 }", "days = 90 }"),
        "payment_term_too_long",
        "payment.options[0].due.days",
    ),
    (
        "term_may_exceed",
        _replace('basis = "invoice", days = 30', 'basis = "validation", days = 60'),
        "payment_term_may_exceed",
        "payment.options[0].due.basis",
    ),
    ("no_withdrawal", _append(CONSUMERS), "missing_withdrawal", "consumers.withdrawal"),
    (
        "withdrawal_short",
        _append(CONSUMERS + "\n[consumers.withdrawal]\ndays = 7\n"),
        "withdrawal_too_short",
        "consumers.withdrawal.days",
    ),
    (
        "refund_late",
        _append(WITHDRAWAL + "refund_within_days = 30\n"),
        "withdrawal_refund_too_late",
        "consumers.withdrawal.refund_within_days",
    ),
    (
        "bad_exception",
        _append(WITHDRAWAL + 'exceptions = ["sale_items"]\n'),
        "invalid_withdrawal_exception",
        "consumers.withdrawal.exceptions[0]",
    ),
    (
        "no_form",
        _append(WITHDRAWAL + "form_provided = false\n"),
        "withdrawal_form_missing",
        "consumers.withdrawal.form_provided",
    ),
    (
        "no_waiver",
        _append(
            WITHDRAWAL + '\n[digital]\nwithdrawal_ends_on = ["download"]\n'
            "express_waiver_required = false\n"
        ),
        "withdrawal_waiver_not_recorded",
        "digital.express_waiver_required",
    ),
    (
        "no_exception",
        _append(WITHDRAWAL + '\n[digital]\nwithdrawal_ends_on = ["download"]\n'),
        "withdrawal_end_without_exception",
        "digital.withdrawal_ends_on",
    ),
    (
        "prices_excl_vat",
        _append("\n[consumers]\nallowed = true\n\n[consumers.withdrawal]\ndays = 14\n"),
        "consumer_prices_excl_vat",
        "pricing.prices_include_vat",
    ),
    (
        "discount_method",
        _append(
            '\n[payment.cash_discount]\npercent = "1"\nwithin_days = 8\n'
            'methods = ["lcr"]\nclause = { article = "Art. 5" }\n'
        ),
        "discount_method_not_accepted",
        "payment.cash_discount.methods[0]",
    ),
    (
        "fee_exemption",
        _append(
            '\n[payment.financial_fees]\npercent = "1"\nexempt_methods = ["lcr"]\n'
            'beyond = { basis = "invoice", days = 30 }\n'
            'clause = { article = "Art. 5" }\n'
        ),
        "fee_exemption_method_not_accepted",
        "payment.financial_fees.exempt_methods[0]",
    ),
    (
        "shipping_unreachable",
        _append(
            '\n[ordering.minimum_order]\namount = "300.00"\n'
            'policy = "refuse"\nclause = { article = "Art. 3" }\n'
            '\n[ordering.shipping]\nfree_threshold = "200.00"\n'
            'fee = "15.00"\nclause = { article = "Art. 3" }\n'
        ),
        "shipping_fee_unreachable",
        "ordering.shipping.free_threshold",
    ),
    (
        "shipping_no_fee",
        _append(
            '\n[ordering.shipping]\nfree_threshold = "200.00"\nclause = { article = "Art. 3" }\n'
        ),
        "shipping_fee_missing",
        "ordering.shipping.fee",
    ),
    (
        "frequency",
        _append(
            '\n[ordering.frequency]\nperiod = "calendar_month"\npolicy = "refuse"\n'
            'max_orders = 2\nclause = { article = "Art. 2" }\n'
            '\n[ordering.processing]\nmode = "monthly"\nweekday = "tuesday"\n'
            "nth = 2\n"
        ),
        "frequency_above_batches",
        "ordering.frequency.max_orders",
    ),
    (
        "acceptance",
        _append('\n[ordering.acceptance]\nmode = "manual"\n'),
        "acceptance_deadline_missing",
        "ordering.acceptance.deadline",
    ),
    (
        "collection_costs",
        _append(
            '\n[late_payment.collection_costs]\npercent = "15"\nclause = { article = "Art. 6" }\n'
        ),
        "collection_costs_need_proof",
        "late_payment.collection_costs",
    ),
    (
        "assignment",
        _replace('method = "transfer"\n', 'method = "transfer"\ninvoice_assigned = true\n'),
        "assignment_without_partner",
        "payment.options[0].partner",
    ),
    (
        "no_clause",
        _replace('clause = { article = "Art. 5" }\n', ""),
        "missing_clause",
        "payment.options[0].clause",
    ),
]


def _finding(change, code: str, location: str) -> Finding:
    found = [f for f in lint(load_terms(change(BASE))) if (f.code, f.location) == (code, location)]
    assert len(found) == 1, [(f.code, f.location) for f in lint(load_terms(change(BASE)))]
    return found[0]


@pytest.mark.parametrize(
    ("change", "code", "location"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_every_finding_has_a_french_text(change, code, location):
    finding = _finding(change, code, location)
    assert finding.message and finding.message_fr
    assert finding.message_fr != finding.message
    assert finding.message_fr[0].isupper()
    assert finding.text("fr") == finding.text("fr-ca") == finding.message_fr
    assert finding.text("en") == finding.text(None) == finding.message
    assert finding.as_dict()["message_fr"] == finding.message_fr
    assert finding.as_dict()["message"] == finding.message


def test_the_cases_cover_every_finding_the_linter_builds():
    source = Path(linter.__file__).read_text(encoding="utf-8")
    built = re.findall(r'Finding\(\s*"(?:error|warning)",\s*"(\w+)"', source)
    assert len(built) == 24
    assert sorted({c[2] for c in CASES}) == sorted(set(built))
    assert len(CASES) == 24 + 2  # late_rate_below_floor: the multiplier, then 3 other kinds


# --- a worked case: the exact French wording, with decimal commas -------------------------------


def test_a_late_payment_rate_below_the_floor_in_french():
    text = BASE.replace(MULTIPLE_3, 'kind = "fixed_annual"\nrate = "7.5"')
    (finding,) = lint(load_terms(text), legal_rate=Decimal("2.62"))
    assert finding.message_fr == (
        "Les intérêts de retard au taux de 7,5 % par an sont inférieurs au plancher légal de "
        "3 × le taux d'intérêt légal (3 × 2,62 % = 7,86 %)"
    )
    assert finding.message == (
        "late-payment interest of 7,5 % a year is below 3 × the legal interest rate "
        "(3 × 2,62 % = 7,86 %)"
    )
    (multiple,) = lint(load_terms(BASE.replace('multiplier = "3"', 'multiplier = "2.5"')))
    assert multiple.message_fr == (
        "Les intérêts de retard de 2,5 × le taux d'intérêt légal sont inférieurs au plancher "
        "légal de 3 × le taux d'intérêt légal"
    )
    (ecb,) = lint(load_terms(BASE.replace(MULTIPLE_3, ECB_5.replace('"5"', '"1.5"'))))
    assert "majoré de 1,5 point (3,65 % avec un taux BCE de 2,15 %)" in ecb.message_fr


def test_french_amounts_and_payment_terms():
    low = _finding(
        _replace('amount = "40.00"', 'amount = "20.00"'),
        "fixed_indemnity_too_low",
        "late_payment.fixed_indemnity.amount",
    )
    assert low.message_fr == (
        "L'indemnité forfaitaire pour frais de recouvrement est fixée à 40 € par décret, et non "
        "à 20,00\u00a0€"  # the amount as the site writes it (Babel, non-breaking space)
    )
    eom = 'convention = "days_then_end_of_month", days = 60 }'
    term = _finding(
        _replace("days = 30 }", eom), "payment_term_too_long", "payment.options[0].due.days"
    )
    assert term.message_fr == (
        "Le délai de paiement « 60 jours fin de mois » à compter de la date d'émission de la "
        "facture dépasse le délai maximal légal de 45 jours fin de mois à compter de la date "
        "d'émission de la facture"
    )


def test_a_stored_report_without_french_gives_its_english_message():
    legacy = {"severity": "error", "code": "late_rate_below_floor", "message": "below the floor"}
    assert report_message(legacy, "fr") == report_message(legacy, "en") == "below the floor"
    (finding,) = lint(load_terms(BASE.replace('multiplier = "3"', 'multiplier = "2"')))
    stored = finding.as_dict()
    assert report_message(stored, "fr") == finding.message_fr
    assert report_message(stored, "en-gb") == finding.message


# --- publication refused: the message in the active language ------------------------------------


@pytest.mark.django_db
def test_the_publication_refusal_is_in_the_readers_language():
    from comptoir.parties.models import Organization
    from comptoir.terms.loader import preset_text
    from comptoir.terms.services import (
        TermsNotPublishable,
        terms_version_create_draft,
        terms_version_publish,
    )

    seller = Organization.objects.create(legal_name="Vendeur", siren="123456782", is_seller=True)
    source = preset_text("selective-beauty").replace('multiplier = "3"', 'multiplier = "2"')
    draft = terms_version_create_draft(seller=seller, source=source)
    assert draft.lint_report[0]["message_fr"].startswith("Les intérêts de retard de 2 ×")
    with translation.override("fr"), pytest.raises(TermsNotPublishable) as french:
        terms_version_publish(version=draft)
    assert french.value.message == (
        "late_payment.interest.multiplier: Les intérêts de retard de 2 × le taux d'intérêt "
        "légal sont inférieurs au plancher légal de 3 × le taux d'intérêt légal "
        "[C. com. L441-10 II]"
    )
    [found] = french.value.details["findings"]
    assert found["message"].startswith("late-payment interest of 2 ×")
    assert found["message_fr"].startswith("Les intérêts de retard de 2 ×")
    with translation.override("en"), pytest.raises(TermsNotPublishable) as english:
        terms_version_publish(version=draft)
    assert english.value.message.startswith(
        "late_payment.interest.multiplier: late-payment interest of 2 × the legal rate"
    )


# --- the command line: the active language (French by default), both texts in JSON -------------


def _check(*args: str) -> tuple[int, str]:
    from tests.terms.test_cli_check import run

    code, out, _err = run("check", *args)
    return code, out


def test_the_check_command_prints_the_active_language(tmp_path):
    from comptoir.terms.loader import PRESETS_DIR

    source = (PRESETS_DIR / "selective-beauty.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(source.replace('multiplier = "3"', 'multiplier = "2"'), encoding="utf-8")
    translation.deactivate()  # as a command runs: no language activated, the default (French)
    code, out = _check(str(bad))
    assert code == 2
    assert ": late_payment.interest.multiplier: Les intérêts de retard de 2 ×" in out
    assert "[C. com. L441-10 II] (late_rate_below_floor)" in out
    with translation.override("en"):
        code, out = _check(str(bad))
    assert code == 2
    assert "error: late_payment.interest.multiplier: late-payment interest of 2 ×" in out
    assert "1 error(s), 0 warning(s)" in out


def test_the_json_report_carries_both_texts(tmp_path):
    from comptoir.terms.loader import PRESETS_DIR

    code, out = _check("--json", str(PRESETS_DIR / "monthly-intranet.toml"))
    assert code == 1
    [found] = json.loads(out)[str(PRESETS_DIR / "monthly-intranet.toml")]["findings"]
    assert found["code"] == "consumer_prices_excl_vat"
    assert found["message"].startswith("prices shown to consumers must include VAT")
    assert found["message_fr"].startswith("Les prix affichés aux consommateurs")
