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
