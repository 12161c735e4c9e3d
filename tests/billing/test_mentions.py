"""Mentions follow from the facts of the sale (I2, I3, PT3, PT15; DOMAIN-NOTES 1.5, 2.1-2.3)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from comptoir.billing.mentions import NO_CASH_DISCOUNT, TermsFacts, mentions_for
from comptoir.billing.rules import Address, DocumentDraft, LineInput, PartySnapshot

HQ = Address(line1="2 rue B", postcode="69001", city="Lyon")
BRAND = PartySnapshot(name="Marque SAS", address=HQ, siren="732829320", organization_id=1)
SHOP = PartySnapshot(name="Boutique SARL", address=HQ, siren="552100554", organization_id=2)
DRAFT = DocumentDraft(
    issuer=BRAND,
    recipient=SHOP,
    lines=(LineInput("Savon", "SAV-1", D(12), D("3.50"), D(20)),),
    sale_date=date(2026, 11, 20),
    due_date=date(2027, 1, 19),
)


def codes(mentions) -> list[str]:
    return [m.code for m in mentions]


def texts(mentions) -> str:
    return "\n".join(m.text for m in mentions)


def test_marketplace_invoice_under_billing_mandate():
    facts = TermsFacts(mandate_operator="Comptoir SAS", mandate_operator_siren="901234567")
    mentions = mentions_for(DRAFT, facts)
    assert mentions[0].code == "billing_mandate"
    assert mentions[0].text == (
        "Facture émise par Comptoir SAS (SIREN 901234567) au nom et pour le compte de Marque SAS."
    )
    assert "assigned" not in codes(mentions)


def test_financed_invoice_says_it_is_assigned_to_the_partner():
    mentions = mentions_for(DRAFT, TermsFacts(financing_partner="Finance Partenaire SA"))
    assert "Facture cédée à Finance Partenaire SA" in texts(mentions)


def test_invoice_with_a_cash_discount_prints_its_condition():
    facts = TermsFacts(cash_discount_text="1 % du montant HT pour paiement sous 8 jours")
    mentions = mentions_for(DRAFT, facts)
    aab = [m for m in mentions if m.note_subject == "AAB"]
    assert aab[0].text == "Escompte : 1 % du montant HT pour paiement sous 8 jours."
    assert NO_CASH_DISCOUNT not in texts(mentions)


def test_invoice_without_a_cash_discount_says_so_and_has_the_legal_notes():
    mentions = mentions_for(DRAFT, TermsFacts(late_penalty_rate_text="3 fois le taux légal"))
    assert NO_CASH_DISCOUNT in texts(mentions)
    assert {m.note_subject for m in mentions} >= {"AAB", "PMD", "PMT"}
    assert "3 fois le taux légal" in texts(mentions)
    assert "40 €" in texts(mentions)
    assert "indemnisation complémentaire" in texts(mentions)
    # no mandate, no financing, no retention of title unless the facts say so
    assert not {"billing_mandate", "assigned", "retention_of_title"} & set(codes(mentions))


def test_retention_of_title_when_the_terms_have_it():
    mentions = mentions_for(DRAFT, TermsFacts(retention_of_title=True))
    assert "réserve de propriété" in texts(mentions)


def test_reform_mentions_buyer_siren_delivery_address_nature_and_debits():
    depot = Address(line1="ZI Nord", postcode="38000", city="Grenoble", name="Dépôt")
    mentions = mentions_for(
        replace(DRAFT, delivery_address=depot, nature="services"), TermsFacts(vat_on_debits=True)
    )
    text = texts(mentions)
    assert "SIREN du client : 552100554." in text
    assert "Adresse de livraison : Dépôt, ZI Nord, 38000 Grenoble." in text
    assert "prestation de services" in text
    assert "d'après les débits" in text


def test_no_delivery_mention_when_delivered_at_the_client_address():
    mentions = mentions_for(replace(DRAFT, delivery_address=HQ), TermsFacts())
    assert "delivery_address" not in codes(mentions)
    assert "livraison de biens" in texts(mentions)
