"""Authorization matrix entries of a buyer's deposit and rebates page (merged into
test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

The page is buyer A's, seen by its seller: a buyer's organization has no seller page (404), the
employee without the "credit and invoices" right gets 403 (P4), a visitor the login page. The
forms posted empty answer the page again with each field's problem, status 400, and record
nothing. The flows are tested in tests/web/test_receivables_more_pages.py.

"Settle now" of a quarter still running is refused: the seller is sent back to the page (302),
through the API 422 (`period_running`).

The same through the API (/api/deposits, /api/deposits/return, /api/rebate-agreements): a visitor
without a key gets 401, a buyer's organization 404, the employee without the right 403; the
seller reads buyer A's deposit and agreement and sets a quarter's tiers. Recording a deposit or
returning them without the Idempotency-Key header (the matrix sends none) is refused before
anything else, 422. The flows are tested in tests/api/test_deposits_rebates_api.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from comptoir.core import clock
from comptoir.payments.models import RebateAgreement
from comptoir.payments.services.credit import deposit_receive

BUYER_A_OF_THE_SELLER = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
FORM_POSTED_EMPTY = {**BUYER_A_OF_THE_SELLER, "seller": 400}


def _buyer_a(shop) -> list:
    return [shop.approved_buyer.pk]


# the API: a visitor without a key gets 401; buyers' organizations have no such routes (404)
API_SELLER = {**BUYER_A_OF_THE_SELLER, "anonymous": 401}
API_NO_KEY = {**dict.fromkeys(BUYER_A_OF_THE_SELLER, 422), "anonymous": 401}


def _deposit_of_buyer_a(shop) -> list:
    """A deposit buyer A paid the seller (through the service: the flows are in
    tests/api/test_deposits_rebates_api.py)."""
    deposit_receive(
        buyer=shop.approved_buyer,
        seller=shop.seller,
        amount=Decimal("4321.98"),
        received_on=clock.today(),
    )
    return []


def _agreement_of_buyer_a(shop) -> list:
    """A rebate agreement of buyer A, built directly."""
    RebateAgreement.objects.create(
        buyer=shop.approved_buyer,
        seller=shop.seller,
        period_start=date(2099, 1, 1),
        period_end=date(2099, 3, 31),
        tiers=[{"threshold": "7777.00", "percent": "3"}],
        set_on=clock.today(),
    )
    return []


def _running_agreement_of_buyer_a(shop) -> list:
    """Buyer A's agreement of a quarter far ahead: settling it now is refused (period_running)."""
    _agreement_of_buyer_a(shop)
    return [RebateAgreement.objects.get(buyer=shop.approved_buyer, seller=shop.seller).pk]


ROUTES: dict = {
    "web:receivables_more_buyer": (_buyer_a, "get", BUYER_A_OF_THE_SELLER, None),
    "web:receivables_more_deposit": (_buyer_a, "post", FORM_POSTED_EMPTY, None),
    "web:receivables_more_deposit_return": (_buyer_a, "post", FORM_POSTED_EMPTY, None),
    "web:receivables_more_rebates": (_buyer_a, "post", FORM_POSTED_EMPTY, None),
    # the seller's "settle now" of a running quarter: refused, back to the page (302)
    "web:receivables_more_rebate_settle": (
        lambda s: [*_buyer_a(s), *_running_agreement_of_buyer_a(s)],
        "post",
        {**BUYER_A_OF_THE_SELLER, "seller": 302},
        None,
    ),
    "api:list_deposits": (_deposit_of_buyer_a, "get", API_SELLER, "4321.98"),
    "api:receive_deposit": (lambda s: [], "post", API_NO_KEY, None),
    "api:return_deposits": (lambda s: [], "post", API_NO_KEY, None),
    "api:list_rebate_agreements": (_agreement_of_buyer_a, "get", API_SELLER, "7777.00"),
    "api:set_rebate_agreement": (lambda s: [], "post", API_SELLER, None),
    "api:settle_rebate_agreement": (
        _running_agreement_of_buyer_a,
        "post",
        {**API_SELLER, "seller": 422},
        "7777.00",
    ),
}
PAYLOADS: dict = {
    "api:receive_deposit": lambda s: {
        "buyer_id": s.approved_buyer.pk,
        "amount": "100.00",
        "received_on": clock.today().isoformat(),
    },
    "api:return_deposits": lambda s: {
        "buyer_id": s.approved_buyer.pk,
        "contract_ended_on": clock.today().isoformat(),
    },
    # a quarter far ahead, under the seller's terms in force (selective-beauty: rebates, PT13)
    "api:set_rebate_agreement": lambda s: {
        "buyer_id": s.approved_buyer.pk,
        "period_start": "2099-01-01",
        "tiers": [{"threshold": "0", "percent": "2"}],
    },
}
