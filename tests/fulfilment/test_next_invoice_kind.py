"""O17 on the next order invoice (F7, F10): the charges waiting for a natural person's next
invoice go only on an invoice of the same kind of order, consumer or professional; the others
wait for theirs, or for the standalone invoice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.billing import rules as billing
from comptoir.billing.snapshots import party_snapshot
from comptoir.core import clock
from comptoir.fulfilment.models import Charge
from comptoir.fulfilment.services.invoicing import next_invoice_items
from comptoir.ordering.services import order_accept
from tests.ordering.conftest import place

from .test_standalone_consumer import PLACED, _buyer, _refused, jars  # noqa: F401


def _draft(shop, buyer) -> billing.DocumentDraft:
    return billing.DocumentDraft(
        issuer=party_snapshot(shop.seller),
        recipient=party_snapshot(buyer.org),
        lines=(billing.LineInput("Miel", "MIEL-12", Decimal(12), Decimal("6.50"), Decimal("5.5")),),
        sale_date=PLACED.date(),
    )


@pytest.mark.parametrize("consumer", [True, False])
def test_a_charge_goes_only_on_an_invoice_of_its_kind(jars, consumer) -> None:  # noqa: F811
    person = _buyer(jars, person=True)
    refused = _refused(jars, person, consumer=consumer, tracking="TRK-KIND")
    placed = []
    for month, kind in ((1, consumer), (2, not consumer)):  # seed 001: one order a month (O5)
        with clock.frozen(PLACED + timedelta(days=31 * month)):
            order = place(jars, person, [("MIEL-12", 12)], as_consumer=kind)
            if order.state != "accepted":
                order = order_accept(actor=jars.seller_user, order_id=order.pk)
        placed.append(order)
    same, other = placed
    charge = Charge.objects.get(order=refused)

    untouched = next_invoice_items(other, _draft(jars, person))
    assert untouched.fees == ()  # the other kind's invoice does not carry it
    charge.refresh_from_db()
    assert not charge.invoiced

    carried = next_invoice_items(same, _draft(jars, person))
    assert [f.amount for f in carried.fees] == [charge.amount_excl_vat]
    charge.refresh_from_db()
    assert charge.invoiced and charge.invoiced_with_id == same.pk
