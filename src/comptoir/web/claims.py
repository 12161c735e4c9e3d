"""Claims between an order's buyer and its seller (A5, F4): the list of the company's claims, the
form a buyer opens one with, the thread both sides follow, with attachments and status changes.

Who sees what. A company sees the claims on the orders it bought or sold, nobody else's (404, as a
missing row: P9); reading and writing in a thread needs "see orders" (P4), as the fulfilment
services require. Attachments are PDF, JPEG or PNG files of at most 10 MB (the service checks the
type, the first bytes and the size); a message carries at most five. A file is served only to the
order's two parties, as a download, never displayed inline.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.downloads import attachment_response
from comptoir.core.errors import DomainError
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import Claim, ClaimStatus
from comptoir.fulfilment.rules import MAX_ATTACHMENT_BYTES
from comptoir.ordering import queries as ordering_queries
from comptoir.parties.models import Membership, Permission
from comptoir.web.ordering import _error, page

SEE = Permission.VIEW_ORDERS
MAX_FILES = 5
MAX_REQUEST = MAX_FILES * MAX_ATTACHMENT_BYTES + 256 * 1024  # the files and the text around them
LIST_LIMIT = 200


def status_labels() -> dict[str, str]:
    """The claim statuses as the model names them, in the reader's language."""
    return {value: str(label) for value, label in ClaimStatus.choices}


def _files(request: HttpRequest) -> list[UploadedFile]:
    """The files of the form, refused as a whole when too many or too large (A5)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_REQUEST:
        raise DomainError(
            "attachments_too_large",
            _("The files sent are too large: at most 10 MB each."),
            field="attachments",
            rule="A5",
        )
    files = request.FILES.getlist("attachments")
    if len(files) > MAX_FILES:
        raise DomainError(
            "too_many_attachments",
            _("At most %(n)d files per message.") % {"n": MAX_FILES},
            field="attachments",
            rule="A5",
        )
    return files


def _label(claim: Claim, org_id: int) -> Claim:
    labels = status_labels()
    claim.status_label = labels.get(claim.status, claim.status)  # type: ignore[attr-defined]
    claim.as_buyer = claim.order.buyer_id == org_id  # type: ignore[attr-defined]
    return claim


@page(SEE)
def claims(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The company's claims: as a buyer the claims it opened or received on its purchases, as a
    seller those on its sales; newest activity first, filtered by status."""
    org = membership.organization
    status = request.GET.get("status", "")
    found = fulfilment_queries.claims_for(org).select_related("order__buyer", "order__seller")
    if status in ClaimStatus.values:
        found = found.filter(status=status)
    else:
        status = ""
    rows = [_label(claim, org.pk) for claim in found[:LIST_LIMIT]]
    return render(
        request,
        "web/claims/list.html",
        {"claims": rows, "status": status, "statuses": list(status_labels().items())},
    )


@page(SEE)
def claim_new(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The buyer opens a claim on one of its orders: non-receipt, non-conformity (A5, F4)."""
    org = membership.organization
    order = ordering_queries.order_for(org, number)
    if order.buyer_id != org.pk:
        raise HttpForbidden(_("Only the order's buyer opens a claim here (A5)."))
    subject = request.POST.get("subject", "")[:200]
    body = request.POST.get("body", "")[:10000]
    if request.method == "POST":
        try:
            claim = fulfilment.claim_open(
                actor=request.user,
                order_id=order.pk,
                subject=subject,
                body=body,
                attachments=_files(request),
            )
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("Claim opened; the seller has been told."))
            return redirect("web:claim_detail", claim_id=claim.pk)
    return render(
        request,
        "web/claims/new.html",
        {"order": order, "subject": subject, "body": body, "max_files": MAX_FILES},
    )


@page(SEE)
def claim_detail(request: HttpRequest, membership: Membership, claim_id: int) -> HttpResponse:
    """The thread of a claim, its status, the reply form and the close button."""
    org = membership.organization
    claim = _label(fulfilment_queries.claim_for(org, claim_id), org.pk)
    thread = list(
        claim.messages.select_related("author", "organization").prefetch_related("attachments")
    )
    return render(
        request,
        "web/claims/detail.html",
        {"claim": claim, "thread": thread, "org": org, "max_files": MAX_FILES},
    )


@require_POST
@page(SEE)
def claim_reply(request: HttpRequest, membership: Membership, claim_id: int) -> HttpResponse:
    """A message in the thread: from the other side it answers, from the opener it reopens."""
    claim = fulfilment_queries.claim_for(membership.organization, claim_id)
    try:
        fulfilment.claim_reply(
            actor=request.user,
            claim_id=claim.pk,
            body=request.POST.get("body", "")[:10000],
            attachments=_files(request),
        )
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Message sent."))
    return redirect("web:claim_detail", claim_id=claim.pk)


@require_POST
@page(SEE)
def claim_close(request: HttpRequest, membership: Membership, claim_id: int) -> HttpResponse:
    """Either side closes the claim (A5)."""
    claim = fulfilment_queries.claim_for(membership.organization, claim_id)
    try:
        fulfilment.claim_close(actor=request.user, claim_id=claim.pk)
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("Claim closed."))
    return redirect("web:claim_detail", claim_id=claim.pk)


@page(SEE)
def claim_attachment(
    request: HttpRequest, membership: Membership, claim_id: int, attachment_id: int
) -> HttpResponse:
    """A file of the thread, downloaded (never shown inline), for the two parties only."""
    found = fulfilment_queries.claim_attachment_for(
        membership.organization, claim_id, attachment_id
    )
    response = attachment_response(
        found.file, filename=found.file_name, content_type=found.content_type
    )
    return response  # type: ignore[return-value]  # a streamed answer
