"""Issuing ORDRSP, DESADV and INVOIC for EDI orders (O14), from the published events: their
codes, their segment counts, their amounts equal to the invoice's, and each parsing back."""

from __future__ import annotations

import warnings
from decimal import Decimal

import pytest
from pydifact.exceptions import MissingImplementationWarning
from pydifact.segmentcollection import Interchange

from comptoir.billing.services import credit_note_create, invoice_issue
from comptoir.core import clock
from comptoir.edi.models import EdiMessage
from comptoir.edi.services import edi_import
from comptoir.fulfilment.services import shipment_create
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import order_accept, order_modify, order_refuse
from tests.edi.conftest import BUYER_GLN, ORDERED_AT, SELLER_GLN, orders_text, sample
from tests.ordering.conftest import place

pytestmark = pytest.mark.django_db


def parse(text: str):
    """The interchange and its one message, read back with pydifact."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingImplementationWarning)
        interchange = Interchange.from_str(text)
        [message] = list(interchange.get_messages())
    return interchange, message


def seg(message, tag: str, first: str | None = None) -> list:
    found = [s.elements for s in message.get_segments(tag)]
    if first is None:
        return found
    return [e for e in found if (e[0][0] if isinstance(e[0], list) else e[0]) == first]


def issued(kind: str) -> list[EdiMessage]:
    return list(EdiMessage.objects.filter(direction="out", message_type=kind).order_by("pk"))


def check_envelope(message: EdiMessage) -> None:
    """UNT counts UNH…UNT; UNB/UNZ agree; the text parses back."""
    lines = [line for line in message.raw.splitlines() if line]
    assert lines[0] == "UNA:+.? '"
    unh = next(i for i, line in enumerate(lines) if line.startswith("UNH+"))
    unt = next(i for i, line in enumerate(lines) if line.startswith("UNT+"))
    assert lines[unt] == f"UNT+{unt - unh + 1}+1'"
    assert lines[-1] == f"UNZ+1+{message.interchange_ref}'"
    interchange, _parsed = parse(message.raw)
    assert interchange.sender == [SELLER_GLN, "14"]
    assert interchange.recipient == [BUYER_GLN, "14"]


@pytest.fixture
def edi_order(pair, django_capture_on_commit_callbacks):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        result = edi_import(actor=None, text=sample("orders_two_messages.edi"))
    return result.outcomes[0].message.order


def test_accept_issues_ordrsp_29_with_lines_accepted(
    pair, edi_order, django_capture_on_commit_callbacks
):
    assert issued("ORDRSP") == []  # manual acceptance: nothing yet
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
    [response] = issued("ORDRSP")
    check_envelope(response)
    assert (response.function_code, response.order, response.seller) == (
        "29",
        edi_order,
        pair.shop.seller,
    )
    _ic, message = parse(response.raw)
    assert message.identifier[:3] == ["ORDRSP", "D", "96A"]
    assert seg(message, "BGM")[0][0] == "231" and seg(message, "BGM")[0][2] == "29"
    assert ["ON", "PO-2026-0451"] in [e[0] for e in seg(message, "RFF")]
    assert [e[1] for e in seg(message, "LIN")] == ["5", "5"]
    assert [e[0][1] for e in seg(message, "QTY")] == ["10", "4"]


def test_modify_issues_ordrsp_4_with_the_changed_line(
    pair, edi_order, django_capture_on_commit_callbacks
):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_modify(
            actor=pair.shop.seller_user,
            order_id=edi_order.pk,
            lines=[LineRequest("EL-100", 8), LineRequest("EL-200", 4)],
            reason="Stock limité à 8 câbles.",
        )
    [response] = issued("ORDRSP")
    check_envelope(response)
    _ic, message = parse(response.raw)
    assert seg(message, "BGM")[0][2] == "4"
    lines = [(e[0], e[1]) for e in seg(message, "LIN")]
    assert lines == [("1", "3"), ("2", "5")]
    assert [e[0][1] for e in seg(message, "QTY")] == ["8", "4"]
    assert "Stock limité" in str(seg(message, "FTX"))


def test_refuse_issues_ordrsp_27_with_every_line_refused(
    pair, edi_order, django_capture_on_commit_callbacks
):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_refuse(actor=pair.shop.seller_user, order_id=edi_order.pk, reason="Hors zone.")
    [response] = issued("ORDRSP")
    _ic, message = parse(response.raw)
    assert seg(message, "BGM")[0][2] == "27"
    assert {e[1] for e in seg(message, "LIN")} == {"7"}


def test_shipment_issues_desadv_and_invoic_equal_to_the_invoice(
    pair, edi_order, django_capture_on_commit_callbacks
):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
        shipment_create(
            actor=pair.shop.seller_user,
            order_id=edi_order.pk,
            lines={line.pk: line.quantity for line in edi_order.lines.all()},
            carrier="Geodis",
            parcels=["GEO123456789", "GEO123456790"],
        )
    [despatch] = issued("DESADV")
    check_envelope(despatch)
    _ic, message = parse(despatch.raw)
    assert seg(message, "BGM")[0][:3] == ["351", despatch.document_number, "9"]
    refs = [e[0] for e in seg(message, "RFF")]
    assert ["ON", "PO-2026-0451"] in refs and ["CN", "GEO123456789"] in refs
    assert not seg(message, "GIN")  # no SSCC: no GIN+BJ
    assert [e[0][:2] for e in seg(message, "QTY")] == [["12", "10"], ["12", "4"]]
    assert seg(message, "NAD", "DP")[0][1][0] == "3012345000093"

    edi_order.refresh_from_db()
    invoice = edi_order.invoice  # electronics-wholesale invoices at shipment
    [copy] = issued("INVOIC")
    check_envelope(copy)
    assert copy.document_number == invoice.number and copy.function_code == "380"
    _ic, message = parse(copy.raw)
    assert seg(message, "BGM")[0][0] == "380"
    moa = {e[0][0]: Decimal(e[0][1]) for e in seg(message, "MOA")}
    # the summary comes after the lines' MOA+203 and is the invoice's own
    summary = [e[0] for e in seg(message, "MOA") if e[0][0] in ("79", "77")]
    assert summary == [["79", f"{invoice.line_total}"], ["77", f"{invoice.total_incl_vat}"]]
    assert moa["124"] == invoice.vat_breakdown.get().amount
    line_amounts = [Decimal(e[0][1]) for e in seg(message, "MOA", "203")]
    assert sum(line_amounts) == invoice.line_total
    assert [e[0][1] for e in seg(message, "QTY")] == ["10", "4"]
    assert [e[0] for e in seg(message, "PRI")] == [["AAA", "25"], ["AAA", "12.5"]]
    assert seg(message, "DTM", "13")  # due date
    assert ["VA", pair.shop.seller.vat_number] in [e[0] for e in seg(message, "RFF")]
    assert seg(message, "TAX")[-1][4][3] == "20"

    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        note = credit_note_create(invoice_id=invoice.pk, reason="Geste commercial")
        invoice_issue(invoice_id=note.pk, enqueue_render=False)
    note.refresh_from_db()
    credit = issued("INVOIC")[-1]
    _ic, message = parse(credit.raw)
    assert seg(message, "BGM")[0][0] == "381" and credit.document_number == note.number
    assert ["IV", invoice.number] in [e[0] for e in seg(message, "RFF")]
    total = [e[0] for e in seg(message, "MOA", "77")][-1]
    assert Decimal(total[1]) == note.total_incl_vat > 0  # positive: the code carries the sign


def test_events_repeated_issue_nothing_new(pair, edi_order, django_capture_on_commit_callbacks):
    from comptoir.edi.services import ordrsp_issue

    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
    event = edi_order.events.get(action="accept")
    assert ordrsp_issue(edi_order, event) is None
    assert len(issued("ORDRSP")) == 1


def test_web_orders_get_no_edi_message(pair, django_capture_on_commit_callbacks):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order = place(pair.shop, pair.buyer, [("EL-100", 10)])
        order_accept(actor=pair.shop.seller_user, order_id=order.pk)
    assert not EdiMessage.objects.exists()


def test_export_writes_pending_messages_once(
    pair, edi_order, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
    call_command("edi", "export", "--seller", SELLER_GLN, "--out", str(tmp_path))
    files = sorted(tmp_path.iterdir())
    assert len(files) == 1 and files[0].read_bytes().startswith(b"UNA:+.? '")
    call_command("edi", "export", "--seller", SELLER_GLN, "--out", str(tmp_path / "again"))
    assert list((tmp_path / "again").iterdir()) == []


def test_import_command(pair, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "in.edi"
    path.write_text(orders_text(), encoding="iso8859-1")
    with clock.frozen(ORDERED_AT):
        call_command("edi", "import", str(path))
    assert "accepted CO-2026-" in capsys.readouterr().out
