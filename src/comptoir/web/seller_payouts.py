"""A marketplace seller's own payouts (PT14): what the operator collected for it and pays it out,
the amount incl. VAT minus the commission incl. its VAT, with the status of each transfer (sent to
the bank, paid), the totals of the selection and its CSV download.

Access as the seller's receivables (`web.payments`): the P4 right "view credit and invoices"
(403 without it) and the seller role (404 for a company that is not a seller). Each seller sees
its own payouts only: the query is bound to the acting organization, never to an id in the URL.
Filters are read from the query string; a malformed one shows its error and lists nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.billing.services import invoice_render
from comptoir.core.errors import DomainError, NotFound
from comptoir.parties.models import Membership, Permission
from comptoir.payments.models import Payout
from comptoir.payments.queries import PayoutTotals, seller_payouts
from comptoir.web.ordering import page
from comptoir.web.oversight import _csv
from comptoir.web.payments import _seller

PAGE_SIZE = 50


def status_labels() -> dict[str, str]:
    return {
        Payout.Status.PENDING: _("Pending"),
        Payout.Status.EXPORTED: _("Sent to the bank"),
        Payout.Status.PAID: _("Paid"),
    }


class PayoutFilterForm(forms.Form):
    """The filters of the page and of its CSV: status and period (days of creation, inclusive)."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=())
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date as yyyy-mm-dd.")},
    )
    until = forms.DateField(
        label=gettext_lazy("To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date as yyyy-mm-dd.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("All")), *status_labels().items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period is before its start."))
        return data


def _form(request: HttpRequest) -> PayoutFilterForm:
    """The filters as submitted; `from` and `to` are the names in the query string."""
    raw = {
        "status": request.GET.get("status", "")[:20],
        "since": request.GET.get("from", "")[:20],
        "until": request.GET.get("to", "")[:20],
    }
    return PayoutFilterForm(raw, auto_id="po-%s")


def _query(form: PayoutFilterForm) -> dict[str, str]:
    data = form.cleaned_data
    values = {
        "status": data.get("status") or "",
        "from": data["since"].isoformat() if data.get("since") else "",
        "to": data["until"].isoformat() if data.get("until") else "",
    }
    return {k: v for k, v in values.items() if v}


def _select(membership: Membership, form: PayoutFilterForm) -> tuple[Any, PayoutTotals] | None:
    """(rows, totals) of the seller's payouts for valid filters; None, with the form's errors,
    for invalid ones."""
    seller = _seller(membership)
    if not form.is_valid():
        return None
    data = form.cleaned_data
    since: date | None = data.get("since")
    until: date | None = data.get("until")
    try:
        found = seller_payouts(
            seller=seller, status=data.get("status") or None, since=since, until=until
        )
    except DomainError as error:
        form.add_error("until" if error.field == "to" else error.field, error.message)
        return None
    return found.rows, found.totals


def _pdf_url(payout: Payout) -> str | None:
    """The commission invoice as issued (I8), through the seller's own page route below (the web
    session's, not the API's)."""
    invoice = payout.commission_invoice
    if invoice is None or not invoice.number:
        return None
    return reverse("web:seller_payout_invoice_pdf", args=[payout.pk])


@page(Permission.VIEW_INVOICES)
def commission_invoice_pdf(
    request: HttpRequest, membership: Membership, payout_id: int
) -> HttpResponse:
    """The commission invoice of one of the seller's payouts (I8, PT14), as issued (PDF/A-3):
    the operator issues it, the seller receives it, so the seller's members with view_invoices
    (P4) open it; another company's payout, or one without an issued invoice, answers 404."""
    seller = _seller(membership)
    payout = (
        Payout.objects.filter(pk=payout_id, seller=seller)
        .select_related("commission_invoice")
        .first()
    )
    invoice = payout.commission_invoice if payout else None
    if invoice is None or not invoice.number or invoice.recipient_id != seller.pk:
        raise NotFound(_("Invoice"), field="payout")
    document = invoice_render(invoice_id=invoice.pk)
    with document.pdf.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


@page(Permission.VIEW_INVOICES)
def payouts(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The seller's payouts, newest first, paginated, with the totals of the selection (PT14)."""
    form = _form(request)
    selected = _select(membership, form)
    context: dict[str, Any] = {"form": form, "seller": membership.organization}
    if selected is None:
        return render(request, "web/seller_payouts/list.html", context, status=400)
    rows, totals = selected
    current = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = status_labels()
    for payout in current.object_list:
        payout.status_label = labels.get(payout.status, payout.status)  # type: ignore[attr-defined]
        payout.pdf_url = _pdf_url(payout)  # type: ignore[attr-defined]
    query = urlencode(_query(form))
    context.update({"listed": True, "page_obj": current, "totals": totals, "query": query})
    return render(request, "web/seller_payouts/list.html", context)


@page(Permission.VIEW_INVOICES)
def payouts_csv(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The filtered payouts as CSV, oldest first, then the totals (PT14). Invalid filters go
    back to the page, which shows their errors."""
    form = _form(request)
    selected = _select(membership, form)
    if selected is None:
        return redirect(f"{reverse('web:seller_payouts')}?{request.GET.urlencode()}")
    rows, totals = selected
    labels = status_labels()
    lines: list[list[Any]] = [
        [
            payout.created_at,
            payout.payment.reference,
            payout.end_to_end_id,
            payout.gross,
            payout.commission,
            payout.net,
            labels.get(payout.status, payout.status),
            payout.exported_at,
            payout.paid_at,
            payout.commission_invoice.number if payout.commission_invoice else "",
        ]
        for payout in rows.reverse().iterator(chunk_size=2000)
    ]
    lines.append(
        [_("Total"), totals.count, "", totals.gross, totals.commission, totals.net, "", "", "", ""]
    )
    header = [
        _("Date"),
        _("Payment reference"),
        _("Transfer reference"),
        _("Collected incl. VAT"),
        _("Commission incl. VAT"),
        _("Net paid out"),
        _("Status"),
        _("Sent"),
        _("Paid"),
        _("Commission invoice"),
    ]
    response = HttpResponse(_csv(header, lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="payouts.csv"'
    return response
