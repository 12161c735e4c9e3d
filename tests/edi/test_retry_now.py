"""The seller retries a failed EDI answer by hand (O14): its own only (404 otherwise), with
`place_orders` (P4), one attempt at once through the sweep's per-row function, idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.core.models import AuditEntry
from comptoir.edi import rules
from comptoir.edi.models import OutboundRetry
from comptoir.edi.services import edi_import, outbound_retry_due, outbound_retry_now
from comptoir.ordering.services import order_accept
from comptoir.parties import services as parties
from comptoir.parties.models import Organization
from tests.edi.conftest import BUYER_GLN, ORDERED_AT, sample, set_gln
from tests.edi.test_outbound import issued
from tests.parties.factories import make_user

pytestmark = pytest.mark.django_db

LATER = ORDERED_AT + timedelta(minutes=2)


@pytest.fixture
def edi_order(pair, django_capture_on_commit_callbacks):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        result = edi_import(actor=None, text=sample("orders_two_messages.edi"))
    return result.outcomes[0].message.order


@pytest.fixture
def retry(pair, edi_order, django_capture_on_commit_callbacks) -> OutboundRetry:
    """The ORDRSP of the acceptance not issued: the buyer's GLN was removed meanwhile."""
    Organization.objects.filter(pk=pair.buyer.org.pk).update(gln="")
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
    found = OutboundRetry.objects.get()
    assert (found.status, found.attempts, found.message_type) == ("pending", 1, "ORDRSP")
    assert "no GLN" in found.last_error
    return found


def _give_up(retry: OutboundRetry) -> None:
    while retry.status == "pending":
        outbound_retry_due(until=retry.next_attempt_at)
        retry.refresh_from_db()
    assert (retry.status, retry.attempts) == ("failed", rules.RETRY_MAX_ATTEMPTS)


def test_retry_now_issues_the_message_once_the_cause_is_fixed(pair, retry):
    set_gln(pair.buyer.org, BUYER_GLN)
    with clock.frozen(LATER):  # before the sweep's next attempt: "now" does not wait
        done = outbound_retry_now(pair.shop.seller_user, retry.pk, organization=pair.shop.seller)
    [message] = issued("ORDRSP")
    assert (done.status, done.message, done.next_attempt_at) == ("issued", message, None)
    entry = AuditEntry.objects.get(action="edi.out.retry_now")
    assert entry.actor == pair.shop.seller_user
    assert entry.organization_id == pair.shop.seller.pk
    assert (entry.data["was"], entry.data["status"], entry.data["message"]) == (
        "pending",
        "issued",
        message.pk,
    )
    assert AuditEntry.objects.get(action="edi.out.retried").actor == pair.shop.seller_user
    # the sweep has nothing left, the second click is refused: one message only
    assert outbound_retry_due(until=LATER + timedelta(days=1)) == 0
    with pytest.raises(DomainError) as refused:
        outbound_retry_now(pair.shop.seller_user, retry.pk, organization=pair.shop.seller)
    assert (refused.value.code, refused.value.rule) == ("already_issued", "O14")
    assert len(issued("ORDRSP")) == 1


def test_a_pending_retry_failing_again_counts_the_attempt_and_plans_the_next(pair, retry):
    with clock.frozen(LATER):
        done = outbound_retry_now(pair.shop.seller_user, retry.pk, organization=pair.shop.seller)
    assert (done.status, done.attempts) == ("pending", 2)
    assert done.next_attempt_at == LATER + rules.retry_delay(2)
    assert "no GLN" in done.last_error
    assert issued("ORDRSP") == []
    entry = AuditEntry.objects.get(action="edi.out.retry_now")
    assert (entry.data["status"], entry.data["message"]) == ("pending", None)
    assert "no GLN" in entry.data["error"]


def test_a_given_up_retry_can_be_retried_by_hand(pair, retry):
    _give_up(retry)
    with clock.frozen(LATER + timedelta(days=2)):
        again = outbound_retry_now(pair.shop.seller_user, retry.pk, organization=pair.shop.seller)
    # failing again by hand: still given up (the sweep does not take it), the attempt counted
    assert (again.status, again.attempts, again.next_attempt_at) == (
        "failed",
        rules.RETRY_MAX_ATTEMPTS + 1,
        None,
    )
    assert again.updated_at == LATER + timedelta(days=2)
    assert outbound_retry_due(until=LATER + timedelta(days=30)) == 0

    set_gln(pair.buyer.org, BUYER_GLN)
    with clock.frozen(LATER + timedelta(days=3)):
        done = outbound_retry_now(pair.shop.seller_user, retry.pk, organization=pair.shop.seller)
    [message] = issued("ORDRSP")
    assert (done.status, done.message) == ("issued", message)
    assert [e.data["was"] for e in AuditEntry.objects.filter(action="edi.out.retry_now")] == [
        "failed",
        "failed",
    ]


def test_another_company_cannot_reach_the_retry(pair, retry):
    # the buyer of the order, acting for itself: the retry is the seller's (404, not 403)
    with pytest.raises(NotFound):
        outbound_retry_now(pair.buyer.user, retry.pk, organization=pair.buyer.org)
    # acting for the seller without being one of its members
    with pytest.raises(PermissionDenied):
        outbound_retry_now(pair.buyer.user, retry.pk, organization=pair.shop.seller)
    with pytest.raises(NotFound):
        outbound_retry_now(pair.shop.seller_user, retry.pk + 1000, organization=pair.shop.seller)
    retry.refresh_from_db()
    assert (retry.status, retry.attempts) == ("pending", 1)
    assert not AuditEntry.objects.filter(action="edi.out.retry_now").exists()


def test_retrying_needs_place_orders(pair, retry):
    clerk = make_user()
    parties.membership_add(
        actor=pair.shop.seller_user,
        organization=pair.shop.seller,
        user=clerk,
        permissions=["view_orders"],
    )
    with pytest.raises(PermissionDenied) as refused:
        outbound_retry_now(clerk, retry.pk, organization=pair.shop.seller)
    assert refused.value.rule == "P4"
    retry.refresh_from_db()
    assert retry.attempts == 1
