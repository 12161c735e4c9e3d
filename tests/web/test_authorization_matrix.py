"""Authorization matrix: every URL pattern × every kind of visitor.

Each route of the web pages and the API must be listed in ROUTES with the arguments to call it
and the status each actor gets. A route added without an entry fails
`test_every_route_is_in_the_matrix`, so nobody can add a page that escapes this check.
"Never the data": a forbidden read answers 403 or 404 and does not contain the protected value.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from comptoir.core import clock
from comptoir.fulfilment.services import shipment_create
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_place
from comptoir.parties import services
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "buyer_a", "buyer_b", "employee_no_rights", "seller")

# Pages of members: anonymous is sent to the login page, an employee without the right gets 403.
MEMBERS_200_ANON_LOGIN = {**dict.fromkeys(ACTORS, 200), "anonymous": 302, "employee_no_rights": 403}
MEMBERS_302_ANON_LOGIN = {**dict.fromkeys(ACTORS, 302), "employee_no_rights": 403}

# Buyer A's order: its buyer and its seller read it; buyer B gets 404, the employee without
# rights 403, a visitor the login page.
ORDER_GET = {
    "anonymous": 302,
    "buyer_a": 200,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
ORDER_POST = {**ORDER_GET, "buyer_a": 302, "seller": 302}

# Seller pages: buyers' organizations have none (404).
SELLER_ONLY = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}

# name -> (args builder, method, {actor: expected status}, secret that must not leak when denied)
ROUTES = {
    "web:home": (lambda s: [], "get", dict.fromkeys(ACTORS, 200), None),
    "web:login": (lambda s: [], "get", {**dict.fromkeys(ACTORS, 302), "anonymous": 200}, None),
    "web:logout": (lambda s: [], "post", dict.fromkeys(ACTORS, 302), None),
    "web:switch_organization": (lambda s: [], "post", dict.fromkeys(ACTORS, 302), None),
    "web:seller_products": (
        lambda s: [s.seller.pk],
        "get",
        {**dict.fromkeys(ACTORS, 200), "employee_no_rights": 403},
        None,
    ),
    "web:product_detail": (
        lambda s: [s.seller.pk, s.selective_product.pk],
        "get",
        {
            "anonymous": 404,
            "buyer_a": 200,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 200,
        },
        "Sérum prestige",
    ),
    "web:cart": (lambda s: [s.seller.pk], "get", MEMBERS_200_ANON_LOGIN, None),
    "web:cart_update": (lambda s: [s.seller.pk], "post", MEMBERS_302_ANON_LOGIN, None),
    "web:cart_quick_order": (lambda s: [s.seller.pk], "post", MEMBERS_302_ANON_LOGIN, None),
    "web:checkout": (lambda s: [s.seller.pk], "post", MEMBERS_302_ANON_LOGIN, None),
    "web:terms_version": (lambda s: [s.seller.pk, 1], "get", dict.fromkeys(ACTORS, 200), None),
    "web:orders": (lambda s: [], "get", MEMBERS_200_ANON_LOGIN, "Crème hydratante 001"),
    "web:order_detail": (
        lambda s: [s.order.number],
        "get",
        {
            "anonymous": 302,
            "buyer_a": 200,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 200,
        },
        "Crème hydratante 001",
    ),
    "web:order_action": (
        lambda s: [s.order.number],
        "post",
        {
            "anonymous": 302,
            "buyer_a": 302,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 302,
        },
        None,
    ),
    "web:order_ship": (lambda s: [s.order.number], "post", ORDER_POST, None),
    "web:shipment_deliver": (
        lambda s: [s.order.number],
        "post",
        {**ORDER_POST, "buyer_a": 404, "seller": 404},  # no such shipment in the empty form
        None,
    ),
    "web:order_validate": (lambda s: [s.order.number], "post", ORDER_POST, None),
    "web:order_contest": (lambda s: [s.order.number], "post", ORDER_POST, None),
    "web:delivery_note": (
        lambda s: [s.order.number, s.shipment.number],
        "get",
        ORDER_GET,
        "Crème hydratante 001",
    ),
    "web:order_invoice_pdf": (lambda s: [s.order.number], "get", ORDER_GET, "F-2026-"),
    "web:order_invoice_xml": (lambda s: [s.order.number], "get", ORDER_GET, "F-2026-"),
    "web:dashboard": (lambda s: [], "get", SELLER_ONLY, None),
    "web:dashboard_chart": (lambda s: ["sales"], "get", SELLER_ONLY, None),
    "web:inbox": (lambda s: [], "get", MEMBERS_200_ANON_LOGIN, None),
    "web:track": (lambda s: [], "get", dict.fromkeys(ACTORS, 200), None),
    "api:health": (lambda s: [], "get", dict.fromkeys(ACTORS, 200), None),
    "api:sellers": (lambda s: [], "get", dict.fromkeys(ACTORS, 200), None),
    "api:products": (
        lambda s: [s.seller.pk],
        "get",
        {**dict.fromkeys(ACTORS, 200), "employee_no_rights": 403},
        None,
    ),
    "api:product": (
        lambda s: [s.seller.pk, s.selective_product.pk],
        "get",
        {
            "anonymous": 404,
            "buyer_a": 200,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 200,
        },
        "Sérum prestige",
    ),
    "api:quote": (
        lambda s: [s.seller.pk],
        "post",
        {**dict.fromkeys(ACTORS, 200), "anonymous": 401, "employee_no_rights": 403},
        None,
    ),
    "api:place_order": (
        lambda s: [s.seller.pk],
        "post",
        {**dict.fromkeys(ACTORS, 422), "anonymous": 401},  # without its Idempotency-Key header
        None,
    ),
    "api:list_orders": (
        lambda s: [],
        "get",
        {**dict.fromkeys(ACTORS, 200), "anonymous": 401, "employee_no_rights": 403},
        None,
    ),
    "api:get_order": (
        lambda s: [s.order.number],
        "get",
        {
            "anonymous": 401,
            "buyer_a": 200,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 200,
        },
        "Crème hydratante 001",
    ),
    "api:accept_order": (
        lambda s: [s.order.number],
        "post",
        {  # buyer A is not the seller; the seller may not accept an accepted order again
            "anonymous": 401,
            "buyer_a": 403,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 422,
        },
        "Crème hydratante 001",
    ),
    "api:refuse_order": (
        lambda s: [s.order.number],
        "post",
        {
            "anonymous": 401,
            "buyer_a": 403,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 422,
        },
        "Crème hydratante 001",
    ),
    "api:cancel_order": (
        lambda s: [s.order.number],
        "post",
        {  # once accepted, the buyer needs the seller's consent (O11); once invoiced, a credit
            "anonymous": 401,  # note is the only way (I9)
            "buyer_a": 422,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 422,
        },
        "Crème hydratante 001",
    ),
    "api:confirm_modification": (
        lambda s: [s.order.number],
        "post",
        {
            "anonymous": 401,
            "buyer_a": 422,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 403,
        },
        "Crème hydratante 001",
    ),
    "api:api-root": (lambda s: [], "get", dict.fromkeys(ACTORS, 404), None),
    "api:openapi-json": (lambda s: [], "get", dict.fromkeys(ACTORS, 200), None),
    "api:openapi-view": (lambda s: [], "get", dict.fromkeys(ACTORS, 200), None),
}

# JSON bodies of the routes that take one
PAYLOADS = {
    "api:place_order": lambda s: {
        "lines": [{"sku": "HD-001", "quantity": 6}],
        "accepted_terms_version": 1,
    },
    "api:refuse_order": lambda s: {"reason": "Rupture."},
    "api:cancel_order": lambda s: {"reason": "Erreur de saisie."},
    "api:quote": lambda s: {"lines": [{"sku": s.open_product.sku, "quantity": 6}]},
}

EXCLUDED_NAMESPACES = {"admin"}  # the Django admin: staff only, tested by Django itself
EXCLUDED_NAMES = {"set_language"}


def all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in EXCLUDED_NAMESPACES:
                    continue
                ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and entry.name and entry.name not in EXCLUDED_NAMES:
                names.add(prefix + entry.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_in_the_matrix():
    missing = all_route_names() - set(ROUTES)
    assert not missing, f"routes without an authorization entry: {sorted(missing)}"


@pytest.fixture
def actors(shop):
    seller_user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=seller_user, is_owner=True
    )
    with clock.frozen(datetime(2026, 1, 5, 9, 0)):  # terms in force for the quote route
        draft = terms_version_create_from_preset(seller=shop.seller, preset="selective-beauty")
        terms_version_publish(version=draft)
    with clock.frozen(datetime(2026, 11, 24, 10, 0)):  # an order of buyer A (order routes)
        shop.order = order_place(
            actor=shop.owner,
            submission=Submission(
                buyer=shop.approved_buyer,
                seller=shop.seller,
                lines=(LineRequest("HD-001", 6), LineRequest("HD-002", 6)),
                accepted_terms_version=1,
                idempotency_key="matrix",
            ),
        )
        shop.shipment = shipment_create(  # shipped, hence invoiced under these terms (I1)
            actor=seller_user,
            order_id=shop.order.pk,
            lines={line.pk: line.quantity for line in shop.order.lines.all()},
            carrier="Colissimo",
            parcels=["6A000000001FR"],
        )
    no_rights = make_user("nobody@buyer-a.test")
    services.membership_add(
        actor=shop.owner, organization=shop.approved_buyer, user=no_rights, permissions=[]
    )
    return {
        "anonymous": None,
        "buyer_a": shop.owner,
        "buyer_b": shop.other_owner,
        "employee_no_rights": no_rights,
        "seller": seller_user,
    }


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_route_answers_each_actor_as_expected(client, shop, actors, route, actor):
    build_args, method, expected, secret = ROUTES[route]
    user = actors[actor]
    if user is not None:
        client.force_login(user)
    url = reverse(route, args=build_args(shop))
    if route in PAYLOADS:
        response = client.post(url, PAYLOADS[route](shop), content_type="application/json")
    else:
        response = getattr(client, method)(url)
    assert response.status_code == expected[actor], f"{route} as {actor}"
    if secret and response.status_code in (403, 404):
        assert secret not in response.content.decode(errors="ignore")
