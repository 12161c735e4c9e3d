import itertools
from datetime import date
from decimal import Decimal as D

import pytest

from comptoir.billing.rules import Address, DocumentDraft, LineInput, PartySnapshot, References
from comptoir.parties.models import Organization

_sirens = itertools.count(732829320)


def make_org(name: str, **roles) -> Organization:
    roles = roles or {"is_buyer": True}
    return Organization.objects.create(legal_name=name, siren=str(next(_sirens)), **roles)


def snapshot(org: Organization, city: str = "Paris") -> PartySnapshot:
    return PartySnapshot(
        name=org.legal_name,
        address=Address(line1="1 rue de la Paix", postcode="75002", city=city),
        siren=org.siren,
        siret=org.siren + "00012",
        vat_number="FR44" + org.siren,
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        organization_id=org.pk,
    )


def make_draft(seller, buyer, *, lines=None, n_lines: int = 3, **kw) -> DocumentDraft:
    if lines is None:
        lines = [
            LineInput(
                f"Article {i}", f"SKU-{i}", D(i + 1), D("12.50") + i, D(20) if i % 2 else D("5.5")
            )
            for i in range(n_lines)
        ]
    kw.setdefault("due_date", date(2027, 1, 19))
    kw.setdefault("references", References(order_number="C-2026-0042", purchase_order="PO-4711"))
    return DocumentDraft(
        issuer=snapshot(seller),
        recipient=snapshot(buyer, city="Lyon"),
        lines=tuple(lines),
        sale_date=date(2026, 11, 18),
        payment_terms_text="60 jours date de facture",
        **kw,
    )


@pytest.fixture
def seller(db):
    return make_org("Marque SAS", is_seller=True)


@pytest.fixture
def buyer(db):
    return make_org("Boutique SARL", is_buyer=True)


@pytest.fixture
def operator(db):
    return make_org("Comptoir SAS", is_operator=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
