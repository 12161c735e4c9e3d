"""Issue an order's invoice at the moment its terms say (I1): at the end of the order before
delivery (monthly batch), at shipment, or when the order is frozen. Called inside the transition's
transaction, so the order and its invoice commit together."""

from __future__ import annotations

from typing import Any

from comptoir.billing.services import invoice_create, invoice_issue
from comptoir.core import clock
from comptoir.ordering.invoicing import draft_for, terms_facts
from comptoir.ordering.models import Order
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.services._common import record


def order_invoice_if_due(order: Order, moment: str, *, actor: Any = None) -> bool:
    """Issue the invoice when `moment` is the one the terms name and none exists yet."""
    policy = ordering_policy(order.terms_version)
    if policy.invoicing_moment != moment or order.invoice_id is not None:
        return False
    order_invoice_issue(order, actor=actor)
    return True


def order_invoice_issue(order: Order, *, actor: Any = None) -> Order:
    """Draft and issue the order's one invoice (I1) and link it to the order."""
    today = clock.today()
    policy = ordering_policy(order.terms_version)
    draft = draft_for(order, invoice_date=today)
    invoice = invoice_create(draft=draft, terms_facts=terms_facts(policy.document), actor=actor)
    invoice = invoice_issue(invoice_id=invoice.pk, actor=actor)
    order.invoice = invoice
    order.save(update_fields=["invoice"])
    record(
        order,
        action="invoice",
        actor=actor,
        from_state=order.state,
        rule="I1",
        data={"invoice": invoice.number, "total_incl_vat": invoice.total_incl_vat},
    )
    return order
