"""The formal notice to pay (N1): a registered letter rendered as PDF."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from comptoir.payments.letters import (
    ClaimedItem,
    LetterParty,
    NoticeLetter,
    formal_notice_pdf,
)


@pytest.fixture
def letter() -> NoticeLetter:
    return NoticeLetter(
        seller=LetterParty(
            name="Atelier Céramique du Marais",
            address_lines=("12 rue de Turenne", "75004 Paris"),
            siren="123456789",
        ),
        buyer=LetterParty(
            name="Boutique L'Écrin & Fils",
            address_lines=("3 place Bellecour", "69002 Lyon"),
            siren="987654321",
        ),
        sent_on=date(2026, 12, 14),
        deadline=date(2026, 12, 22),
        deadline_text="8 jours calendaires",
        items=(
            ClaimedItem(
                reference="FA-2026-0101",
                invoice_date=date(2026, 9, 30),
                due_date=date(2026, 10, 30),
                principal=Decimal("1200.00"),
                interest=Decimal("24.35"),
                indemnity=Decimal("40.00"),
                costs=Decimal("0"),
            ),
            ClaimedItem(
                reference="FA-2026-0117",
                invoice_date=date(2026, 10, 15),
                due_date=date(2026, 11, 14),
                principal=Decimal("834.50"),
                interest=Decimal("7.65"),
                indemnity=Decimal("40.00"),
                costs=Decimal("15.00"),
            ),
        ),
        interest_formula="5 × le taux de l'intérêt légal",
        consequences=(
            "Résolution de la vente et reprise des marchandises (Art. 5 des CGV).",
            "Suspension de toute livraison en cours (Art. 7 des CGV).",
        ),
        reference="MED-2026-0007",
        iban="FR7630006000011234567890189",
        payment_reference="MED-2026-0007",
    )


def _text(pdf: bytes) -> str:
    """The letter's text with every run of whitespace (no-break spaces too) as one space."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_total_adds_every_component_of_every_item(letter):
    # 1200 + 24.35 + 40 + 0 + 834.50 + 7.65 + 40 + 15
    assert letter.total == Decimal("2161.50")
    assert isinstance(letter.total, Decimal)


def test_total_of_no_item_is_a_decimal_zero(letter):
    empty = replace(letter, items=())
    assert empty.total == Decimal("0")
    assert isinstance(empty.total, Decimal)


def test_the_formal_notice_is_a_pdf_with_the_total_deadline_and_reference(letter):
    pdf = formal_notice_pdf(letter)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for expected in (
        "Lettre recommandée avec accusé de réception",
        "Objet : Mise en demeure de payer — réf. MED-2026-0007",
        "Paris, le 14 décembre 2026",
        "au plus tard le 22 décembre 2026",
        "8 jours calendaires",
        "la somme de 2 161,50 €",  # the total, French grouping
        "FA-2026-0101",
        "FA-2026-0117",
        "1 264,35 €",  # first line total
        "5 × le taux de l'intérêt légal",
        "Art. 5 des CGV",
        "FR76 3000 6000 0112 3456 7890 189",
        "SIREN 123 456 789",
        "Boutique L'Écrin & Fils",
        "Le service comptabilité",
    ):
        assert expected in text, expected


def test_the_first_of_the_month_is_written_1er(letter):
    first = replace(letter, deadline=date(2027, 1, 1))
    assert "au plus tard le 1er janvier 2027" in _text(formal_notice_pdf(first))
