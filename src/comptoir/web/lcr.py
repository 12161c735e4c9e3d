"""The seller's LCR (PT1, PT4): the bills of exchange to present to its bank with the day each must
reach it, the CFONB 160 remittance files already made, an export of those not remitted yet, and
the LCR the bank returned unpaid. Views call payments' queries and services only."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.parties.models import Membership
from comptoir.payments.models import LcrRemittance
from comptoir.payments.services.lcr import REASONS, lcr_export, lcr_remitted, lcr_return
from comptoir.payments.services.schedule import lcr_to_present
from comptoir.web.ordering import _error, page
from comptoir.web.payments import FINANCE, LIST_LIMIT, _money, _seller

HORIZON = timedelta(days=60)  # as the command: the LCR due within two months


def _day(raw: str | None, field: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            "invalid_date", _("Give the date as YYYY-MM-DD."), field=field, rule="PT4"
        ) from None


def _until(raw: str | None) -> date:
    """The last due date to include: the form's day, or today + 60 days."""
    return _day(raw, "until") or clock.today() + HORIZON


@page(FINANCE)
def lcr(request: HttpRequest, membership: Membership) -> HttpResponse:
    seller = _seller(membership)
    try:
        until = _until(request.GET.get("until"))
    except DomainError as error:
        _error(request, error)
        until = clock.today() + HORIZON
    bills = lcr_to_present(seller=seller, until=until)
    return render(
        request,
        "web/payments/lcr.html",
        {
            "seller": seller,
            "until": until,
            "bills": bills[:LIST_LIMIT],
            "more": len(bills) > LIST_LIMIT,
            "to_remit": sum(1 for b in bills if not b.remittance),
            "late": [b for b in bills if not b.remittance and b.present_by < clock.today()],
            "remitted": lcr_remitted(seller=seller, limit=LIST_LIMIT),
            "reasons": list(REASONS.items()),
            "may_return": membership.is_owner,  # it cancels a payment: an owner's act
            "today": clock.today(),
            "remittances": list(
                LcrRemittance.objects.filter(seller=seller)
                .defer("content")
                .order_by("-created_at", "-pk")[:LIST_LIMIT]
            ),
        },
    )


@require_POST
@page(FINANCE)
def lcr_export_now(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The LCR due by the chosen day and not remitted yet, into one CFONB 160 file (PT4)."""
    seller = _seller(membership)
    try:
        until = _until(request.POST.get("until"))
        done = lcr_export(seller=seller, until=until, actor=request.user)
    except DomainError as error:
        _error(request, error)
        return redirect("web:lcr")
    if done is None:
        messages.info(request, _("No LCR left to remit by that date."))
        return redirect("web:lcr")
    r = done.remittance
    messages.success(
        request,
        _("Remittance %(ref)s: %(count)s LCR, %(total)s; download its file below.")
        % {"ref": r.reference, "count": r.count, "total": _money(r.total)},
    )
    for number in done.without_bank_details:
        messages.warning(
            request,
            _("%(number)s: no French IBAN known for the buyer; its LCR has no bank details.")
            % {"number": number},
        )
    return redirect("web:lcr")


@page(FINANCE)
def lcr_file(request: HttpRequest, membership: Membership, remittance_id: int) -> HttpResponse:
    seller = _seller(membership)
    remittance = LcrRemittance.objects.filter(pk=remittance_id, seller=seller).first()
    if remittance is None:
        raise NotFound(_("Remittance"), field="remittance")
    response = HttpResponse(remittance.content.encode("ascii"), content_type="text/plain")
    response["Content-Disposition"] = f'attachment; filename="LCR-{remittance.reference}.txt"'
    return response


@require_POST
@page(FINANCE)
def lcr_returned(request: HttpRequest, membership: Membership, lcr_id: int) -> HttpResponse:
    """The bank returned this remitted LCR unpaid: its payment is reversed, the invoice is owed
    again from its due date (PT4); a second time changes nothing. Another seller's LCR: 404.
    It cancels a recorded payment, so only an owner records it, as only an owner records one."""
    seller = _seller(membership)
    if not membership.is_owner:
        raise HttpForbidden(_("Only an owner of the company may record an unpaid LCR (P4)."))
    try:
        done = lcr_return(
            seller=seller,
            lcr=lcr_id,
            reason=request.POST.get("reason", "")[:40],
            detail=request.POST.get("detail", "")[:200],
            on=_day(request.POST.get("on"), "on"),
            actor=request.user,
        )
    except NotFound:
        raise  # another seller's LCR, or none: 404
    except DomainError as error:
        _error(request, error)
        return redirect("web:lcr")
    messages.success(
        request,
        _(
            "%(ref)s: LCR returned unpaid on %(day)s; the invoice is owed again from its due "
            "date (PT4)."
        )
        % {"ref": done.lcr.invoice_item.reference, "day": done.returned_on.strftime("%d/%m/%Y")},
    )
    return redirect("web:lcr")
