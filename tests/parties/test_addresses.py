"""Delivery and billing addresses of a company (P1): edit and delete by its managers, never
another company's, never the registered office; every change audited (P8)."""

from __future__ import annotations

import pytest

from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.core.models import AuditEntry
from comptoir.parties import services
from comptoir.parties.models import Address, AddressKind, Permission
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_user()


@pytest.fixture
def company(owner):
    return make_org(buyer=True, owner=owner)


def delivery(company, owner, **changes) -> Address:
    values = {
        "kind": AddressKind.DELIVERY,
        "label": "Entrepôt",
        "line1": "1 rue A",
        "postcode": "69001",
        "city": "Lyon",
    } | changes
    return services.address_add(
        actor=owner, organization=company, address=services.AddressInput(**values)
    )


def test_address_update_changes_the_row_and_audits_before_and_after(company, owner):
    address = delivery(company, owner)
    services.address_update(
        actor=owner,
        organization=company,
        address_id=address.pk,
        address=services.AddressInput(
            kind=AddressKind.BILLING,
            line1=" 2 rue B ",
            postcode="33000",
            city="Bordeaux",
            country="fr",
        ),
    )
    address.refresh_from_db()
    assert (address.kind, address.line1, address.city, address.country) == (
        "billing",
        "2 rue B",
        "Bordeaux",
        "FR",
    )
    data = AuditEntry.objects.get(action="address.update").data
    assert data["before"]["city"] == "Lyon" and data["after"]["city"] == "Bordeaux"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postcode": "123"}, "address.postcode"),
        ({"city": " "}, "address.city"),
        ({"country": "FRA"}, "address.country"),
        ({"kind": AddressKind.REGISTERED}, "kind"),
    ],
)
def test_address_update_checks_the_address(company, owner, changes, field):
    address = delivery(company, owner)
    values = {"kind": "delivery", "line1": "1 rue A", "postcode": "69001", "city": "Lyon"}
    with pytest.raises(DomainError) as refused:
        services.address_update(
            actor=owner,
            organization=company,
            address_id=address.pk,
            address=services.AddressInput(**(values | changes)),
        )
    assert refused.value.field == field
    address.refresh_from_db()
    assert address.city == "Lyon"


def test_the_registered_office_is_neither_edited_nor_deleted_here(company, owner):
    office = Address.objects.create(
        organization=company, kind=AddressKind.REGISTERED, line1="Siège", postcode="75001", city="P"
    )
    with pytest.raises(DomainError) as refused:
        services.address_delete(actor=owner, organization=company, address_id=office.pk)
    assert refused.value.code == "registered_office" and refused.value.rule == "P1"
    assert Address.objects.filter(pk=office.pk).exists()


def test_another_companys_address_is_not_found(company, owner):
    other_owner = make_user()
    other = make_org(buyer=True, owner=other_owner)
    theirs = delivery(other, other_owner)
    with pytest.raises(NotFound):
        services.address_delete(actor=owner, organization=company, address_id=theirs.pk)
    with pytest.raises(PermissionDenied):  # acting for a company it does not manage
        services.address_delete(actor=owner, organization=other, address_id=theirs.pk)
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_address_delete_needs_the_user_managers_right(company, owner):
    address = delivery(company, owner)
    clerk = make_user()
    services.membership_add(
        actor=owner, organization=company, user=clerk, permissions=[Permission.PLACE_ORDERS]
    )
    with pytest.raises(PermissionDenied):
        services.address_delete(actor=clerk, organization=company, address_id=address.pk)
    manager = make_user()
    services.membership_add(
        actor=owner, organization=company, user=manager, permissions=[Permission.MANAGE_USERS]
    )
    services.address_delete(actor=manager, organization=company, address_id=address.pk)
    assert not Address.objects.filter(pk=address.pk).exists()
    entry = AuditEntry.objects.get(action="address.delete")
    assert entry.data["city"] == "Lyon" and entry.object_id == str(address.pk)
