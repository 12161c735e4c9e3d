"""A seller under a preset, a buyer, and invoices issued between them through billing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from stdnum import iban as stdnum_iban

from comptoir.billing.models import Invoice
from comptoir.billing.rules import Adjustment, DocumentDraft, LineInput
from comptoir.billing.services import invoice_create, invoice_issue
from comptoir.billing.snapshots import party_snapshot
from comptoir.core import clock
from comptoir.parties.models import Address, AddressKind, Organization
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_marketplace_operator, make_org, make_user

_accounts = itertools.count(10000000001)


def fr_iban() -> str:
    bban = f"3000600001{next(_accounts):011d}89"
    return f"FR{stdnum_iban.calc_check_digits('FR00' + bban)}{bban}"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.PARIS)


@dataclass
class Pair:
    seller: Organization
    buyer: Organization


def _address(org: Organization, city: str) -> None:
    Address.objects.create(
        organization=org,
        kind=AddressKind.REGISTERED,
        line1="3 quai Voltaire",
        postcode="75007",
        city=city,
    )


def make_pair(preset: str) -> Pair:
    seller = make_org(seller=True, owner=make_user())
    seller.iban, seller.bic, seller.email = fr_iban(), "AGRIFRPP", "compta@vendeur.example"
    seller.save()
    buyer = make_org(buyer=True, owner=make_user())
    buyer.iban, buyer.email = fr_iban(), "achats@boutique.example"
    buyer.save()
    _address(seller, "Paris")
    _address(buyer, "Lyon")
    if preset == "marketplace":
        make_marketplace_operator()  # it invoices the commission of each payout (I8)
    with clock.frozen(datetime(2026, 1, 5, 9, tzinfo=clock.PARIS)):
        terms_version_publish(
            version=terms_version_create_from_preset(seller=seller, preset=preset)
        )
    return Pair(seller, buyer)


def issue(
    pair: Pair,
    *,
    on: date,
    due: date,
    excl_vat: str = "1000.00",
    shipping: str = "0",
    vat: str = "20",
) -> Invoice:
    """An invoice of `excl_vat` (goods) + `shipping` (fee), issued on `on`, due on `due`."""
    fees = (Adjustment("Transport", Decimal(shipping), Decimal(vat)),) if Decimal(shipping) else ()
    draft = DocumentDraft(
        issuer=party_snapshot(pair.seller),
        recipient=party_snapshot(pair.buyer),
        lines=(LineInput("Marchandises", "SKU-1", Decimal(1), Decimal(excl_vat), Decimal(vat)),),
        sale_date=on,
        due_date=due,
        fees=fees,
    )
    with clock.frozen(at(on, 9)):
        invoice = invoice_create(draft=draft)
        return invoice_issue(invoice_id=invoice.pk, enqueue_render=False)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _balance(code: str, day: str) -> str:
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
    )


def camt053(account_iban: str, entries: list[dict[str, str]], statement_id: str = "S-1") -> bytes:
    """A minimal CAMT.053.001.02 statement: each entry has amount (signed), date, ref (bank
    reference) and optionally remittance, iban (counterparty), e2e, reason."""
    rows = []
    for e in entries:
        amount = Decimal(e["amount"])
        side = "CRDT" if amount > 0 else "DBIT"
        party = "Dbtr" if amount > 0 else "Cdtr"
        reason = f"<RtrInf><Rsn><Cd>{e['reason']}</Cd></Rsn></RtrInf>" if e.get("reason") else ""
        rows.append(
            f"""<Ntry><Amt Ccy="EUR">{abs(amount):.2f}</Amt><CdtDbtInd>{side}</CdtDbtInd>
<Sts>BOOK</Sts><BookgDt><Dt>{e["date"]}</Dt></BookgDt><ValDt><Dt>{e["date"]}</Dt></ValDt>
<AcctSvcrRef>{e["ref"]}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>{e.get("e2e", "NOTPROVIDED")}</EndToEndId></Refs>
<RltdPties><{party}><Nm>Client</Nm></{party}>
<{party}Acct><Id><IBAN>{e.get("iban", "FR7630006000011234567890189")}</IBAN></Id></{party}Acct>
</RltdPties>
<RmtInf><Ustrd>{e.get("remittance", "")}</Ustrd></RmtInf>{reason}</TxDtls></NtryDtls></Ntry>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M-{statement_id}</MsgId><CreDtTm>2026-11-21T05:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{statement_id}</Id><CreDtTm>2026-11-21T05:00:00</CreDtTm>
<Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{_balance("OPBD", "2026-11-01")}{_balance("CLBD", "2026-11-30")}
{"".join(rows)}</Stmt></BkToCstmrStmt></Document>""".encode()


def pay(pair: Pair, amount: str, method: str, value_date: date, key: str, reference: str = ""):
    """The buyer of `pair` pays its seller (through `payment_record`, at the current clock)."""
    from comptoir.payments.services import payment_record

    return payment_record(
        buyer=pair.buyer,
        seller=pair.seller,
        amount=amount,
        method=method,
        value_date=value_date,
        idempotency_key=key,
        reference=reference,
    )
