"""The invoice PDF as rendered with the per-thread WeasyPrint caches of billing/pdf.py."""

import io
from datetime import datetime

import pytest
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from comptoir.billing import facturx_xml
from comptoir.billing.models import Invoice
from comptoir.billing.pdf import render_pdf
from comptoir.billing.services import credit_note_create, invoice_create, invoice_issue
from comptoir.core import clock
from tests.billing.conftest import make_draft


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def invoice(seller, buyer) -> Invoice:
    return invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_each_render_prints_its_own_title_and_number(invoice):
    note = invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk).pk)
    first, second = _text(render_pdf(invoice)), _text(render_pdf(note))
    assert f"Facture {invoice.number} — page 1 / 1" in first
    assert f"Avoir {note.number} — page 1 / 1" in second
    assert f"Facture {invoice.number} — page" not in second
    # billing/document.css is applied (`.party h2` is uppercased)
    assert "CLIENT" in first and "CLIENT" in second


def test_pdf_is_a_single_file_with_the_xml(invoice):
    pdf = render_pdf(invoice)
    # factur-x's generate_from_binary would leave part of WeasyPrint's PDF in front of its own
    assert pdf.count(b"%PDF-") == 1 and pdf.count(b"%%EOF") == 1
    assert get_xml_from_pdf(pdf, check_xsd=True)[0] == "factur-x.xml"


def test_invoice_xml_still_rejects_xml_invalid_against_the_xsd(invoice, monkeypatch):
    generate = facturx_xml.generate_cii_xml

    def without_type_code(*args, **kwargs):
        xml = generate(*args, **kwargs)
        root = etree.fromstring(xml)
        for node in root.xpath("//*[local-name()='ExchangedDocument']/*[local-name()='TypeCode']"):
            node.getparent().remove(node)
        return etree.tostring(root)

    monkeypatch.setattr(facturx_xml, "generate_cii_xml", without_type_code)
    with pytest.raises(etree.DocumentInvalid):
        facturx_xml.invoice_xml(invoice)
