"""Authorization matrix entries of the standalone fulfilment documents (merged into
test_authorization_matrix).

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

ROUTES: dict = {
    "web:pending_documents_issue": (lambda s: [s.order.number], "post", ORDER_POST, None),
}
PAYLOADS: dict = {}
