"""The seller's LCR handed to its bank (PT1, PT4): the open LCR due by a day, not remitted yet,
written as one CFONB 160 "remise de LCR" file. Each LCR remembers the file that carried it, so a
second export never carries it again. An LCR the bank returns unpaid (effet impayé) is recorded by
`lcr_return`: the payment counted when its funds were deemed available is reversed, the invoice is
owed anew from the LCR's due date, audited, once per LCR."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.money import format_money
from comptoir.core.services import audit_record
from comptoir.ledger.models import Matching, OpenItem
from comptoir.parties.models import Organization
from comptoir.payments import notifications
from comptoir.payments.formats.lcr import (
    Bill,
    Drawer,
    LcrFormatError,
    remittance_file,
    rib_from_iban,
)
from comptoir.payments.models import (
    LcrRemittance,
    LcrReturn,
    Mandate,
    Method,
    Payment,
    ScheduledPayment,
)
from comptoir.payments.policy import payment_policy
from comptoir.payments.services.debits import payment_reverse
from comptoir.payments.services.schedule import lcr_to_present


@dataclass
class LcrExport:
    """What an export made: the remittance, and the invoices whose LCR went without the
    drawee's bank details (no French IBAN known for the buyer: the bank asks the drawee's)."""

    remittance: LcrRemittance
    without_bank_details: list[str] = field(default_factory=list)


def _drawee_ibans(seller: Organization, buyer_ids: set[int]) -> dict[int, str]:
    """The account each buyer pays from: its own IBAN, else its active mandate with the seller."""
    ibans = dict(
        Organization.objects.filter(pk__in=buyer_ids).exclude(iban="").values_list("pk", "iban")
    )
    for buyer_id, iban in Mandate.objects.filter(
        seller=seller, buyer_id__in=buyer_ids - set(ibans), status=Mandate.Status.ACTIVE
    ).values_list("buyer_id", "iban"):
        ibans[buyer_id] = iban
    return ibans


def _drawer(seller: Organization) -> Drawer:
    if rib_from_iban(seller.iban) is None:
        raise DomainError(
            code="seller_iban_not_french",
            message=_(
                "LCR are remitted to a French bank: the seller's IBAN must be a French IBAN "
                "with a valid RIB key."
            ),
            field="seller.iban",
            rule="PT4",
        )
    return Drawer(seller.legal_name, seller.iban, bank_name=seller.bic)


@transaction.atomic
def lcr_export(*, seller: Organization, until: date, actor: Any = None) -> LcrExport | None:
    """The seller's open LCR due by `until` that no file carried yet, as one CFONB 160
    remittance (PT4: the LCR must reach the bank 12 days before its due date — `present_by`).
    Returns None when there is none; exporting again changes nothing. The LCR rows are locked,
    so two exports at once never carry the same LCR."""
    drawer = _drawer(seller)
    locked = set(
        ScheduledPayment.objects.select_for_update(of=("self",))
        .filter(
            seller=seller,
            method="lcr",
            due_date__lte=until,
            lcr_remittance__isnull=True,
            invoice_item__open_amount__gt=0,
        )
        .values_list("pk", flat=True)
    )
    rows = [
        r
        for r in lcr_to_present(seller=seller, until=until, not_exported=True)
        if r.schedule_id in locked and r.amount > 0
    ]
    if not rows:
        return None
    ibans = _drawee_ibans(seller, {r.buyer_id for r in rows})
    bills = [
        Bill(
            reference=r.reference,
            drawee_name=r.buyer,
            drawee_iban=ibans.get(r.buyer_id, ""),
            amount=r.amount,
            due_date=r.due_date,
        )
        for r in rows
    ]
    today = clock.today()
    remittance = LcrRemittance.objects.create(
        seller=seller,
        reference=f"~{secrets.token_hex(5)}",  # replaced by the numbered one just below
        created_at=clock.now(),
        count=len(bills),
        total=sum((b.amount for b in bills), Decimal("0.00")),
        content="",
    )
    remittance.reference = f"LCR{remittance.pk:08d}"
    try:
        remittance.content = remittance_file(
            drawer, bills, reference=remittance.reference, created_on=today
        )
    except LcrFormatError as exc:
        raise DomainError(code="lcr_invalid", message=str(exc), field="lcr", rule="PT4") from exc
    remittance.save(update_fields=["reference", "content"])
    ScheduledPayment.objects.filter(pk__in=[r.schedule_id for r in rows]).update(
        lcr_remittance=remittance
    )
    missing = [b.reference for b in bills if rib_from_iban(b.drawee_iban) is None]
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.lcr_exported",
        obj_type="payments.lcrremittance",
        obj_id=remittance.pk,
        data={
            "reference": remittance.reference,
            "count": remittance.count,
            "total": remittance.total,
            "until": until,
            "without_bank_details": missing,
            "rule": "PT4",
        },
    )
    return LcrExport(remittance, missing)


# --- LCR returned unpaid (effet impayé) ----------------------------------------------------------

#: Why a bank returns an LCR unpaid, as the seller reads it on its bank's unpaid notice. These are
#: Comptoir's own short codes, not the interbank ones: the CFONB reason codes could not be
#: confirmed from a published source, so a bank's own wording goes in `detail` (docs/payments.md).
REASONS: dict[str, Any] = {
    "insufficient_funds": gettext_lazy("Insufficient funds"),
    "no_payment_order": gettext_lazy("No payment order from the drawee"),
    "disputed": gettext_lazy("Disputed by the drawee"),
    "extension_requested": gettext_lazy("Extension of the due date requested"),
    "account_closed": gettext_lazy("Account closed or transferred"),
    "wrong_bank_details": gettext_lazy("Wrong bank details"),
    "other": gettext_lazy("Other reason"),
}
OTHER = "other"
DETAIL_MAX = 80


def reason_label(code: str) -> str:
    return str(REASONS.get(code, code))


def _reason(reason: str, detail: str) -> tuple[str, str]:
    """(code, detail): a known code as it is; any other short text is an "other" reason in the
    bank's words (PT4)."""
    code = (reason or "").strip()
    detail = " ".join((detail or "").split())
    if code.lower() in REASONS:
        code = code.lower()
    elif code:
        code, detail = OTHER, " ".join(f"{code} {detail}".split())
    if not code or (code == OTHER and not detail):
        raise DomainError(
            code="reason_required",
            message=_("Give the reason the bank returned the LCR unpaid."),
            field="reason",
            rule="PT4",
        )
    if len(detail) > DETAIL_MAX:
        raise DomainError(
            code="reason_too_long",
            message=_("The reason fits in %(max)s characters.") % {"max": DETAIL_MAX},
            field="reason",
            rule="PT4",
        )
    return code, detail


def _not_found(field: str) -> NotFound:
    """Unknown, or another seller's: the two look the same (a 404 on the pages and the API)."""
    error = NotFound(_("LCR"), field=field)
    error.message, error.rule = _("No LCR of yours under that reference."), "PT4"
    return error


def _locked_lcr(
    seller: Organization, lcr: ScheduledPayment | OpenItem | int | None, reference: str
) -> ScheduledPayment:
    """The seller's LCR named by its id (or row), its invoice's open item or the invoice number,
    locked. Another seller's LCR is not found, as a missing one (P4)."""
    rows = ScheduledPayment.objects.select_for_update(of=("self",)).filter(seller=seller)
    field = "lcr"
    if isinstance(lcr, OpenItem):
        rows = rows.filter(invoice_item_id=lcr.pk)
        field = "open_item"
    elif isinstance(lcr, ScheduledPayment):
        rows = rows.filter(pk=lcr.pk)
    elif lcr is not None:
        rows = rows.filter(pk=lcr)
    elif reference.strip():
        rows = rows.filter(invoice_item__reference=reference.strip())
        field = "reference"
    else:
        raise _not_found(field)
    found = list(rows.select_related("invoice_item", "lcr_remittance").order_by("number", "pk"))
    if not found:
        raise _not_found(field)
    lcrs = [r for r in found if r.method == Method.LCR]
    if not lcrs:
        raise DomainError(
            code="not_lcr",
            message=_("This invoice is not paid by LCR."),
            field=field,
            rule="PT1",
        )
    remitted = [r for r in lcrs if r.lcr_remittance_id is not None]
    if not remitted:
        raise DomainError(
            code="lcr_not_remitted",
            message=_("This LCR was never remitted to the bank: it cannot come back unpaid."),
            field=field,
            rule="PT4",
        )
    pending = [r for r in remitted if not LcrReturn.objects.filter(lcr=r).exists()]
    if len(pending) > 1:
        raise DomainError(
            code="lcr_ambiguous",
            message=_("Several LCR of this invoice are at the bank: choose the one returned."),
            field=field,
            rule="PT4",
            details={"lcr_ids": [r.pk for r in pending]},
        )
    return pending[0] if pending else remitted[0]


def _lcr_payment(row: ScheduledPayment) -> Payment | None:
    """The payment recorded for this LCR once its funds were deemed available (PT4): a payment by
    LCR from the buyer, not reversed, not reversed by another return yet, allocated to the LCR's
    invoice (PT7); the one of the LCR's amount first, then the latest."""
    item = row.invoice_item_id
    matched = Matching.objects.filter(Q(item_a_id=item) | Q(item_b_id=item))
    items = {i for pair in matched.values_list("item_a_id", "item_b_id") for i in pair} - {item}
    candidates = list(
        Payment.objects.select_for_update()
        .filter(
            seller_id=row.seller_id,
            buyer_id=row.buyer_id,
            method=Method.LCR,
            reversed_at__isnull=True,
            open_item_id__in=items,
        )
        .exclude(pk__in=LcrReturn.objects.exclude(reversed_payment=None).values("reversed_payment"))
        .order_by("-value_date", "-pk")
    )
    exact = [p for p in candidates if p.amount == row.amount]
    found = exact or candidates
    return found[0] if found else None


@transaction.atomic
def lcr_return(
    *,
    seller: Organization,
    lcr: ScheduledPayment | OpenItem | int | None = None,
    reference: str = "",
    reason: str,
    detail: str = "",
    on: date | None = None,
    actor: Any = None,
) -> LcrReturn:
    """The bank returned a remitted LCR unpaid on `on` (default today): when a payment had been
    recorded for it (its funds deemed available, PT4), that money leaves again and the invoice
    is owed anew from the LCR's due date, so the collection sweep sees it late (PT11); otherwise
    the invoice simply stays owed. No fee is charged: the terms' failed-payment fee covers
    rejected direct debits only (PT12) and no terms set one for an unpaid LCR. Audited; a second
    return of the same LCR changes nothing and returns the first."""
    row = _locked_lcr(seller, lcr, reference)
    existing = LcrReturn.objects.filter(lcr=row).first()
    if existing is not None:
        return existing
    code, detail = _reason(reason, detail)
    day = on or clock.today()
    assert row.lcr_remittance is not None
    remitted_on = row.lcr_remittance.created_at.astimezone(clock.PARIS).date()
    if day > clock.today() or day < remitted_on:
        raise DomainError(
            code="invalid_return_date",
            message=_(
                "An LCR comes back unpaid after it was remitted (%(remitted)s) and not later "
                "than today."
            )
            % {"remitted": remitted_on.strftime("%d/%m/%Y")},
            field="on",
            rule="PT4",
        )
    payment = _lcr_payment(row)
    reversed_amount = Decimal("0.00")
    if payment is not None:
        reversed_amount = min(payment.amount, row.amount)
        payment_reverse(
            payment_id=payment.pk,
            amount=reversed_amount,
            on=day,
            reference=row.invoice_item.reference,
            due_date=row.due_date,
            reason=f"LCR impayée {code} {detail}".strip(),
            policy=payment_policy(row.seller_id, day),
        )
    returned = LcrReturn.objects.create(
        lcr=row,
        seller_id=row.seller_id,
        reason=code,
        detail=detail,
        returned_on=day,
        amount=row.amount,
        reversed_payment=payment,
        reversed_amount=reversed_amount,
        fee=Decimal("0.00"),
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        organization_id=row.seller_id,
        action="payments.lcr_returned",
        obj_type="payments.lcrreturn",
        obj_id=returned.pk,
        data={
            "lcr": row.pk,
            "invoice": row.invoice_item.reference,
            "remittance": row.lcr_remittance.reference,
            "reason": code,
            "detail": detail,
            "on": day,
            "payment_reversed": payment.pk if payment else None,
            "reversed_amount": reversed_amount,
            "fee": returned.fee,
            "fee_rule": "none: the terms set no fee for an unpaid LCR (PT12 is for debits)",
            "rule": "PT4",
        },
    )
    ref, amount, buyer_id = row.invoice_item.reference, row.amount, row.buyer_id
    transaction.on_commit(
        lambda: notifications.send(
            buyer_id,
            (f"LCR impayée — facture {ref}", f"LCR returned unpaid — invoice {ref}"),
            (
                f"Votre banque a rejeté la LCR de {format_money(amount)} de la facture {ref} "
                f"(échéance {row.due_date:%d/%m/%Y}) : la somme reste due.",
                f"Your bank returned unpaid the LCR of {format_money(amount, 'en')} "
                f"for invoice {ref} "
                f"(due {row.due_date:%d/%m/%Y}): the amount is still owed.",
            ),
        )
    )
    return returned


@dataclass(frozen=True)
class RemittedLcr:
    """An LCR at the bank, for the seller's page: its return once recorded."""

    lcr_id: int
    reference: str
    buyer: str
    amount: Decimal
    due_date: date
    remittance: str
    returned: LcrReturn | None
    reason: str = ""  # the return's reason, in words (the bank's own for "other")


def lcr_remitted(*, seller: Organization, limit: int = 500) -> list[RemittedLcr]:
    """The seller's remitted LCR, latest due first, whether paid, open or returned unpaid."""
    rows = (
        ScheduledPayment.objects.filter(
            seller=seller, method=Method.LCR, lcr_remittance__isnull=False
        )
        .select_related("invoice_item", "buyer", "lcr_remittance", "lcr_return")
        .order_by("-due_date", "-pk")[:limit]
    )
    return [
        RemittedLcr(
            r.pk,
            r.invoice_item.reference,
            r.buyer.legal_name,
            r.amount,
            r.due_date,
            r.lcr_remittance.reference if r.lcr_remittance else "",
            returned := getattr(r, "lcr_return", None),
            _reason_text(returned) if returned else "",
        )
        for r in rows
    ]


def _reason_text(returned: LcrReturn) -> str:
    if returned.reason == OTHER:
        return returned.detail
    label = reason_label(returned.reason)
    return f"{label} — {returned.detail}" if returned.detail else label
