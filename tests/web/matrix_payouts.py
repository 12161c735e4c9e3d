"""Authorization matrix entries of the payouts routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

Marking a payout paid is the operator's (PT14), and none of the matrix actors is one: a visitor
is sent to the login page, every other user gets 404, the seller whose payout it is included
(the operator's own use is tested in test_payouts_pages).

The seller's own payouts page and its CSV are seller pages under view_invoices (P4): buyers'
organizations get 404, the employee without the right 403; the API answers a buyer an empty list
(as /receivables) and never another seller's payout (test_seller_payouts, test_api_payouts).
"""

from __future__ import annotations

from decimal import Decimal

from comptoir.billing.services import commission_invoice_create, invoice_issue
from comptoir.billing.snapshots import party_snapshot
from comptoir.core import clock
from comptoir.payments.models import Payment, Payout
from tests.parties.factories import make_marketplace_operator

ACTORS = ("anonymous", "buyer_a", "buyer_b", "employee_no_rights", "seller")
OPERATOR_ONLY = {**dict.fromkeys(ACTORS, 404), "anonymous": 302}


def _exported_payout(shop) -> list[int]:
    """An exported payout of the seller (built directly: the flows are in test_payouts_pages)."""
    now = clock.now()
    payment = Payment.objects.create(
        buyer=shop.approved_buyer,
        seller=shop.seller,
        method="card",
        amount=Decimal("1200.00"),
        value_date=now.date(),
        idempotency_key="matrix-payout",
        recorded_at=now,
    )
    payout = Payout.objects.create(
        seller=shop.seller,
        payment=payment,
        gross=Decimal("1200.00"),
        commission=Decimal("216.00"),
        net=Decimal("984.00"),
        status=Payout.Status.EXPORTED,
        end_to_end_id="PO-MATRIX",
        created_at=now,
        exported_at=now,
    )
    return [payout.pk]


def _seller_has_a_payout(shop) -> list:
    _exported_payout(shop)
    return []


def _payout_with_invoice(shop) -> list[int]:
    """An exported payout with its issued commission invoice, operator to seller (I8)."""
    [payout_id] = _exported_payout(shop)
    invoice = commission_invoice_create(
        operator=party_snapshot(make_marketplace_operator()),
        seller=party_snapshot(shop.seller),
        order_number="MATRIX",
        order_total_incl_vat=Decimal("1200.00"),
        sale_date=clock.today(),
        due_date=clock.today(),
        percent=Decimal("15"),
        vat_rate=Decimal("20"),
    )
    invoice = invoice_issue(invoice_id=invoice.pk)
    Payout.objects.filter(pk=payout_id).update(commission_invoice=invoice)
    return [payout_id]


SELLER_ONLY = {**dict.fromkeys(ACTORS, 404), "anonymous": 302, "employee_no_rights": 403}
API_READ = {**dict.fromkeys(ACTORS, 200), "anonymous": 401, "employee_no_rights": 403}

ROUTES: dict = {
    "web:payout_paid": (_exported_payout, "post", OPERATOR_ONLY, None),
    "web:seller_payouts": (
        _seller_has_a_payout,
        "get",
        {**SELLER_ONLY, "seller": 200},
        "PO-MATRIX",
    ),
    "web:seller_payouts_csv": (
        _seller_has_a_payout,
        "get",
        {**SELLER_ONLY, "seller": 200},
        "PO-MATRIX",
    ),
    "api:list_payouts": (_seller_has_a_payout, "get", API_READ, None),
    "web:seller_payout_invoice_pdf": (
        _payout_with_invoice,
        "get",
        {**SELLER_ONLY, "seller": 200},
        None,
    ),
}
PAYLOADS: dict = {}
