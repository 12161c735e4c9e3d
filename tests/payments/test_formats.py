"""Bank file formats: SEPA pain.008 / pain.001 out (PT1, PT14), CAMT.053 / MT940 in (PT4, PT12)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from stdnum import iban as stdnum_iban

from comptoir.core.errors import DomainError
from comptoir.payments.formats import parse_statement
from comptoir.payments.formats.camt import parse_camt053
from comptoir.payments.formats.mt940 import parse_details, parse_mt940
from comptoir.payments.formats.sepa import (
    Creditor,
    CreditTransfer,
    DirectDebit,
    Party,
    pain001,
    pain008,
)
from comptoir.payments.formats.validation import validate

DATA = Path(__file__).parent / "data"
PAIN008_NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
PAIN001_NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}

SELLER_IBAN = "FR7630006000011234567890189"
BUYER_IBAN = "FR1420041010050500013M02606"
BRAND_IBAN = "DE89370400440532013000"
CREATED = datetime(2026, 11, 22, 9, 30)

CREDITOR = Creditor(
    name="Maison Vendeur SAS",
    iban=SELLER_IBAN,
    bic="AGRIFRPP",
    creditor_id="FR72ZZZ123456",
)
BUYER = Party(name="Épicerie Fine Dupont & Fils", iban=BUYER_IBAN)


def fr_iban(account: int) -> str:
    """A valid French IBAN built around an 11-digit account number."""
    bban = f"3000600001{account:011d}89"
    return f"FR{stdnum_iban.calc_check_digits('FR00' + bban)}{bban}"


def debit(n: int = 1, **changes: object) -> DirectDebit:
    base = DirectDebit(
        end_to_end_id=f"F2026-{n:05d}",
        amount=Decimal("1200.00"),
        mandate_id=f"MNDT-2026-{n:04d}",
        mandate_signed_on=date(2026, 10, 2),
        sequence="RCUR",
        debtor=BUYER,
        remittance=f"Facture F2026-{n:05d} échéance 15/12/2026",
        collection_date=date(2026, 12, 15),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def transfer(n: int = 1, **changes: object) -> CreditTransfer:
    base = CreditTransfer(
        end_to_end_id=f"PAYOUT-2026-11-{n:03d}",
        amount=Decimal("850.00"),
        creditor=Party(name="Marque Exemple GmbH", iban=BRAND_IBAN, bic="COBADEFFXXX"),
        remittance="Reversement novembre 2026, commission déduite",
        execution_date=date(2026, 12, 1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def texts(xml: bytes, path: str, ns: dict[str, str]) -> list[str]:
    return [e.text or "" for e in etree.fromstring(xml).findall(path, ns)]


# --- pain.008 ---------------------------------------------------------------------------------


def test_pain008_validates_and_groups_by_sequence_and_date() -> None:
    debits = [
        debit(1, sequence="FRST", amount=Decimal("100.10")),
        debit(2, amount=Decimal("200.20")),
        debit(3, amount=Decimal("300.30"), collection_date=date(2026, 12, 20)),
        debit(4, amount=Decimal("0.01")),
    ]
    xml = pain008(CREDITOR, debits, message_id="DD-2026-11-22-1", created_at=CREATED)

    assert validate(xml, "pain.008.001.02") == []
    assert texts(xml, ".//p:GrpHdr/p:MsgId", PAIN008_NS) == ["DD-2026-11-22-1"]
    assert texts(xml, ".//p:GrpHdr/p:CreDtTm", PAIN008_NS) == ["2026-11-22T09:30:00"]
    assert texts(xml, ".//p:GrpHdr/p:NbOfTxs", PAIN008_NS) == ["4"]
    assert texts(xml, ".//p:GrpHdr/p:CtrlSum", PAIN008_NS) == ["600.61"]
    assert texts(xml, ".//p:PmtInf/p:PmtTpInf/p:SeqTp", PAIN008_NS) == ["FRST", "RCUR", "RCUR"]
    assert texts(xml, ".//p:PmtInf/p:ReqdColltnDt", PAIN008_NS) == [
        "2026-12-15",
        "2026-12-15",
        "2026-12-20",
    ]
    assert texts(xml, ".//p:PmtInf/p:NbOfTxs", PAIN008_NS) == ["1", "2", "1"]
    assert texts(xml, ".//p:PmtInf/p:CtrlSum", PAIN008_NS) == ["100.10", "200.21", "300.30"]
    assert texts(xml, ".//p:CdtrSchmeId//p:Id", PAIN008_NS)[-1] == "FR72ZZZ123456"
    assert texts(xml, ".//p:MndtId", PAIN008_NS)[0] == "MNDT-2026-0001"
    assert texts(xml, ".//p:Dbtr/p:Nm", PAIN008_NS)[0] == "Epicerie Fine Dupont Fils"
    assert len(set(texts(xml, ".//p:PmtInfId", PAIN008_NS))) == 3


def test_pain008_is_deterministic() -> None:
    args = (CREDITOR, [debit(1), debit(2)])
    first = pain008(*args, message_id="M1", created_at=CREATED)
    assert pain008(*args, message_id="M1", created_at=CREATED) == first


def test_pain008_keeps_debtor_bic_when_given() -> None:
    xml = pain008(
        CREDITOR,
        [debit(1, debtor=replace(BUYER, bic="CCBPFRPPVER"))],
        message_id="M1",
        created_at=CREATED,
    )
    assert validate(xml, "pain.008.001.02") == []
    assert texts(xml, ".//p:DbtrAgt//p:BIC", PAIN008_NS) == ["CCBPFRPPVER"]


@pytest.mark.parametrize(
    ("debits", "field", "code"),
    [
        ([], "debits", "empty"),
        ([debit(1, amount=Decimal("0"))], "debits[0].amount", "invalid_amount"),
        ([debit(1, amount=Decimal("-5.00"))], "debits[0].amount", "invalid_amount"),
        ([debit(1, amount=Decimal("10.005"))], "debits[0].amount", "invalid_amount"),
        ([debit(1, amount=10.5)], "debits[0].amount", "invalid_amount"),
        ([debit(1, amount=Decimal("NaN"))], "debits[0].amount", "invalid_amount"),
        (
            [
                debit(1),
                debit(2),
                debit(3),
                debit(4, debtor=replace(BUYER, iban="FR7630006000011234567890188")),
            ],
            "debits[3].debtor.iban",
            "invalid_iban",
        ),
        ([debit(1, debtor=replace(BUYER, bic="NOTABIC"))], "debits[0].debtor.bic", "invalid_bic"),
        ([debit(1, debtor=replace(BUYER, name=""))], "debits[0].debtor.name", "required"),
        (
            [debit(1, debtor=replace(BUYER, name="x" * 71))],
            "debits[0].debtor.name",
            "text_too_long",
        ),
        ([debit(1, remittance="x" * 141)], "debits[0].remittance", "text_too_long"),
        ([debit(1, end_to_end_id="x" * 36)], "debits[0].end_to_end_id", "text_too_long"),
        ([debit(1, end_to_end_id="F/2026//1")], "debits[0].end_to_end_id", "invalid_identifier"),
        ([debit(1, mandate_id="MNDT#1")], "debits[0].mandate_id", "invalid_identifier"),
        ([debit(1, mandate_id="")], "debits[0].mandate_id", "required"),
        ([debit(1, sequence="ONCE")], "debits[0].sequence", "invalid_sequence"),
        (
            [debit(1, mandate_signed_on=date(2027, 1, 1))],
            "debits[0].mandate_signed_on",
            "mandate_not_signed",
        ),
        ([debit(1), debit(1)], "debits[1].end_to_end_id", "duplicate_end_to_end_id"),
    ],
)
def test_pain008_refuses_bad_debits(debits: list[DirectDebit], field: str, code: str) -> None:
    with pytest.raises(DomainError) as exc:
        pain008(CREDITOR, debits, message_id="M1", created_at=CREATED)
    assert (exc.value.field, exc.value.code, exc.value.rule) == (field, code, "PT1")


@pytest.mark.parametrize(
    ("creditor", "field", "code"),
    [
        (
            replace(CREDITOR, creditor_id="FR00ZZZ123456"),
            "creditor.creditor_id",
            "invalid_creditor_id",
        ),
        (replace(CREDITOR, bic=""), "creditor.bic", "required"),
        (replace(CREDITOR, iban="FR76"), "creditor.iban", "invalid_iban"),
    ],
)
def test_pain008_refuses_bad_creditor(creditor: Creditor, field: str, code: str) -> None:
    with pytest.raises(DomainError) as exc:
        pain008(creditor, [debit()], message_id="M1", created_at=CREATED)
    assert (exc.value.field, exc.value.code) == (field, code)


def test_pain008_refuses_bad_message_id() -> None:
    with pytest.raises(DomainError) as exc:
        pain008(CREDITOR, [debit()], message_id="M" * 36, created_at=CREATED)
    assert exc.value.field == "message_id"


cents = st.integers(min_value=1, max_value=99_999_999_99).map(lambda c: Decimal(c).scaleb(-2))
debit_specs = st.lists(
    st.tuples(
        cents,
        st.sampled_from(["FRST", "RCUR", "OOFF", "FNAL"]),
        st.integers(min_value=0, max_value=5),
        st.integers(min_value=0, max_value=10**11 - 1),
        st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), max_size=60),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=debit_specs)
def test_pain008_property_valid_file_with_right_totals(
    specs: list[tuple[Decimal, str, int, int, str]],
) -> None:
    debits = [
        debit(
            i,
            amount=amount,
            sequence=seq,
            collection_date=date(2026, 12, 1 + day),
            debtor=Party(name=f"Client {i} {name}"[:70], iban=fr_iban(account)),
        )
        for i, (amount, seq, day, account, name) in enumerate(specs)
    ]
    xml = pain008(CREDITOR, debits, message_id="PROP-1", created_at=CREATED)

    assert validate(xml, "pain.008.001.02") == []
    assert texts(xml, ".//p:GrpHdr/p:NbOfTxs", PAIN008_NS) == [str(len(debits))]
    total = sum((d.amount for d in debits), Decimal("0"))
    assert Decimal(texts(xml, ".//p:GrpHdr/p:CtrlSum", PAIN008_NS)[0]) == total
    root = etree.fromstring(xml)
    groups = {(d.sequence, d.collection_date.isoformat()) for d in debits}
    infos = root.findall(".//p:PmtInf", PAIN008_NS)
    assert len(infos) == len(groups)
    for info in infos:
        amounts = [Decimal(a.text) for a in info.findall(".//p:InstdAmt", PAIN008_NS)]
        assert int(info.findtext("p:NbOfTxs", namespaces=PAIN008_NS)) == len(amounts)
        assert Decimal(info.findtext("p:CtrlSum", namespaces=PAIN008_NS)) == sum(amounts)


# --- pain.001 ---------------------------------------------------------------------------------


def test_pain001_validates_with_totals() -> None:
    marketplace = Party(name="Comptoir Marketplace SAS", iban=SELLER_IBAN, bic="AGRIFRPP")
    transfers = [
        transfer(1),
        transfer(2, amount=Decimal("0.99"), creditor=Party("Atelier Brun", fr_iban(42))),
        transfer(3, amount=Decimal("10.00"), execution_date=date(2026, 12, 2)),
    ]
    xml = pain001(marketplace, transfers, message_id="PAYOUT-2026-11", created_at=CREATED)

    assert validate(xml, "pain.001.001.03") == []
    assert texts(xml, ".//p:GrpHdr/p:NbOfTxs", PAIN001_NS) == ["3"]
    assert texts(xml, ".//p:GrpHdr/p:CtrlSum", PAIN001_NS) == ["860.99"]
    assert texts(xml, ".//p:PmtInf/p:ReqdExctnDt", PAIN001_NS) == ["2026-12-01", "2026-12-02"]
    assert texts(xml, ".//p:PmtInf/p:CtrlSum", PAIN001_NS) == ["850.99", "10.00"]
    assert texts(xml, ".//p:EndToEndId", PAIN001_NS)[0] == "PAYOUT-2026-11-001"


def test_pain001_without_debtor_bic_is_valid() -> None:
    xml = pain001(Party("Comptoir", SELLER_IBAN), [transfer()], message_id="P1", created_at=CREATED)
    assert validate(xml, "pain.001.001.03") == []
    assert texts(xml, ".//p:DbtrAgt//p:Id", PAIN001_NS) == ["NOTPROVIDED"]


@pytest.mark.parametrize(
    ("transfers", "field", "code"),
    [
        ([], "transfers", "empty"),
        ([transfer(1, amount=Decimal("1.001"))], "transfers[0].amount", "invalid_amount"),
        (
            [transfer(1), transfer(2, creditor=Party("X", "FR76300060000112345678901"))],
            "transfers[1].creditor.iban",
            "invalid_iban",
        ),
        ([transfer(1, remittance="é" * 141)], "transfers[0].remittance", "text_too_long"),
    ],
)
def test_pain001_refuses_bad_transfers(
    transfers: list[CreditTransfer], field: str, code: str
) -> None:
    with pytest.raises(DomainError) as exc:
        pain001(Party("Comptoir", SELLER_IBAN), transfers, message_id="P1", created_at=CREATED)
    assert (exc.value.field, exc.value.code) == (field, code)


# --- schema validation ------------------------------------------------------------------------


def test_validation_rejects_a_broken_pain008() -> None:
    xml = pain008(CREDITOR, [debit()], message_id="M1", created_at=CREATED)
    root = etree.fromstring(xml)
    root.find(".//p:InstdAmt", PAIN008_NS).text = "12,00"
    seq = root.find(".//p:SeqTp", PAIN008_NS)
    seq.text = "NEXT"
    problems = validate(etree.tostring(root), "pain.008.001.02")
    assert len(problems) == 2
    assert any("InstdAmt" in p for p in problems)
    assert any("SeqTp" in p for p in problems)


def test_validation_rejects_missing_element_and_wrong_message() -> None:
    xml = pain008(CREDITOR, [debit()], message_id="M1", created_at=CREATED)
    root = etree.fromstring(xml)
    tx = root.find(".//p:DrctDbtTxInf", PAIN008_NS)
    tx.remove(tx.find("p:DbtrAcct", PAIN008_NS))
    problems = validate(etree.tostring(root), "pain.008.001.02")
    assert len(problems) == 1
    assert "DbtrAcct" in problems[0]
    assert validate(xml, "pain.001.001.03") != []
    assert validate(b"<Document><unclosed></Document>", "pain.008.001.02")[0].startswith("line 1")


def test_validation_unknown_schema() -> None:
    with pytest.raises(ValueError):
        validate(b"<a/>", "pain.999.001.01")


# --- statements in ----------------------------------------------------------------------------


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


BISTROT_IBAN = "FR7630004000031234567890143"
MARIE_IBAN = "FR9817569000306517483476126"
EXPECTED_LINES = [
    # (amount, value date, reference, end_to_end_id, counterparty iban, return reason)
    ("1440.00", date(2026, 11, 20), "RF18539007547034", "", "FR1420041010050500013M02606", ""),
    (
        "600.00",
        date(2026, 11, 21),
        "REGLEMENT FACTURE F2026-00042 CLIENT 1234 MERCI",
        "CLI1234-20261118",
        "FR7610107001011234567890129",
        "",
    ),
    ("1200.00", date(2026, 11, 20), "Facture F2026-00001", "F2026-00001", BUYER_IBAN, ""),
    (
        "300.50",
        date(2026, 11, 20),
        "Facture F2026-00002",
        "F2026-00002",
        "FR7630004000031234567890143",
        "",
    ),
    (
        "99.50",
        date(2026, 11, 20),
        "Facture F2026-00003",
        "F2026-00003",
        "FR9817569000306517483476126",
        "",
    ),
    (
        "-300.50",
        date(2026, 11, 20),
        "Facture F2026-00002",
        "F2026-00002",
        "FR7630004000031234567890143",
        "AM04",
    ),
    (
        "-850.00",
        date(2026, 11, 20),
        "Reversement novembre 2026",
        "PAYOUT-2026-11-001",
        BRAND_IBAN,
        "",
    ),
    ("-7.50", date(2026, 11, 20), "FRAIS IMPAYE PRLV SEPA", "", "", ""),
]


@pytest.mark.parametrize("name", ["camt053_fr_v02.xml", "mt940_fr.sta"])
def test_french_statement_lines(name: str) -> None:
    (statement,) = parse_statement(read(name), name)

    assert statement.account_iban == SELLER_IBAN
    assert statement.opening_balance == Decimal("10000.00")
    assert statement.closing_balance == Decimal("12482.00")
    got = [
        (
            str(line.amount),
            line.value_date,
            line.reference,
            line.end_to_end_id,
            line.counterparty_iban,
            line.return_reason,
        )
        for line in statement.lines
    ]
    assert got == [tuple(e) for e in EXPECTED_LINES]
    assert statement.opening_balance + sum(line.amount for line in statement.lines) == (
        statement.closing_balance
    )
    assert all(line.currency == "EUR" for line in statement.lines)
    assert all(type(line.booking_date) is date for line in statement.lines)
    refs = [line.bank_reference for line in statement.lines]
    assert len(set(refs)) == len(refs)
    assert refs[0] == "2026112000001VIR"
    assert statement.lines[0].counterparty_name == "EPICERIE FINE DUPONT ET FILS"
    assert statement.lines[6].counterparty_name == "MARQUE EXEMPLE GMBH"


def test_camt_sample_is_schema_valid() -> None:
    assert validate(read("camt053_fr_v02.xml"), "camt.053.001.02") == []
    assert validate(read("camt053_v08.xml"), "camt.053.001.08") == []


def test_camt_batch_entry_gives_one_line_per_transaction() -> None:
    (statement,) = parse_camt053(read("camt053_fr_v02.xml"))
    batch = [line for line in statement.lines if line.bank_reference.startswith("2026112000003PRL")]
    assert [line.bank_reference for line in batch] == [
        "2026112000003PRL/1",
        "2026112000003PRL/2",
        "2026112000003PRL/3",
    ]
    assert sum(line.amount for line in batch) == Decimal("1600.00")
    assert [line.counterparty_name for line in batch] == [
        "EPICERIE FINE DUPONT ET FILS",
        "BISTROT DU PORT",
        "LA TABLE DE MARIE",
    ]


def test_camt_returned_debit_names_the_buyer_not_the_seller() -> None:
    (statement,) = parse_camt053(read("camt053_fr_v02.xml"))
    returned = statement.lines[5]
    assert (returned.return_reason, returned.counterparty_name) == ("AM04", "BISTROT DU PORT")


def test_camt_hash_reference_is_stable() -> None:
    first = parse_camt053(read("camt053_fr_v02.xml"))[0].lines[-1].bank_reference
    again = parse_camt053(read("camt053_fr_v02.xml"))[0].lines[-1].bank_reference
    assert first == again
    assert first.startswith("H")


def test_camt_v08_namespace_datetimes_and_pending_entries() -> None:
    (statement,) = parse_statement(read("camt053_v08.xml"))
    assert statement.statement_id == "2026-11-21-00325"
    assert statement.opening_balance == Decimal("-250.00")
    assert statement.closing_balance == Decimal("720.00")
    assert len(statement.lines) == 2  # the PDNG entry is not booked yet
    credit, fee = statement.lines
    assert (credit.booking_date, credit.value_date) == (date(2026, 11, 21), date(2026, 11, 21))
    assert credit.counterparty_name == "Épicerie Fine Dupont & Fils"
    assert (credit.reference, credit.end_to_end_id) == ("RF18539007547034", "F2026-00057")
    assert (fee.amount, fee.reference) == (Decimal("-30.00"), "COMMISSION TENUE DE COMPTE NOVEMBRE")


def test_camt_namespace_001_04_is_read() -> None:
    data = read("camt053_fr_v02.xml").replace(b"camt.053.001.02", b"camt.053.001.04")
    (statement,) = parse_camt053(data)
    assert len(statement.lines) == 8


def test_camt_identical_entries_without_reference_stay_distinct() -> None:
    root = etree.fromstring(read("camt053_fr_v02.xml"))
    stmt = root.find(".//{*}Stmt")
    fee = stmt.findall("{*}Ntry")[-1]
    stmt.append(etree.fromstring(etree.tostring(fee)))
    (statement,) = parse_camt053(etree.tostring(root))
    refs = [line.bank_reference for line in statement.lines[-2:]]
    assert refs[0] != refs[1]
    assert refs[0].endswith("-1") and refs[1].endswith("-2")


@pytest.mark.parametrize(
    "data",
    [
        b"<Document><BkToCstmrStmt><Stmt>",
        b"<?xml version='1.0'?><Document xmlns='urn:x'><Other/></Document>",
        read("camt053_fr_v02.xml").replace(b">1440.00<", b">1 440,00<"),
        read("camt053_fr_v02.xml").replace(
            b"<CdtDbtInd>CRDT</CdtDbtInd>", b"<CdtDbtInd>X</CdtDbtInd>"
        ),
    ],
)
def test_camt_unreadable(data: bytes) -> None:
    with pytest.raises(DomainError) as exc:
        parse_camt053(data)
    assert (exc.value.code, exc.value.field) == ("statement_unreadable", "file")


def test_camt_does_not_expand_entities() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Document><BkToCstmrStmt><Stmt><Id>&x;</Id><Acct><Id><IBAN>X</IBAN></Id></Acct>"
        b"</Stmt></BkToCstmrStmt></Document>"
    )
    try:
        statements = parse_camt053(data)
    except DomainError as exc:
        assert exc.code == "statement_unreadable"
    else:
        assert "root" not in statements[0].statement_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "166?00VIREMENT SEPA?20EREF+F2026-00057?21SVWZ+Facture F2026-0\n0057?31FR14200410100505"
            "00013M02606?32EPICERIE FINE",
            ("Facture F2026-00057", "F2026-00057", "FR1420041010050500013M02606", "EPICERIE FINE"),
        ),
        (
            "?20Facture F2026-00058 client 12?21merci?32CAVE",
            ("Facture F2026-00058 client 12merci", "", "", "CAVE"),
        ),
        (
            "/EREF/E2E-1/REMI/STRD/CUR/RF18 5390 0754 7034/NAME/ACME/IBAN/FR14 2004 1010 0505 000"
            "1 3M02 606",
            ("RF18539007547034", "E2E-1", "FR1420041010050500013M02606", "ACME"),
        ),
        (
            "VIR RECU FACT F2026-00077 DE DURAND",
            ("VIR RECU FACT F2026-00077 DE DURAND", "", "", ""),
        ),
    ],
)
def test_mt940_details(raw: str, expected: tuple[str, str, str, str]) -> None:
    details = parse_details(raw)
    got = (details["reference"], details["end_to_end_id"], details["iban"], details["name"])
    assert got == expected


def test_mt940_several_statements_and_latin1() -> None:
    one = read("mt940_fr.sta").decode("latin-1")
    body = one[one.index(":20:") : one.index("-}")]
    second = body.replace("REL20261120", "REL20261121").replace(
        ":86:FRAIS IMPAYE PRLV SEPA", ":86:FRAIS IMPAYÉ PRLV SEPA"
    )
    (first, other) = parse_mt940((body + second).encode("cp1252"))
    assert first.statement_id == "REL20261120-324/1"
    assert other.statement_id == "REL20261121-324/1"
    assert other.lines[-1].reference == "FRAIS IMPAYÉ PRLV SEPA"


def test_mt940_unreadable() -> None:
    with pytest.raises(DomainError) as exc:
        parse_mt940(
            b":20:X\n:25:FR76\n:28C:1\n:61:2611201120C1,00NTRFNONREF\n:62F:C261120EUR1,00\n"
        )
    assert (exc.value.code, exc.value.field) == ("statement_unreadable", "file")


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.7 ...", b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.008.001.02'/>"],
)
def test_parse_statement_unknown_format(data: bytes) -> None:
    with pytest.raises(DomainError) as exc:
        parse_statement(data, "releve.pdf")
    assert (exc.value.code, exc.value.field) == ("statement_format_unknown", "file")
