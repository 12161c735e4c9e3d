"""Factur-X EN 16931 XML and the PDF/A-3 that embeds it."""

from datetime import datetime
from decimal import Decimal as D

import pytest
from facturx import get_level, get_xml_from_pdf, xml_check_xsd
from lxml import etree

from comptoir.billing.facturx_xml import invoice_xml
from comptoir.billing.mentions import TermsFacts
from comptoir.billing.models import Invoice, InvoiceDocument
from comptoir.billing.pdf import render_pdf
from comptoir.billing.rules import Address, Adjustment
from comptoir.billing.services import (
    credit_note_create,
    invoice_create,
    invoice_issue,
    invoice_render,
)
from comptoir.billing.tasks import render_invoice_document
from comptoir.core import clock
from tests.billing.conftest import make_draft

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
SUM = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def invoice(seller, buyer) -> Invoice:
    draft = make_draft(
        seller,
        buyer,
        fees=(Adjustment("Frais de port", D("15.00"), D(20)),),
        discounts=(Adjustment("Remise fidélité", D("2.00"), D("5.5")),),
        delivery_address=Address(line1="ZI Nord", postcode="38000", city="Grenoble", name="Dépôt"),
    )
    inv = invoice_create(draft=draft, terms_facts=TermsFacts(mandate_operator="Comptoir SAS"))
    return invoice_issue(invoice_id=inv.pk)


def totals_of(xml: bytes) -> dict[str, str]:
    root = etree.fromstring(xml)
    return {
        name: root.xpath(f"{SUM}ram:{name}/text()", namespaces=NS)[0]
        for name in ("LineTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount", "GrandTotalAmount")
    }


def test_xml_is_xsd_valid_en16931_with_the_stored_totals(invoice):
    xml = invoice_xml(invoice)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert get_level(root) == "en16931"
    assert totals_of(xml) == {
        "LineTotalAmount": "83.00",
        "TaxBasisTotalAmount": "96.00",
        "TaxTotalAmount": "11.37",  # 42.00 × 20 % = 8.40 ; 54.00 × 5.5 % = 2.97
        "GrandTotalAmount": "107.37",
    }
    assert root.xpath("//rsm:ExchangedDocument/ram:ID/text()", namespaces=NS) == ["F-2026-000001"]
    subjects = root.xpath(
        "//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode/text()", namespaces=NS
    )
    assert {"PMT", "PMD", "AAB"} <= set(subjects)
    assert root.xpath(
        "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID/text()", namespaces=NS
    ) == ["B1"]
    assert root.xpath(
        "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()", namespaces=NS
    ) == ["PO-4711"]
    assert root.xpath("//ram:ShipToTradeParty/ram:Name/text()", namespaces=NS) == ["Dépôt"]


def test_regenerating_gives_the_same_xml(invoice):
    again = Invoice.objects.get(pk=invoice.pk)
    assert invoice_xml(invoice) == invoice_xml(again)


def test_credit_note_xml_references_the_invoice(invoice):
    note = invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk).pk)
    xml = invoice_xml(Invoice.objects.get(pk=note.pk))
    root = etree.fromstring(xml)
    assert root.xpath("//rsm:ExchangedDocument/ram:TypeCode/text()", namespaces=NS) == ["381"]
    assert root.xpath(
        "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()", namespaces=NS
    ) == ["F-2026-000001"]
    assert totals_of(xml)["GrandTotalAmount"] == str(invoice.total_incl_vat)


def test_pdf_is_pdf_a3_with_factur_x_xml_embedded(invoice):
    pdf = render_pdf(invoice)
    assert pdf.startswith(b"%PDF-")
    filename, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert totals_of(xml) == totals_of(invoice_xml(invoice))


def _xmp(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()
    return meta.decode()


def test_pdf_declares_pdf_a_3b(invoice):
    xmp = _xmp(render_pdf(invoice))
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp or 'pdfaid:conformance="B"' in xmp
    assert "factur-x.xml" in xmp


def test_render_stores_the_document_once(invoice):
    doc = invoice_render(invoice_id=invoice.pk)
    assert doc.pdf.name.endswith(".pdf")
    name, xml = get_xml_from_pdf(doc.pdf.read())
    assert name == "factur-x.xml" and totals_of(xml)["GrandTotalAmount"] == "107.37"
    assert invoice_render(invoice_id=invoice.pk).pk == doc.pk
    assert InvoiceDocument.objects.count() == 1


def test_background_task_renders_the_document(invoice, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = render_invoice_document.enqueue(invoice.pk)
    assert result.return_value.endswith(".pdf")
    assert InvoiceDocument.objects.filter(invoice=invoice).exists()


def test_services_invoice_xml_is_s1_and_debits_option(operator, seller):
    from comptoir.billing.services import commission_invoice_create
    from tests.billing.conftest import snapshot

    inv = commission_invoice_create(
        operator=snapshot(operator),
        seller=snapshot(seller),
        order_number="C-1",
        order_total_incl_vat=D("100.00"),
        sale_date=clock.today(),
        terms_facts=TermsFacts(vat_on_debits=True),
    )
    inv = invoice_issue(invoice_id=inv.pk)
    root = etree.fromstring(invoice_xml(inv))
    assert root.xpath(
        "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID/text()", namespaces=NS
    ) == ["S1"]
    assert root.xpath("//ram:DueDateTypeCode/text()", namespaces=NS) == ["5"]
