"""A consumer's invoice (O17): no B2B late-payment penalty rate and no 40 € recovery indemnity
(C. com. L441-10, between professionals; DOMAIN-NOTES 1.1 "not for consumers"), on the stored
mentions, the Factur-X notes and the PDF; a B2B invoice keeps them."""

from dataclasses import replace
from datetime import datetime

import pytest
from facturx import get_xml_from_pdf

from comptoir.billing.facturx_xml import invoice_xml
from comptoir.billing.mentions import TermsFacts, mentions_for
from comptoir.billing.models import Invoice
from comptoir.billing.pdf import render_pdf
from comptoir.billing.services import (
    credit_note_create,
    invoice_create,
    invoice_issue,
    invoices_issue_batch,
)
from comptoir.core import clock
from tests.billing.conftest import make_draft

B2B_ONLY = {"late_penalties", "recovery_indemnity"}


@pytest.fixture(autouse=True)
def _clock():
    with clock.frozen(datetime(2026, 11, 20, 10, 0)):
        yield


def codes(mentions) -> set[str]:
    return {m.code for m in mentions}


def test_mentions_leave_out_the_b2b_late_payment_terms_for_a_consumer(seller, buyer):
    draft = make_draft(seller, buyer)
    facts = TermsFacts(late_penalty_rate_text="3 fois le taux légal", retention_of_title=True)
    business = mentions_for(draft, facts)
    consumer = mentions_for(replace(draft, consumer=True), facts)
    assert codes(business) >= B2B_ONLY
    assert codes(consumer) == codes(business) - B2B_ONLY
    text = "\n".join(m.text for m in consumer)
    assert "40 €" not in text and "L441-10" not in text and "taux légal" not in text
    assert {m.note_subject for m in consumer} - {""} == {"AAB"}


def _issued(seller, buyer, *, consumer: bool) -> Invoice:
    draft = make_draft(seller, buyer, consumer=consumer)
    return invoice_issue(invoice_id=invoice_create(draft=draft).pk, enqueue_render=False)


def test_the_pdf_and_factur_x_of_a_consumer_invoice_carry_no_indemnity(seller, buyer):
    consumer = _issued(seller, buyer, consumer=True)
    business = _issued(seller, buyer, consumer=False)
    assert consumer.consumer and not business.consumer
    consumer_xml = get_xml_from_pdf(render_pdf(consumer), check_xsd=True)[1].decode()
    business_xml = get_xml_from_pdf(render_pdf(business), check_xsd=True)[1].decode()
    assert consumer_xml == invoice_xml(consumer).decode()
    for xml, expected in ((consumer_xml, False), (business_xml, True)):
        assert ("Indemnité forfaitaire" in xml) is expected
        assert (">PMT<" in xml, ">PMD<" in xml) == (expected, expected)
        assert ">AAB<" in xml  # the cash-discount note stays (no escompte)


def test_a_batch_mixing_consumers_and_professionals_gives_each_its_mentions(seller, buyer):
    drafts = [
        make_draft(seller, buyer),
        make_draft(seller, buyer, consumer=True),  # the same recipient, as a consumer
        make_draft(seller, buyer),
    ]
    issued = invoices_issue_batch(drafts=drafts, enqueue_render=False)
    stored = [Invoice.objects.get(pk=i.pk) for i in issued]
    assert [i.consumer for i in stored] == [False, True, False]
    found = [{m["code"] for m in i.mentions} & B2B_ONLY for i in stored]
    assert found == [B2B_ONLY, set(), B2B_ONLY]


def test_a_credit_note_of_a_consumer_invoice_stays_a_consumers(seller, buyer):
    invoice = _issued(seller, buyer, consumer=True)
    note = credit_note_create(invoice_id=invoice.pk, reason="Rétractation")
    assert note.consumer
    assert not B2B_ONLY & {m["code"] for m in note.mentions}
