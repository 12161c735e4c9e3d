"""Card refunds of credit notes (I5, O12, PT1): the seller's page listing each refund of its
credit notes with its status, and the "retry now" of a failed one. The buyer sees its own
refunds on its statement of account with the seller (`_statement_refunds.html`).

"Retry now" queues the attempt for the worker (`payments.tasks.refund_credit_note_on_card`) and
answers at once; the payment provider is never called in the request.

Permissions. As the receivables pages: "view credit and invoices" (`Permission.VIEW_INVOICES`,
P4) and the seller role (404 otherwise). The retry is a POST with its CSRF token; the service
checks the right again and answers 404 for another seller's refund."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.parties.models import Membership
from comptoir.payments.models import CardRefund
from comptoir.payments.services.card import (
    QUEUE_STALE,
    card_refund_retry_now,
    card_refunds_list,
)
from comptoir.web.ordering import _error, page
from comptoir.web.payments import FINANCE, _seller


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
