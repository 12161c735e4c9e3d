"""Returnable packaging: deposits charged with orders, returns and what is owed back (F10).

A deposit is billed once, as its own line at 0 % (outside the VAT base), on the order's invoice or
the buyer's next one (`services/invoicing.py`); a refund (`PackagingReturn.refund_due`) is
deducted from a later invoice the same way (I5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.models import PackagingDeposit, PackagingReturn
from comptoir.fulfilment.rules import DEPOSIT_VAT_RATE, ZERO, packaging_refund
from comptoir.fulfilment.services._common import audit, locked_order, policy_of, require_seller
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note, explained, words
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission
from comptoir.terms.schema.fulfilment import ReturnableDeposits, ReturnableItem


def _terms(order: Order) -> ReturnableDeposits:
    terms = policy_of(order).document.fulfilment.returnable_deposits
    if terms is None:
        raise DomainError(
            "no_returnable_packaging", _("The terms charge no deposit."), "item", "F10"
        )
    return terms


def _item(terms: ReturnableDeposits, name: str) -> ReturnableItem:
    for item in terms.items:
        if item.name == name:
            return item
    names = ", ".join(i.name for i in terms.items)
    raise DomainError(
        "unknown_item",
        _("Returnable items: %(names)s.") % {"names": names},
        field="item",
        rule="F10",
    )


@transaction.atomic
def packaging_deposit_record(
    *,
    actor: Any,
    order_id: int,
    item: str,
    quantity: int,
    unit_deposit: Decimal | None = None,
) -> PackagingDeposit:
    """The seller charges a deposit on returnable packaging sent with the order (F10); the unit
    deposit is the terms' amount, or the tariff's when the terms give none."""
    order = locked_order(order_id)
    require_seller(actor, order)
    spec = _item(_terms(order), item)
    amount = spec.deposit if spec.deposit is not None else unit_deposit
    if amount is None or amount < 0:
        raise DomainError(
            "deposit_required", _("Give the unit deposit (tariff)."), "unit_deposit", "F10"
        )
    if quantity <= 0:
        raise DomainError("invalid_quantity", _("At least one unit."), field="quantity", rule="F10")
    deposit = PackagingDeposit.objects.create(
        order=order,
        item_name=spec.name,
        unit=spec.unit,
        quantity=quantity,
        unit_deposit=Decimal(amount).quantize(Decimal("0.01")),
        vat_rate=DEPOSIT_VAT_RATE,
        created_at=clock.now(),
    )
    audit(
        actor,
        order,
        "packaging.deposit",
        deposit,
        {"item": spec.name, "quantity": quantity, "unit_deposit": deposit.unit_deposit},
    )
    return deposit


@transaction.atomic
def packaging_return_record(
    *,
    actor: Any,
    buyer_id: int,
    seller_id: int,
    item: str,
    quantity: int,
    returned_on: date,
    clean: bool,
    request_key: str = "",
) -> PackagingReturn:
    """The seller records empty packaging taken back from a buyer and what it owes back (F10).
    `request_key` (a form's key): the same key again returns the return it recorded."""
    if actor is not None:
        require_permission(actor, seller_id, Permission.PLACE_ORDERS)
    # Serialize returns of this (buyer, seller): lock the seller row.
    Organization.objects.select_for_update().filter(pk=seller_id).first()
    request_key = request_key.strip()[:80]
    if request_key:
        done = PackagingReturn.objects.filter(seller_id=seller_id, request_key=request_key).first()
        if done is not None:
            same = (done.buyer_id, done.item_name, done.quantity, done.returned_clean)
            if same != (buyer_id, item, quantity, clean):
                raise DomainError(
                    "request_key_reused",
                    _("This form was already used for another return: load the page again."),
                    "request_key",
                    "F10",
                )
            return done
    deposits = PackagingDeposit.objects.filter(
        order__buyer_id=buyer_id, order__seller_id=seller_id, item_name=item
    ).select_related("order")
    last = deposits.order_by("-created_at", "-pk").first()
    if last is None:
        raise DomainError(
            "nothing_deposited", _("No deposit was charged for this item."), "item", "F10"
        )
    terms = _terms(last.order)
    _item(terms, item)
    totals = deposits.aggregate(q=Sum("quantity"), a=Sum(F("quantity") * F("unit_deposit")))
    returns = PackagingReturn.objects.filter(buyer_id=buyer_id, seller_id=seller_id, item_name=item)
    before = returns.aggregate(q=Sum("quantity", default=0), r=Sum("refund_due"))
    clean_before = returns.filter(returned_clean=True).aggregate(q=Sum("quantity"))["q"] or 0
    refund = packaging_refund(
        condition=terms.refund_condition,
        quantity=quantity,
        clean=clean,
        unit_deposit=last.unit_deposit,
        deposited_quantity=totals["q"] or 0,
        deposited_amount=Decimal(totals["a"] or 0).quantize(Decimal("0.01")),
        returned_clean_before=clean_before,
        unclean_before=returns.filter(returned_clean=False).exists(),
        refunded_before=Decimal(before["r"] or ZERO).quantize(Decimal("0.01")),
    )
    if not clean:
        explanation = Note.of("packaging_returned_dirty")
    elif refund > 0:
        explanation = Note.of("packaging_refund_due", amount=refund)
    else:
        explanation = Note.of("packaging_refund_later")
    record = PackagingReturn.objects.create(
        buyer_id=buyer_id,
        seller_id=seller_id,
        item_name=item,
        quantity=quantity,
        returned_on=returned_on,
        returned_clean=clean,
        refund_due=refund,
        **explained(explanation + words(str(terms.clause or ""))),
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=clock.now(),
        request_key=request_key,
    )
    audit(
        actor,
        last.order,
        "packaging.return",
        record,
        {"item": item, "quantity": quantity, "clean": clean, "refund_due": refund},
    )
    return record
