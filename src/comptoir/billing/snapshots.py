"""Party snapshots from platform organizations, as printed on a document at issue time."""

from __future__ import annotations

from comptoir.billing.rules import Address, PartySnapshot
from comptoir.parties.models import Address as OrgAddress
from comptoir.parties.models import AddressKind, Organization


def address_of(org: Organization, kind: str = AddressKind.BILLING) -> Address | None:
    """The organization's address of `kind`, falling back to its registered office."""
    rows = {a.kind: a for a in OrgAddress.objects.filter(organization=org).order_by("-id")}
    row = rows.get(kind) or rows.get(AddressKind.REGISTERED)
    if row is None:
        return None
    return Address(
        line1=row.line1,
        line2=row.line2,
        postcode=row.postcode,
        city=row.city,
        country_code=row.country,
    )


def party_snapshot(org: Organization) -> PartySnapshot:
    address = address_of(org) or Address(line1="", postcode="", city="")
    return PartySnapshot(
        name=org.legal_name,
        address=address,
        siren=org.siren,
        siret=org.siret,
        vat_number=org.vat_number,
        iban=org.iban,
        bic=org.bic,
        organization_id=org.pk,
    )
