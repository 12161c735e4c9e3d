"""Alphabetical order whatever the database's collation (core/sorting.py): products, brands and
organizations are listed with accents, ligatures and case ignored, and searched the same way."""

from __future__ import annotations

import pytest

from comptoir.catalog import queries as catalog
from comptoir.catalog.services import brand_create
from comptoir.core.sorting import sort_key
from comptoir.parties import queries as parties
from comptoir.parties.models import Organization
from comptoir.parties.services import organization_update
from tests.parties.factories import make_operator_user, make_org, make_user

NAMES = ["Zénith Distribution", "Éditions du Marais", "atelier Carmin", "Œnologie Plus", "Orfèvre"]
IN_ORDER = ["atelier Carmin", "Éditions du Marais", "Œnologie Plus", "Orfèvre"]
IN_ORDER += ["Zénith Distribution"]


def test_the_key_of_a_name():
    assert [sort_key(n) for n in IN_ORDER] == sorted(sort_key(n) for n in NAMES)
    assert sort_key(None) == "" and sort_key("  Éa  b ") == "ea b"


@pytest.mark.django_db
def test_sellers_and_brands_are_listed_in_alphabetical_order():
    sellers = [make_org(seller=True, name=name) for name in NAMES]
    shown = [s.legal_name for s in catalog.visible_sellers() if s in sellers]
    assert shown == IN_ORDER
    owner = make_user()
    seller = make_org(seller=True, owner=owner)
    for name in NAMES:
        brand_create(actor=owner, seller=seller, name=name)
    assert [b.name for b in catalog.visible_brands(None, seller)] == IN_ORDER


@pytest.mark.django_db
def test_the_operator_finds_an_organization_without_its_accents_and_lists_them_in_order():
    operator = make_operator_user()
    orgs = [make_org(buyer=True, name=name) for name in NAMES]
    found = parties.organizations_for_operator(actor=operator, search="EDITIONS DU")
    assert list(found) == [orgs[1]]
    listed = [o.legal_name for o in parties.organizations_for_operator(actor=operator)]
    assert [n for n in listed if n in NAMES] == IN_ORDER


@pytest.mark.django_db
def test_a_new_legal_name_moves_the_organization_even_when_only_that_field_is_saved():
    owner = make_user()
    org = make_org(buyer=True, name="Zénith", owner=owner)
    organization_update(actor=owner, organization=org, changes={"legal_name": "Âtre et Cie"})
    assert Organization.objects.get(pk=org.pk).sort_name == "atre et cie"
