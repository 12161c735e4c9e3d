"""`comptoir billing list | export-fec | export-csv | document`."""

import json
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from facturx import get_xml_from_pdf

from comptoir.billing.exports import FEC_COLUMNS
from comptoir.billing.services import credit_note_create, invoice_create, invoice_issue
from comptoir.core import clock
from comptoir.parties.models import Organization
from tests.billing.conftest import make_draft, make_org


@pytest.fixture
def issued(seller, buyer):
    clock.freeze(datetime(2026, 11, 20, 10, 0))
    inv = invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)
    invoice_issue(invoice_id=credit_note_create(invoice_id=inv.pk).pk)
    return inv


def run(*args) -> str:
    out = StringIO()
    call_command("billing", *args, stdout=out)
    return out.getvalue()


def test_list_as_json_and_text(issued, seller):
    rows = json.loads(run("list", "--issuer", seller.siren, "--json"))
    assert [r["number"] for r in rows] == ["A-2026-000001", "F-2026-000001"]
    assert rows[1]["total_incl_vat"] == "91.48"
    assert "2 document(s)" in run("list")
    with pytest.raises(CommandError):
        run("list", "--issuer", "999999999")


def test_export_fec_has_18_columns_and_balances(issued, tmp_path):
    out = tmp_path / "fec.txt"
    run("export-fec", "--from", "2026-01-01", "--to", "2026-12-31", "--out", str(out))
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert rows[0] == FEC_COLUMNS and len(FEC_COLUMNS) == 18
    assert all(len(r) == 18 for r in rows)
    assert len(rows) == 1 + 6
    amount = lambda s: int(s.replace(",", ""))  # noqa: E731
    assert sum(amount(r[11]) for r in rows[1:]) == sum(amount(r[12]) for r in rows[1:])
    receivable = [r for r in rows[1:] if r[4] == "411000"]
    assert receivable[0][6].startswith("C") and receivable[0][7] == "Boutique SARL"
    assert receivable[0][3] == "20261120" and receivable[0][8] == "F-2026-000001"
    assert receivable[0][11] == "91,48"
    empty = tmp_path / "empty.txt"
    run("export-fec", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(empty))
    assert len(empty.read_text().splitlines()) == 1


def test_export_fec_of_one_seller(issued, seller, tmp_path):
    other = make_org("Autre SAS", is_seller=True)
    buyer = Organization.objects.get(pk=issued.recipient_id)
    invoice_issue(invoice_id=invoice_create(draft=make_draft(other, buyer)).pk)
    out = tmp_path / "fec.txt"
    args = ("export-fec", "--from", "2026-01-01", "--to", "2026-12-31", "--out", str(out))
    run(*args)
    assert len(out.read_text().splitlines()) == 1 + 9
    run(*args, "--party", seller.siren)
    rows = out.read_text().splitlines()[1:]
    assert len(rows) == 6 and not any("Autre SAS" in r for r in rows)


def test_export_csv(issued, tmp_path):
    out = tmp_path / "invoices.csv"
    run("export-csv", "--out", str(out))
    assert "F-2026-000001" in out.read_text()


def test_document_writes_the_factur_x_pdf(issued, tmp_path):
    out = tmp_path / "f.pdf"
    run("document", "F-2026-000001", "--out", str(out))
    name, xml = get_xml_from_pdf(out.read_bytes())
    assert name == "factur-x.xml" and b"F-2026-000001" in xml
    with pytest.raises(CommandError):
        run("document", "F-2099-000001", "--out", str(out))
