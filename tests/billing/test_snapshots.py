"""The batch's party snapshots (one query for many organizations) are those printed one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.billing.snapshots import party_snapshot, party_snapshots
from comptoir.parties.models import Address, AddressKind
from tests.parties.factories import make_org

pytestmark = pytest.mark.django_db


def _address(org, kind, line1):
    return Address.objects.create(
        organization=org, kind=kind, line1=line1, postcode="75001", city="Paris"
    )


def test_many_snapshots_are_the_snapshots_of_each_in_one_query():
    billing, registered, bare = (make_org(buyer=True) for _ in range(3))
    Address.objects.filter(organization__in=[billing, registered, bare]).delete()
    _address(billing, AddressKind.REGISTERED, "1 rue du Siège")
    _address(billing, AddressKind.BILLING, "2 rue de la Facturation")
    _address(billing, AddressKind.BILLING, "3 rue Plus Récente")  # of a kind, the first one stays
    _address(registered, AddressKind.REGISTERED, "4 rue du Siège")
    _address(registered, AddressKind.DELIVERY, "5 quai de Livraison")
    orgs = {org.pk: org for org in (billing, registered, bare)}
    with CaptureQueriesContext(connection) as done:
        many = party_snapshots(orgs)
    assert len(done.captured_queries) == 1
    assert many == {pk: party_snapshot(org) for pk, org in orgs.items()}
    assert many[billing.pk].address.line1 == "2 rue de la Facturation"
    assert many[registered.pk].address.line1 == "4 rue du Siège"
    assert many[bare.pk].address.line1 == ""
