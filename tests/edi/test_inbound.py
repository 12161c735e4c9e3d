"""Receiving ORDERS (O14): the sample interchanges, every refusal with its place and rule, one
transaction per message, and the same interchange twice creating nothing."""

from __future__ import annotations

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.edi.models import EdiMessage
from comptoir.edi.services import edi_import
from comptoir.ordering.models import Order
from comptoir.terms.loader import preset_text
from comptoir.terms.services import terms_version_create_draft, terms_version_publish
from tests.edi.conftest import (
    BUYER_GLN,
    ORDERED_AT,
    OTHER_GLN,
    SELLER_GLN,
    orders_text,
    sample,
)

pytestmark = pytest.mark.django_db


def _import(text, pair=None, **kw):
    with clock.frozen(ORDERED_AT):
        return edi_import(actor=None, text=text, **kw)


def _codes(message: EdiMessage) -> list[str]:
    return [e["code"] for e in message.errors]


def test_sample_with_two_messages_places_two_edi_orders(pair):
    result = _import(sample("orders_two_messages.edi"))
    assert [o.message.status for o in result.outcomes] == ["accepted", "accepted"]
    first, second = (o.message for o in result.outcomes)
    assert first.document_number == "PO-2026-0451"  # the buyer's reference, kept
    assert (first.sender_gln, first.recipient_gln) == (BUYER_GLN, SELLER_GLN)
    assert first.interchange_ref == "ICB000451" and first.message_ref == "1"
    order = first.order
    assert order.channel == "edi" and order.buyer == pair.buyer.org
    assert order.idempotency_key == f"edi-{BUYER_GLN}-PO-2026-0451"
    assert order.terms_version == pair.shop.version  # the version in force
    assert [(line.sku, line.quantity) for line in order.lines.order_by("position")] == [
        ("EL-100", 10),  # by GTIN
        ("EL-200", 4),  # by the supplier's article number (PIA …:SA)
    ]
    assert order.delivery_address["city"] == "Lyon"  # NAD+DP with its address
    assert order.delivery_address["name"] == "Atelier Est's réserve"
    assert order.delivery_address["gln"] == "3012345000093"
    assert second.order.delivery_address == {}  # NAD+DP is the buyer itself: its usual address
    assert "UNH+2+ORDERS" in second.raw and "PO-2026-0452" in second.raw


def test_sample_without_una_and_unz_is_read(pair):
    result = _import(sample("orders_no_una_no_unz.edi"))
    [outcome] = result.outcomes
    assert outcome.message.status == "accepted", outcome.message.errors
    assert outcome.message.message_ref == "ME0001"
    assert [(line.sku, line.quantity) for line in outcome.message.order.lines.all()] == [
        ("EL-400", 6)
    ]


def test_same_interchange_twice_creates_nothing(pair):
    _import(sample("orders_two_messages.edi"))
    counts = (EdiMessage.objects.count(), Order.objects.count())
    again = _import(sample("orders_two_messages.edi"))
    assert all(o.duplicate for o in again.outcomes)
    assert (EdiMessage.objects.count(), Order.objects.count()) == counts


def test_same_order_number_in_a_new_interchange_returns_the_same_order(pair):
    one = _import(orders_text(reference="A1")).outcomes[0].message
    two = _import(orders_text(reference="A2")).outcomes[0].message
    assert two.status == "accepted" and two.order_id == one.order_id
    assert Order.objects.count() == 1


def test_unknown_gtin_is_refused_on_its_line_and_creates_no_order(pair):
    text = orders_text(lines=(("3760123450010", "", "10"), ("4006381333931", "", "2")))
    message = _import(text).outcomes[0].message
    assert message.status == "refused" and message.order is None
    [error] = message.errors
    assert error["code"] == "unknown_item" and error["line"] == 2 and error["tag"] == "LIN"
    assert error["rule"] == "C1" and error["segment"] == 8  # UNH = 1
    assert Order.objects.count() == 0


def test_unknown_and_invalid_gln(pair):
    unknown = _import(orders_text(reference="B1", seller="3012345000048")).outcomes[0].message
    assert _codes(unknown) == ["unknown_gln"] and unknown.errors[0]["segment"] == 5
    wrong = _import(orders_text(reference="B2", seller="3012345000025")).outcomes[0].message
    assert _codes(wrong) == ["invalid_gln"]
    assert Order.objects.count() == 0


@pytest.mark.parametrize("quantity", ["0", "2.5", "abc", "-3"])
def test_bad_quantity_is_refused(pair, quantity):
    message = _import(orders_text(lines=(("3760123450010", "", quantity),))).outcomes[0].message
    assert message.status == "refused"
    assert message.errors[0]["code"] in ("invalid_quantity",)
    assert message.errors[0]["line"] == 1


def test_syntax_errors_are_reported(pair):
    bad_count = orders_text().replace("UNT+10+1'", "UNT+12+1'")
    message = _import(bad_count).outcomes[0].message
    assert "unt_count" in _codes(message) and message.order is None
    garbage = _import("this is not edifact").outcomes[0].message
    assert garbage.status == "refused" and garbage.message_type == ""
    assert _codes(garbage) == ["syntax_error"]
    assert _import("this is not edifact").outcomes[0].duplicate  # stored once


def test_one_bad_message_does_not_stop_the_others(pair):
    good = orders_text(reference="C1", number="PO-C1")
    bad = orders_text(reference="C1", number="PO-C2", lines=(("4006381333931", "", "2"),))
    body = lambda t: t.split("\n")[1:-2]  # noqa: E731 - UNH…UNT
    second = [s.replace("UNH+1+", "UNH+2+").replace("UNT+10+1", "UNT+10+2") for s in body(bad)]
    text = "\n".join([good.split("\n")[0], *body(good), *second, "UNZ+2+C1'"])
    result = _import(text)
    assert [o.message.status for o in result.outcomes] == ["accepted", "refused"]
    assert Order.objects.count() == 1


def test_buyer_without_access_to_the_seller_is_refused(pair):
    from comptoir.parties.models import Organization, OrganizationState

    Organization.objects.filter(pk=pair.shop.seller.pk).update(state=OrganizationState.SUSPENDED)
    message = _import(orders_text()).outcomes[0].message
    assert message.status == "refused"
    assert message.errors[0]["code"] == "seller_not_available"
    assert message.errors[0]["rule"] == "P6" and message.errors[0]["segment"] == 5


def test_terms_refusals_are_reported_with_their_rule(db):
    """O4 under terms that refuse quantities that are not a multiple of the case."""
    from tests.edi.conftest import make_pair

    pair = make_pair()
    source = (
        preset_text("electronics-wholesale") + '\n[ordering.case_multiples]\npolicy = "refuse"\n'
    )
    with clock.frozen(ORDERED_AT.replace(month=2, day=2)):
        draft = terms_version_create_draft(seller=pair.shop.seller, source=source)
        terms_version_publish(version=draft)
    message = _import(orders_text(lines=(("3760123450034", "", "6"),))).outcomes[0].message
    assert message.status == "refused" and message.order is None
    assert message.errors[0]["rule"] == "O4", message.errors


def test_terms_without_edi_channel_refuse(db):
    from tests.edi.conftest import make_pair

    pair = make_pair("selective-beauty")
    del pair
    message = _import(orders_text(lines=(("3760123450034", "", "8"),))).outcomes[0].message
    assert _codes(message) == ["channel_not_offered"]
    assert message.errors[0]["rule"] == "O14"


def test_acting_organization_must_be_the_sender(pair):
    text = orders_text()
    with pytest.raises(PermissionDenied):
        _import(text, organization=pair.other.org)
    assert EdiMessage.objects.count() == 0
    forged = orders_text(sender=OTHER_GLN, buyer=BUYER_GLN)
    message = _import(forged, organization=pair.other.org).outcomes[0].message
    assert _codes(message) == ["buyer_not_sender"] and message.errors[0]["rule"] == "P4"
    assert message.buyer == pair.other.org  # never shown to the company it names


def test_organization_without_gln_cannot_send(pair):
    from comptoir.parties.models import Organization

    Organization.objects.filter(pk=pair.other.org.pk).update(gln="")
    pair.other.org.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        _import(orders_text(), organization=pair.other.org)
    assert caught.value.code == "no_gln"


def test_messages_are_immutable(pair):
    message = _import(orders_text()).outcomes[0].message
    message.errors = ["changed"]
    with pytest.raises(DomainError):
        message.save()
    with pytest.raises(DomainError):
        EdiMessage.objects.filter(pk=message.pk).update(raw="")
    with pytest.raises(DomainError):
        message.delete()
