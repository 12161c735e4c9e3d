"""E-mails of payments: reminders, formal notices (the letter attached), debit pre-notifications.
Sent after the transaction commits, in the language of the buyer's owner."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from comptoir.parties.models import Membership, Organization

logger = logging.getLogger("comptoir.payments")


def _target(org: Organization, owner: Membership | None) -> tuple[str, str] | None:
    """The organization's address, else its owner's, and the owner's language."""
    email = org.email or (owner.user.email if owner else "")
    if not email:
        return None
    return email, (owner.user.language if owner else "fr")


def _recipients(org_ids: Iterable[int]) -> dict[int, tuple[str, str] | None]:
    """Where each organization's mail goes (`_target`), in two queries."""
    orgs = Organization.objects.in_bulk(set(org_ids))
    owners: dict[int, Membership] = {}
    memberships = Membership.objects.filter(
        organization_id__in=list(orgs), is_owner=True, is_active=True
    )
    for membership in memberships.select_related("user"):  # of several owners, the first
        owners.setdefault(membership.organization_id, membership)
    return {pk: _target(org, owners.get(pk)) for pk, org in orgs.items()}


Mail = tuple[int, tuple[str, str], tuple[str, str], tuple[str, bytes, str] | None]


def send_many(mails: Sequence[Mail], connection: Any = None) -> None:
    """`send` each of `mails` (organization, subject, body, attachment), the recipients read at
    once."""
    targets = _recipients(org_id for org_id, *_ in mails)
    for org_id, subject, body, attachment in mails:
        _send(targets.get(org_id), subject, body, attachment, connection)


def send(
    org_id: int,
    subject: tuple[str, str],
    body: tuple[str, str],
    attachment: tuple[str, bytes, str] | None = None,
    connection: Any = None,
) -> None:
    """Send `subject`/`body` (French, English) to the organization; a mail failure is logged, the
    collection step it reports stands."""
    send_many([(org_id, subject, body, attachment)], connection)


def _send(
    target: tuple[str, str] | None,
    subject: tuple[str, str],
    body: tuple[str, str],
    attachment: tuple[str, bytes, str] | None,
    connection: Any,
) -> None:
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
