"""API keys on the API: a key acts for its company with its scopes, a revoked or unknown key
answers 401 in the error shape; the owners' page creates (secret shown once) and revokes keys."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.test import Client

from comptoir.core import clock
from comptoir.ordering.models import Order
from comptoir.parties import services
from comptoir.parties.models import ApiKey, Permission
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db

ORDER = {"lines": [{"sku": "HD-001", "quantity": 6}], "accepted_terms_version": 1}


@pytest.fixture
def ready(shop):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="electronics-wholesale")
        terms_version_publish(version=draft)
    seller_user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=seller_user, is_owner=True
    )
    clock.freeze(datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS))
    yield seller_user
    clock.freeze(None)


def key_for(user, organization, *scopes: str) -> str:
    return services.api_key_create(
        actor=user, organization=organization, name="Program", scopes=scopes
    )[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_key_places_and_reads_orders_without_session_or_csrf(shop, ready):
    token = key_for(shop.owner, shop.approved_buyer, "place_orders", "view_orders")
    client = Client(enforce_csrf_checks=True)
    placed = client.post(
        f"/api/sellers/{shop.seller.pk}/orders",
        ORDER,
        content_type="application/json",
        headers={**bearer(token), "Idempotency-Key": "key-1"},
    )
    assert placed.status_code == 201, placed.content
    order = Order.objects.get(number=placed.json()["number"])
    assert order.buyer == shop.approved_buyer and order.placed_by == shop.owner
    listed = client.get("/api/orders", headers=bearer(token))
    assert listed.status_code == 200 and listed.json()["count"] == 1
    # buyer B's key does not see buyer A's order
    other = key_for(shop.other_owner, shop.other_buyer, "view_orders")
    response = client.get(f"/api/orders/{order.number}", headers=bearer(other))
    assert response.status_code == 404
    assert ApiKey.objects.get(prefix=token.split("_")[1]).last_used_at == clock.now()


def test_a_key_without_view_orders_gets_403(client, shop, ready):
    token = key_for(shop.owner, shop.approved_buyer, "view_products")
    response = client.get("/api/orders", headers={**bearer(token), "Accept-Language": "en"})
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Permission view_orders required (P4).",
        "field": None,
        "rule": "P4",
    }
    # with no Accept-Language, the message is in the platform's language; the code is the same
    french = client.get("/api/orders", headers=bearer(token)).json()
    assert (french["code"], french["message"]) == (
        "permission_denied",
        "Droit view_orders requis (P4).",
    )
    # the key's scopes, not its creator's (an owner) rights: no prices on the public catalog
    page = client.get(f"/api/sellers/{shop.seller.pk}/products", headers=bearer(token)).json()
    assert page["items"] and all(item["price"] is None for item in page["items"])
    priced = key_for(shop.owner, shop.approved_buyer, "view_products", "view_prices")
    page = client.get(f"/api/sellers/{shop.seller.pk}/products", headers=bearer(priced)).json()
    assert all(item["price"] is not None for item in page["items"])


def test_revoked_unknown_and_malformed_keys_get_401_in_the_error_shape(client, shop, ready):
    token = key_for(shop.owner, shop.approved_buyer, "view_orders")
    assert client.get("/api/orders", headers=bearer(token)).status_code == 200
    key = ApiKey.objects.get()
    services.api_key_revoke(actor=shop.owner, key_id=key.pk)
    unknown = "cpt_0123456789ab_" + "A" * 43
    for header in (bearer(token), bearer(unknown), bearer("nonsense")):
        response = client.get("/api/orders", headers={**header, "Accept-Language": "en"})
        assert response.status_code == 401
        assert response.json() == {
            "code": "invalid_api_key",
            "message": "Unknown or revoked API key.",
            "field": None,
            "rule": None,
        }
    client.force_login(shop.owner)  # a bad key is refused even alongside a valid session
    assert client.get("/api/orders", headers=bearer(token)).status_code == 401
    assert client.get("/api/orders").status_code == 200


def test_the_owner_page_shows_a_new_key_once_and_revokes_it(client, shop):
    client.force_login(shop.owner)
    page = client.get("/account/api-keys/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    created = client.post(
        "/account/api-keys/create/", {"name": "ERP", "scopes": ["view_orders", "view_products"]}
    )
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    key = ApiKey.objects.get()
    token = re.search(rf"cpt_{key.prefix}_[A-Za-z0-9_-]+", created.content.decode())[0]
    assert services.api_key_authenticate(token=token) is not None
    assert token not in client.get("/account/api-keys/").content.decode()
    assert f"cpt_{key.prefix}_" in client.get("/account/api-keys/").content.decode()
    response = client.post(f"/account/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    assert services.api_key_authenticate(token=token) is None


def test_the_page_refuses_rights_the_user_does_not_hold(client, shop):
    manager = make_user("manager@buyer-a.test")
    services.membership_add(
        actor=shop.owner,
        organization=shop.approved_buyer,
        user=manager,
        permissions=[Permission.MANAGE_USERS, Permission.VIEW_ORDERS],
    )
    client.force_login(manager)
    page = client.get("/account/api-keys/").content.decode()
    assert 'value="view_orders"' in page and 'value="view_prices"' not in page
    response = client.post(
        "/account/api-keys/create/", {"name": "x", "scopes": ["view_prices"]}, follow=True
    )
    assert "view_prices" in response.content.decode() and not ApiKey.objects.exists()
    client.force_login(shop.employee_no_prices)  # no manage_users: no page
    assert client.get("/account/api-keys/").status_code == 403


def test_another_companys_key_cannot_be_revoked_from_the_page(client, shop):
    key_for(shop.other_owner, shop.other_buyer, "view_orders")
    key = ApiKey.objects.get()
    client.force_login(shop.owner)
    assert client.post(f"/account/api-keys/{key.pk}/revoke/").status_code == 404
    assert ApiKey.objects.get().revoked_at is None
