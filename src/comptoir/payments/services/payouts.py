"""Marketplace settlement (PT14): funds collected for sellers are held, then paid out as SEPA
credit transfers (pain.001): the amount incl. VAT minus the commission and its VAT."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.billing.models import Invoice
from comptoir.billing.services import commission_invoice_create, invoice_issue
from comptoir.billing.snapshots import party_snapshot
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import (
    OpenItemSpec,
    Posting,
    accounts_get,
    journal_entry_post,
    matching_create,
)
from comptoir.parties.models import Organization
from comptoir.parties.permissions import is_operator
from comptoir.payments import labels, rules
from comptoir.payments.formats.sepa import CreditTransfer, Party, pain001
from comptoir.payments.models import Payment, Payout
from comptoir.payments.policy import PaymentPolicy

P = Account.Purpose
VAT_RATE = Decimal("20")


def payout_create(
    *,
    payment: Payment,
    policy: PaymentPolicy,
    allocations: list[tuple[int, Decimal]],
    actor: Any = None,
) -> Payout:
    """The seller's share of a payment collected by the operator (PT14 [000 §7.8]): commission
    taken at payment, never refunded."""
    market = policy.document.marketplace
    assert market is not None
    amounts = rules.payout_amounts(
        payment.amount,
        payment.amount,
        market.commission.percent,
        VAT_RATE,
        market.commission.vat_on_commission,
    )
    payout = Payout.objects.create(
        seller_id=payment.seller_id,
        payment=payment,
        gross=amounts.gross,
        commission=amounts.commission,
        net=amounts.net,
        end_to_end_id=f"PO{payment.pk:010d}",
        created_at=clock.now(),
    )
    if amounts.commission > 0:
        payout.commission_invoice = _commission_invoice(
            payout,
            allocations,
            percent=market.commission.percent,
            vat_rate=VAT_RATE if market.commission.vat_on_commission else Decimal("0"),
            actor=actor,
        )
        payout.save(update_fields=["commission_invoice"])
    audit_record(
        actor=actor,
        organization_id=payment.seller_id,
        action="payments.payout_created",
        obj_type="payments.payout",
        obj_id=payout.pk,
        data={
            "gross": amounts.gross,
            "commission_excl_vat": amounts.commission_excl_vat,
            "commission_vat": amounts.commission_vat,
            "net": amounts.net,
            "commission_invoice": getattr(payout.commission_invoice, "number", None),
            "rule": "PT14",
        },
    )
    return payout


def _commission_invoice(
    payout: Payout,
    allocations: list[tuple[int, Decimal]],
    *,
    percent: Decimal,
    vat_rate: Decimal,
    actor: Any,
) -> Invoice:
    """I8 [000 §12]: the operator invoices the seller its commission on the payment, and the
    invoice is settled at once by the deduction from the payout (PT14: taken at payment)."""
    operator = _operator(bank=False)
    seller = payout.seller
    references = OpenItem.objects.filter(pk__in=[item for item, _amount in allocations])
    invoices = sorted(set(references.values_list("reference", flat=True)))
    orders = Invoice.objects.filter(issuer=seller, number__in=invoices).values_list(
        "references", flat=True
    )
    order_numbers = sorted({r.get("order_number", "") for r in orders} - {""})
    today = clock.today()
    invoice = commission_invoice_create(
        operator=party_snapshot(operator),
        seller=party_snapshot(seller),
        order_number=", ".join(order_numbers or invoices)[:120] or payout.end_to_end_id,
        order_total_incl_vat=payout.gross,
        sale_date=today,
        due_date=today,
        percent=percent,
        vat_rate=vat_rate,
        actor=actor,
    )
    invoice = invoice_issue(invoice_id=invoice.pk, actor=actor)
    if invoice.total_incl_vat != payout.commission:  # one computation, two documents
        raise DomainError(
            code="commission_mismatch",
            message=_(
                "The commission invoice (%(invoiced)s) differs from the commission "
                "deducted from the payout (%(deducted)s)."
            )
            % {"invoiced": invoice.total_incl_vat, "deducted": payout.commission},
            rule="I8",
        )
    _settle_by_deduction(invoice, payout, operator)
    return invoice


def _settle_by_deduction(invoice: Invoice, payout: Payout, operator: Organization) -> None:
    """The seller pays the commission invoice with part of the funds collected for it: its debt to
    the operator is credited and its revenue reduced by the same amount, and the two open items
    are matched (lettrage)."""
    accounts = accounts_get(
        wanted=[(payout.seller_id, P.RECEIVABLE), (payout.seller_id, P.SELLER_REVENUE)]
    )
    receivable = accounts[(payout.seller_id, P.RECEIVABLE)]
    entry = journal_entry_post(
        date=clock.today(),
        label=f"Commission {invoice.number} déduite du reversement {payout.end_to_end_id}"[:200],
        reference=invoice.number or "",
        data=labels.facts(
            labels.PAYOUT_COMMISSION, invoice=invoice.number or "", payout=payout.end_to_end_id
        ),
        lines=[
            Posting(
                account=accounts[(payout.seller_id, P.SELLER_REVENUE)],
                debit=invoice.total_incl_vat,
            ),
            Posting(account=receivable, credit=invoice.total_incl_vat),
        ],
        open_items=[
            OpenItemSpec(
                account=receivable,
                party_id=payout.seller_id,
                counterparty_id=operator.pk,
                reference=invoice.number or "",
                kind=OpenItem.Kind.PAYMENT,
                amount=-invoice.total_incl_vat,
                due_date=clock.today(),
            )
        ],
    )
    owed = OpenItem.objects.get(reference=invoice.number, party_id=payout.seller_id, amount__gt=0)
    paid = OpenItem.objects.get(entry=entry)
    matching_create(item_a_id=owed.pk, item_b_id=paid.pk, amount=invoice.total_incl_vat)


def _operator(*, bank: bool = True) -> Organization:
    """The marketplace operator: it invoices the commission (I8) and, with its IBAN, pays out."""
    operator = Organization.objects.filter(is_operator=True).order_by("pk").first()
    if operator is None or (bank and not operator.iban):
        raise DomainError(
            code="operator_bank_missing" if operator else "operator_missing",
            message=(
                _("The operator's organization and IBAN are needed to pay sellers out.")
                if bank
                else _("The marketplace operator's organization is needed to invoice commissions.")
            ),
            field="operator",
            rule="PT14" if bank else "I8",
        )
    return operator


@transaction.atomic
def payouts_export(*, actor: Any = None) -> tuple[bytes, list[Payout]]:
    """All pending payouts as one pain.001 file; they are marked sent and their funds leave the
    account held for sellers (net to the seller, commission to the operator)."""
    payouts = list(
        Payout.objects.select_for_update()
        .filter(status=Payout.Status.PENDING)
        .select_related("seller", "payment")
        .order_by("pk")
    )
    if not payouts:
        return b"", []
    operator = _operator()
    missing = [p.seller.legal_name for p in payouts if not p.seller.iban]
    if missing:
        raise DomainError(
            code="seller_iban_missing",
            message=_("No IBAN for: %(sellers)s.") % {"sellers": ", ".join(sorted(set(missing)))},
            field="seller.iban",
            rule="PT14",
        )
    at = clock.now()
    message_id = f"COMPTOIR-PO-{at:%Y%m%d%H%M%S}-{payouts[0].pk}"
    xml = pain001(
        Party(operator.legal_name, operator.iban, operator.bic),
        [
            CreditTransfer(
                end_to_end_id=p.end_to_end_id,
                amount=p.net,
                creditor=Party(p.seller.legal_name, p.seller.iban, p.seller.bic),
                remittance=f"Reversement {p.payment.reference or p.payment.pk}"[:140],
                execution_date=clock.today(),
            )
            for p in payouts
            if p.net > 0
        ],
        message_id=message_id,
        created_at=at,
    )
    today = clock.today()
    for p in payouts:
        accounts = accounts_get(
            wanted=[(None, P.FUNDS_HELD_FOR_SELLERS), (p.seller_id, P.BANK), (operator.pk, P.BANK)]
        )
        lines = [Posting(account=accounts[(None, P.FUNDS_HELD_FOR_SELLERS)], credit=p.gross)]
        if p.net > 0:
            lines.append(Posting(account=accounts[(p.seller_id, P.BANK)], debit=p.net))
        if p.commission > 0:
            lines.append(Posting(account=accounts[(operator.pk, P.BANK)], debit=p.commission))
        journal_entry_post(
            date=today,
            label=f"Reversement vendeur {p.seller.legal_name}"[:200],
            reference=p.end_to_end_id,
            journal="BQ",
            data=labels.facts(labels.PAYOUT, name=p.seller.legal_name),
            lines=lines,
        )
    Payout.objects.filter(pk__in=[p.pk for p in payouts]).update(
        status=Payout.Status.EXPORTED, message_id=message_id, exported_at=at
    )
    audit_record(
        actor=actor,
        organization_id=operator.pk,
        action="payments.payouts_exported",
        obj_type="payments.payout",
        obj_id=message_id,
        data={"count": len(payouts), "total": sum((p.net for p in payouts), Decimal(0))},
    )
    return xml, payouts


# --- paid (PT14) ------------------------------------------------------------------------------
#
# A payout is `exported` once its pain.001 file is made; it is `paid` when the operator's bank
# has debited the transfer: the operator says so on the payouts page, or the import of the
# operator's CAMT.053 statement finds the debit (DBIT) carrying the payout's end-to-end id.


def _refuse_unless_exported(payout: Payout) -> None:
    if payout.status == Payout.Status.PENDING:
        raise DomainError(
            code="payout_not_exported",
            message=_(
                "Payout %(ref)s has not been sent to the bank yet: export it in a credit-transfer "
                "file first."
            )
            % {"ref": payout.end_to_end_id},
            field="payout",
            rule="PT14",
        )
    if payout.status == Payout.Status.PAID:
        paid = timezone.localtime(payout.paid_at) if payout.paid_at else None
        raise DomainError(
            code="payout_already_paid",
            message=_("Payout %(ref)s is already marked paid (%(date)s): nothing changed.")
            % {"ref": payout.end_to_end_id, "date": f"{paid:%d/%m/%Y}" if paid else "—"},
            field="payout",
            rule="PT14",
        )


def _mark_paid(payout: Payout, *, at: datetime, actor: Any, data: dict[str, Any]) -> Payout:
    payout.status = Payout.Status.PAID
    payout.paid_at = at
    payout.save(update_fields=["status", "paid_at"])
    audit_record(
        actor=actor,
        organization_id=payout.seller_id,
        action="payments.payout_paid",
        obj_type="payments.payout",
        obj_id=payout.pk,
        data={
            "end_to_end_id": payout.end_to_end_id,
            "net": payout.net,
            "paid_at": at,
            "rule": "PT14",
            **data,
        },
    )
    return payout


@transaction.atomic
def payout_mark_paid(*, actor: Any, payout_id: int) -> Payout:
    """The operator says an exported payout was paid (its bank debited the transfer), now
    (PT14). Only the operator may; a pending payout (not sent yet) or one already paid is
    refused and nothing changes."""
    if not is_operator(actor):
        raise PermissionDenied(_("Only the marketplace operator marks payouts paid."), rule="PT14")
    payout = Payout.objects.select_for_update().filter(pk=payout_id).first()
    if payout is None:
        raise NotFound(_("Payout"), field="payout")
    _refuse_unless_exported(payout)
    return _mark_paid(payout, at=clock.now(), actor=actor, data={"source": "operator"})


def payout_paid_from_statement(
    *, end_to_end_id: str, amount: Decimal, booked_on: date, bank_reference: str, actor: Any = None
) -> tuple[bool, str]:
    """A debit of the operator's statement that carries a payout's end-to-end id (PT14): an
    exported payout of exactly that net amount becomes paid on the booking day. Returns whether
    it matched a payout (paid now or before) and the note for the statement line; a line with
    another amount, or for a payout never exported, matches nothing and is left for review."""
    payout = Payout.objects.select_for_update().filter(end_to_end_id=end_to_end_id).first()
    if payout is None:
        return False, ""
    if -amount != payout.net:
        return False, (
            f"Reversement {end_to_end_id} : montant débité {-amount} ≠ montant du reversement "
            f"{payout.net}"
        )
    if payout.status == Payout.Status.PENDING:
        return False, f"Reversement {end_to_end_id} débité mais jamais exporté"
    if payout.status == Payout.Status.PAID:
        return True, f"Reversement {end_to_end_id} (déjà payé)"
    _mark_paid(
        payout,
        at=datetime.combine(booked_on, time.min, tzinfo=clock.PARIS),
        actor=actor,
        data={"source": "statement", "bank_reference": bank_reference},
    )
    return True, f"Reversement {end_to_end_id} payé"
