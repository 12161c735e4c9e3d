"""Authorization matrix: every URL pattern × every kind of visitor.

Each route of the web pages and the API must be listed in ROUTES with the arguments to call it
and the status each actor gets. A route added without an entry fails
`test_every_route_is_in_the_matrix`, so nobody can add a page that escapes this check.
"Never the data": a forbidden read answers 403 or 404 and does not contain the protected value.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from comptoir.core import clock
from comptoir.fulfilment.models import CollectionNotice
from comptoir.fulfilment.services import shipment_create
from comptoir.ledger.models import OpenItem
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_place
from comptoir.parties import services
from comptoir.payments.models import DebitBatch, FormalNotice, LateCase
from comptoir.payments.services import statement_import
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from comptoir.webhooks.services import endpoint_create
from tests.parties.factories import make_operator_user, make_user
from tests.payments.conftest import camt053
from tests.web import (
    matrix_address_changes,
    matrix_api_more,
    matrix_catalog_admin,
    matrix_checkout,
    matrix_company,
    matrix_edi,
    matrix_fulfilment_docs,
    matrix_imports,
    matrix_lcr,
    matrix_onboarding,
    matrix_order_changes,
    matrix_oversight,
    matrix_payment_record,
    matrix_payouts,
    matrix_prepayment,
    matrix_receivables_more,
    matrix_refunds,
    matrix_substitutions,
    matrix_terms_editor,
    matrix_withdrawals,
)

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
ORDER_POST_NO_OBJECT = {**ORDER_POST, "buyer_a": 404, "seller": 404}

# Seller pages: buyers' organizations have none (404).
SELLER_ONLY = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}

# Seller forms posted empty: the seller is sent back to the page with the error shown.
SELLER_POST = {**SELLER_ONLY, "seller": 302}

# Buyer A's own payment documents (its statement with the seller, the notices sent to it).
BUYER_A_ONLY = {
    "anonymous": 302,
    "buyer_a": 200,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 404,
}

# Buyer pages: sellers' organizations have none (404).
BUYER_GET = {**MEMBERS_200_ANON_LOGIN, "seller": 404}
BUYER_POST = {**MEMBERS_302_ANON_LOGIN, "seller": 404}

# Buyer A's API key and webhook endpoint: managed by its owner only; other companies get 404.
BUYER_A_MANAGES = {**BUYER_A_ONLY, "buyer_a": 302}
# The API of webhooks: any company's owner manages its own (an employee without manage_users: 403).
API_MANAGERS = {**dict.fromkeys(ACTORS, 200), "anonymous": 401, "employee_no_rights": 403}
API_BUYER_A_ONLY = {**BUYER_A_ONLY, "anonymous": 401}


# name -> (args builder, method, {actor: expected status}, secret that must not leak when denied)
def _collection_notice(shop):
    """A formal notice to collect the shop's shipment (F7), built directly: its flow is tested in
    tests/fulfilment."""
    now = clock.now()
    notice, _ = CollectionNotice.objects.get_or_create(
        shipment=shop.shipment,
        defaults={
            "order": shop.order,
            "letter": "Mise en demeure\n\nA à B\n\nObjet : test\n\nCorps.",
            "sent_at": now,
            "deadline_at": now,
        },
    )
    return notice


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
    # F4, F7, F11: the shipment, deadline or goods named in the empty form is not found (404)
    "web:shipment_refuse": (lambda s: [s.order.number], "post", ORDER_POST_NO_OBJECT, None),
    "web:follow_up_record": (lambda s: [s.order.number], "post", ORDER_POST_NO_OBJECT, None),
    "web:wrong_goods_report": (lambda s: [s.order.number], "post", ORDER_POST, None),
    "web:wrong_goods_return": (lambda s: [s.order.number], "post", ORDER_POST_NO_OBJECT, None),
    "web:collection_notice": (lambda s: [s.order.number], "post", ORDER_POST_NO_OBJECT, None),
    "web:order_resolve": (lambda s: [s.order.number], "post", ORDER_POST_NO_OBJECT, None),
    "web:keys_send": (lambda s: [s.order.number], "post", ORDER_POST, None),
    "web:delivery_note": (
        lambda s: [s.order.number, s.shipment.number],
        "get",
        ORDER_GET,
        "Crème hydratante 001",
    ),
    "web:collection_notice_pdf": (
        lambda s: [s.order.number, _collection_notice(s).shipment.number],
        "get",
        ORDER_GET,
        "Mise en demeure",
    ),
    "web:order_invoice_pdf": (lambda s: [s.order.number], "get", ORDER_GET, "F-2026-"),
    "web:order_invoice_xml": (lambda s: [s.order.number], "get", ORDER_GET, "F-2026-"),
    "web:dashboard": (lambda s: [], "get", SELLER_ONLY, None),
    "web:dashboard_chart": (lambda s: ["sales"], "get", SELLER_ONLY, None),
    "web:inbox": (lambda s: [], "get", MEMBERS_200_ANON_LOGIN, None),
    "web:track": (lambda s: [], "get", dict.fromkeys(ACTORS, 200), None),
    "web:receivables": (lambda s: [], "get", SELLER_ONLY, None),
    "web:credit_limit": (lambda s: [], "post", SELLER_POST, None),
    "web:account_statement": (lambda s: [s.seller.pk], "get", BUYER_A_ONLY, "F-2026-"),
    "web:seller_notice_pdf": (lambda s: [s.notice.pk], "get", SELLER_ONLY, "Mise en demeure"),
    "web:buyer_notice_pdf": (lambda s: [s.notice.pk], "get", BUYER_A_ONLY, "Mise en demeure"),
    "web:bank_statements": (lambda s: [], "get", SELLER_ONLY, "Virement inconnu"),
    "web:bank_statement_import": (lambda s: [], "post", SELLER_POST, None),
    "web:bank_entry_assign": (lambda s: [s.entry.pk], "post", SELLER_POST, None),
    "web:bank_entry_ignore": (lambda s: [s.entry.pk], "post", SELLER_POST, None),
    "web:sepa": (lambda s: [], "get", SELLER_ONLY, None),
    "web:sepa_export": (lambda s: [], "post", SELLER_POST, None),  # no creditor id: an error
    "web:sepa_batch_xml": (lambda s: [s.batch.pk], "get", SELLER_ONLY, "COMPTOIR-DD-MATRIX"),
    "web:mandates": (lambda s: [], "get", BUYER_GET, None),
    "web:mandate_sign": (lambda s: [], "post", BUYER_POST, None),  # no seller chosen: an error
    "web:api_keys": (lambda s: [], "get", MEMBERS_200_ANON_LOGIN, None),
    "web:api_key_create": (lambda s: [], "post", MEMBERS_302_ANON_LOGIN, None),  # empty: error
    "web:api_key_revoke": (lambda s: [s.api_key.pk], "post", BUYER_A_MANAGES, None),
    "web:webhooks": (lambda s: [], "get", MEMBERS_200_ANON_LOGIN, "erp.buyer-a.test"),
    "web:webhook_create": (lambda s: [], "post", MEMBERS_302_ANON_LOGIN, None),  # empty: error
    "web:webhook_delete": (lambda s: [s.endpoint.pk], "post", BUYER_A_MANAGES, None),
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
    "api:statement": (
        lambda s: [s.seller.pk],
        "get",
        {  # the seller has no statement with itself; buyer B never traded with it
            "anonymous": 401,
            "buyer_a": 200,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 404,
        },
        None,
    ),
    "api:standing": (
        lambda s: [s.seller.pk],
        "get",
        {
            "anonymous": 401,
            "buyer_a": 200,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 404,
        },
        None,
    ),
    "api:receivables": (  # each company sees what is owed to itself only (empty for buyers)
        lambda s: [],
        "get",
        {**dict.fromkeys(ACTORS, 200), "anonymous": 401, "employee_no_rights": 403},
        None,
    ),
    "api:record_payment": (
        lambda s: [],
        "post",
        {**dict.fromkeys(ACTORS, 422), "anonymous": 401},  # without its Idempotency-Key header
        None,
    ),
    "api:list_webhooks": (lambda s: [], "get", API_MANAGERS, None),  # each its own endpoints
    "api:create_webhook": (
        lambda s: [],
        "post",
        {**API_MANAGERS, "buyer_a": 201, "buyer_b": 201, "seller": 201},
        None,
    ),
    "api:delete_webhook": (
        lambda s: [s.endpoint.pk],
        "delete",
        {**API_BUYER_A_ONLY, "buyer_a": 204},
        None,
    ),
    "api:webhook_deliveries": (lambda s: [s.endpoint.pk], "get", API_BUYER_A_ONLY, None),
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
    "api:record_payment": lambda s: {
        "buyer_id": s.approved_buyer.pk,
        "amount": "1.00",
        "method": "transfer",
        "value_date": "2026-11-30",
    },
    "api:cancel_order": lambda s: {"reason": "Erreur de saisie."},
    "api:create_webhook": lambda s: {
        "url": "https://erp.example.test/hooks",
        "events": ["order.placed"],
    },
    "api:quote": lambda s: {"lines": [{"sku": s.open_product.sku, "quantity": 6}]},
}

# Entries of the pages and API routes kept beside their area
for _area in (
    matrix_onboarding,
    matrix_oversight,
    matrix_imports,
    matrix_terms_editor,
    matrix_catalog_admin,
    matrix_company,
    matrix_api_more,
    matrix_edi,
    matrix_refunds,
    matrix_checkout,
    matrix_payouts,
    matrix_fulfilment_docs,
    matrix_substitutions,
    matrix_lcr,
    matrix_prepayment,
    matrix_address_changes,
    matrix_withdrawals,
    matrix_order_changes,
    matrix_payment_record,
    matrix_receivables_more,
):
    assert not set(_area.ROUTES) & set(ROUTES), _area.__name__
    ROUTES.update(_area.ROUTES)
    PAYLOADS.update(_area.PAYLOADS)

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
    _payments(shop)
    _api_key_and_webhook(shop)
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


def _api_key_and_webhook(shop) -> None:
    """Buyer A's API key and webhook endpoint (the account routes)."""
    shop.api_key, _ = services.api_key_create(
        actor=shop.owner, organization=shop.approved_buyer, name="Matrix", scopes=["view_orders"]
    )
    shop.endpoint, _ = endpoint_create(
        actor=shop.owner,
        organization=shop.approved_buyer,
        url="https://erp.buyer-a.test/hooks",
        events=["order.placed"],
    )


def _payments(shop) -> None:
    """Payments rows for the payments routes: a line of the seller's bank statement waiting for
    review (imported), and the formal notice and debit batch the collection sweep and the SEPA
    export would write, built directly to keep this matrix fast (the flows are in
    test_payments_pages)."""
    with clock.frozen(datetime(2026, 11, 30, 10, 0)):
        data = camt053(
            shop.seller.iban,
            [
                {
                    "amount": "12.34",
                    "date": "2026-11-27",
                    "ref": "MX1",
                    "remittance": "Virement inconnu",
                }
            ],
            statement_id="MATRIX",
        )
        [imported] = statement_import(data=data, filename="matrix.xml", seller=shop.seller)
        shop.entry = imported.statement.entries.get()
        shop.order.refresh_from_db()  # invoiced at shipment
        item = OpenItem.objects.get(reference=shop.order.invoice.number, kind="invoice")
        case = LateCase.objects.create(
            open_item=item,
            buyer=shop.approved_buyer,
            seller=shop.seller,
            due_date=item.due_date,
            invoice_date=date(2026, 11, 24),
            incl_vat=item.amount,
            excl_vat=shop.order.invoice.total_excl_vat,
            stage=LateCase.Stage.FORMAL_NOTICE,
            interest_from=item.due_date,
            accrued_on=item.due_date,
            opened_at=clock.now(),
        )
        shop.notice = FormalNotice.objects.create(
            case=case,
            sent_on=date(2026, 11, 30),
            deadline=date(2026, 12, 8),
            amount_claimed=item.amount,
            pdf=b"%PDF-1.7 Mise en demeure",
            sent_at=clock.now(),
        )
        shop.batch = DebitBatch.objects.create(
            seller=shop.seller,
            message_id="COMPTOIR-DD-MATRIX",
            created_at=clock.now(),
            count=0,
            total=Decimal("0.00"),
            xml=b"<Document>COMPTOIR-DD-MATRIX</Document>",
        )


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
