"""Party snapshots from platform organizations, as printed on a document at issue time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from comptoir.billing.rules import Address, PartySnapshot
from comptoir.parties.models import Address as OrgAddress
from comptoir.parties.models import AddressKind, Organization


def _address(rows: dict[str, OrgAddress], kind: str) -> Address | None:
    """Of an organization's addresses by kind, the one of `kind`, else the registered office."""
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


def _by_kind(rows: Iterable[OrgAddress]) -> dict[str, OrgAddress]:
    """Addresses by kind, read newest first: of one kind, the oldest stays."""
    return {a.kind: a for a in rows}


def address_of(org: Organization, kind: str = AddressKind.BILLING) -> Address | None:
    """The organization's address of `kind`, falling back to its registered office."""
    return _address(_by_kind(OrgAddress.objects.filter(organization=org).order_by("-id")), kind)


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
    for row in OrgAddress.objects.filter(organization_id__in=list(orgs)).order_by("-id"):
        found[row.organization_id].append(row)
    return {
        pk: _snapshot(org, _address(_by_kind(found[pk]), AddressKind.BILLING))
        for pk, org in orgs.items()
    }
