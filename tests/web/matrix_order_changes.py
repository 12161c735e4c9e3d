"""Authorization matrix entries of the order changes routes (merged into
test_authorization_matrix). Each entry: name -> (args builder taking the `shop` fixture, method,
{actor: status}, secret).

Buyer A's order in the matrix is shipped and invoiced: its buyer and its seller posting any of
these forms come back to the order with the refusal shown (302), nothing changed; buyer B gets
404, the employee without rights 403, a visitor the login page."""

from __future__ import annotations

ORDER_POST = {
    "anonymous": 302,
    "buyer_a": 302,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 302,
}

ROUTES: dict = {
    f"web:{name}": (lambda s: [s.order.number], "post", ORDER_POST, None)
    for name in ("order_edit", "order_modify", "order_change", "order_suspend", "order_resume")
}
PAYLOADS: dict = {}
