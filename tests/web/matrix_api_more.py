"""Authorization matrix entries of the API routes for shipments, invoices, seller catalog and terms.

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

In the matrix, buyer A's order is shipped in one shipment and invoiced at shipment; the seller
has published version 1 of its terms. Routes with a JSON body are posted with PAYLOADS; the PUT
and PATCH routes are called without a body, so every member gets 422 (like `api:place_order`):
their isolation is tested in test_api_sellers.py.
"""

from __future__ import annotations

from comptoir.catalog.models import Tariff
from comptoir.terms.loader import preset_text
from tests.web.matrix_company import _attachment, _claim

ACTORS = ("anonymous", "buyer_a", "buyer_b", "employee_no_rights", "seller")

# Buyer A's order and what hangs from it: its buyer and its seller read; buyer B gets 404.
ORDER_READ = {
    "anonymous": 401,
    "buyer_a": 200,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
# An act of the seller on buyer A's order: the buyer is refused by the service (403).
SELLER_ACT = {**ORDER_READ, "buyer_a": 403}
# An act of buyer A on its order: the seller is refused by the service (403); the order is not
# delivered yet, so buyer A's own call is refused by F4 (422).
BUYER_ACT = {**ORDER_READ, "buyer_a": 422, "seller": 403}
# The seller's own catalog and terms: buyers' organizations have none (404).
SELLER_OWN = {
    "anonymous": 401,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
# Without the body they need: refused by validation once authenticated.
NO_BODY = {**dict.fromkeys(ACTORS, 422), "anonymous": 401}
# The seller's act on buyer A's shipped and invoiced order: its state (or its terms) refuse it.
SELLER_ACT_REFUSED = {**SELLER_ACT, "seller": 422}
# A row of buyer A's order that the matrix does not create: buyer A does not find it (404); the
# seller is refused first, as the wrong side (403).
BUYER_ACT_NO_ROW = {**BUYER_ACT, "buyer_a": 404}


def _invoice(s) -> list:
    s.order.refresh_from_db()
    return [s.order.invoice.number]


def _tariff_price(s) -> list:
    return [Tariff.objects.filter(seller=s.seller).first().pk, s.open_product.pk]


ROUTES: dict = {
    "api:list_shipments": (lambda s: [s.order.number], "get", ORDER_READ, "6A000000001FR"),
    "api:create_shipment": (  # everything is shipped already: nothing left to ship (F2)
        lambda s: [s.order.number],
        "post",
        {**SELLER_ACT, "seller": 422},
        None,
    ),
    "api:record_delivery": (lambda s: [s.shipment.pk], "post", SELLER_ACT, "6A000000001FR"),
    "api:validate_delivery": (lambda s: [s.order.number], "post", BUYER_ACT, None),
    "api:contest_delivery": (lambda s: [s.order.number], "post", BUYER_ACT, None),
    "api:list_invoices": (  # each company its own documents (none for buyer B)
        lambda s: [],
        "get",
        {**dict.fromkeys(ACTORS, 200), "anonymous": 401, "employee_no_rights": 403},
        None,
    ),
    "api:get_invoice": (_invoice, "get", ORDER_READ, "Crème hydratante 001"),
    "api:invoice_pdf": (_invoice, "get", ORDER_READ, "%PDF"),
    "api:invoice_facturx_xml": (_invoice, "get", ORDER_READ, "Crème hydratante 001"),
    "api:create_product": (lambda s: [], "post", {**SELLER_OWN, "seller": 201}, None),
    "api:update_product": (lambda s: [s.open_product.pk], "patch", NO_BODY, None),
    "api:set_stock": (lambda s: [s.open_product.pk], "put", NO_BODY, None),
    "api:set_tariff_price": (_tariff_price, "put", NO_BODY, None),
    "api:list_terms_versions": (lambda s: [], "get", SELLER_OWN, None),
    "api:get_terms_version": (lambda s: [1], "get", SELLER_OWN, "[payment]"),
    "api:create_terms_version": (lambda s: [], "post", {**SELLER_OWN, "seller": 201}, None),
    "api:publish_terms_version": (  # version 1 is published already (N3)
        lambda s: [1],
        "post",
        {**SELLER_OWN, "seller": 422},
        None,
    ),
    # the order's other transitions (O6–O11, O17, N4): the order is shipped and invoiced
    "api:start_order": (lambda s: [s.order.number], "post", SELLER_ACT_REFUSED, None),
    "api:release_order": (lambda s: [s.order.number], "post", SELLER_ACT_REFUSED, None),
    "api:modify_order": (lambda s: [s.order.number], "post", SELLER_ACT_REFUSED, None),
    "api:change_order": (lambda s: [s.order.number], "post", SELLER_ACT_REFUSED, None),
    "api:suspend_order": (lambda s: [s.order.number], "post", SELLER_ACT_REFUSED, None),
    "api:resume_order": (lambda s: [s.order.number], "post", SELLER_ACT_REFUSED, None),
    "api:decline_modification": (lambda s: [s.order.number], "post", BUYER_ACT, None),
    "api:edit_order": (lambda s: [s.order.number], "post", BUYER_ACT, None),
    "api:withdraw_order": (lambda s: [s.order.number], "post", BUYER_ACT, None),  # not a consumer
    # fulfilment (F4–F7, F10): the shipment is in transit, nothing else is pending
    "api:refuse_delivery": (  # the refusal is recorded (F7)
        lambda s: [s.shipment.pk],
        "post",
        {**SELLER_ACT, "seller": 200},
        "6A000000001FR",
    ),
    "api:resolve_contestation": (lambda s: [s.order.number], "post", SELLER_ACT_REFUSED, None),
    "api:reception": (lambda s: [s.order.number], "get", ORDER_READ, None),
    "api:follow_up_done": (lambda s: [s.order.number, 1], "post", BUYER_ACT_NO_ROW, None),
    "api:report_wrong_goods": (lambda s: [s.order.number], "post", NO_BODY, None),  # no key
    "api:return_wrong_goods": (lambda s: [s.order.number, 1], "post", BUYER_ACT_NO_ROW, None),
    "api:request_address_change": (lambda s: [s.order.number], "post", NO_BODY, None),  # no key
    "api:decide_address_change": (  # none pending (F6)
        lambda s: [s.order.number],
        "post",
        SELLER_ACT_REFUSED,
        None,
    ),
    "api:send_collection_notice": (  # these terms provide no resolution (F7)
        lambda s: [s.shipment.pk],
        "post",
        SELLER_ACT_REFUSED,
        "6A000000001FR",
    ),
    "api:resolve_uncollected": (  # no formal notice was sent (F7)
        lambda s: [s.shipment.pk],
        "post",
        SELLER_ACT_REFUSED,
        "6A000000001FR",
    ),
    "api:record_packaging_return": (lambda s: [], "post", NO_BODY, None),  # no key
    # claims (A5): read and written by the order's two parties with view_orders
    "api:list_order_claims": (
        lambda s: [_claim(s) and s.order.number],
        "get",
        ORDER_READ,
        "Colis abîmé matrix",
    ),
    "api:get_claim": (lambda s: [_claim(s).pk], "get", ORDER_READ, "Colis abîmé matrix"),
    "api:open_claim": (lambda s: [s.order.number], "post", NO_BODY, None),  # no key
    "api:reply_claim": (lambda s: [_claim(s).pk], "post", NO_BODY, None),  # no key
    "api:close_claim": (lambda s: [_claim(s).pk], "post", ORDER_READ, "Colis abîmé matrix"),
    "api:claim_attachment": (_attachment, "get", ORDER_READ, "\x89PNG"),
}

PAYLOADS: dict = {
    "api:create_shipment": lambda s: {"carrier": "Colissimo", "parcels": ["6A000000002FR"]},
    "api:record_delivery": lambda s: {"signed_by": "M. Martin", "delivered_on": "2026-11-25"},
    "api:contest_delivery": lambda s: {"reason": "Colis abîmé."},
    "api:create_product": lambda s: {"sku": "MX-NEW-1", "title": "Produit matrice"},
    "api:create_terms_version": lambda s: {"source": preset_text("selective-beauty")},
    "api:publish_terms_version": lambda s: {},
    "api:modify_order": lambda s: {
        "lines": [{"sku": "HD-001", "quantity": 6}],
        "reason": "Rupture partielle.",
    },
    "api:change_order": lambda s: {"consent": "Accord écrit."},
    "api:suspend_order": lambda s: {"reason": "Inondation."},
    "api:decline_modification": lambda s: {},
    "api:edit_order": lambda s: {"lines": [{"sku": "HD-001", "quantity": 12}]},
    "api:withdraw_order": lambda s: {},
    "api:refuse_delivery": lambda s: {"reason": "Refusé par le client."},
    "api:resolve_contestation": lambda s: {},
    "api:follow_up_done": lambda s: {},
    "api:return_wrong_goods": lambda s: {},
    "api:decide_address_change": lambda s: {"approve": False},
    "api:send_collection_notice": lambda s: {},
    "api:resolve_uncollected": lambda s: {},
    # valid bodies, posted without their Idempotency-Key header (422)
    "api:report_wrong_goods": lambda s: {"kind": "excess", "description": "x", "quantity": 1},
    "api:request_address_change": lambda s: {
        "address": {"line1": "3 quai Voltaire", "postcode": "75007", "city": "Paris"}
    },
    "api:record_packaging_return": lambda s: {
        "buyer_id": s.approved_buyer.pk,
        "item": "Palette",
        "quantity": 1,
        "clean": True,
    },
}
