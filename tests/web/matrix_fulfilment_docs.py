"""Authorization matrix entries of the standalone fulfilment documents, the packaging deposits
(F10) and the manual-handling API (O11) (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).
"""

from __future__ import annotations

# POST on the order: its seller is sent back to the order page (nothing waits here: refused with
# a message, F7); its buyer too, refused by the service (P4); other companies get 404.
ORDER_POST = {
    "anonymous": 302,
    "buyer_a": 302,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 302,
}

# The API on buyer A's order: its buyer and its seller read; other companies get 404.
API_ORDER_READ = {
    "anonymous": 401,
    "buyer_a": 200,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
# O11 on buyer A's shipped order: the buyer is the wrong side (403), the seller is refused by
# the order's state (422, invalid_transition).
API_SELLER_ACT_REFUSED = {**API_ORDER_READ, "buyer_a": 403, "seller": 422}
# Posted without its Idempotency-Key header: refused by validation once authenticated.
API_NO_KEY = {**dict.fromkeys(API_ORDER_READ, 422), "anonymous": 401}

ROUTES: dict = {
    "web:pending_documents_issue": (lambda s: [s.order.number], "post", ORDER_POST, None),
    # F10: these terms charge no deposit, so the seller is sent back with the refusal; buyer A
    # too, refused by the service as the wrong side (P4)
    "web:packaging_deposit": (lambda s: [s.order.number], "post", ORDER_POST, None),
    # F10: nothing deposited on the matrix order: the seller is sent back with the refusal,
    # buyer A with "only the seller"
    "web:packaging_return": (lambda s: [s.order.number], "post", ORDER_POST, None),
    "api:mark_manual_handling": (
        lambda s: [s.order.number],
        "post",
        API_SELLER_ACT_REFUSED,
        None,
    ),
    "api:record_packaging_deposit": (lambda s: [s.order.number], "post", API_NO_KEY, None),
    "api:order_packaging": (lambda s: [s.order.number], "get", API_ORDER_READ, None),
}
PAYLOADS: dict = {
    "api:mark_manual_handling": lambda s: {"note": "Commande ressaisie."},
    "api:record_packaging_deposit": lambda s: {"item": "Palette", "quantity": 1},
}
