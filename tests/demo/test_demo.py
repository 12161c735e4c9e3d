"""The demo data: idempotent, valid identifiers, the access rules it is meant to show."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from stdnum import bic, ean, iban
from stdnum.fr import siren, siret, tva

from comptoir.catalog import queries as catalog_queries
from comptoir.catalog.models import (
    Brand,
    BrandApproval,
    CustomerCondition,
    PriceTier,
    Product,
    Promotion,
    StockLevel,
    Tariff,
    TariffPrice,
)
from comptoir.core.errors import NotFound
from comptoir.demo.builders import DEMO_PASSWORD, build_demo, demo_logins
from comptoir.parties import rules as party_rules
from comptoir.parties.models import Address, Membership, Organization, TermsPreset, User
from comptoir.parties.permissions import can_see_prices, has_permission

pytestmark = pytest.mark.django_db

MODELS = (
    User,
    Organization,
    Address,
    Membership,
    Brand,
    BrandApproval,
    Product,
    Tariff,
    TariffPrice,
    StockLevel,
    PriceTier,
    Promotion,
    CustomerCondition,
)


@pytest.fixture
def demo():
    build_demo()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_is_idempotent():
    first = build_demo()
    assert first.total > 0
    before = counts()
    second = build_demo()
    assert second.total == 0
    assert counts() == before


def test_command_prints_the_logins_and_runs_twice():
    out = StringIO()
    call_command("demo", stdout=out)
    before = counts()
    out2 = StringIO()
    call_command("demo", stdout=out2)
    assert counts() == before
    assert "nothing to create" in out2.getvalue()
    for _role, email, password, _org in demo_logins():
        assert email in out.getvalue()
        assert password == DEMO_PASSWORD


def test_every_demo_login_works(demo):
    for _role, email, password, organization in demo_logins():
        user = User.objects.get(email=email)
        assert user.is_active and user.check_password(password), email
        assert Membership.objects.filter(
            user=user, organization__trade_name=organization, is_active=True
        ).exists()
    admin = User.objects.get(email="admin@comptoir.example")
    assert admin.is_staff and admin.is_superuser


def test_identifiers_are_valid(demo):
    orgs = list(Organization.objects.all())
    assert len(orgs) == 10  # the operator, five sellers, three companies and a person buying
    person = Organization.objects.get(legal_name="Julien Roux")
    assert person.is_buyer and not person.is_company  # O17: may order as a consumer
    for org in orgs:
        assert siren.is_valid(org.siren), org
        assert siret.is_valid(org.siret) and org.siret.startswith(org.siren), org
        assert tva.is_valid(org.vat_number) and org.vat_number[4:] == org.siren, org
        assert iban.is_valid(org.iban) and bic.is_valid(org.bic), org
        party_rules.validate_identifiers(
            siren=org.siren, siret=org.siret, vat_number=org.vat_number, iban=org.iban, bic=org.bic
        )
        assert org.state == "active"
    gtins = list(Product.objects.exclude(gtin="").values_list("gtin", flat=True))
    assert len(gtins) > 80
    assert all(ean.is_valid(g) and len(g) == 13 for g in gtins)
    assert len(set(gtins)) == len(gtins)


def test_one_seller_per_preset_with_a_realistic_catalog(demo):
    sellers = Organization.objects.filter(is_seller=True)
    assert sorted(s.terms_preset for s in sellers) == sorted(TermsPreset.values)
    for seller in sellers:
        n = Product.objects.filter(seller=seller).count()
        assert 20 <= n <= 40, seller
        assert TariffPrice.objects.filter(product__seller=seller).count() == n
        assert StockLevel.objects.filter(product__seller=seller).count() == n
    assert Organization.objects.filter(is_operator=True).get().display_name == (
        "Comptoir Opérations"
    )
    assert set(Product.objects.values_list("pack_size", flat=True)) >= {6, 12, 24}


def test_selective_brand_shows_only_to_the_approved_salon(demo):
    beauty = Organization.objects.get(terms_preset=TermsPreset.SELECTIVE_BEAUTY)
    salon = Organization.objects.get(trade_name="Salon Belle Époque")
    grocer = Organization.objects.get(trade_name="Épicerie du Marais")
    prestige = Product.objects.get(sku="ML-P-SER-ECL")
    assert catalog_queries.product_for(salon, beauty, prestige.pk) == prestige
    with pytest.raises(NotFound):
        catalog_queries.product_for(grocer, beauty, prestige.pk)
    assert Brand.objects.filter(seller=beauty, selective=True).count() == 1
    assert Brand.objects.filter(seller=beauty, selective=False).count() == 1


def test_prices_and_the_employee_without_prices(demo):
    grocer = Organization.objects.get(trade_name="Épicerie du Marais")
    beer = Product.objects.get(sku="BV-BLO-33")
    owner = User.objects.get(email="buyer1@comptoir.example")
    stock_keeper = User.objects.get(email="buyer1.stock@comptoir.example")
    at = date(2026, 11, 22)
    info = catalog_queries.price_for(buyer=grocer, product=beer, at=at, user=owner)
    assert info is not None and info.rules == ("C3", "C5")
    assert catalog_queries.price_for(buyer=grocer, product=beer, at=at, user=stock_keeper) is None
    assert not can_see_prices(stock_keeper, grocer)
    assert has_permission(stock_keeper, grocer, "use_cart")
    assert catalog_queries.price_for(buyer=grocer, product=beer, at=date(2025, 12, 31)) is None


@pytest.mark.django_db
def test_every_demo_seller_has_its_preset_in_force():
    """Each seller's terms are its preset, published and in force in 2026 (N3)."""
    from comptoir.terms.queries import terms_document, terms_in_force

    build_demo()
    build_demo()  # idempotent: still one version per seller
    for seller in Organization.objects.filter(is_seller=True):
        version = terms_in_force(seller, date(2026, 11, 22))
        assert version is not None, seller.legal_name
        assert terms_document(version) is not None
        assert version.preset == seller.terms_preset
    from comptoir.terms.models import TermsVersion

    assert TermsVersion.objects.count() == Organization.objects.filter(is_seller=True).count()


def test_demo_history_has_orders_of_every_preset_in_many_states(demo):
    from comptoir.ordering.models import Order

    orders = Order.objects.filter(idempotency_key__startswith="demo-")
    presets = set(orders.values_list("terms_version__preset", flat=True))
    assert presets == {
        "monthly-intranet",
        "electronics-wholesale",
        "selective-beauty",
        "digital-goods",
        "marketplace",
    }
    states = set(orders.values_list("state", flat=True))
    assert {
        "submitted",
        "accepted",
        "modified",
        "refused",
        "lapsed",
        "shipped",
        "delivered",
        "frozen",
    } <= states
    assert orders.filter(invoice__isnull=False).count() >= 3  # invoiced at the terms' moment


@pytest.mark.parametrize("day", range(23, 30), ids=lambda d: f"2026-11-{d}")
def test_demo_history_builds_whatever_the_weekday(day):
    """The history is scripted in days before today; every weekday must let it play out (F4, O8)."""
    from datetime import datetime

    from comptoir.core import clock
    from comptoir.ordering.models import Order

    with clock.frozen(datetime(2026, 11, day, 16)):
        build_demo()
    orders = Order.objects.filter(idempotency_key__startswith="demo-")
    assert orders.count() == 16  # with the LCR order of selective beauty (PT1)
    states = set(orders.values_list("state", flat=True))
    assert {"submitted", "modified", "refused", "shipped", "frozen"} <= states, states
