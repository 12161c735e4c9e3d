"""Authorization matrix entries of the substitution routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

In the matrix, buyer A's order is shipped and invoiced under terms without substitution; a
proposal waiting on it is written directly (its flow is tested in test_substitution_pages and
test_api_substitutions). Pages: forms posted empty send buyer A and the seller back to the order
with the refusal shown (302). API: the wrong side is refused by the services (403); the right
side is refused because the order is shipped (422).
"""

from __future__ import annotations

from decimal import Decimal

from comptoir.core import clock
from comptoir.ordering.models import SubstitutionProposal

ORDER_POST = {
    "anonymous": 302,
    "buyer_a": 302,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 302,
}
API_ORDER_READ = {
    "anonymous": 401,
    "buyer_a": 200,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
SECRET = "Remplacement matrice"


def _proposal(s) -> SubstitutionProposal:
    """A proposal waiting for buyer A on the matrix order."""
    line = s.order.lines.order_by("position").first()
    proposal, _ = SubstitutionProposal.objects.get_or_create(
        order=s.order,
        original_sku=line.sku,
        defaults={
            "line": line,
            "original_title": line.title,
            "original_quantity": line.quantity,
            "product": s.open_product,
            "sku": "HD-059",
            "title": "Crème hydratante 059",
            "quantity": line.quantity,
            "unit_price": Decimal("12.50"),
            "vat_rate": Decimal("20.00"),
            "net_amount": Decimal("75.00"),
            "note": SECRET,
            "proposed_at": clock.now(),
        },
    )
    return proposal


ROUTES: dict = {
    "web:substitution_propose": (lambda s: [s.order.number], "post", ORDER_POST, None),
    "web:substitution_answer": (
        lambda s: [s.order.number, _proposal(s).pk],
        "post",
        ORDER_POST,
        None,
    ),
    "api:list_substitutions": (
        lambda s: [_proposal(s).order.number],
        "get",
        API_ORDER_READ,
        SECRET,
    ),
    "api:propose_substitution": (  # buyer A is not the seller; the order is shipped (C6)
        lambda s: [s.order.number],
        "post",
        {**API_ORDER_READ, "buyer_a": 403, "seller": 422},
        None,
    ),
    "api:answer_substitution": (  # the seller does not answer; the order is shipped (C6)
        lambda s: [_proposal(s).pk],
        "post",
        {**API_ORDER_READ, "buyer_a": 422, "seller": 403},
        SECRET,
    ),
}
PAYLOADS: dict = {
    "api:propose_substitution": lambda s: {
        "line_sku": "HD-001",
        "sku": "HD-003",
        "quantity": 6,
    },
    "api:answer_substitution": lambda s: {"accept": True},
}
