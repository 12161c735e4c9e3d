"""Non-receipt and non-conformity claims between an order's buyer and seller (A5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.fulfilment.models import (
    Claim,
    ClaimAttachment,
    ClaimMessage,
    ClaimStatus,
)
from comptoir.fulfilment.rules import attachment_check
from comptoir.fulfilment.services._common import audit, locked_order, party_of
from comptoir.parties.models import Organization


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError("body_required", _("Write a message."), field="body", rule="A5")
    return body


def _check(files: Sequence[UploadedFile]) -> None:
    for f in files:
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        attachment_check(f.name or "file", f.content_type or "", f.size or 0, head)


def _message(
    claim: Claim, actor: Any, org: Organization, body: str, files: Sequence[UploadedFile]
) -> ClaimMessage:
    message = ClaimMessage.objects.create(
        claim=claim,
        author=actor if getattr(actor, "pk", None) else None,
        organization=org,
        body=body,
        created_at=clock.now(),
    )
    for f in files:
        ClaimAttachment.objects.create(
            message=message,
            file_name=(f.name or "file")[:200],
            content_type=f.content_type or "",
            size=f.size or 0,
            file=f,
        )
    return message


def _locked_claim(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise NotFound(_("Claim"), field="claim")
    return claim


@transaction.atomic
def claim_open(
    *,
    actor: Any,
    order_id: int,
    subject: str,
    body: str,
    attachments: Sequence[UploadedFile] = (),
) -> Claim:
    """A member of the order's buyer or seller opens a claim with a first message (A5)."""
    order = locked_order(order_id)
    org = party_of(actor, order)
    subject = (subject or "").strip()
    if not subject:
        raise DomainError("subject_required", _("Give the claim a subject."), "subject", "A5")
    body = _body(body)
    _check(attachments)
    at = clock.now()
    claim = Claim.objects.create(
        order=order,
        opened_by=actor if getattr(actor, "pk", None) else None,
        opened_by_organization=org,
        subject=subject[:200],
        created_at=at,
        updated_at=at,
    )
    _message(claim, actor, org, body, attachments)
    audit(actor, order, "claim.open", claim, {"subject": claim.subject, "by": org.pk})
    return claim


@transaction.atomic
def claim_reply(
    *, actor: Any, claim_id: int, body: str, attachments: Sequence[UploadedFile] = ()
) -> ClaimMessage:
    """A message in the thread: from the other side it answers the claim, from the side that
    opened it the claim is open again (A5)."""
    claim = _locked_claim(claim_id)
    order = claim.order
    try:
        org = party_of(actor, order)
    except DomainError:
        raise NotFound(_("Claim"), field="claim") from None
    if claim.status == ClaimStatus.CLOSED:
        raise DomainError("claim_closed", _("The claim is closed."), field="claim", rule="A5")
    body = _body(body)
    _check(attachments)
    message = _message(claim, actor, org, body, attachments)
    claim.status = (
        ClaimStatus.OPEN if org.pk == claim.opened_by_organization_id else ClaimStatus.ANSWERED
    )
    claim.updated_at = message.created_at
    claim.save(update_fields=["status", "updated_at"])
    audit(actor, order, "claim.reply", message, {"claim": claim.pk, "by": org.pk})
    return message


@transaction.atomic
def claim_close(*, actor: Any, claim_id: int) -> Claim:
    """Either side closes the claim (A5)."""
    claim = _locked_claim(claim_id)
    order = claim.order
    try:
        org = party_of(actor, order)
    except DomainError:
        raise NotFound(_("Claim"), field="claim") from None
    if claim.status == ClaimStatus.CLOSED:
        return claim
    claim.status = ClaimStatus.CLOSED
    claim.closed_at = claim.updated_at = clock.now()
    claim.save(update_fields=["status", "closed_at", "updated_at"])
    audit(actor, order, "claim.close", claim, {"by": org.pk})
    return claim
