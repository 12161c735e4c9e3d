"""SEPA direct debit (PT1, PT2, PT12): mandates, pre-notified debits, pain.008 batches, collection
on the due day and rejected debits (R-transactions) that reopen the debt and bear the fees."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.money import format_money
from comptoir.core.services import audit_record
from comptoir.ledger.models import OpenItem
from comptoir.parties.models import Organization
from comptoir.payments import labels, notifications
from comptoir.payments.formats.sepa import Creditor, Party, identifier_fault, pain008
from comptoir.payments.formats.sepa import DirectDebit as DebitLine
from comptoir.payments.models import DebitBatch, DirectDebit, Mandate, Payment, SepaCreditor
from comptoir.payments.policy import PaymentPolicy, payment_policy
from comptoir.payments.services._posting import Charge, charges_post, money_back_post

#: ISO 20022 return reasons caused by the debtor (PT12: the buyer bears the bank's fees)
BUYER_CAUSED = frozenset({"AC01", "AC04", "AC06", "AM04", "MD06", "MS02", "SL01"})


def _iban(value: str) -> str:
    try:
        return str(stdnum_iban.validate(value, check_country=True))
    except ValidationError as exc:
        raise DomainError(
            code="invalid_iban",
            message=_("Invalid IBAN: %(reason)s") % {"reason": identifier_fault(exc)},
            field="iban",
        ) from exc


def _bic(value: str) -> str:
    if not value:
        return ""
    try:
        return str(stdnum_bic.validate(value))
    except ValidationError as exc:
        raise DomainError(
            code="invalid_bic",
            message=_("Invalid BIC: %(reason)s") % {"reason": identifier_fault(exc)},
            field="bic",
        ) from exc


@transaction.atomic
def mandate_create(
    *,
    buyer: Organization,
    seller: Organization,
    iban: str,
    signed_on: date,
    bic: str = "",
    reference: str = "",
    actor: Any = None,
) -> Mandate:
    """A signed SEPA Core mandate; it replaces the pair's previous one (revoked)."""
    if signed_on > clock.today():
        raise DomainError(
            code="future_signature",
            message=_("A mandate is signed today or before."),
            field="signed_on",
        )
    Mandate.objects.filter(buyer=buyer, seller=seller, status=Mandate.Status.ACTIVE).update(
        status=Mandate.Status.REVOKED
    )
    mandate = Mandate.objects.create(
        buyer=buyer,
        seller=seller,
        reference=reference or f"CPT-{seller.pk}-{buyer.pk}-{signed_on:%Y%m%d}",
        debtor_name=buyer.legal_name[:70],
        iban=_iban(iban),
        bic=_bic(bic),
        signed_on=signed_on,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.mandate_created",
        obj_type="payments.mandate",
        obj_id=mandate.pk,
        data={"reference": mandate.reference, "buyer": buyer.pk},
    )
    return mandate


def active_mandate(buyer_id: int, seller_id: int) -> Mandate | None:
    return Mandate.objects.filter(
        buyer_id=buyer_id, seller_id=seller_id, status=Mandate.Status.ACTIVE
    ).first()


def debit_schedule(*, open_item: OpenItem, collection_date: date) -> DirectDebit | None:
    """Schedule the debit of an invoice's open item on `collection_date` (pushed back to respect
    the pre-notification time) and pre-notify the buyer. None when the buyer signed no mandate:
    the invoice then waits for another means of payment."""
    seller_id = open_item.counterparty_id or 0
    mandate = active_mandate(open_item.party_id, seller_id)
    if mandate is None or open_item.open_amount <= 0:
        return None
    creditor = SepaCreditor.objects.filter(seller_id=seller_id).first()
    notice = creditor.prenotification_days if creditor else 14
    today = clock.today()
    earlier = DirectDebit.objects.filter(open_item=open_item).count()
    collection = max(collection_date, today + timedelta(days=notice))
    if open_item.due_date is None or open_item.due_date < collection:
        # the buyer pays on the debit's day: it is not late while the seller waits for it
        OpenItem.objects.filter(pk=open_item.pk).update(due_date=collection)
        open_item.due_date = collection
    debit = DirectDebit.objects.create(
        seller_id=seller_id,
        buyer_id=open_item.party_id,
        mandate=mandate,
        open_item=open_item,
        end_to_end_id=f"DD-{open_item.pk}-{earlier + 1}",
        amount=open_item.open_amount,
        collection_date=collection,
        sequence="RCUR" if mandate.first_collected_on else "FRST",
        prenotified_at=clock.now(),
        created_at=clock.now(),
    )
    ref = open_item.reference
    transaction.on_commit(
        lambda: notifications.send(
            open_item.party_id,
            (f"Avis de prélèvement — facture {ref}", f"Direct debit notice — invoice {ref}"),
            (
                f"Nous prélèverons {format_money(debit.amount)} le {collection:%d/%m/%Y} "
                "sur le compte "
                f"{mandate.iban[:4]}…{mandate.iban[-4:]} (mandat {mandate.reference}).",
                f"We will debit {format_money(debit.amount, 'en')} on {collection:%d/%m/%Y} "
                f"from account "
                f"{mandate.iban[:4]}…{mandate.iban[-4:]} (mandate {mandate.reference}).",
            ),
        )
    )
    return debit


def debits_schedule_for_invoices(invoices: list[Any]) -> int:
    """Schedule the debit of each issued invoice on its due date, for the buyers who signed a
    mandate (two queries when none did: the batch path of the monthly processing)."""
    pairs = {(i.recipient_id, i.issuer_id) for i in invoices}
    mandated = set(
        Mandate.objects.filter(
            buyer_id__in={b for b, _s in pairs},
            seller_id__in={s for _b, s in pairs},
            status=Mandate.Status.ACTIVE,
        ).values_list("buyer_id", "seller_id")
    )
    wanted = [i for i in invoices if (i.recipient_id, i.issuer_id) in mandated]
    if not wanted:
        return 0
    items = {
        (o.counterparty_id, o.reference): o
        for o in OpenItem.objects.filter(
            kind=OpenItem.Kind.INVOICE,
            counterparty_id__in={i.issuer_id for i in wanted},
            reference__in=[i.number for i in wanted],
        )
    }
    made = 0
    for invoice in wanted:
        item = items.get((invoice.issuer_id, invoice.number))
        if item is not None and debit_schedule(
            open_item=item, collection_date=invoice.due_date or clock.today()
        ):
            made += 1
    return made


@transaction.atomic
def debits_export(*, seller: Organization, actor: Any = None) -> DebitBatch | None:
    """The seller's scheduled debits as one pain.008 file (validated against the ISO schema)."""
    creditor = SepaCreditor.objects.filter(seller=seller).first()
    if creditor is None or not seller.iban or not seller.bic:
        raise DomainError(
            code="creditor_missing",
            message=_("A SEPA creditor identifier, an IBAN and a BIC are needed to collect."),
            field="seller",
            rule="PT1",
        )
    debits = list(
        DirectDebit.objects.select_for_update()
        .filter(seller=seller, status=DirectDebit.Status.SCHEDULED)
        .select_related("mandate", "open_item")
        .order_by("collection_date", "pk")
    )
    # an invoice paid meanwhile (by transfer, a credit note…) is not debited, or only its rest
    settled = [d.pk for d in debits if d.open_item.open_amount <= 0]
    DirectDebit.objects.filter(pk__in=settled).update(status=DirectDebit.Status.CANCELLED)
    debits = [d for d in debits if d.pk not in settled]
    for d in debits:
        if d.open_item.open_amount < d.amount:
            d.amount = d.open_item.open_amount
            d.save(update_fields=["amount"])
    if not debits:
        return None
    at = clock.now()
    message_id = f"COMPTOIR-DD-{seller.pk}-{at:%Y%m%d%H%M%S}"
    xml = pain008(
        Creditor(seller.legal_name, seller.iban, seller.bic, creditor.creditor_id),
        [
            DebitLine(
                end_to_end_id=d.end_to_end_id,
                amount=d.amount,
                mandate_id=d.mandate.reference,
                mandate_signed_on=d.mandate.signed_on,
                sequence=d.sequence,  # type: ignore[arg-type]
                debtor=Party(d.mandate.debtor_name, d.mandate.iban, d.mandate.bic),
                remittance=f"Facture {d.open_item.reference}",
                collection_date=d.collection_date,
            )
            for d in debits
        ],
        message_id=message_id,
        created_at=at,
    )
    batch = DebitBatch.objects.create(
        seller=seller,
        message_id=message_id,
        created_at=at,
        count=len(debits),
        total=sum((d.amount for d in debits), Decimal(0)),
        xml=xml,
    )
    DirectDebit.objects.filter(pk__in=[d.pk for d in debits]).update(
        status=DirectDebit.Status.EXPORTED, batch=batch
    )
    Mandate.objects.filter(pk__in={d.mandate_id for d in debits}, first_collected_on=None).update(
        first_collected_on=min(d.collection_date for d in debits)
    )
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.debits_exported",
        obj_type="payments.debitbatch",
        obj_id=batch.pk,
        data={"message_id": message_id, "count": batch.count, "total": batch.total},
    )
    return batch


def debits_collect(*, on: date) -> int:
    """Debits sent to the bank whose collection day has come are paid on that day (PT4): one
    payment each, allocated to its invoice first. Idempotent (one payment per debit)."""
    from comptoir.payments.services.recording import payment_record

    due = DirectDebit.objects.filter(
        status=DirectDebit.Status.EXPORTED, collection_date__lte=on, payment=None
    ).select_related("open_item")
    done = 0
    for debit in due:
        with transaction.atomic():
            locked = DirectDebit.objects.select_for_update().get(pk=debit.pk)
            if locked.payment_id is not None:
                continue
            payment = payment_record(
                buyer=debit.buyer_id,
                seller=debit.seller_id,
                amount=debit.amount,
                method="sepa_debit",
                value_date=debit.collection_date,
                idempotency_key=f"debit:{debit.end_to_end_id}",
                reference=debit.open_item.reference,
                source=Payment.Source.DIRECT_DEBIT,
            )
            locked.payment = payment
            locked.status = DirectDebit.Status.COLLECTED
            locked.save(update_fields=["payment", "status"])
            done += 1
    return done


def payment_reverse(
    *,
    payment_id: int,
    amount: Decimal,
    on: date,
    reference: str,
    due_date: date,
    reason: str,
    policy: PaymentPolicy | None,
) -> int:
    """Money that had come in leaves again (a returned debit, an unpaid LCR): `amount` of the
    payment is owed anew from `due_date` under `reference` (the debt's), on the account the funds
    had reached (held for the seller on a marketplace, PT14), and the payment is marked reversed.
    Returns the reopened open item."""
    payment = Payment.objects.get(pk=payment_id)
    item = money_back_post(
        buyer_id=payment.buyer_id,
        seller_id=payment.seller_id,
        amount=amount,
        on=on,
        reference=reference,
        due_date=due_date,
        held=bool(policy and policy.is_marketplace),
    )
    Payment.objects.filter(pk=payment_id).update(
        reversed_at=clock.now(), reversal_reason=reason[:200]
    )
    return item


@transaction.atomic
def debit_return(*, debit: DirectDebit, reason: str, on: date, actor: Any = None) -> DirectDebit:
    """A debit came back (R-transaction): the money leaves again, the invoice is owed anew from
    its due date, and when the buyer caused it the fees the terms allow are charged (PT12)."""
    debit = DirectDebit.objects.select_for_update().select_related("open_item").get(pk=debit.pk)
    if debit.status == DirectDebit.Status.REJECTED:
        return debit
    policy = payment_policy(debit.seller_id, on)
    if debit.payment_id is not None:
        payment_reverse(
            payment_id=debit.payment_id,
            amount=debit.amount,
            on=on,
            reference=debit.open_item.reference,
            due_date=debit.open_item.due_date or on,
            reason=f"R-transaction {reason}",
            policy=policy,
        )
    fee = Decimal(0)
    failed = policy.document.payment.failed_debit if policy else None
    if failed is not None and reason.upper() in BUYER_CAUSED:
        if failed.charge == "fixed" and failed.amount is not None:
            fee = failed.amount
        else:
            creditor = SepaCreditor.objects.filter(seller_id=debit.seller_id).first()
            fee = creditor.return_fee if creditor else Decimal(0)
        charges_post(
            [
                Charge(
                    debit.buyer_id,
                    debit.seller_id,
                    OpenItem.Kind.FEE,
                    fee,
                    debit.open_item.reference,
                    f"Frais de rejet de prélèvement {reason} {debit.open_item.reference} (PT12)",
                    on,
                    labels.facts(
                        labels.DEBIT_RETURN_FEE,
                        reason=reason,
                        reference=debit.open_item.reference,
                    ),
                )
            ]
        )
    debit.status = DirectDebit.Status.REJECTED
    debit.return_reason = reason[:8]
    debit.save(update_fields=["status", "return_reason"])
    audit_record(
        actor=actor,
        organization_id=debit.seller_id,
        action="payments.debit_returned",
        obj_type="payments.directdebit",
        obj_id=debit.pk,
        data={"reason": reason, "fee": fee, "rule": "PT12"},
    )
    return debit
