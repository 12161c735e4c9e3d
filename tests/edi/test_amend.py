"""ORDERS with BGM function 1 (cancellation) or 5 (replace) for an order received by EDI (O7,
O11, O12, O14): done through the ordering services when they allow it, otherwise refused with
segment, code and rule; the same interchange twice still creates nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from comptoir.core import clock
from comptoir.edi.models import EdiMessage
from comptoir.edi.services import edi_import
from comptoir.ordering.models import Order, OrderEvent
from comptoir.ordering.services import order_accept
from comptoir.terms.loader import preset_text
from tests.edi.conftest import BUYER_GLN, ORDERED_AT, OTHER_GLN, make_pair, orders_text
from tests.edi.test_outbound import issued, parse, seg

pytestmark = pytest.mark.django_db


def _import(text: str, capture=None, **kw) -> EdiMessage:
    with clock.frozen(ORDERED_AT):
        if capture is None:
            [outcome] = edi_import(actor=None, text=text, **kw).outcomes
        else:
            with capture(execute=True):
                [outcome] = edi_import(actor=None, text=text, **kw).outcomes
    return outcome.message


def _codes(message: EdiMessage) -> list[tuple[str, str, int | None, str]]:
    return [(e["code"], e["rule"], e["segment"], e["tag"]) for e in message.errors]


REVOCABLE = preset_text("electronics-wholesale").replace(
    "buyer_order_irrevocable = true", "buyer_order_irrevocable = false", 1
)


@pytest.fixture
def pair(db):
    """Electronics terms whose buyer may revoke its order before acceptance (O8 off), so that
    the cancellations below reach the services' other rules."""
    return make_pair(source=REVOCABLE)


@pytest.fixture
def placed(pair) -> Order:
    message = _import(orders_text(reference="P1", number="PO-77"))
    assert message.status == "accepted", message.errors
    return message.order


CANCEL = {"reference": "C1", "number": "PO-77", "function": "1", "lines": ()}


def test_cancellation_cancels_a_submitted_order_and_answers_ordrsp_27(
    pair, placed, django_capture_on_commit_callbacks
):
    message = _import(
        orders_text(**CANCEL, note="Commande en double"), django_capture_on_commit_callbacks
    )
    assert (message.status, message.order_id, message.function_code) == ("accepted", placed.pk, "1")
    placed.refresh_from_db()
    assert placed.state == "cancelled" and placed.reason == "Commande en double"
    assert placed.events.get(action="cancel").data == {"by": "buyer"}
    [response] = issued("ORDRSP")
    _ic, parsed = parse(response.raw)
    assert seg(parsed, "BGM")[0][2] == "27"
    assert ["ON", "PO-77"] in [e[0] for e in seg(parsed, "RFF")]
    # the cancellation names no lines: the ORDRSP repeats the order's, refused
    assert [(e[0], e[1]) for e in seg(parsed, "LIN")] == [("1", "7")]


def test_cancellation_of_an_irrevocable_order_is_refused_o8(db):
    """002 §4.2: "Le bon de commande de l'Acheteur ne peut être révoqué" (O8)."""
    make_pair()
    placed = _import(orders_text(reference="P1", number="PO-77")).order
    message = _import(orders_text(**CANCEL))
    assert message.status == "refused" and message.order is None
    assert _codes(message) == [("order_irrevocable", "O8", 2, "BGM")]
    placed.refresh_from_db()
    assert placed.state == "submitted"


def test_cancellation_without_text_gets_a_default_reason(pair, placed):
    # written in the language the message is processed in (English here), like the timeline
    with translation.override("en"):
        _import(orders_text(**CANCEL))
    placed.refresh_from_db()
    assert placed.reason == "Cancelled by the buyer's EDI message C1/1 (BGM function 1)."


def test_cancellation_after_acceptance_is_refused_with_the_services_rule(pair, placed):
    with clock.frozen(ORDERED_AT):
        order_accept(actor=pair.shop.seller_user, order_id=placed.pk)
    message = _import(orders_text(**CANCEL))
    assert message.status == "refused" and message.order is None
    assert _codes(message) == [("seller_consent_required", "O11", 2, "BGM")]
    placed.refresh_from_db()
    assert placed.state == "accepted"


def test_cancellation_of_an_unknown_order_is_refused(pair, placed):
    message = _import(orders_text(**{**CANCEL, "number": "PO-404"}))
    assert _codes(message) == [("unknown_order", "O14", 2, "BGM")]


def test_cancellation_of_a_web_order_with_the_same_number_is_refused(pair):
    """Only orders received by EDI from the same sender are reached."""
    from tests.ordering.conftest import place

    with clock.frozen(ORDERED_AT):
        order = place(pair.shop, pair.buyer, [("EL-100", 10)])
    message = _import(orders_text(**{**CANCEL, "number": order.number}))
    assert _codes(message)[0][0] == "unknown_order"
    order.refresh_from_db()
    assert order.state == "submitted"


def test_another_buyer_cannot_cancel_my_order(pair, placed):
    message = _import(orders_text(**CANCEL, sender=OTHER_GLN, buyer=OTHER_GLN))
    assert _codes(message)[0][0] == "unknown_order"
    placed.refresh_from_db()
    assert placed.state == "submitted"


def test_a_cancelled_order_cannot_be_cancelled_again(pair, placed):
    assert _import(orders_text(**CANCEL)).status == "accepted"
    again = _import(orders_text(**{**CANCEL, "reference": "C2"}))
    assert _codes(again) == [("already_cancelled", "O12", 2, "BGM")]


def test_the_same_cancellation_interchange_twice_creates_nothing(pair, placed):
    text = orders_text(**CANCEL)
    with clock.frozen(ORDERED_AT):
        edi_import(actor=None, text=text)
        counts = (EdiMessage.objects.count(), OrderEvent.objects.count())
        [again] = edi_import(actor=None, text=text).outcomes
    assert again.duplicate and again.message.status == "accepted"
    assert (EdiMessage.objects.count(), OrderEvent.objects.count()) == counts


def test_the_lines_of_a_cancellation_are_not_read(pair, placed):
    text = orders_text(**{**CANCEL, "lines": (("1234567890123", "", "x"),)})
    assert _import(text).status == "accepted"


# --- replace (5) and change (4) ----------------------------------------------------------------

EDITABLE = (
    preset_text("electronics-wholesale") + '\n[ordering.processing]\nedit_until = "acceptance"\n'
)


@pytest.fixture
def editable(db) -> Order:
    """Terms that let the buyer change its order until the seller accepts (O6)."""
    make_pair(source=EDITABLE)
    message = _import(orders_text(reference="P1", number="PO-77"))
    assert message.status == "accepted", message.errors
    return message.order


def test_replacement_follows_the_terms_edit_policy(pair, placed):
    """electronics-wholesale: any change needs the seller's written consent (O11), even before
    acceptance; the service's refusal is stored, located on BGM."""
    message = _import(
        orders_text(reference="R1", number="PO-77", function="5", lines=(("", "EL-200", "6"),))
    )
    assert _codes(message) == [("seller_consent_required", "O11", 2, "BGM")]
    placed.refresh_from_db()
    assert [(line.sku, line.quantity) for line in placed.lines.all()] == [("EL-100", 10)]


def test_replacement_changes_the_lines_of_an_unanswered_order(
    editable, django_capture_on_commit_callbacks
):
    placed = editable
    text = orders_text(
        reference="R1",
        number="PO-77",
        function="5",
        lines=(("", "EL-200", "6"), ("3760123450027", "", "3")),
    )
    message = _import(text)
    assert (message.status, message.order_id) == ("accepted", placed.pk), message.errors
    placed.refresh_from_db()
    assert placed.state == "submitted" and Order.objects.count() == 1
    assert sorted((line.sku, line.quantity) for line in placed.lines.all()) == [
        ("EL-200", 6),
        ("EL-400", 3),
    ]
    # the seller's answer repeats the buyer's LIN numbers of the replacement
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=None, order_id=placed.pk)
    _ic, parsed = parse(issued("ORDRSP")[0].raw)
    assert [e[0] for e in seg(parsed, "LIN")] == ["1", "2"]


def test_replacement_after_acceptance_is_refused_change_not_allowed(pair, placed):
    with clock.frozen(ORDERED_AT):
        order_accept(actor=pair.shop.seller_user, order_id=placed.pk)
    message = _import(
        orders_text(reference="R1", number="PO-77", function="5", lines=(("", "EL-200", "6"),))
    )
    assert _codes(message) == [("change_not_allowed", "O11", 2, "BGM")]
    placed.refresh_from_db()
    assert [(line.sku, line.quantity) for line in placed.lines.all()] == [("EL-100", 10)]


def test_replacement_of_a_cancelled_order_is_refused(pair, placed):
    _import(orders_text(**CANCEL))
    message = _import(
        orders_text(reference="R1", number="PO-77", function="5", lines=(("", "EL-200", "6"),))
    )
    assert _codes(message) == [("already_cancelled", "O12", 2, "BGM")]


def test_replacement_of_a_refused_order_is_refused_o7(pair, placed):
    from comptoir.ordering.services import order_refuse

    with clock.frozen(ORDERED_AT):
        order_refuse(actor=None, order_id=placed.pk, reason="Hors zone.")
    with translation.override("en"):  # the stored text is written in the importer's language
        message = _import(
            orders_text(reference="R1", number="PO-77", function="5", lines=(("", "EL-200", "6"),))
        )
    assert _codes(message) == [("change_not_allowed", "O7", 2, "BGM")]
    assert "refused" in message.errors[0]["message"]


def test_replacement_with_an_unknown_article_changes_nothing(editable):
    """An unknown article refuses the whole replacement: the order keeps its lines."""
    placed = editable
    message = _import(
        orders_text(
            reference="R1",
            number="PO-77",
            function="5",
            lines=(("", "EL-200", "6"), ("", "NOPE", "1")),
        )
    )
    assert message.status == "refused"
    assert [(e["code"], e["line"]) for e in message.errors] == [("unknown_item", 2)]
    placed.refresh_from_db()
    assert [(line.sku, line.quantity) for line in placed.lines.all()] == [("EL-100", 10)]


def test_replacement_may_not_move_the_delivery(editable):
    delivery = "NAD+DP+3012345000093::9++Dépôt+1 rue du Port+Marseille++13002+FR'"
    message = _import(orders_text(reference="R1", number="PO-77", function="5", delivery=delivery))
    assert _codes(message) == [("change_not_allowed", "O7", 6, "NAD")]


def test_change_function_4_is_refused_with_a_pointer_to_5(pair, placed):
    with translation.override("en"):  # the stored text is written in the importer's language
        message = _import(orders_text(reference="R1", number="PO-77", function="4"))
    assert _codes(message) == [("unsupported_function", "O14", 2, "BGM")]
    assert "function 5" in message.errors[0]["message"]


def test_replacement_twice_in_the_same_interchange_creates_nothing(editable):
    text = orders_text(reference="R1", number="PO-77", function="5", lines=(("", "EL-200", "6"),))
    assert _import(text).status == "accepted"
    edits = OrderEvent.objects.filter(action="edit").count()
    with clock.frozen(ORDERED_AT):
        [again] = edi_import(actor=None, text=text).outcomes
    assert again.duplicate
    assert OrderEvent.objects.filter(action="edit").count() == edits == 1


def test_the_acting_company_cancels_in_its_own_name_only(pair, placed):
    """Through the API or the page the sender must be the acting company (P4)."""
    from comptoir.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied), clock.frozen(ORDERED_AT):
        edi_import(
            actor=pair.other.user,
            text=orders_text(**CANCEL),
            organization=pair.other.org,
            channel="api",
        )
    message = _import(orders_text(**CANCEL), organization=pair.buyer.org, channel="api")
    assert message.status == "accepted" and message.sender_gln == BUYER_GLN
