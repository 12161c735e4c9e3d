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
}

PAYLOADS: dict = {
    "api:create_shipment": lambda s: {"carrier": "Colissimo", "parcels": ["6A000000002FR"]},
    "api:record_delivery": lambda s: {"signed_by": "M. Martin", "delivered_on": "2026-11-25"},
    "api:contest_delivery": lambda s: {"reason": "Colis abîmé."},
    "api:create_product": lambda s: {"sku": "MX-NEW-1", "title": "Produit matrice"},
    "api:create_terms_version": lambda s: {"source": preset_text("selective-beauty")},
    "api:publish_terms_version": lambda s: {},
}
