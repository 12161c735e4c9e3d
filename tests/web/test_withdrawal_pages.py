"""O17 on the order page: a consumer withdraws from some lines, then from the rest (POST with
CSRF), within the period and never after it; the seller reads the same facts; a professional's
order has no section; P4 rights (posting, prices); bad input and a double submit come back as
a message, never an error page. The section adds no query to a professional's order page."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from comptoir.core import clock
from comptoir.ordering import queries
from comptoir.ordering.models import Order, OrderWithdrawal
from comptoir.ordering.services import (
    order_accept,
    order_record_delivery,
    order_record_shipment,
    orders_apply_deadlines,
)
from comptoir.parties import services
from comptoir.parties.models import Membership, Permission
from comptoir.web.withdrawals import panel
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop, place
from tests.parties.factories import make_user

pytestmark = pytest.mark.django_db
PLACED = datetime(2026, 12, 3, 10, 0, tzinfo=clock.PARIS)  # a Thursday


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(PLACED)
    yield
    clock.freeze(None)


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def jars() -> Shop:
    """Seed 001: consumers served, 14 days from the receipt of the last lot, refund within 14
    days, the hygiene exception shown as a condition."""
    return make_shop(
        "monthly-intranet",
        [("MIEL-12", "6.50", 12, 1000), ("CONF-6", "4.00", 6, 1000)],
        vat="5.5",
    )


@pytest.fixture
def person() -> Buyer:
    return make_buyer(person=True)


@pytest.fixture
def order(jars, person) -> Order:
    """A consumer's order, accepted at once (seed 001), not yet delivered: open to withdrawal."""
    placed = place(jars, person, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=True)
    assert (placed.consumer, placed.state, placed.withdrawal_due_on) == (True, "accepted", None)
    return placed


def _gross(line) -> Decimal:
    return (line.net_amount * (1 + line.vat_rate / 100)).quantize(Decimal("0.01"))


def _detail(client, order) -> str:
    response = client.get(reverse("web:order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    match = re.search(r'<section id="withdrawals".*?</section>', html, re.S)
    assert match, "the O17 section is on the page"
    return match.group(0)


def _withdraw(client, order, scope: str = "some", lines=(), note: str = ""):
    data = {"scope": scope, "lines": [str(i) for i in lines], "note": note}
    return client.post(reverse("web:order_withdraw", args=[order.number]), data)


def _after(client, response) -> str:
    """The order page the form came back to, with its message."""
    assert response.status_code == 302 and response.url.endswith("#withdrawals")
    return client.get(response.url.split("#")[0]).content.decode()


def _delivered(jars, person) -> Order:
    """A consumer's order processed on Tue 8 Dec (seed 001: monthly), shipped Wed 9 Dec and
    delivered Fri 11 Dec 2026: day 14 is Christmas, so the period ends Mon 28 Dec 2026."""
    placed = place(jars, person, [("MIEL-12", 24)], as_consumer=True)
    assert orders_apply_deadlines(until=datetime(2026, 12, 8, 0, 5, tzinfo=clock.PARIS)) == 1
    line = placed.lines.get()
    with clock.frozen(datetime(2026, 12, 9, 11, tzinfo=clock.PARIS)):
        order_record_shipment(
            order_id=placed.pk, quantities={line.pk: 24}, actor=jars.seller_user, shipment="S-1"
        )
    with clock.frozen(datetime(2026, 12, 11, 17, tzinfo=clock.PARIS)):
        delivered = order_record_delivery(
            order_id=placed.pk, actor=jars.seller_user, delivered_on=date(2026, 12, 11)
        )
    assert delivered.withdrawal_due_on == date(2026, 12, 28)
    return delivered


def _member(person: Buyer, email: str, permissions: list[str]):
    user = make_user(email)
    services.membership_add(
        actor=person.user, organization=person.org, user=user, permissions=permissions
    )
    return user


# ---------------------------------------------------------------- the consumer withdraws


def test_the_consumer_withdraws_from_one_line_then_from_the_rest(client, jars, person, order):
    client.force_login(person.user)
    section = _section(_detail(client, order))
    assert '<h2 id="withdrawals-title">' in section
    assert 'aria-labelledby="withdrawals-title"' in section
    assert "its end is set when the last lot is delivered" in section
    assert "14 days from the receipt of the last lot" in section
    assert "unless unsealed after delivery" in section  # seed 001's hygiene condition
    assert 'data-testid="withdrawal-form"' in section
    assert 'name="csrfmiddlewaretoken"' in section
    assert "<fieldset" in section and "<legend>" in section
    miel, conf = order.lines.get(sku="MIEL-12"), order.lines.get(sku="CONF-6")
    assert f'<label for="o17-line-{conf.pk}"><input type="checkbox" id="o17-line-{conf.pk}"' in (
        section
    )
    assert '<label for="o17-note">' in section and 'id="o17-note"' in section
    # refund due 14 days after today's notification (L221-24)
    assert "Withdraw from the ticked lines — refund due by 17/12/2026" in section
    assert "Withdraw from the whole order — refund due by 17/12/2026" in section

    page = _after(client, _withdraw(client, order, "some", [conf.pk], note="Changé d'avis."))
    first = OrderWithdrawal.objects.get()
    assert first.refund_amount == _gross(conf) == Decimal("25.32")  # 6 × 4.00 € + 5.5 % VAT
    assert first.refund_due_on == date(2026, 12, 17)
    assert "Withdrawal recorded for CONF-6: a refund of €25.32 is due by 17/12/2026. (O17)" in page
    section = _section(page)
    assert "Withdrawn on 03/12/2026 10:00" in section
    assert 'data-testid="withdrawal-list"' in section and "€25.32" in section
    assert "17/12/2026" in section
    assert f'id="o17-line-{conf.pk}"' not in section  # no longer offered
    assert f'id="o17-line-{miel.pk}"' in section
    assert "Withdraw from every line still open — refund due by 17/12/2026" in section
    conf.refresh_from_db()
    assert conf.withdrawn_at is not None

    with clock.frozen(datetime(2026, 12, 4, 9, 30, tzinfo=clock.PARIS)):
        page = _after(client, _withdraw(client, order, "all"))
    second = OrderWithdrawal.objects.order_by("pk").last()
    order.refresh_from_db()
    assert second.refund_amount == order.total_incl_vat - Decimal("25.32")  # the whole order
    assert [ln["sku"] for ln in second.lines] == ["MIEL-12"]
    assert second.refund_due_on == date(2026, 12, 18)
    assert order.state == "cancelled"  # nothing shipped, every line withdrawn
    amount = f"€{second.refund_amount}"
    assert f"Withdrawal recorded for MIEL-12: a refund of {amount} is due by 18/12/2026" in page
    section = _section(page)
    assert 'data-testid="withdrawal-1"' in section and 'data-testid="withdrawal-2"' in section
    assert "€25.32" in section and amount in section and "18/12/2026" in section
    assert 'data-testid="withdrawal-form"' not in section
    assert "no longer runs (order state: Cancelled)" in section


def test_a_double_submit_says_it_was_already_done(client, jars, person, order):
    client.force_login(person.user)
    conf = order.lines.get(sku="CONF-6")
    _withdraw(client, order, "some", [conf.pk])
    page = _after(client, _withdraw(client, order, "some", [conf.pk]))
    assert (
        "Already withdrawn from CONF-6 (recorded on 03/12/2026 10:00): nothing more was done."
        in page
    )
    assert OrderWithdrawal.objects.count() == 1
    _withdraw(client, order, "all")  # the rest: the order is cancelled
    page = _after(client, _withdraw(client, order, "all"))
    assert "Already withdrawn from MIEL-12, CONF-6" in page and "nothing more was done" in page
    assert OrderWithdrawal.objects.count() == 2


def test_after_the_period_the_withdrawal_is_refused_with_the_date(client, jars, person):
    order = _delivered(jars, person)
    client.force_login(person.user)
    with clock.frozen(datetime(2026, 12, 28, 23, 30, tzinfo=clock.PARIS)):  # the last evening
        section = _section(_detail(client, order))
    assert "until 28/12/2026 included" in section and 'data-testid="withdrawal-form"' in section
    with clock.frozen(datetime(2026, 12, 29, 0, 1, tzinfo=clock.PARIS)):
        section = _section(_detail(client, order))
        assert "ended on 28/12/2026" in section
        assert 'data-testid="withdrawal-form"' not in section
        page = _after(client, _withdraw(client, order, "all"))
    assert (
        "Order — The withdrawal period ended on 28/12/2026: a withdrawal is no longer "
        "possible. (O17)" in page
    )
    assert not OrderWithdrawal.objects.exists()
    assert order.lines.get().withdrawn_at is None
    assert not order.events.filter(action="withdraw").exists()


# ---------------------------------------------------------------- who may, and what shows


def test_a_professional_order_shows_no_section_and_is_refused(client, jars, buyer):
    order = place(jars, buyer, [("MIEL-12", 24)])
    assert not order.consumer
    client.force_login(buyer.user)
    html = _detail(client, order)
    assert 'id="withdrawals"' not in html
    page = _after(client, _withdraw(client, order, "all"))
    assert "Order — Only an order placed as a consumer carries a withdrawal right. (O17)" in page
    assert not OrderWithdrawal.objects.exists()


@pytest.fixture
def buyer() -> Buyer:
    return make_buyer()


def test_the_seller_reads_the_same_facts_and_cannot_withdraw(client, jars, person, order):
    conf = order.lines.get(sku="CONF-6")
    client.force_login(person.user)
    _withdraw(client, order, "some", [conf.pk])
    client.force_login(jars.seller_user)
    section = _section(_detail(client, order))
    assert "Withdrawn on 03/12/2026 10:00" in section and "€25.32" in section
    assert "17/12/2026" in section and "unless unsealed after delivery" in section
    assert 'data-testid="withdrawal-form"' not in section
    assert reverse("web:order_withdraw", args=[order.number]) not in section
    assert 'data-testid="withdrawal-seller"' in section
    miel = order.lines.get(sku="MIEL-12")
    page = _after(client, _withdraw(client, order, "some", [miel.pk]))
    assert "Only the consumer who placed the order withdraws from it. (O17)" in page
    assert OrderWithdrawal.objects.count() == 1
    miel.refresh_from_db()
    assert miel.withdrawn_at is None


def test_an_employee_without_place_orders_reads_without_form_or_amounts(
    client, jars, person, order
):
    conf = order.lines.get(sku="CONF-6")
    client.force_login(person.user)
    _withdraw(client, order, "some", [conf.pk])
    clerk = _member(person, "clerk@consumer.test", [Permission.VIEW_ORDERS])
    client.force_login(clerk)
    section = _section(_detail(client, order))
    assert "Withdrawn on 03/12/2026 10:00" in section and "17/12/2026" in section
    assert "25.32" not in section  # P4: no "see prices"
    assert 'data-testid="withdrawal-form"' not in section
    assert 'data-testid="withdrawal-no-right"' in section
    miel = order.lines.get(sku="MIEL-12")
    assert _withdraw(client, order, "some", [miel.pk]).status_code == 403
    assert OrderWithdrawal.objects.count() == 1


def test_an_employee_who_orders_withdraws_without_seeing_amounts(client, jars, person, order):
    member = _member(
        person, "buyer@consumer.test", [Permission.VIEW_ORDERS, Permission.PLACE_ORDERS]
    )
    client.force_login(member)
    section = _section(_detail(client, order))
    assert 'data-testid="withdrawal-form"' in section
    conf = order.lines.get(sku="CONF-6")
    page = _after(client, _withdraw(client, order, "some", [conf.pk]))
    assert "Withdrawal recorded for CONF-6: the refund is due by 17/12/2026. (O17)" in page
    assert "25.32" not in _section(page)
    assert OrderWithdrawal.objects.get().notified_by == member


def test_other_companies_get_404(client, jars, person, order, buyer):
    client.force_login(buyer.user)
    assert client.get(reverse("web:order_detail", args=[order.number])).status_code == 404
    assert _withdraw(client, order, "all").status_code == 404
    assert not OrderWithdrawal.objects.exists()


def test_withdrawing_needs_the_csrf_token(jars, person, order):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(person.user)
    assert _withdraw(csrf_client, order, "all").status_code == 403
    assert not OrderWithdrawal.objects.exists()


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("form", "shown"),
    [
        (
            {"scope": "some"},
            "Lines withdrawn from — Tick at least one line, or withdraw from the whole order. "
            "(O17)",
        ),
        (
            {"scope": "some", "lines": ["abc"]},
            "Lines withdrawn from — Tick lines of this order shown in the form. (O17)",
        ),
        (
            {"scope": "some", "lines": ["-3"]},
            "Lines withdrawn from — Tick lines of this order shown in the form. (O17)",
        ),
        (
            {"scope": "some", "lines": ["99999999999999999999999999"]},
            "Lines withdrawn from — Tick lines of this order shown in the form. (O17)",
        ),
        (
            {"scope": "some", "lines": ["0"]},
            "Lines withdrawn from — Tick lines of this order shown in the form. (O17)",
        ),
        (
            {"scope": "some", "lines": ["987654"]},
            "Lines withdrawn from — Tick lines of this order not yet withdrawn from. (O17)",
        ),
        (
            {},
            "What you withdraw from — Choose to withdraw from the whole order or from the "
            "ticked lines. (O17)",
        ),
        (
            {"scope": "everything"},
            "What you withdraw from — Choose to withdraw from the whole order or from the "
            "ticked lines. (O17)",
        ),
    ],
)
def test_bad_input_comes_back_as_a_message_and_changes_nothing(
    client, jars, person, order, form, shown
):
    client.force_login(person.user)
    response = client.post(reverse("web:order_withdraw", args=[order.number]), form)
    page = _after(client, response)
    assert shown in page
    assert not OrderWithdrawal.objects.exists()
    assert not order.lines.exclude(withdrawn_at=None).exists()


def test_a_line_of_another_order_is_refused(client, jars, person, order):
    other = place(jars, make_buyer(person=True), [("CONF-6", 6)], as_consumer=True)  # O5: 1 a month
    client.force_login(person.user)
    line = other.lines.get()
    page = _after(client, _withdraw(client, order, "some", [line.pk]))
    assert "Lines withdrawn from — Tick lines of this order not yet withdrawn from. (O17)" in page
    assert not OrderWithdrawal.objects.exists()
    line.refresh_from_db()
    assert line.withdrawn_at is None


def test_a_line_under_an_exception_shows_why_and_is_refused(client, person):
    """Seed 004: a licence key supplied at once with the express waiver has no withdrawal
    right (L221-28 13°); the boxed software keeps it unless unsealed (9°)."""
    software = make_shop(
        "digital-goods",
        [("LIC-PRO", "99.00", 1, None), ("BOX-PRO", "129.00", 1, 10)],
        kinds={"LIC-PRO": "license_key"},
    )
    order = place(
        software,
        person,
        [("LIC-PRO", 1), ("BOX-PRO", 1)],
        as_consumer=True,
        withdrawal_waiver=True,
    )
    client.force_login(person.user)
    assert order.state == "submitted"  # seed 004: the seller accepts within 5 days
    section = _section(_detail(client, order))
    assert "A withdrawal is possible once the seller has accepted the order." in section
    assert 'data-testid="withdrawal-form"' not in section
    order = order_accept(actor=software.seller_user, order_id=order.pk)
    section = _section(_detail(client, order))
    lic = order.lines.get(sku="LIC-PRO")
    row = re.search(r'data-testid="withdrawal-line-LIC-PRO".*?</tr>', section, re.S).group(0)
    assert "Does not apply" in row and "No withdrawal right: digital content" in row
    assert "L221-28 13°" in row
    box = re.search(r'data-testid="withdrawal-line-BOX-PRO".*?</tr>', section, re.S).group(0)
    assert "Applies" in box and "unless the recording or software is unsealed" in box
    assert f'id="o17-line-{lic.pk}"' not in section  # not offered
    assert "Withdraw from every line still open" in section
    page = _after(client, _withdraw(client, order, "some", [lic.pk]))
    assert "LIC-PRO: no withdrawal right" in page and "(O17)" in page
    assert not OrderWithdrawal.objects.exists()


# ---------------------------------------------------------------- reads


def _membership(user, org) -> Membership:
    return Membership.objects.get(user=user, organization=org)


def test_the_section_reads_nothing_for_a_professional_order_and_at_most_twice_for_a_consumers(
    jars, person, order, buyer, django_assert_num_queries
):
    professional = place(jars, buyer, [("MIEL-12", 24)])
    read = queries.order_for(buyer.org, professional.number)
    membership = _membership(buyer.user, buyer.org)
    with django_assert_num_queries(0):
        assert panel(membership, read) == {"shown": False}
    membership = _membership(person.user, person.org)
    membership.effective_permissions  # noqa: B018 (read outside the count)
    read = queries.order_for(person.org, order.number)
    with django_assert_num_queries(2):  # its lines, its withdrawals
        context = panel(membership, read)
    assert context["shown"] and context["may_withdraw"]
    assert context["refund_due_on"] == date(2026, 12, 17)
    lines = queries.order_lines(read)  # the order page's own read of the lines
    read = queries.order_for(person.org, order.number)
    with django_assert_num_queries(1):  # its withdrawals only
        again = panel(membership, read, lines)
    assert again["lines"] == context["lines"] and again["may_withdraw"]


def test_a_delivered_order_withdrawn_from_entirely_offers_nothing_more(client, jars, person):
    order = _delivered(jars, person)
    client.force_login(person.user)
    with clock.frozen(datetime(2026, 12, 21, 9, 0, tzinfo=clock.PARIS)):
        page = _after(client, _withdraw(client, order, "all", note="Trop de pots."))
        section = _section(page)
    withdrawal = OrderWithdrawal.objects.get()
    order.refresh_from_db()
    assert order.state == "delivered"  # the goods come back through after-sales
    assert withdrawal.refund_amount == order.total_incl_vat  # delivery included (L221-24)
    assert withdrawal.refund_due_on == date(2027, 1, 4)
    assert f"a refund of €{order.total_incl_vat:,}" in page and "due by 04/01/2027" in page
    assert "until 28/12/2026 included" in section
    assert "Withdrawn on 21/12/2026 09:00" in section
    assert 'data-testid="withdrawal-form"' not in section
    assert "No line is left to withdraw from." in section
