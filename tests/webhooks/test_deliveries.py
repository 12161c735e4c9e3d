"""Webhook deliveries end to end against a real local HTTP server: signed bodies, the retry
schedule under a frozen clock, no second sending, and events only to the companies concerned."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.core import clock, events
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.parties import services as parties
from comptoir.parties.models import Permission
from comptoir.webhooks import services
from comptoir.webhooks.models import Delivery, DeliveryStatus
from comptoir.webhooks.sweeps import retry_deliveries
from comptoir.webhooks.tasks import deliver_webhook
from tests.parties.factories import make_org, make_user
from tests.webhooks.receiver import receiver, verify

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS)


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def companies():
    owner, other_owner = make_user(), make_user()
    return (
        make_org(buyer=True, owner=owner),
        owner,
        make_org(buyer=True, owner=other_owner),
        other_owner,
    )


def _publish(capture, event: str, org_ids: list[int], data: dict) -> None:
    with capture(execute=True):
        events.emit(event, org_ids, data)


def test_a_delivery_is_signed_with_the_endpoint_secret(
    companies, django_capture_on_commit_callbacks
):
    org, owner, _, _ = companies
    with receiver() as hook:
        endpoint, secret = services.endpoint_create(
            actor=owner, organization=org, url=hook.url, events=["payment.received"]
        )
        with clock.frozen(T0):
            _publish(
                django_capture_on_commit_callbacks,
                "payment.received",
                [org.pk],
                {"amount": Decimal("12.50"), "value_date": T0.date()},
            )
    [request] = hook.requests
    delivery = Delivery.objects.get()
    assert request.path == "/hooks/comptoir"
    assert request.headers["Comptoir-Event"] == "payment.received"
    assert request.headers["Comptoir-Delivery"] == str(delivery.pk)
    assert request.headers["Content-Type"] == "application/json"
    assert verify(secret, request.headers["Comptoir-Signature"], request.body)
    assert not verify("whsec_wrong", request.headers["Comptoir-Signature"], request.body)
    assert request.headers["Comptoir-Signature"].startswith(f"t={int(T0.timestamp())},v1=")
    body = json.loads(request.body)
    assert body == {
        "id": delivery.pk,
        "event": "payment.received",
        "created_at": T0.isoformat(),
        "organization_id": org.pk,
        "data": {"amount": "12.50", "value_date": "2026-11-24"},
    }
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at == T0 and delivery.next_attempt_at is None
    assert endpoint.secret == secret


def test_a_failing_endpoint_is_retried_on_the_schedule_then_fails(
    companies, django_capture_on_commit_callbacks
):
    org, owner, _, _ = companies
    with receiver(status=500) as hook:
        services.endpoint_create(
            actor=owner, organization=org, url=hook.url, events=["order.placed"]
        )
        with clock.frozen(T0):
            _publish(django_capture_on_commit_callbacks, "order.placed", [org.pk], {"order": "C1"})
        delivery = Delivery.objects.get()
        assert (delivery.attempts, delivery.last_status_code) == (1, 500)
        assert delivery.next_attempt_at == T0 + timedelta(minutes=1)
        at = T0
        delays = [timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]
        for n, delay in enumerate(delays, start=2):
            at += delay
            with clock.frozen(at - timedelta(seconds=1)):  # not yet due: nothing is sent
                assert retry_deliveries(until=clock.now()) == 0
            assert len(hook.requests) == n - 1
            with clock.frozen(at):
                assert retry_deliveries(until=clock.now()) == 1
            delivery.refresh_from_db()
            assert delivery.attempts == n and len(hook.requests) == n
            if n < 6:
                assert delivery.status == DeliveryStatus.PENDING
                assert delivery.next_attempt_at == at + delays[n - 1]
        assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
        assert delivery.last_error.startswith("HTTP 500")
        with clock.frozen(at + timedelta(days=30)):
            assert retry_deliveries(until=clock.now()) == 0
            assert deliver_webhook.enqueue(delivery.pk).return_value == "skipped"
        assert len(hook.requests) == 6


def test_a_network_failure_is_retried_and_a_later_success_ends_it(
    companies, django_capture_on_commit_callbacks
):
    org, owner, _, _ = companies
    with receiver() as hook:
        url = hook.url
    # the server is gone: connection refused
    services.endpoint_create(actor=owner, organization=org, url=url, events=["order.frozen"])
    with clock.frozen(T0):
        _publish(django_capture_on_commit_callbacks, "order.frozen", [org.pk], {"order": "C1"})
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert delivery.last_error and delivery.next_attempt_at == T0 + timedelta(minutes=1)


def test_a_delivered_one_is_never_sent_again(companies, django_capture_on_commit_callbacks):
    org, owner, _, _ = companies
    with receiver() as hook:
        services.endpoint_create(
            actor=owner, organization=org, url=hook.url, events=["order.placed"]
        )
        with clock.frozen(T0):
            _publish(django_capture_on_commit_callbacks, "order.placed", [org.pk], {"order": "C1"})
        delivery = Delivery.objects.get()
        assert delivery.status == "delivered"
        with clock.frozen(T0 + timedelta(days=1)):
            assert retry_deliveries(until=clock.now()) == 0
            assert services.delivery_attempt(delivery_id=delivery.pk) == "skipped"
            assert deliver_webhook.enqueue(delivery.pk).return_value == "skipped"
        assert len(hook.requests) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 1


def test_events_go_only_to_the_companies_concerned_and_their_subscriptions(
    companies, django_capture_on_commit_callbacks
):
    org, owner, other, other_owner = companies
    bystander_owner = make_user()
    bystander = make_org(buyer=True, owner=bystander_owner)
    with receiver() as mine, receiver() as theirs, receiver() as nobody:
        services.endpoint_create(
            actor=owner, organization=org, url=mine.url, events=["order.placed", "order.shipped"]
        )
        services.endpoint_create(
            actor=other_owner, organization=other, url=theirs.url, events=["order.shipped"]
        )
        services.endpoint_create(
            actor=bystander_owner,
            organization=bystander,
            url=nobody.url,
            events=list(events.EVENTS),
        )
        _publish(django_capture_on_commit_callbacks, "order.placed", [org.pk, other.pk], {"n": 1})
        _publish(django_capture_on_commit_callbacks, "order.shipped", [org.pk, other.pk], {"n": 2})
    assert [r.headers["Comptoir-Event"] for r in mine.requests] == ["order.placed", "order.shipped"]
    assert [r.headers["Comptoir-Event"] for r in theirs.requests] == ["order.shipped"]
    assert nobody.requests == []
    assert {json.loads(r.body)["organization_id"] for r in theirs.requests} == {other.pk}


def test_nothing_is_sent_when_the_transaction_rolls_back(
    companies, django_capture_on_commit_callbacks
):
    org, owner, _, _ = companies
    with receiver() as hook:
        services.endpoint_create(
            actor=owner, organization=org, url=hook.url, events=["order.placed"]
        )
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            events.emit("order.placed", [org.pk], {"order": "C1"})
        assert len(callbacks) == 1 and Delivery.objects.count() == 0  # not before the commit
    assert hook.requests == []


def test_a_deleted_endpoint_receives_nothing_more(companies, django_capture_on_commit_callbacks):
    org, owner, other, other_owner = companies
    with receiver(status=503) as hook:
        endpoint, _ = services.endpoint_create(
            actor=owner, organization=org, url=hook.url, events=["order.placed"]
        )
        with clock.frozen(T0):
            _publish(django_capture_on_commit_callbacks, "order.placed", [org.pk], {"order": "C1"})
        with pytest.raises(NotFound):  # another company cannot delete it
            services.endpoint_delete(actor=other_owner, organization=other, endpoint_id=endpoint.pk)
        services.endpoint_delete(actor=owner, organization=org, endpoint_id=endpoint.pk)
        delivery = Delivery.objects.get()
        assert delivery.status == "failed" and delivery.last_error == "Endpoint deleted."
        with translation.override("fr"):  # the log reads in its reader's language
            assert delivery.last_error_text == "Point de réception supprimé."
        with clock.frozen(T0 + timedelta(days=1)):
            assert retry_deliveries(until=clock.now()) == 0
            _publish(django_capture_on_commit_callbacks, "order.placed", [org.pk], {"order": "C2"})
    assert len(hook.requests) == 1 and Delivery.objects.count() == 1


def test_who_may_register_endpoints_and_what(companies):
    org, owner, _, _ = companies
    clerk = make_user()
    parties.membership_add(
        actor=owner, organization=org, user=clerk, permissions=[Permission.VIEW_ORDERS]
    )
    with pytest.raises(PermissionDenied):
        services.endpoint_create(
            actor=clerk, organization=org, url="https://e.example/h", events=["order.placed"]
        )
    for url, events_, code in (
        ("http://e.example/h", ["order.placed"], "invalid_url"),
        ("https://e.example/h", ["order.eaten"], "unknown_event"),
        ("https://e.example/h", [], "events_required"),
    ):
        with pytest.raises(DomainError) as refused:
            services.endpoint_create(actor=owner, organization=org, url=url, events=events_)
        assert refused.value.code == code
    endpoint, secret = services.endpoint_create(
        actor=owner,
        organization=org,
        url="https://e.example/h",
        events=["payment.received", "order.placed", "order.placed"],
    )
    assert endpoint.events == ["order.placed", "payment.received"]
    assert secret.startswith("whsec_") and len(secret) > 40


def test_unknown_events_are_refused_at_emission():
    with pytest.raises(ValueError, match="unknown event"):
        events.emit("order.eaten", [1], {})
    events.emit(None, [1], {})  # a caller's action without an event: nothing


def test_a_batch_of_events_is_stored_with_a_fixed_number_of_queries(
    companies, django_capture_on_commit_callbacks, django_assert_max_num_queries, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    org, owner, other, other_owner = companies
    services.endpoint_create(
        actor=owner, organization=org, url="https://erp.a.test/h", events=["invoice.issued"]
    )
    services.endpoint_create(
        actor=other_owner, organization=other, url="https://erp.b.test/h", events=["order.placed"]
    )
    items = [([org.pk, other.pk], {"number": f"F-{n}"}) for n in range(200)]
    with django_assert_max_num_queries(8), django_capture_on_commit_callbacks(execute=True):
        events.emit_many("invoice.issued", items)
    numbers = [d.payload["data"]["number"] for d in Delivery.objects.order_by("pk")]
    assert numbers == [f"F-{n}" for n in range(200)]  # the other company did not subscribe
