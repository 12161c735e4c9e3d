"""Pure rules: identifiers (P1), onboarding checklist (P2), names (P3), platform terms (P7)."""

from datetime import date, datetime

import pytest
from stdnum import bic, iban
from stdnum.fr import siren, siret, tva

from comptoir.core.errors import DomainError
from comptoir.parties import rules

SIREN = "732829320"
SIRET = "73282932000074"
VAT = "FR44732829320"
IBAN = "FR7630006000011234567890189"
BIC = "AGRIFRPP"


def test_valid_identifiers_are_returned_compact():
    ids = rules.validate_identifiers(
        siren="732 829 320",
        siret="732 829 320 00074",
        vat_number="FR 44 732 829 320",
        iban="FR76 3000 6000 0112 3456 7890 189",
        bic="agrifrpp",
    )
    assert ids == rules.Identifiers(SIREN, SIRET, VAT, IBAN, BIC)
    assert siren.is_valid(ids.siren) and siret.is_valid(ids.siret) and tva.is_valid(ids.vat_number)
    assert iban.is_valid(ids.iban) and bic.is_valid(ids.bic)


def test_optional_identifiers_may_be_empty():
    assert rules.validate_identifiers(siren=SIREN) == rules.Identifiers(SIREN)


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"siren": "732829321"}, "siren", "invalid_siren"),
        ({"siren": "73282932"}, "siren", "invalid_siren"),
        ({"siren": ""}, "siren", "invalid_siren"),
        ({"siren": SIREN, "siret": "73282932000075"}, "siret", "invalid_siret"),
        ({"siren": SIREN, "siret": "30326504500011"}, "siret", "siret_siren_mismatch"),
        ({"siren": SIREN, "vat_number": "FR45732829320"}, "vat_number", "invalid_vat_key"),
        ({"siren": SIREN, "vat_number": "FR40303265045"}, "vat_number", "vat_siren_mismatch"),
        ({"siren": SIREN, "vat_number": "DE123456789"}, "vat_number", "invalid_vat_number"),
        ({"siren": SIREN, "iban": "FR7630006000011234567890188"}, "iban", "invalid_iban"),
        ({"siren": SIREN, "iban": "FR76300060000112345"}, "iban", "invalid_iban"),
        ({"siren": SIREN, "bic": "AGRI-FR"}, "bic", "invalid_bic"),
    ],
)
def test_bad_identifier_names_its_field(kwargs, field, code):
    with pytest.raises(DomainError) as raised:
        rules.validate_identifiers(**kwargs)
    assert raised.value.field == field
    assert raised.value.code == code
    assert raised.value.rule == "P1"
    assert raised.value.message


def test_siret_must_start_with_siren_even_if_valid():
    assert siret.is_valid("30326504500011")
    with pytest.raises(DomainError) as raised:
        rules.validate_identifiers(siren=SIREN, siret="30326504500011")
    assert raised.value.field == "siret"


def test_vat_key_formula():
    assert rules.vat_key("732829320") == "44"
    assert rules.vat_key("303265045") == "40"


def test_checklist_depends_on_role_and_options():
    assert rules.required_documents(is_buyer=True, is_seller=False) == (
        "kbis",
        "bank_details",
        "signed_terms",
    )
    assert "selective_contract" in rules.required_documents(
        is_buyer=True, is_seller=False, selective_distribution=True
    )
    seller = rules.required_documents(is_buyer=False, is_seller=True, financing_enabled=True)
    assert seller[-2:] == ("representative_id", "beneficial_owners")
    sole_trader = rules.required_documents(
        is_buyer=False, is_seller=True, financing_enabled=True, is_company=False
    )
    assert "beneficial_owners" not in sole_trader


def test_kbis_freshness_is_three_calendar_months():
    today = date(2026, 11, 22)
    assert rules.kbis_is_fresh(date(2026, 8, 22), today)
    assert not rules.kbis_is_fresh(date(2026, 8, 21), today)
    assert not rules.kbis_is_fresh(date(2026, 11, 23), today)
    assert rules.months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)


def test_document_problems_missing_expired_rejected():
    today = date(2026, 11, 22)
    docs = [
        rules.DocumentFact("kbis", "accepted", date(2026, 1, 5)),
        rules.DocumentFact("bank_details", "rejected", None),
    ]
    problems = rules.document_problems(
        required=("kbis", "bank_details", "signed_terms"), documents=docs, today=today
    )
    assert [(p.kind, p.problem) for p in problems] == [
        ("kbis", "expired"),
        ("bank_details", "rejected"),
        ("signed_terms", "missing"),
    ]


def test_names_normalised_and_compared():
    assert rules.normalise_name("Épicerie du Marais SARL") == "epicerie du marais"
    assert rules.is_similar_name("Epicerie du Marrais", "Épicerie du Marais")
    assert not rules.is_similar_name("Volta Distribution", "Salon Belle Époque")


@pytest.mark.parametrize(
    ("name", "is_domain"),
    [
        ("www.boutique.fr", True),
        ("https://ma-boutique", True),
        ("boutique-mode.com", True),
        ("Salon Belle Époque", False),
        ("Bureau Central S.A.R.L.", False),
    ],
)
def test_shop_name_may_not_be_a_domain(name, is_domain):
    assert rules.looks_like_domain(name) is is_domain


def test_platform_terms_take_effect_15_days_later():
    published = datetime(2026, 11, 22, 10, 0)
    assert rules.platform_terms_effective_at(published) == datetime(2026, 12, 7, 10, 0)
