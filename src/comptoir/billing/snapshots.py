"""Party snapshots from platform organizations, as printed on a document at issue time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from comptoir.billing.rules import Address, PartySnapshot
from comptoir.parties.models import Address as OrgAddress
from comptoir.parties.models import AddressKind, Organization


def printed_address(
    rows: Iterable[OrgAddress], kind: str = AddressKind.BILLING
) -> OrgAddress | None:
    """Of an organization's addresses, the one a document prints: its first recorded address of
    `kind`, else its first registered office. The account page marks it (web.company)."""
    chosen: dict[str, OrgAddress] = {}
    for row in rows:
        if row.kind not in chosen or row.pk < chosen[row.kind].pk:
            chosen[row.kind] = row
    return chosen.get(kind) or chosen.get(AddressKind.REGISTERED)


def _address(row: OrgAddress | None) -> Address | None:
    if row is None:
        return None
    return Address(
        line1=row.line1,
        line2=row.line2,
        postcode=row.postcode,
        city=row.city,
        country_code=row.country,
    )


def address_of(org: Organization, kind: str = AddressKind.BILLING) -> Address | None:
    """The organization's address of `kind`, falling back to its registered office."""
    kinds = [kind, AddressKind.REGISTERED]
    return _address(
        printed_address(OrgAddress.objects.filter(organization=org, kind__in=kinds), kind)
    )


def _snapshot(org: Organization, address: Address | None) -> PartySnapshot:
    return PartySnapshot(
        name=org.legal_name,
        address=address or Address(line1="", postcode="", city=""),
        siren=org.siren,
        siret=org.siret,
        vat_number=org.vat_number,
        iban=org.iban,
        bic=org.bic,
        organization_id=org.pk,
    )


def party_snapshot(org: Organization) -> PartySnapshot:
    return _snapshot(org, address_of(org))


def party_snapshots(orgs: Mapping[int, Organization]) -> dict[int, PartySnapshot]:
    """`party_snapshot` of many organizations (by id), their addresses read in one query."""
    found: dict[int, list[OrgAddress]] = defaultdict(list)
    kinds = [AddressKind.BILLING, AddressKind.REGISTERED]
    for row in OrgAddress.objects.filter(organization_id__in=list(orgs), kind__in=kinds):
        found[row.organization_id].append(row)
    return {pk: _snapshot(org, _address(printed_address(found[pk]))) for pk, org in orgs.items()}
