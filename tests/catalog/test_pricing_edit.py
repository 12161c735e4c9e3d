"""Editing and deleting tariff prices (C3), tiers and promotions (C4) and customer conditions
(C5): the seller's members holding `manage_catalog` only, one transaction, audited (P8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from comptoir.catalog import services
from comptoir.catalog.models import CustomerCondition, PriceTier, Promotion, Tariff, TariffPrice
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.core.models import AuditEntry
from comptoir.parties import services as parties
from comptoir.parties.models import Permission
from tests.parties.factories import make_operator_user, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    owner = make_user()
    org = make_org(seller=True, owner=owner)
    org.owner_user = owner
    return org


@pytest.fixture
def owner(seller):
    return seller.owner_user


@pytest.fixture
def buyer():
    return make_org(buyer=True)


def employee(seller, owner, permissions):
    user = make_user()
    parties.membership_add(actor=owner, organization=seller, user=user, permissions=permissions)
    return user


def outsider():
    """The owner of another seller."""
    user = make_user()
    make_org(seller=True, owner=user)
    return user


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


# --- tariff prices (C3) ------------------------------------------------------------------------


def test_tariff_price_delete_takes_the_product_out_of_the_tariff(seller, owner):
    product = services.product_create(actor=owner, seller=seller, sku="A-1", title="Savon")
    tariff = services.tariff_create(
        actor=owner, seller=seller, name="T", valid_from=date(2026, 1, 1), prices={product.pk: 3}
    )
    services.tariff_price_delete(actor=owner, tariff=tariff, product=product)
    assert not TariffPrice.objects.filter(tariff=tariff).exists()
    entry = AuditEntry.objects.get(action="tariff.price_delete")
    assert D(entry.data["unit_price"]) == 3 and entry.organization_id == seller.pk
    with pytest.raises(NotFound):  # already gone
        services.tariff_price_delete(actor=owner, tariff=tariff, product=product)


def test_tariff_price_delete_needs_the_catalog_right(seller, owner):
    product = services.product_create(actor=owner, seller=seller, sku="A-1", title="Savon")
    tariff = services.tariff_create(
        actor=owner, seller=seller, name="T", valid_from=date(2026, 1, 1), prices={product.pk: 3}
    )
    viewer = employee(seller, owner, [Permission.VIEW_PRODUCTS, Permission.VIEW_PRICES])
    for actor in (viewer, outsider(), None):
        with pytest.raises(PermissionDenied):
            services.tariff_price_delete(actor=actor, tariff=tariff, product=product)
    assert TariffPrice.objects.filter(tariff=tariff).count() == 1
    manager = employee(seller, owner, [Permission.MANAGE_CATALOG])
    services.tariff_price_delete(actor=manager, tariff=tariff, product=product)
    assert not TariffPrice.objects.filter(tariff=tariff).exists()


# --- tiers (C4) --------------------------------------------------------------------------------


def test_tier_update_changes_the_tier_and_audits_before_and_after(seller, owner):
    tier = services.price_tier_set(
        actor=owner, seller=seller, threshold=D("500"), discount_percent=D("2")
    )
    services.price_tier_update(
        actor=owner, tier=tier, threshold=D("800"), discount_percent=D("4.5"), profile="pro"
    )
    tier.refresh_from_db()
    assert (tier.profile, tier.threshold, tier.discount_percent) == ("pro", D("800"), D("4.5"))
    data = AuditEntry.objects.get(action="price_tier.update").data
    assert data["before"]["threshold"] == "500.00" and data["after"]["threshold"] == "800"


def test_tier_update_refuses_a_threshold_the_profile_already_has(seller, owner):
    services.price_tier_set(actor=owner, seller=seller, threshold=D("500"), discount_percent=2)
    other = services.price_tier_set(
        actor=owner, seller=seller, threshold=D("900"), discount_percent=3
    )
    with pytest.raises(DomainError) as refused:
        services.price_tier_update(actor=owner, tier=other, threshold="500", discount_percent=5)
    assert (refused.value.code, refused.value.field, refused.value.rule) == (
        "tier_exists",
        "threshold",
        "C4",
    )
    other.refresh_from_db()
    assert other.threshold == D("900")


@pytest.mark.parametrize(
    ("threshold", "percent", "field"),
    [("-1", "2", "threshold"), ("10", "101", "discount_percent"), ("abc", "2", "threshold")],
)
def test_tier_update_checks_its_values(seller, owner, threshold, percent, field):
    tier = services.price_tier_set(actor=owner, seller=seller, threshold=1, discount_percent=1)
    with pytest.raises(DomainError) as refused:
        services.price_tier_update(
            actor=owner, tier=tier, threshold=threshold, discount_percent=percent
        )
    assert refused.value.field == field and refused.value.rule == "C4"


def test_tier_delete(seller, owner):
    tier = services.price_tier_set(actor=owner, seller=seller, threshold=1, discount_percent=1)
    with pytest.raises(PermissionDenied):
        services.price_tier_delete(actor=outsider(), tier=tier)
    services.price_tier_delete(actor=owner, tier=tier)
    assert not PriceTier.objects.exists()
    assert actions()[-1] == "price_tier.delete"


# --- promotions (C4) ---------------------------------------------------------------------------


def make_promotion(seller, owner, **changes) -> Promotion:
    values = {
        "name": "Printemps",
        "percent": D("10"),
        "valid_from": date(2026, 3, 1),
        "valid_to": date(2026, 3, 31),
    } | changes
    return services.promotion_create(actor=owner, seller=seller, **values)


def test_promotion_update_applies_the_creation_checks(seller, owner):
    promotion = make_promotion(seller, owner)
    product = services.product_create(actor=owner, seller=seller, sku="A-1", title="Savon")
    services.promotion_update(
        actor=owner,
        promotion=promotion,
        name=" Été ",
        percent=D("15"),
        valid_from=date(2026, 6, 1),
        valid_to=date(2026, 6, 30),
        product=product,
        stacks_with_tier=True,
    )
    promotion.refresh_from_db()
    assert (promotion.name, promotion.percent, promotion.product_id) == ("Été", 15, product.pk)
    assert promotion.stacks_with_tier
    data = AuditEntry.objects.get(action="promotion.update").data
    assert data["before"]["name"] == "Printemps" and data["after"]["name"] == "Été"
    with pytest.raises(DomainError) as refused:
        services.promotion_update(
            actor=owner,
            promotion=promotion,
            name="Été",
            percent=D("15"),
            valid_from=date(2026, 6, 30),
            valid_to=date(2026, 6, 1),
        )
    assert refused.value.field == "valid_to" and refused.value.rule == "C4"
    stranger = make_user()
    foreign = services.product_create(
        actor=stranger, seller=make_org(seller=True, owner=stranger), sku="X-1", title="Étranger"
    )
    with pytest.raises(DomainError) as refused:
        services.promotion_update(
            actor=owner,
            promotion=promotion,
            name="Été",
            percent=D("15"),
            valid_from=date(2026, 6, 1),
            valid_to=date(2026, 6, 30),
            product=foreign,
        )
    assert refused.value.code == "invalid_scope"


def test_promotion_delete_needs_the_catalog_right(seller, owner):
    promotion = make_promotion(seller, owner)
    viewer = employee(seller, owner, [Permission.VIEW_PRODUCTS])
    with pytest.raises(PermissionDenied):
        services.promotion_delete(actor=viewer, promotion=promotion)
    services.promotion_delete(actor=owner, promotion=promotion)
    assert not Promotion.objects.exists()
    assert AuditEntry.objects.get(action="promotion.delete").data["name"] == "Printemps"


# --- customer conditions (C5) ------------------------------------------------------------------


def test_condition_update_and_delete(seller, owner, buyer):
    condition = services.customer_condition_set(
        actor=owner, seller=seller, buyer=buyer, discount_percent=5, valid_from=date(2026, 1, 1)
    )
    services.customer_condition_update(
        actor=owner,
        condition=condition,
        discount_percent=D("8"),
        valid_from=date(2026, 2, 1),
        valid_to=date(2026, 12, 31),
        pricing_profile="gold",
        note=" Accord 2026 ",
    )
    condition.refresh_from_db()
    assert (condition.discount_percent, condition.pricing_profile, condition.note) == (
        D("8"),
        "gold",
        "Accord 2026",
    )
    assert condition.buyer_id == buyer.pk
    with pytest.raises(DomainError) as refused:
        services.customer_condition_update(
            actor=owner,
            condition=condition,
            discount_percent=D("8"),
            valid_from=date(2026, 2, 1),
            valid_to=date(2026, 1, 1),
        )
    assert refused.value.field == "valid_to" and refused.value.rule == "C5"
    with pytest.raises(PermissionDenied):
        services.customer_condition_delete(actor=outsider(), condition=condition)
    services.customer_condition_delete(actor=owner, condition=condition)
    assert not CustomerCondition.objects.exists()
    mine = [a for a in actions() if a.startswith("customer_condition.")]
    assert mine == [
        "customer_condition.set",
        "customer_condition.update",
        "customer_condition.delete",
    ]


def test_the_operator_may_edit_a_sellers_rows(seller, owner):
    tier = services.price_tier_set(actor=owner, seller=seller, threshold=1, discount_percent=1)
    services.price_tier_delete(actor=make_operator_user(), tier=tier)
    assert not PriceTier.objects.exists()
    assert Tariff.objects.count() == 0
