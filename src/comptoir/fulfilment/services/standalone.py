"""Documents of their own for what waits for a buyer's next invoice (F7, F10, I5).

Charges (F7 refused-delivery fee and transport, uncollected goods, wrong goods kept) and packaging
deposits wait for the buyer's next invoice from the seller, and deposit refunds for the next
invoice that carries deposits (`services/invoicing.py`). A buyer who orders no more would wait
for ever: once an item has waited `COMPTOIR_STANDALONE_AFTER_DAYS` (30 by default), the daily
sweep issues, for each buyer-seller pair, one standalone invoice for the charges and deposits, and
one credit note per invoice that charged the deposits refunded (I5: a credit note names the
invoice it credits). The seller may issue them at once from the order page.

A natural person may buy both as a consumer and for its trade (O17): items of its consumer orders
and of its professional orders are split into two invoices issued in the same transaction, the
professional one first (`rules.consumer_split`): the consumer's without the B2B penalty-rate and
40 € mentions, the professional's with them (C. com. L441-9, L441-10).

Rows are taken as the next-invoice hook takes them (same filters, same lock order, marked
`invoiced` / `credited` in the document's transaction), so whichever comes first bills a row and
the other finds it billed.

F10 packaging not returned `COMPTOIR_PACKAGING_RETURN_DAYS` (90 by default, the seeds set no
deadline) after its deposit was charged is sold: its 0 % deposit is credited back and the same
amount invoiced at the standard VAT rate, so the buyer pays the VAT on it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from comptoir.billing import rules as billing
from comptoir.billing.models import Invoice, Status
from comptoir.billing.services import credit_note_create, invoice_create, invoice_issue
from comptoir.billing.services.documents import credited_so_far
from comptoir.billing.snapshots import party_snapshot
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.fulfilment.models import Charge, DepositCredit, PackagingDeposit, PackagingReturn
from comptoir.fulfilment.rules import (
    DEPOSIT_VAT_CATEGORY,
    DEPOSIT_VAT_RATE,
    PACKAGING_RETURN_DAYS,
    PACKAGING_SALE_VAT_RATE,
    STANDALONE_AFTER_DAYS,
    ZERO,
    deposit_credits,
    packaging_kept,
    standalone_nature,
)
from comptoir.fulfilment.services.invoicing import (
    DEPOSIT_MENTION,
    charge_reason,
    deposit_line,
    locked,
)
from comptoir.ordering.invoicing import due_date, terms_facts
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note, explained
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import consumer_document, consumer_split
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission

logger = logging.getLogger(__name__)

STANDALONE_MENTION = (
    "Frais et consignes restés en attente d'une prochaine facture, facturés séparément (F7, F10)."
)


def standalone_after_days() -> int:
    return int(getattr(settings, "COMPTOIR_STANDALONE_AFTER_DAYS", STANDALONE_AFTER_DAYS))


def packaging_return_days() -> int:
    return int(getattr(settings, "COMPTOIR_PACKAGING_RETURN_DAYS", PACKAGING_RETURN_DAYS))


@dataclass
class Issued:
    """What one buyer-seller pair got: at most two invoices (a natural person's professional
    items, then its consumer items, O17), one credit note per invoice credited."""

    invoices: list[Invoice] = field(default_factory=list)
    credit_notes: list[Invoice] = field(default_factory=list)

    @property
    def invoice(self) -> Invoice | None:
        """The first invoice issued (the professional one when the items were split), or
        None."""
        return self.invoices[0] if self.invoices else None

    @property
    def count(self) -> int:
        return len(self.credit_notes) + len(self.invoices)


# --- what waits -------------------------------------------------------------------------------


def _deposits(buyer_id: int, seller_id: int, before: datetime | None) -> Any:
    """Deposits not yet billed whose order's own invoice is issued: they wait for a next
    invoice (a deposit of an order not yet invoiced goes on that order's invoice)."""
    query = PackagingDeposit.objects.filter(
        invoiced=False,
        order__buyer_id=buyer_id,
        order__seller_id=seller_id,
        order__invoice__isnull=False,
    )
    return query if before is None else query.filter(created_at__lte=before)


def _charges(buyer_id: int, seller_id: int, before: datetime | None) -> Any:
    query = Charge.objects.filter(
        invoiced=False, order__buyer_id=buyer_id, order__seller_id=seller_id
    )
    return query if before is None else query.filter(created_at__lte=before)


def _refunds(buyer_id: int, seller_id: int, before: datetime | None) -> Any:
    query = PackagingReturn.objects.filter(
        buyer_id=buyer_id, seller_id=seller_id, credited=False, refund_due__gt=0
    )
    return query if before is None else query.filter(recorded_at__lte=before)


def pairs_waiting(*, before: datetime) -> list[tuple[int, int]]:
    """The (buyer, seller) pairs with a charge, deposit or refund waiting since `before`."""
    pairs = set(
        Charge.objects.filter(invoiced=False, created_at__lte=before).values_list(
            "order__buyer_id", "order__seller_id"
        )
    )
    pairs |= set(
        PackagingDeposit.objects.filter(
            invoiced=False, created_at__lte=before, order__invoice__isnull=False
        ).values_list("order__buyer_id", "order__seller_id")
    )
    pairs |= set(
        PackagingReturn.objects.filter(
            credited=False, refund_due__gt=0, recorded_at__lte=before
        ).values_list("buyer_id", "seller_id")
    )
    return sorted(pairs)


def waiting_for(*, buyer_id: int, seller_id: int) -> int:
    """How many charges, deposits and refunds of the pair wait for a document (F7, F10)."""
    return (
        _charges(buyer_id, seller_id, None).count()
        + _deposits(buyer_id, seller_id, None).count()
        + _refunds(buyer_id, seller_id, None).count()
    )


# --- the standalone invoice -------------------------------------------------------------------


def _latest_order(buyer_id: int, seller_id: int, consumer: bool) -> Order | None:
    """The pair's latest order of the document's kind (O17): its terms and payment option give
    the document's due date and terms facts."""
    return (
        Order.objects.filter(buyer_id=buyer_id, seller_id=seller_id, consumer=consumer)
        .select_related("terms_version")
        .order_by("-placed_at", "-pk")
        .first()
    )


def _charge_line(charge: Charge) -> billing.LineInput:
    number = charge.order.number or str(charge.order_id)
    return billing.LineInput(
        description=f"{charge_reason(charge)} — commande {number}"[:300],
        sku="",
        quantity=Decimal(1),
        unit_price=Decimal(charge.amount_excl_vat),
        vat_rate=Decimal(charge.vat_rate),
    )


def _invoice(
    *,
    actor: Any,
    buyer: Organization,
    seller: Organization,
    deposits: list[PackagingDeposit],
    charges: list[Charge],
) -> Invoice:
    """One invoice of `deposits` and `charges`, all of consumer orders or all of professional
    orders (`consumer_split`)."""
    today = clock.today()
    # O17: a consumer's items, as on its order's invoice: no B2B penalty-rate and 40 € mentions
    consumer = consumer_document(
        [d.order.consumer for d in deposits] + [c.order.consumer for c in charges]
    )
    order = _latest_order(buyer.pk, seller.pk, consumer)
    mentions = [STANDALONE_MENTION] + ([DEPOSIT_MENTION] if deposits else [])
    draft = billing.DocumentDraft(
        issuer=party_snapshot(seller),
        recipient=party_snapshot(buyer),
        lines=(*(deposit_line(d) for d in deposits), *(_charge_line(c) for c in charges)),
        sale_date=today,
        due_date=due_date(order, today) if order is not None else None,
        nature=standalone_nature(deposits=len(deposits), charge_codes=[c.code for c in charges]),
        mentions=tuple(mentions),
        consumer=consumer,
    )
    facts = None
    if order is not None:
        facts = terms_facts(
            ordering_policy(order.terms_version).document, payment_method=order.payment_method
        )
    invoice = invoice_create(draft=draft, terms_facts=facts, actor=actor)
    invoice = invoice_issue(invoice_id=invoice.pk, actor=actor)
    PackagingDeposit.objects.filter(pk__in=[d.pk for d in deposits]).update(
        invoiced=True, invoice=invoice
    )
    Charge.objects.filter(pk__in=[c.pk for c in charges]).update(invoiced=True, invoice=invoice)
    return invoice


# --- the credit notes of deposit refunds ------------------------------------------------------


def _invoice_of(deposit: PackagingDeposit) -> int | None:
    if deposit.invoice_id is not None:
        return deposit.invoice_id
    if deposit.invoiced_with is not None:
        return deposit.invoiced_with.invoice_id
    return None


def _room(invoice_id: int) -> Decimal:
    """What `invoice` can still be credited at 0 %: its 0 % base less its credit notes'."""
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.status != Status.ISSUED:
        return ZERO
    base = sum((v.base for v in invoice.vat_breakdown.all() if v.rate == DEPOSIT_VAT_RATE), ZERO)
    done = credited_so_far(invoice=invoice)["bases"].get(DEPOSIT_VAT_RATE, ZERO)
    return max(ZERO, base - done)


def _refund_text(refund: PackagingReturn) -> str:
    if refund.kept:
        text = (
            f"Consigne reprise : {refund.quantity} × {refund.item_name} non rendus au "
            f"{refund.returned_on:%d/%m/%Y}, vendus (facture de vente des emballages) (F10)"
        )
    else:
        text = (
            f"Remboursement de consigne : {refund.quantity} × {refund.item_name} rendus le "
            f"{refund.returned_on:%d/%m/%Y} (F10)"
        )
    return text[:300]


def _credit_notes(
    *, actor: Any, buyer_id: int, seller_id: int, refunds: list[PackagingReturn]
) -> list[Invoice]:
    """One credit note per invoice that charged the deposits refunded (I5), oldest first; a
    refund no invoice can take whole waits."""
    by_item: dict[str, list[PackagingReturn]] = {}
    for refund in refunds:
        by_item.setdefault(refund.item_name, []).append(refund)
    room: dict[int, Decimal] = {}
    lines: dict[int, list[tuple[PackagingReturn, Decimal]]] = {}
    for item, pending in by_item.items():
        deposits = []
        for d in (
            PackagingDeposit.objects.filter(
                invoiced=True, order__buyer_id=buyer_id, order__seller_id=seller_id, item_name=item
            )
            .select_related("invoiced_with")
            .order_by("created_at", "pk")
        ):
            invoice_id = _invoice_of(d)
            if invoice_id is not None:
                deposits.append((invoice_id, (d.unit_deposit * d.quantity).quantize(ZERO)))
                if invoice_id not in room:
                    room[invoice_id] = _room(invoice_id)
        consumed = (
            PackagingReturn.objects.filter(
                buyer_id=buyer_id, seller_id=seller_id, item_name=item, credited=True
            ).aggregate(s=Sum("refund_due"))["s"]
            or ZERO
        )
        chosen = deposit_credits(
            deposits=deposits,
            consumed=Decimal(consumed),
            refunds=[(r.pk, Decimal(r.refund_due)) for r in pending],
            room=room,
        )
        for refund in pending:
            for invoice_id, amount in chosen.get(refund.pk, []):
                lines.setdefault(invoice_id, []).append((refund, amount))
    notes: list[Invoice] = []
    for invoice_id in sorted(lines):
        parts = lines[invoice_id]
        note = credit_note_create(
            invoice_id=invoice_id,
            lines=[
                billing.LineInput(
                    description=_refund_text(refund),
                    sku="",
                    quantity=Decimal(1),
                    unit_price=amount,
                    vat_rate=DEPOSIT_VAT_RATE,
                    vat_category=DEPOSIT_VAT_CATEGORY,
                )
                for refund, amount in parts
            ],
            reason="consignes d'emballages reprises (F10, I5)",
            actor=actor,
        )
        note = invoice_issue(invoice_id=note.pk, actor=actor)
        DepositCredit.objects.bulk_create(
            DepositCredit(
                packaging_return=refund, invoice_id=invoice_id, credit_note=note, amount=a
            )
            for refund, a in parts
        )
        notes.append(note)
    credited = {refund.pk for parts in lines.values() for refund, _amount in parts}
    PackagingReturn.objects.filter(pk__in=credited).update(credited=True)
    return notes


# --- the use cases ----------------------------------------------------------------------------


def _issue(
    *, actor: Any, buyer_id: int, seller_id: int, before: datetime | None, reason: str
) -> Issued:
    """Inside the caller's transaction: lock what waits (deposits, charges, refunds, in the
    next-invoice hook's order), then issue the invoice and the credit notes."""
    deposits = list(
        locked(_deposits(buyer_id, seller_id, before))
        .select_related("order__terms_version")
        .order_by("created_at", "pk")
    )
    charges = list(
        locked(_charges(buyer_id, seller_id, before))
        .select_related("order")
        .order_by("created_at", "pk")
    )
    refunds = list(locked(_refunds(buyer_id, seller_id, before)).order_by("returned_on", "pk"))
    issued = Issued()
    if deposits or charges:
        buyer = Organization.objects.get(pk=buyer_id)
        seller = Organization.objects.get(pk=seller_id)
        # O17: a natural person's consumer items and professional items on two documents, each
        # with its own mentions; numbered one after the other in this transaction (I1)
        flags = [d.order.consumer for d in deposits] + [c.order.consumer for c in charges]
        for _consumer, positions in consumer_split(flags):
            chosen = set(positions)
            issued.invoices.append(
                _invoice(
                    actor=actor,
                    buyer=buyer,
                    seller=seller,
                    deposits=[d for i, d in enumerate(deposits) if i in chosen],
                    charges=[c for i, c in enumerate(charges, start=len(deposits)) if i in chosen],
                )
            )
    if refunds:
        issued.credit_notes = _credit_notes(
            actor=actor, buyer_id=buyer_id, seller_id=seller_id, refunds=refunds
        )
    if issued.count:
        audit_record(
            actor=actor,
            organization_id=seller_id,
            action="fulfilment.standalone.issue",
            obj_type="billing.Invoice",
            obj_id=(issued.invoice or issued.credit_notes[0]).pk,
            data={
                "buyer": buyer_id,
                "reason": reason,
                "invoice": issued.invoice.number if issued.invoice else None,
                "invoices": [{"number": i.number, "consumer": i.consumer} for i in issued.invoices],
                "credit_notes": [n.number for n in issued.credit_notes],
                "charges": [c.pk for c in charges],
                "deposits": [d.pk for d in deposits],
            },
        )
    return issued


@transaction.atomic
def pending_documents_issue(*, actor: Any, buyer_id: int, seller_id: int) -> Issued:
    """The seller issues now, without waiting for a next invoice, the invoice of every charge
    and deposit of the buyer still waiting and the credit notes of its deposit refunds
    (F7, F10, I5). Refused when nothing can be issued."""
    if actor is not None:
        require_permission(actor, seller_id, Permission.PLACE_ORDERS)
    issued = _issue(
        actor=actor, buyer_id=buyer_id, seller_id=seller_id, before=None, reason="seller"
    )
    if not issued.count:
        raise DomainError(
            "nothing_to_issue",
            _("Nothing waits for an invoice or a credit note (F7, F10)."),
            rule="F7",
        )
    return issued


def standalone_documents_due(*, until: datetime) -> int:
    """The sweep: each pair with an item waiting more than the setting's days gets its
    documents, one transaction per pair; returns how many documents were issued."""
    before = until - timedelta(days=standalone_after_days())
    done = 0
    for buyer_id, seller_id in pairs_waiting(before=before):
        try:
            with transaction.atomic():
                issued = _issue(
                    actor=None,
                    buyer_id=buyer_id,
                    seller_id=seller_id,
                    before=before,
                    reason="sweep",
                )
            done += issued.count
        except DomainError as error:  # the pair waits for a seller's look; the others go on
            logger.warning("standalone documents %s/%s: %s", buyer_id, seller_id, error)
    return done


# --- packaging kept (F10) ---------------------------------------------------------------------


def _kept_one(buyer_id: int, seller_id: int, item: str, before: datetime) -> bool:
    with transaction.atomic():
        # returns of the pair are serialized on the seller row (as packaging_return_record)
        Organization.objects.select_for_update().filter(pk=seller_id).first()
        deposits = list(
            PackagingDeposit.objects.filter(
                invoiced=True, order__buyer_id=buyer_id, order__seller_id=seller_id, item_name=item
            )
            .select_related("order")
            .order_by("created_at", "pk")
        )
        returned = (
            PackagingReturn.objects.filter(
                buyer_id=buyer_id, seller_id=seller_id, item_name=item
            ).aggregate(q=Sum("quantity"))["q"]
            or 0
        )
        quantity, amount = packaging_kept(
            deposits=[(d.quantity, d.unit_deposit, d.created_at <= before) for d in deposits],
            returned=returned,
        )
        if quantity <= 0:
            return False
        last = [d for d in deposits if d.created_at <= before][-1]
        today = clock.today()
        kept = PackagingReturn.objects.create(
            buyer_id=buyer_id,
            seller_id=seller_id,
            item_name=item,
            quantity=quantity,
            returned_on=today,
            returned_clean=False,
            kept=True,
            refund_due=amount,  # the 0 % deposit is credited back, the sale invoiced with VAT
            **explained(
                Note.of(
                    "packaging_not_returned",
                    quantity=quantity,
                    item=item,
                    days=packaging_return_days(),
                )
            ),
            recorded_at=clock.now(),
        )
        Charge.objects.create(
            order=last.order,
            code="packaging_kept",
            amount_excl_vat=amount,
            vat_rate=PACKAGING_SALE_VAT_RATE,
            rule="F10",
            **explained(Note.of("packaging_kept", quantity=quantity, item=item)),
            created_at=clock.now(),
        )
        audit_record(
            actor=None,
            organization_id=seller_id,
            action="fulfilment.packaging.kept",
            obj_type="fulfilment.PackagingReturn",
            obj_id=kept.pk,
            data={"buyer": buyer_id, "item": item, "quantity": quantity, "amount": amount},
        )
        # the sale and the deposit credited back are documented together, at once
        _issue(actor=None, buyer_id=buyer_id, seller_id=seller_id, before=None, reason="kept")
        return True


def packaging_kept_due(*, until: datetime) -> int:
    """The sweep: packaging not returned `COMPTOIR_PACKAGING_RETURN_DAYS` after its deposit was
    charged is sold (F10); returns how many (buyer, seller, item) were charged."""
    before = until - timedelta(days=packaging_return_days())
    keys = sorted(
        set(
            PackagingDeposit.objects.filter(invoiced=True, created_at__lte=before).values_list(
                "order__buyer_id", "order__seller_id", "item_name"
            )
        )
    )
    done = 0
    for buyer_id, seller_id, item in keys:
        try:
            done += _kept_one(buyer_id, seller_id, item, before)
        except DomainError as error:
            logger.warning("packaging kept %s/%s %s: %s", buyer_id, seller_id, item, error)
    return done
