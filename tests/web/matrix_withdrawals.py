"""Authorization matrix entries of the withdrawals routes (merged into
test_authorization_matrix). Each entry: name -> (args builder taking the `shop` fixture, method,
{actor: status}, secret).

In the matrix, buyer A's order is a professional's (not placed as a consumer), shipped and
invoiced; the consumer's flow is in test_withdrawal_pages. The form posted empty: buyer A and
the seller are sent back to the order with the refusal shown (302: the seller is not the
consumer, buyer A's order carries no withdrawal right), buyer B gets 404, the employee without
place_orders 403, a visitor the login page.
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
    "web:order_withdraw": (lambda s: [s.order.number], "post", ORDER_POST, None),
}
PAYLOADS: dict = {}
