"""Formal notices (N1) and resolution of the sale after an unanswered one (PT11)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum

from comptoir.core import clock
from comptoir.core.money import format_money
from comptoir.core.services import audit_record
from comptoir.ledger.models import OpenItem
from comptoir.parties.models import Address, Organization
from comptoir.payments import labels, notifications, rules
from comptoir.payments.letters import (
    ClaimedItem,
    LetterParty,
    NoticeLetter,
    formal_notice_pdf,
    letter_from_json,
    letter_to_json,
)
from comptoir.payments.models import FormalNotice, LateCase
from comptoir.payments.policy import PaymentPolicy
from comptoir.payments.rules import ZERO
from comptoir.payments.services._posting import Charge

if TYPE_CHECKING:
    from comptoir.payments.services.collection import _Run

Stage = LateCase.Stage


def _party(org: Organization, address: Address | None) -> LetterParty:
    lines: tuple[str, ...] = ()
    if address is not None:
        lines = tuple(x for x in (address.line1, f"{address.postcode} {address.city}".strip()) if x)
    return LetterParty(org.legal_name, lines, org.siren)


# organization id -> the organization and its party on a letter (its first address)
LetterParties = dict[int, tuple[Organization, LetterParty]]


def letter_parties_load(parties: LetterParties, org_ids: Iterable[int]) -> None:
    """Add to `parties` the organizations of `org_ids` it lacks: two queries for all of them,
    where each notice read its seller and buyer and their addresses (four queries a notice)."""
    missing = set(org_ids) - parties.keys()
    if not missing:
        return
    first: dict[int, Address] = {}
    for address in Address.objects.filter(organization_id__in=missing).order_by("pk"):
        first.setdefault(address.organization_id, address)
    for org in Organization.objects.filter(pk__in=missing):
        parties[org.pk] = (org, _party(org, first.get(org.pk)))


def _formula(policy: PaymentPolicy, *, consumer: bool = False) -> str:
    if consumer:  # O17: the law's rate, from this notice (C. civ. art. 1231-6)
        return "le taux de l'intérêt légal, à compter de la présente mise en demeure"
    i = policy.document.late_payment.interest
    return {
        "legal_rate_multiple": f"{i.multiplier} × le taux de l'intérêt légal",
        "fixed_annual": f"{i.rate} % l'an",
        "monthly": f"{i.rate} % par mois",
        "reference_plus_points": f"le taux de refinancement de la BCE majoré de {i.points} points",
    }[i.kind]


def _consequences(policy: PaymentPolicy, deadline_text: str) -> tuple[str, ...]:
    late = policy.document.late_payment
    out = []
    if late.resolution is not None:
        text = (
            f"À défaut de paiement dans un délai de {deadline_text}, "
            "la vente sera résolue de plein droit"
        )
        if late.resolution.goods_taken_back:
            text += " et les marchandises reprises (clause de réserve de propriété)"
        if late.resolution.indemnity_percent:
            text += f", avec une indemnité de {late.resolution.indemnity_percent} % des sommes dues"
        if late.resolution.deposit_deduction:
            text += " ; les sommes dues seront déduites du dépôt de garantie"
        out.append(f"{text} ({policy.clause('late_payment', 'resolution') or 'PT11'}).")
    if policy.enabled("suspension"):
        out.append(
            "Les commandes et livraisons en cours restent suspendues jusqu'au paiement "
            f"({policy.clause('late_payment', 'suspension') or 'PT11'})."
        )
    if policy.enabled("acceleration"):
        out.append(
            "L'ensemble des sommes dues, même non échues, est immédiatement exigible "
            f"({policy.clause('late_payment', 'acceleration') or 'PT11'})."
        )
    return tuple(out)


def _delay_text(policy: PaymentPolicy) -> str:
    resolution = policy.document.late_payment.resolution
    if resolution is None:
        return "8 jours calendaires"
    d = resolution.after_formal_notice
    unit = {
        "calendar_days": "jours calendaires",
        "business_days": "jours ouvrés",
        "hours": "heures",
    }
    return f"{d.amount} {unit.get(d.unit, d.unit)}"


def notice_send(run: _Run, case: LateCase, policy: PaymentPolicy, ref: str, owed: Decimal) -> None:
    """Send the formal notice: collection costs charged where the terms have them [002 §14.7],
    the letter generated and recorded, the deadline stored on the case."""
    from comptoir.payments.services.collection import notice_deadline_for

    # [004 §8.10] a consumer owes none of the B2B charges: neither costs nor indemnity (O17)
    costs = None if case.consumer else policy.document.late_payment.collection_costs
    cost_amount = ZERO
    if costs is not None and not case.collection_costs_posted:
        cost_amount = rules.collection_costs(case.incl_vat, costs.percent, costs.minimum)
        case.collection_costs_posted = True
        clause = policy.clause("late_payment", "collection_costs") or "PT11"
        run.charges.append(
            Charge(
                case.buyer_id,
                case.seller_id,
                OpenItem.Kind.FEE,
                cost_amount,
                ref,
                f"Frais de recouvrement {ref} ({clause})",
                run.on,
                labels.facts(labels.COLLECTION_COSTS, reference=ref, clause=clause),
            )
        )
    deadline = notice_deadline_for(policy, run.on)
    late = policy.document.late_payment
    fixed = None if case.consumer else late.fixed_indemnity
    reminder_fees = (
        late.reminder_fee.amount * case.reminders
        if late.reminder_fee is not None
        and not (case.consumer and late.reminder_fee.consumers_exempt)
        else ZERO
    )
    item = ClaimedItem(
        reference=ref,
        invoice_date=case.invoice_date,
        due_date=case.due_date,
        principal=owed,
        interest=case.interest_posted,
        indemnity=fixed.amount if fixed is not None else ZERO,
        costs=cost_amount + reminder_fees,
    )
    letter_parties_load(run.letter_parties, (case.seller_id, case.buyer_id))
    seller, seller_party = run.letter_parties[case.seller_id]
    letter = NoticeLetter(
        seller=seller_party,
        buyer=run.letter_parties[case.buyer_id][1],
        sent_on=run.on,
        deadline=deadline,
        deadline_text=_delay_text(policy),
        items=(item,),
        interest_formula=_formula(policy, consumer=case.consumer),
        consequences=_consequences(policy, _delay_text(policy)),
        reference=f"MED-{case.pk:06d}-{run.on:%Y%m%d}",
        iban=seller.iban,
        payment_reference=rules.payment_reference(ref),
        consumer=case.consumer,
    )
    notice = FormalNotice.objects.create(
        case=case,
        sent_on=run.on,
        deadline=deadline,
        amount_claimed=letter.total,
        letter=letter_to_json(letter),
        sent_at=clock.now(),
    )
    case.stage = Stage.FORMAL_NOTICE
    case.notice_deadline = deadline
    run.result.notices += 1
    run.notices.append(notice.pk)  # rendered and mailed in the background, after commit
    audit_record(
        actor=None,
        organization_id=case.seller_id,
        action="payments.formal_notice_sent",
        obj_type="payments.latecase",
        obj_id=case.pk,
        data={"invoice": ref, "deadline": deadline, "claimed": letter.total, "rule": "N1"},
    )


def notice_render(*, notice_id: int) -> FormalNotice:
    """The notice's letter as PDF, rendered once from what was decided (idempotent)."""
    notice = FormalNotice.objects.get(pk=notice_id)
    if not bytes(notice.pdf) and notice.letter:
        notice.pdf = formal_notice_pdf(letter_from_json(notice.letter))
        FormalNotice.objects.filter(pk=notice.pk, pdf=b"").update(pdf=notice.pdf)
    return notice


def notice_mail(*, notice_id: int) -> bool:
    """Render the letter and e-mail it to the buyer once (its sending recorded, N1)."""
    notice = notice_render(notice_id=notice_id)
    if notice.mailed_at is not None or not notice.letter:
        return False
    ref = notice.letter["items"][0]["reference"]
    deadline = date.fromisoformat(notice.letter["deadline"])
    buyer_id = LateCase.objects.values_list("buyer_id", flat=True).get(pk=notice.case_id)
    notifications.send(
        buyer_id,
        (f"Mise en demeure — facture {ref}", f"Formal notice — invoice {ref}"),
        (
            f"Veuillez trouver ci-joint notre mise en demeure de payer "
            f"{format_money(notice.amount_claimed)} "
            f"au plus tard le {deadline:%d/%m/%Y}.",
            f"Please find attached our formal notice to pay "
            f"{format_money(notice.amount_claimed, 'en')} "
            f"by {deadline:%d/%m/%Y}.",
        ),
        (f"mise-en-demeure-{ref}.pdf", bytes(notice.pdf), "application/pdf"),
    )
    FormalNotice.objects.filter(pk=notice.pk).update(mailed_at=clock.now())
    return True


def resolution_apply(
    run: _Run, case: LateCase, policy: PaymentPolicy, ref: str, owed: Decimal
) -> None:
    """The notice went unanswered: the sale is resolved (PT11) — indemnity on the sums still due
    [003 §15], deduction from the security deposit [001 §5], goods to take back (PT15)."""
    from comptoir.payments.services.credit import deposit_set_off

    resolution = policy.document.late_payment.resolution
    assert resolution is not None
    case.stage = Stage.RESOLVED
    case.resolved_on = run.on
    run.result.resolved += 1
    if resolution.indemnity_percent:
        amount = rules.cents(owed * resolution.indemnity_percent / rules.HUNDRED)
        clause = policy.clause("late_payment", "resolution") or "PT11"
        run.charges.append(
            Charge(
                case.buyer_id,
                case.seller_id,
                OpenItem.Kind.FEE,
                amount,
                ref,
                f"Indemnité de résolution {resolution.indemnity_percent} % {ref} ({clause})",
                run.on,
                labels.facts(
                    labels.RESOLUTION_INDEMNITY,
                    percent=Decimal(str(resolution.indemnity_percent)),
                    reference=ref,
                    clause=clause,
                ),
            )
        )
    deducted = ZERO
    if resolution.deposit_deduction:
        deducted = deposit_set_off(
            buyer_id=case.buyer_id, seller_id=case.seller_id, amount=owed, on=run.on
        )
    audit_record(
        actor=None,
        organization_id=case.seller_id,
        action="payments.sale_resolved",
        obj_type="payments.latecase",
        obj_id=case.pk,
        data={
            "invoice": ref,
            "owed": owed,
            "deposit_deducted": deducted,
            "goods_taken_back": resolution.goods_taken_back,
            "rule": "PT11",
            "clause": policy.clause("late_payment", "resolution"),
        },
    )


def claimed_total(case: LateCase) -> Decimal:
    total = case.notices.aggregate(s=Sum("amount_claimed"))["s"]
    return Decimal(total or 0)
