"""Card refunds of credit notes (I5, O12, PT1): the seller's page listing each refund of its
credit notes with its status, and the "retry now" of a failed one. The buyer sees its own
refunds on its statement of account with the seller (`_statement_refunds.html`).

Refunds by transfer (O12, O17): the seller's page `/seller/refunds/` lists what it owes back
for money received otherwise than by card (due, late, sent to the bank, paid), exports the due
ones as one pain.001 file (the POST answers the file), marks each one paid, or cancels one not
paid yet with a reason (the buyer's credit stays). The export checks each buyer's credit
again: the refunds it no longer covers are held, listed at the top of the page with the reason,
to be released (due again, checked at the next export) or cancelled; the refunds paid beyond
the buyer's credit are listed with what the buyer now owes (O12, O17, I5). From the seller's
statement of a buyer's account, "Refund the credit by transfer" makes a refund of the buyer's
credit (I5). Same rights.

"Retry now" queues the attempt for the worker (`payments.tasks.refund_credit_note_on_card`) and
answers at once; the payment provider is never called in the request.

Permissions. As the receivables pages: "view credit and invoices" (`Permission.VIEW_INVOICES`,
P4) and the seller role (404 otherwise). The retry is a POST with its CSRF token; the service
checks the right again and answers 404 for another seller's refund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.parties.models import Membership
from comptoir.payments.models import CardRefund, Refund
from comptoir.payments.services.card import (
    QUEUE_STALE,
    card_refund_retry_now,
    card_refunds_list,
)
from comptoir.payments.services.refunds import (
    credit_refund_create,
    held_reason_text,
    is_late,
    refund_cancel,
    refund_mark_paid,
    refund_release,
    refunds_beyond_credit,
    refunds_export,
    refunds_late,
    refunds_of,
)
from comptoir.web.ordering import _error, page
from comptoir.web.payments import FINANCE, LIST_LIMIT, _money, _seller


def refund_statuses() -> dict[str, str]:
    """What each status says to people (the page and the buyer's statement)."""
    return {
        CardRefund.Status.SUCCEEDED: _("Refunded"),
        CardRefund.Status.FAILED: _("Failed, waiting for retry"),
        CardRefund.Status.NOTHING: _("Nothing to refund"),
    }


def labelled(refunds: list[CardRefund]) -> list[CardRefund]:
    statuses = refund_statuses()
    for refund in refunds:
        queued = (
            refund.status == CardRefund.Status.FAILED
            and refund.retry_queued_at is not None
            and refund.retry_queued_at > clock.now() - QUEUE_STALE
        )
        label = _("Retry queued") if queued else statuses.get(refund.status, refund.status)
        refund.status_label = label  # type: ignore[attr-defined]
        refund.queued = queued  # type: ignore[attr-defined]
    return refunds


@page(FINANCE)
def card_refunds(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Each card refund of the seller's credit notes: status, amount, credit note, buyer, last
    error and next retry, with "retry now" on the failed ones (I5, O12)."""
    seller = _seller(membership)
    refunds = labelled(card_refunds_list(seller_id=seller.pk))
    failed = sum(1 for r in refunds if r.status == CardRefund.Status.FAILED)
    return render(
        request,
        "web/refunds/card_refunds.html",
        {"seller": seller, "refunds": refunds, "failed": failed},
    )


@require_POST
@page(FINANCE)
def card_refund_retry(request: HttpRequest, membership: Membership, refund_id: int) -> HttpResponse:
    """Queue a new attempt of a failed card refund for the worker and answer at once: the same
    service as the task and the sweep runs it; the page shows it queued until then."""
    seller = _seller(membership)
    try:
        refund = card_refund_retry_now(actor=request.user, seller=seller, refund_id=refund_id)
    except DomainError as error:
        if error.code == "not_found":
            raise
        _error(request, error)
        return redirect("web:card_refunds")
    messages.info(
        request,
        _(
            "Credit note %(number)s: retry queued. The refund is tried again in a moment; "
            "this page shows the outcome once the payment provider has answered (I5)."
        )
        % {"number": refund.credit_note_number},
    )
    return redirect("web:card_refunds")


# --- refunds by transfer (O12, O17) -----------------------------------------------------------


def transfer_refund_statuses() -> dict[str, str]:
    """What each status of a refund by transfer says to people (the page, the statement)."""
    return {
        Refund.Status.DUE: _("Due"),
        Refund.Status.HELD: _("Held"),
        Refund.Status.EXPORTED: _("Sent to the bank"),
        Refund.Status.PAID: _("Paid"),
        Refund.Status.CANCELLED: pgettext("refund", "Cancelled"),
    }


def transfer_labelled(refunds: list[Refund]) -> list[Refund]:
    statuses, today = transfer_refund_statuses(), clock.today()
    for refund in refunds:
        late = is_late(refund, today)
        refund.late = late  # type: ignore[attr-defined]
        refund.status_label = _("Late") if late else statuses.get(refund.status, refund.status)  # type: ignore[attr-defined]
        refund.held_text = held_reason_text(refund)  # type: ignore[attr-defined]
    return refunds


def statement_transfer_refunds(buyer_id: int, seller_id: int) -> list[Refund]:
    """The refunds by transfer the seller owes this buyer (its statement of account)."""
    return transfer_labelled(list(refunds_of(seller_id=seller_id, buyer_id=buyer_id)[:100]))


@page(FINANCE)
def transfer_refunds(request: HttpRequest, membership: Membership) -> HttpResponse:
    """What the seller owes back by transfer (O12, O17): the refunds held at export (with the
    reason, release and cancel forms), those paid beyond the buyer's credit, the late ones, then
    every refund with its order, buyer, amount, due day and rule; the export and "mark paid"
    forms."""
    seller = _seller(membership)
    rows = transfer_labelled(list(refunds_of(seller_id=seller.pk)[: LIST_LIMIT + 1]))
    late = transfer_labelled(list(refunds_late(seller_id=seller.pk)[:LIST_LIMIT]))
    held = transfer_labelled(
        list(refunds_of(seller_id=seller.pk, status=Refund.Status.HELD)[:LIST_LIMIT])
    )
    beyond = list(refunds_beyond_credit(seller_id=seller.pk)[:LIST_LIMIT])
    exportable = [r for r in rows if r.status == Refund.Status.DUE and r.creditor_iban]
    return render(
        request,
        "web/refunds/transfer_refunds.html",
        {
            "seller": seller,
            "refunds": rows[:LIST_LIMIT],
            "more": len(rows) > LIST_LIMIT,
            "late": late,
            "held": held,
            "beyond": beyond,
            "exportable": len(exportable),
            "no_iban": sum(
                1 for r in rows if r.status == Refund.Status.DUE and not r.creditor_iban
            ),
            "today": clock.today(),
        },
    )


@require_POST
@page(FINANCE)
def transfer_refunds_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The due refunds with a known IBAN as one pain.001 file, answered as a download; they are
    marked sent to the bank. Those the buyer's credit no longer covers are held (O12, O17, I5):
    a message waiting on the page says how many. Nothing to send: back to the page with the
    reason."""
    seller = _seller(membership)
    try:
        done = refunds_export(seller=seller, actor=request.user)
    except DomainError as error:
        _error(request, error)
        return redirect("web:transfer_refunds")
    if done.held:
        messages.warning(
            request,
            ngettext(
                "%(count)s refund was held, not sent: the buyer's credit no longer covers it "
                "(I5). See the held refunds on the refunds page.",
                "%(count)s refunds were held, not sent: the buyers' credit no longer covers "
                "them (I5). See the held refunds on the refunds page.",
                len(done.held),
            )
            % {"count": len(done.held)},
        )
    response = HttpResponse(done.xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{done.message_id}.xml"'
    return response


def _paid_on(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            "invalid_date", _("Give the date as YYYY-MM-DD."), field="on", rule="O12"
        ) from None


@require_POST
@page(FINANCE)
def transfer_refund_paid(
    request: HttpRequest, membership: Membership, refund_id: int
) -> HttpResponse:
    """The seller's bank paid this refund (its file, or a transfer made by hand): posted and set
    against the buyer's credit. Another seller's refund: 404; paid already: refused."""
    seller = _seller(membership)
    try:
        refund = refund_mark_paid(
            seller=seller,
            refund=refund_id,
            on=_paid_on(request.POST.get("on")),
            actor=request.user,
        )
    except NotFound:
        raise
    except DomainError as error:
        _error(request, error)
        return redirect("web:transfer_refunds")
    messages.success(
        request,
        _("Refund of %(ref)s (%(amount)s) marked paid on %(day)s.")
        % {
            "ref": refund.reference,
            "amount": _money(refund.amount),
            "day": f"{refund.paid_on:%d/%m/%Y}" if refund.paid_on else "",
        },
    )
    return redirect("web:transfer_refunds")


@require_POST
@page(FINANCE)
def transfer_refund_cancel(
    request: HttpRequest, membership: Membership, refund_id: int
) -> HttpResponse:
    """The seller will not pay this refund (due or sent to the bank): cancelled with its reason;
    the buyer's credit stays on its account. Another seller's refund: 404; paid: refused."""
    seller = _seller(membership)
    try:
        refund = refund_cancel(
            seller=seller,
            refund=refund_id,
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except NotFound:
        raise
    except DomainError as error:
        _error(request, error, {"reason": _("Reason")})
        return redirect("web:transfer_refunds")
    messages.success(
        request,
        _(
            "Refund of %(ref)s (%(amount)s) cancelled: the amount stays a credit on the buyer's "
            "account. If it was in a file sent to your bank, stop the transfer there too."
        )
        % {"ref": refund.reference, "amount": _money(refund.amount)},
    )
    return redirect("web:transfer_refunds")


@require_POST
@page(FINANCE)
def transfer_refund_release(
    request: HttpRequest, membership: Membership, refund_id: int
) -> HttpResponse:
    """The seller releases a refund the export held back: due again, the next export checks the
    buyer's credit again (O12, O17, I5). Another seller's refund: 404; not held: refused."""
    seller = _seller(membership)
    try:
        refund = refund_release(seller=seller, refund=refund_id, actor=request.user)
    except NotFound:
        raise
    except DomainError as error:
        _error(request, error)
        return redirect("web:transfer_refunds")
    messages.success(
        request,
        _(
            "Refund of %(ref)s (%(amount)s) released: it is due again, and the next export "
            "checks the buyer's credit again (I5)."
        )
        % {"ref": refund.reference, "amount": _money(refund.amount)},
    )
    return redirect("web:transfer_refunds")


def _amount(raw: str | None) -> Decimal | None:
    if not (raw or "").strip():
        return None
    try:
        return Decimal((raw or "").strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise DomainError(
            "invalid_amount",
            _("The amount is a positive sum in euros, with at most two decimals."),
            field="amount",
            rule="I5",
        ) from None


@require_POST
@page(FINANCE)
def buyer_credit_refund(
    request: HttpRequest, membership: Membership, party_id: int
) -> HttpResponse:
    """From the statement of a buyer's account: refund the buyer's credit (all of it, or the
    amount given) by transfer instead of deducting it from the next invoice (I5). An
    organization that is not the seller's customer: 404."""
    seller = _seller(membership)
    labels = {"amount": _("Amount to refund"), "buyer": _("Buyer")}
    try:
        refund = credit_refund_create(
            seller=seller,
            buyer=party_id,
            actor=request.user,
            amount=_amount(request.POST.get("amount")),
            reason=request.POST.get("reason", ""),
        )
    except NotFound:
        raise
    except DomainError as error:
        _error(request, error, labels)
        return redirect("web:account_statement", party_id=party_id)
    messages.success(
        request,
        _(
            "Refund of %(amount)s by transfer recorded, due on %(day)s: export it from the "
            "refunds page, then mark it paid (I5)."
        )
        % {"amount": _money(refund.amount), "day": f"{refund.due_on:%d/%m/%Y}"},
    )
    return redirect("web:account_statement", party_id=party_id)
