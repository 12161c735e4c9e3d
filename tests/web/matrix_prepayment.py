"""Authorization matrix entries of the prepayment route (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

Buyer A's order in the matrix awaits no prepayment: the form posted empty sends buyer A (not the
seller) and the seller (nothing awaited) back to the order with the refusal shown (302); other
companies get 404, the employee without the "credit and invoices" right 403 (P4). The flow is
tested in tests/web/test_prepayment_page.py.
"""

from __future__ import annotations

ORDER_POST = {
    "anonymous": 302,
    "buyer_a": 302,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 302,
}

ROUTES: dict = {
    "web:prepayment_record": (lambda s: [s.order.number], "post", ORDER_POST, None),
    # sent without its Idempotency-Key header: refused before anything else, once logged in
    "api:record_prepayment": (
        lambda s: [s.order.number],
        "post",
        {
            "anonymous": 401,
            "buyer_a": 422,
            "buyer_b": 422,
            "employee_no_rights": 422,
            "seller": 422,
        },
        None,
    ),
    # the order awaits no prepayment: the seller is told so (O10); the buyer may not waive
    "api:waive_prepayment": (
        lambda s: [s.order.number],
        "post",
        {
            "anonymous": 401,
            "buyer_a": 403,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 422,
        },
        None,
    ),
}
PAYLOADS: dict = {
    "api:record_prepayment": lambda s: {
        "amount": "1.00",
        "method": "transfer",
        "value_date": "2026-11-30",
    },
    "api:waive_prepayment": lambda s: {"reason": "Client fidèle."},
}
