"""Rights management (P4), tenant isolation of reads (P9), platform terms (P7)."""

from datetime import datetime, timedelta

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.parties import queries, services
from comptoir.parties.models import Membership, OrganizationState, Permission
from comptoir.parties.permissions import can_see_prices, has_permission, is_operator
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    owner = make_user()
    org = make_org(buyer=True, owner=owner)
    return org, owner


def test_owner_holds_every_permission(shop):
    org, owner = shop
    assert all(has_permission(owner, org, p) for p in Permission.values)


def test_invitation_grants_exactly_the_chosen_rights(shop):
    org, owner = shop
    invitation = services.membership_invite(
        actor=owner,
        organization=org,
        email="Clerk@Example.test",
        permissions=["view_products", "use_cart"],
    )
    clerk = make_user("clerk@example.test")
    assert queries.invitation_by_token(invitation.token) == invitation
    membership = services.invitation_accept(token=invitation.token, user=clerk)
    assert membership.permissions == ["use_cart", "view_products"]
    assert has_permission(clerk, org, "use_cart")
    assert not has_permission(clerk, org, "place_orders")
    assert not can_see_prices(clerk, org)
    with pytest.raises(DomainError) as raised:
        services.invitation_accept(token=invitation.token, user=clerk)
    assert raised.value.code == "invitation_invalid"
    with pytest.raises(NotFound):
        queries.invitation_by_token(invitation.token)


def test_invitation_for_another_address_or_expired_is_refused(shop):
    org, owner = shop
    invitation = services.membership_invite(
        actor=owner, organization=org, email="a@example.test", permissions=[]
    )
    with pytest.raises(DomainError) as raised:
        services.invitation_accept(token=invitation.token, user=make_user("b@example.test"))
    assert raised.value.code == "invitation_email_mismatch"
    late = make_user("a@example.test")
    with clock.frozen(clock.now() + timedelta(days=15)), pytest.raises(DomainError):
        services.invitation_accept(token=invitation.token, user=late)


def test_unknown_permission_is_refused(shop):
    org, owner = shop
    with pytest.raises(DomainError) as raised:
        services.membership_invite(
            actor=owner, organization=org, email="x@example.test", permissions=["fly"]
        )
    assert (raised.value.field, raised.value.rule) == ("permissions", "P4")


def test_employee_cannot_manage_users_without_the_right(shop):
    org, owner = shop
    clerk = make_user()
    services.membership_add(actor=owner, organization=org, user=clerk, permissions=["use_cart"])
    with pytest.raises(PermissionDenied):
        services.membership_invite(
            actor=clerk, organization=org, email="y@example.test", permissions=[]
        )


def test_user_manager_grants_only_rights_it_holds(shop):
    org, owner = shop
    manager = make_user()
    services.membership_add(
        actor=owner, organization=org, user=manager, permissions=["manage_users", "use_cart"]
    )
    services.membership_invite(
        actor=manager, organization=org, email="ok@example.test", permissions=["use_cart"]
    )
    with pytest.raises(PermissionDenied):
        services.membership_invite(
            actor=manager, organization=org, email="no@example.test", permissions=["view_prices"]
        )


def test_deactivated_employee_loses_access(shop):
    org, owner = shop
    clerk = make_user()
    membership = services.membership_add(
        actor=owner, organization=org, user=clerk, permissions=["view_prices", "place_orders"]
    )
    assert can_see_prices(clerk, org)
    assert queries.organization_for_user(clerk, org.pk) == org
    services.membership_deactivate(actor=owner, membership=membership)
    assert not can_see_prices(clerk, org)
    assert not has_permission(clerk, org, "place_orders")
    assert list(queries.memberships_for(clerk)) == []
    with pytest.raises(NotFound):
        queries.organization_for_user(clerk, org.pk)
    services.membership_reactivate(actor=owner, membership=membership)
    assert can_see_prices(clerk, org)


def test_only_the_owner_deactivates_and_never_itself(shop):
    org, owner = shop
    manager = make_user()
    clerk = make_user()
    services.membership_add(
        actor=owner, organization=org, user=manager, permissions=["manage_users"]
    )
    clerk_membership = services.membership_add(actor=owner, organization=org, user=clerk)
    with pytest.raises(PermissionDenied):
        services.membership_deactivate(actor=manager, membership=clerk_membership)
    with pytest.raises(DomainError) as raised:
        services.membership_deactivate(
            actor=owner, membership=Membership.objects.get(user=owner, organization=org)
        )
    assert raised.value.code == "cannot_deactivate_owner"


def test_set_permissions(shop):
    org, owner = shop
    clerk = make_user()
    membership = services.membership_add(actor=owner, organization=org, user=clerk)
    assert not has_permission(clerk, org, "view_orders")
    services.membership_set_permissions(
        actor=owner, membership=membership, permissions=["view_orders", "view_invoices"]
    )
    assert has_permission(clerk, org, "view_orders")
    assert has_permission(clerk, org, "view_invoices")


def test_user_codes_are_unique_and_customer_numbers_too(shop):
    org, owner = shop
    other = make_org(buyer=True, owner=make_user())
    for _ in range(3):
        services.membership_add(actor=owner, organization=org, user=make_user())
    codes = list(Membership.objects.values_list("user_code", flat=True))
    assert len(codes) == len(set(codes)) == 5
    assert org.customer_number != other.customer_number


def test_buyer_a_cannot_read_buyer_b(shop):
    org_a, owner_a = shop
    owner_b = make_user()
    org_b = make_org(buyer=True, owner=owner_b)
    with pytest.raises(NotFound):
        queries.organization_for_user(owner_a, org_b.pk)
    with pytest.raises(NotFound):
        queries.members_of(actor=owner_a, organization=org_b)
    with pytest.raises(NotFound):
        queries.onboarding_checklist(actor=owner_a, organization_id=org_b.pk)
    with pytest.raises(NotFound):
        queries.organization_for_user(owner_a, 999_999)
    with pytest.raises(NotFound):
        queries.organization_for_user(None, org_a.pk)
    b_membership = Membership.objects.get(user=owner_b)
    with pytest.raises(NotFound):
        queries.membership_for(actor=owner_a, membership_id=b_membership.pk)
    assert [m.organization for m in queries.memberships_for(owner_a)] == [org_a]


def test_employee_without_manage_users_sees_only_itself(shop):
    org, owner = shop
    clerk = make_user()
    services.membership_add(actor=owner, organization=org, user=clerk, permissions=["use_cart"])
    assert [m.user for m in queries.members_of(actor=clerk, organization=org)] == [clerk]
    assert len(queries.members_of(actor=owner, organization=org)) == 2


def test_operator_reads_every_organization(operator, shop):
    org, owner = shop
    assert is_operator(operator) and not is_operator(owner)
    assert queries.organization_for_user(operator, org.pk) == org
    assert org in queries.organizations_for_operator(actor=operator, search=org.siren)
    with pytest.raises(PermissionDenied):
        queries.organizations_for_operator(actor=owner)


def test_platform_terms_effective_after_15_days_and_refusal_terminates(operator, shop):
    org, owner = shop
    published = datetime(2026, 11, 22, 9, 0)
    with clock.frozen(published):
        terms = services.platform_terms_publish(actor=operator, version="2026.2", text="CGU…")
        assert terms.effective_at == terms.published_at + timedelta(days=15)
        assert queries.platform_terms_in_force() is None
        assert queries.platform_terms_pending_for(actor=owner, organization_id=org.pk) == [terms]
        services.platform_terms_refuse(actor=owner, organization=org, terms_version=terms)
        assert queries.platform_terms_pending_for(actor=owner, organization_id=org.pk) == []
    assert services.terms_refusals_terminate(until=clock._aware(published)) == 0
    until = clock._aware(published) + timedelta(days=15)
    assert services.terms_refusals_terminate(until=until) == 1
    assert services.terms_refusals_terminate(until=until) == 0
    org.refresh_from_db()
    assert org.state == OrganizationState.TERMINATED
    with clock.frozen(datetime(2026, 12, 8, 9, 0)):
        assert queries.platform_terms_in_force() == terms


def test_refusal_after_effective_date_is_too_late(operator, shop):
    org, owner = shop
    with clock.frozen(datetime(2026, 1, 1, 9, 0)):
        terms = services.platform_terms_publish(actor=operator, version="2026.1", text="CGU")
    with clock.frozen(datetime(2026, 2, 1, 9, 0)), pytest.raises(DomainError) as raised:
        services.platform_terms_refuse(actor=owner, organization=org, terms_version=terms)
    assert raised.value.rule == "P7"
    services.platform_terms_accept(actor=owner, organization=org, terms_version=terms)
