"""EDI pages (O14): the organization's EDIFACT messages, received and issued, each downloadable,
and for a buyer the upload of an ORDERS interchange.

For a seller, the answers that could not be issued ("Messages not sent": pending a new attempt
or given up, `OutboundRetry`) with a "Retry now" button.

Permissions. Listing and downloading need `view_orders`; uploading places orders, so it needs
`place_orders` and the buyer role (404 for a seller-only organization, as other buyer pages).
Retrying acts on the seller's orders: `place_orders` too. Another company's message or retry
answers 404."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.edi import queries
from comptoir.edi.models import RetryStatus
from comptoir.edi.services import edi_import, outbound_retry_now
from comptoir.edi.services.inbound import MAX_INTERCHANGE_BYTES
from comptoir.parties.models import Membership, Permission
from comptoir.web.ordering import _error, page

LIST_LIMIT = 200
TYPES = ("ORDERS", "ORDRSP", "DESADV", "INVOIC")


@page(Permission.VIEW_ORDERS)
def messages(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organization
    message_type = request.GET.get("type") if request.GET.get("type") in TYPES else None
    direction = (
        request.GET.get("direction") if request.GET.get("direction") in ("in", "out") else None
    )
    found = queries.messages_for(org, message_type=message_type, direction=direction)
    return render(
        request,
        "web/edi/messages.html",
        {
            "org": org,
            "gln": org.gln or _("none recorded"),
            "edi_messages": list(found[:LIST_LIMIT]),
            "types": TYPES,
            "type": message_type or "",
            "direction": direction or "",
            "can_upload": org.is_buyer
            and Permission.PLACE_ORDERS in membership.effective_permissions,
            "max_mb": MAX_INTERCHANGE_BYTES // 1024**2,
            "retries": list(queries.outbound_retries(org)[:LIST_LIMIT]) if org.is_seller else [],
            "can_retry": Permission.PLACE_ORDERS in membership.effective_permissions,
        },
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def upload(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organization
    if not org.is_buyer:
        raise Http404("Not a buyer")
    upload_file = request.FILES.get("file")
    try:
        if upload_file is None:
            raise DomainError("file_required", _("Choose an EDIFACT file."), field="file")
        if upload_file.size is not None and upload_file.size > MAX_INTERCHANGE_BYTES:
            raise DomainError(
                "file_too_large",
                _("The file is larger than %(n)s MB.") % {"n": MAX_INTERCHANGE_BYTES // 1024**2},
                field="file",
            )
        data = upload_file.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("iso8859-1")
        result = edi_import(actor=request.user, text=text, organization=org, channel="web")
    except DomainError as error:
        _error(request, error)
        return redirect("web:edi_messages")
    for outcome in result.outcomes:
        message = outcome.message
        if outcome.duplicate:
            flash.info(
                request,
                _("Message %(ref)s was already received: nothing new.")
                % {"ref": message.document_number or message.message_ref},
            )
        elif message.status == "accepted":
            flash.success(
                request,
                _("Order %(ref)s placed as %(order)s.")
                % {"ref": message.document_number, "order": message.order.number},
            )
        else:
            first = message.errors[0] if message.errors else {}
            flash.error(
                request,
                _("Message %(ref)s refused: %(problem)s")
                % {
                    "ref": message.document_number or message.message_ref or "?",
                    "problem": f"{first.get('message', '')} ({first.get('rule', 'O14')})",
                },
            )
    return redirect("web:edi_messages")


@page(Permission.VIEW_ORDERS)
def download(request: HttpRequest, membership: Membership, message_id: int) -> HttpResponse:
    message = queries.message_for(membership.organization, message_id)
    response = HttpResponse(message.raw, content_type="application/edifact; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{message.filename}"'
    return response


@require_POST
@page(Permission.PLACE_ORDERS)
def retry_now(request: HttpRequest, membership: Membership, retry_id: int) -> HttpResponse:
    """One attempt at once at a message not sent (O14); the outcome is shown as a message."""
    try:
        retry = outbound_retry_now(request.user, retry_id, organization=membership.organization)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        _error(request, error)
        return redirect("web:edi_messages")
    names = {"type": retry.message_type, "order": retry.order.number}
    if retry.status == RetryStatus.ISSUED:
        flash.success(request, _("%(type)s of order %(order)s issued.") % names)
    else:
        flash.error(
            request,
            _("%(type)s of order %(order)s still not issued: %(error)s (O14)")
            % {**names, "error": retry.last_error},
        )
    return redirect("web:edi_messages")
