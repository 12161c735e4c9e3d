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
}
PAYLOADS: dict = {}
