import itertools

import pytest

from comptoir.parties.models import Organization

_sirens = itertools.count(100000001)


def make_org(name: str, **roles) -> Organization:
    roles = roles or {"is_buyer": True}
    return Organization.objects.create(legal_name=name, siren=str(next(_sirens)), **roles)


@pytest.fixture
def buyer(db):
    return make_org("Boutique SARL", is_buyer=True)


@pytest.fixture
def seller(db):
    return make_org("Marque SAS", is_seller=True)
