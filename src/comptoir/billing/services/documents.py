"""Use cases of invoices and credit notes: create a draft, change it, issue it, credit it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from comptoir.billing import rules
from comptoir.billing.mentions import Mention, TermsFacts, mentions_for
from comptoir.billing.models import Category, Invoice, InvoiceLine, Kind, Status, VatBreakdown
from comptoir.billing.services.audit import audit
from comptoir.billing.services.numbering import number_take
from comptoir.billing.services.posting import invoice_post
from comptoir.billing.services.settlement import credit_notes_settle
from comptoir.core import clock, events
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.i18n import format_money_active
from comptoir.ledger.queries import money

ZERO = Decimal("0.00")


def _amounts(totals: rules.Totals) -> dict[str, Any]:
    return {
        "charges": [_adj(c) for c in totals.charges],
        "allowances": [_adj(a) for a in totals.allowances],
        "line_total": totals.line_total,
        "charge_total": totals.charge_total,
        "allowance_total": totals.allowance_total,
        "total_excl_vat": totals.total_excl_vat,
        "total_vat": totals.total_vat,
        "total_incl_vat": totals.total_incl_vat,
    }


def _adj(a: rules.ComputedAdjustment) -> dict[str, str]:
    return {"reason": a.reason, "net_amount": str(a.net_amount), "vat_rate": str(a.vat_rate)}


def _fields(draft: rules.DocumentDraft, mentions: list[Mention]) -> dict[str, Any]:
    for role, party in (("issuer", draft.issuer), ("recipient", draft.recipient)):
        if party.organization_id is None:
            raise DomainError(
                code="party_required",
                message=_("The issuer must be an organization of the platform.")
                if role == "issuer"
                else _("The recipient must be an organization of the platform."),
                field=f"draft.{role}",
            )
    return {
        "issuer_id": draft.issuer.organization_id,
        "recipient_id": draft.recipient.organization_id,
        "sale_date": draft.sale_date,
        "due_date": draft.due_date,
        "issuer_snapshot": draft.issuer.as_dict(),
        "recipient_snapshot": draft.recipient.as_dict(),
        "delivery_address": draft.delivery_address.as_dict() if draft.delivery_address else None,
        "references": draft.references.as_dict(),
        "payment_terms_text": draft.payment_terms_text,
        "nature": draft.nature,
        "currency": draft.currency,
        "mentions": [m.as_dict() for m in mentions],
        "consumer": draft.consumer,
    }


def _compute(draft: rules.DocumentDraft) -> rules.Totals:
    try:
        return rules.compute_totals(draft)
    except ValueError as exc:
        raise DomainError(code="invalid_document", message=str(exc), field="draft") from exc


def _write_children(invoice: Invoice, totals: rules.Totals) -> None:
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                position=line.position,
                description=line.description[:300],
                sku=line.sku,
                gtin=line.gtin,
                quantity=line.quantity,
                unit_code=line.unit_code,
                net_unit_price=line.net_unit_price,
                net_amount=line.net_amount,
                vat_rate=line.vat_rate,
            )
            for line in totals.lines
        ]
    )
    VatBreakdown.objects.bulk_create(
        [
            VatBreakdown(
                invoice=invoice, rate=v.rate, category=v.category, base=v.base, amount=v.amount
            )
            for v in totals.vat
        ]
    )


def create_document(
    *,
    draft: rules.DocumentDraft,
    mentions: list[Mention],
    kind: str = Kind.INVOICE,
    category: str = Category.SALE,
    credited_invoice: Invoice | None = None,
) -> Invoice:
    """Store a draft document and its computed amounts (inside the caller's transaction)."""
    totals = _compute(draft)
    invoice = Invoice(
        kind=kind,
        category=category,
        credited_invoice=credited_invoice,
        created_at=clock.now(),
        **_fields(draft, mentions),
        **_amounts(totals),
    )
    invoice.save()
    _write_children(invoice, totals)
    return invoice


@transaction.atomic
def invoice_create(
    *,
    draft: rules.DocumentDraft,
    terms_facts: TermsFacts | None = None,
    category: str = Category.SALE,
    actor: Any = None,
) -> Invoice:
    """A draft invoice (no number yet), its mentions computed from the facts of the sale."""
    invoice = create_document(
        draft=draft, mentions=mentions_for(draft, terms_facts or TermsFacts()), category=category
    )
    audit(actor=actor, invoice=invoice, action="billing.invoice_created")
    return invoice


@transaction.atomic
def invoice_update_draft(
    *,
    invoice_id: int,
    draft: rules.DocumentDraft,
    terms_facts: TermsFacts | None = None,
    actor: Any = None,
) -> Invoice:
    """Replace the content of a draft (refused once issued)."""
    invoice = _locked(invoice_id)
    if invoice.status != Status.DRAFT:
        raise DomainError(
            code="document_issued", message=_("Issued documents never change."), rule="I9"
        )
    totals = _compute(draft)
    for key, value in {
        **_fields(draft, mentions_for(draft, terms_facts or TermsFacts())),
        **_amounts(totals),
    }.items():
        setattr(invoice, key, value)
    invoice.save()
    invoice.lines.all().delete()
    invoice.vat_breakdown.all().delete()
    _write_children(invoice, totals)
    audit(actor=actor, invoice=invoice, action="billing.invoice_draft_updated")
    return invoice


def _locked(invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(_("Invoice"))
    return invoice


def credited_so_far(*, invoice: Invoice, excluding_id: int | None = None) -> dict[str, Any]:
    """Totals of the issued credit notes of `invoice`: incl. VAT and base per VAT rate."""
    notes = Invoice.objects.filter(credited_invoice=invoice, status=Status.ISSUED)
    if excluding_id:
        notes = notes.exclude(pk=excluding_id)
    incl = money(notes.aggregate(s=Sum("total_incl_vat"))["s"])
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for row in VatBreakdown.objects.filter(invoice__in=notes).values("rate", "base"):
        bases[row["rate"]] += row["base"]
    return {"incl": incl, "bases": bases}


def check_creditable(*, invoice: Invoice, note: Invoice) -> None:
    """I5: a credit note never exceeds what remains creditable, in total and per VAT rate."""
    done = credited_so_far(invoice=invoice, excluding_id=note.pk)
    remaining = invoice.total_incl_vat - done["incl"]
    if note.total_incl_vat > remaining:
        raise DomainError(
            code="credit_exceeds_invoice",
            message=_(
                "Credit note of %(amount)s exceeds what remains creditable on %(number)s "
                "(%(remaining)s)."
            )
            % {
                "amount": format_money_active(note.total_incl_vat),
                "number": invoice.number,
                "remaining": format_money_active(remaining),
            },
            rule="I5",
            details={"remaining": str(remaining)},
        )
    invoiced = {v.rate: v.base for v in invoice.vat_breakdown.all()}
    for v in note.vat_breakdown.all():
        if v.base > invoiced.get(v.rate, ZERO) - done["bases"].get(v.rate, ZERO):
            raise DomainError(
                code="credit_exceeds_invoice",
                message=_("Credit note base at %(rate)s %% exceeds what %(number)s invoiced.")
                % {"rate": v.rate, "number": invoice.number},
                rule="I5",
            )


@transaction.atomic
def invoice_issue(*, invoice_id: int, actor: Any = None, enqueue_render: bool = True) -> Invoice:
    """Issue a draft: take its number, freeze it, post its entry and open item, then (after
    commit) render its PDF in the background. All in one transaction."""
    invoice = _locked(invoice_id)
    if invoice.status != Status.DRAFT:
        raise DomainError(
            code="already_issued",
            message=_("%(number)s is already issued.") % {"number": invoice.number},
        )
    if invoice.kind == Kind.CREDIT_NOTE and invoice.credited_invoice_id:
        original = _locked(invoice.credited_invoice_id)
        check_creditable(invoice=original, note=invoice)
    today = clock.today()
    invoice.number = number_take(issuer_id=invoice.issuer_id, kind=invoice.kind, issue_date=today)
    invoice.status = Status.ISSUED
    invoice.issue_date = today
    invoice.issued_at = clock.now()
    if invoice.due_date is None:
        invoice.due_date = today
    invoice.save()
    invoice_post(invoice=invoice)
    credit_notes_settle(invoice=invoice, actor=actor)
    audit(actor=actor, invoice=invoice, action="billing.invoice_issued")
    if enqueue_render:
        from comptoir.billing.tasks import render_invoice_document

        pk = invoice.pk
        transaction.on_commit(lambda: render_invoice_document.enqueue(pk))
    events.emit("invoice.issued", *issued_event(invoice))
    return invoice


def issued_event(invoice: Invoice) -> tuple[list[int], dict[str, Any]]:
    """The organizations told of an issued invoice and what the `invoice.issued` event says."""
    data: dict[str, Any] = {
        "issuer_id": invoice.issuer_id,
        "recipient_id": invoice.recipient_id,
        "number": invoice.number,
        "kind": invoice.kind,
        "due_date": invoice.due_date,
        "total_incl_vat": invoice.total_incl_vat,
    }
    return [invoice.issuer_id, invoice.recipient_id], data


@transaction.atomic
def credit_note_create(
    *,
    invoice_id: int,
    lines: Sequence[rules.LineInput] | None = None,
    reason: str = "",
    actor: Any = None,
) -> Invoice:
    """A draft credit note (I5) for `invoice`: in full when `lines` is None, else those lines.

    Refused when it would exceed what remains creditable; checked again, under lock, at issue."""
    original = _locked(invoice_id)
    if original.kind != Kind.INVOICE or original.status != Status.ISSUED:
        raise DomainError(
            code="not_creditable", message=_("Only an issued invoice can be credited."), rule="I5"
        )
    base = draft_from_invoice(original)
    if lines is None:
        draft = base
    else:
        draft = replace(base, lines=tuple(lines), fees=(), discounts=())
    reference = (
        f"Avoir relatif à la facture n° {original.number} du "
        f"{original.issue_date:%d/%m/%Y}" + (f" : {reason}" if reason else "") + "."
    )
    kept = [
        Mention.from_dict(m) for m in original.mentions if m["code"] not in ("assigned", "extra")
    ]
    note = create_document(
        draft=replace(draft, due_date=None),
        mentions=[Mention("credited_invoice", reference), *kept],
        kind=Kind.CREDIT_NOTE,
        category=original.category,
        credited_invoice=original,
    )
    check_creditable(invoice=original, note=note)
    audit(actor=actor, invoice=note, action="billing.credit_note_created")
    return note


def draft_from_invoice(invoice: Invoice) -> rules.DocumentDraft:
    """The draft a stored document was built from (amounts excl. VAT), e.g. to credit it."""
    categories = {v.rate: v.category for v in invoice.vat_breakdown.all()}  # E kept (F10)
    return rules.DocumentDraft(
        issuer=rules.PartySnapshot.from_dict(invoice.issuer_snapshot),
        recipient=rules.PartySnapshot.from_dict(invoice.recipient_snapshot),
        lines=tuple(
            rules.LineInput(
                description=line.description,
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.net_unit_price,
                vat_rate=line.vat_rate,
                unit_code=line.unit_code,
                gtin=line.gtin,
                net_amount=line.net_amount,
                vat_category=categories.get(line.vat_rate, ""),
            )
            for line in invoice.lines.all()
        ),
        fees=tuple(_adjustment(c, categories) for c in invoice.charges),
        discounts=tuple(_adjustment(a, categories) for a in invoice.allowances),
        sale_date=invoice.sale_date,
        due_date=invoice.due_date,
        delivery_address=(
            rules.Address.from_dict(invoice.delivery_address) if invoice.delivery_address else None
        ),
        references=rules.References(**invoice.references),
        payment_terms_text=invoice.payment_terms_text,
        nature=invoice.nature,
        currency=invoice.currency,
        consumer=invoice.consumer,
    )


def _adjustment(data: dict[str, str], categories: dict[Decimal, str]) -> rules.Adjustment:
    rate = Decimal(data["vat_rate"])
    return rules.Adjustment(
        reason=data["reason"],
        amount=Decimal(data["net_amount"]),
        vat_rate=rate,
        vat_category=categories.get(rate, ""),
    )
