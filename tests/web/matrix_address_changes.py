"""Authorization matrix entries of the address changes routes (merged into
test_authorization_matrix). Each entry: name -> (args builder taking the `shop` fixture, method,
{actor: status}, secret).

In the matrix, buyer A's order is shipped, hence no longer open to an address change (F6); a
request left waiting on it is written directly (the flow is tested in
test_address_change_pages). Forms posted empty send buyer A and the seller back with the refusal
shown (302): buyer A's request is too late and the seller does not ask; the seller's decision
names none and buyer A does not decide. The requests page is read as the order page.
"""

from __future__ import annotations

from comptoir.core import clock
from comptoir.fulfilment.models import AddressChangeRequest, RequestStatus

ORDER_GET = {
    "anonymous": 302,
    "buyer_a": 200,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
ORDER_POST = {**ORDER_GET, "buyer_a": 302, "seller": 302}
SECRET = "Entrepôt Matrice"


def _pending(s) -> AddressChangeRequest:
    """A request of buyer A waiting for the seller on the matrix order."""
    request, _ = AddressChangeRequest.objects.get_or_create(
        order=s.order,
        status=RequestStatus.PENDING,
        defaults={
            "requested_address": {
                "name": "Salon Approuvé",
                "line1": SECRET,
                "postcode": "69007",
                "city": "Lyon",
                "country": "FR",
            },
            "requested_by": s.owner,
            "requested_at": clock.now(),
        },
    )
    return request


ROUTES: dict = {
    "web:address_changes": (lambda s: [_pending(s).order.number], "get", ORDER_GET, SECRET),
    "web:address_change_request": (lambda s: [s.order.number], "post", ORDER_POST, None),
    "web:address_change_decide": (
        lambda s: [s.order.number, _pending(s).pk],
        "post",
        ORDER_POST,
        SECRET,
    ),
}
PAYLOADS: dict = {}
