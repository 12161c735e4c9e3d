"""E-mails of payments: reminders, formal notices (the letter attached), debit pre-notifications.
Sent after the transaction commits, in the language of the buyer's owner."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from comptoir.parties.models import Membership, Organization

logger = logging.getLogger("comptoir.payments")


def _recipient(org: Organization) -> tuple[str, str] | None:
    owner = (
        Membership.objects.filter(organization=org, is_owner=True, is_active=True)
        .select_related("user")
        .first()
    )
    email = org.email or (owner.user.email if owner else "")
    if not email:
        return None
    return email, (owner.user.language if owner else "fr")


def send(
    org_id: int,
    subject: tuple[str, str],
    body: tuple[str, str],
    attachment: tuple[str, bytes, str] | None = None,
    connection: Any = None,
) -> None:
    """Send `subject`/`body` (French, English) to the organization; a mail failure is logged, the
    collection step it reports stands."""
    org = Organization.objects.filter(pk=org_id).first()
    target = _recipient(org) if org is not None else None
    if target is None:
        return
    email, lang = target
    i = 0 if lang == "fr" else 1
    message = EmailMessage(
        subject[i], body[i], settings.DEFAULT_FROM_EMAIL, [email], connection=connection
    )
    if attachment is not None:
        message.attach(*attachment)
    try:
        message.send()
    except OSError:
        logger.exception("could not send %r to %s", subject[i], email)
