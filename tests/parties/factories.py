"""Real-flow builders for parties tests: they call the services."""

from __future__ import annotations

import itertools

from comptoir.demo import identifiers
from comptoir.parties import services
from comptoir.parties.models import Organization, OrganizationState, User

_seq = itertools.count(1)


def next_siren() -> str:
    return identifiers.siren(f"{70000000 + next(_seq) * 7919 % 29999999:08d}")


def make_user(email: str | None = None, **extra) -> User:
    email = email or f"user{next(_seq)}@example.test"
    return services.user_create(email=email, password="x-test-password-1", **extra)


def make_operator_user() -> User:
    return User.objects.create_superuser(f"op{next(_seq)}@comptoir.test", "x-test-password-1")


def make_org(
    *,
    actor: User | None = None,
    buyer: bool = False,
    seller: bool = False,
    name: str | None = None,
    siren: str | None = None,
    active: bool = True,
    owner: User | None = None,
    **extra,
) -> Organization:
    siren = siren or next_siren()
    n = next(_seq)
    org = services.organization_register(
        actor=actor,
        legal_name=name or f"Société Test {n} {'Achat' if buyer else 'Vente'} Numéro {n * 37}",
        siren=siren,
        siret=identifiers.siret(siren),
        vat_number=identifiers.vat_fr(siren),
        iban=identifiers.iban_fr("30004", "00823", f"{n:011d}"),
        bic="BNPAFRPP",
        is_buyer=buyer,
        is_seller=seller,
        owner=owner,
        **extra,
    )
    if active:
        Organization.objects.filter(pk=org.pk).update(state=OrganizationState.ACTIVE)
        org.refresh_from_db()
    return org


def make_marketplace_operator() -> Organization:
    """The marketplace operator's organization (one per platform): it invoices commissions (I8)
    and pays sellers out (PT14)."""
    existing = Organization.objects.filter(is_operator=True).order_by("pk").first()
    if existing is not None:
        return existing
    org = make_org(name="Halle Commune SAS", buyer=True)
    Organization.objects.filter(pk=org.pk).update(is_operator=True)
    org.refresh_from_db()
    return org
