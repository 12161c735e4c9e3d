"""The seller's LCR as a CFONB 160 "remise de LCR" file (PT1, PT4): the format read back, the
export of the open LCR, and that an LCR is never remitted twice."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from stdnum import iban as stdnum_iban

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.models import AuditEntry
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments.formats.lcr import (
    Bill,
    Drawer,
    LcrFormatError,
    Rib,
    parse_remittance,
    remittance_file,
    rib_from_iban,
    rib_key,
    text,
)
from comptoir.payments.models import LcrRemittance, ScheduledPayment
from comptoir.payments.services.lcr import lcr_export
from comptoir.payments.services.schedule import lcr_to_present
from tests.ordering.conftest import make_buyer, make_shop, place

NOW = datetime(2026, 3, 10, 10, tzinfo=clock.PARIS)
_accounts = itertools.count(12345678901)


def french_iban(bank: str = "30006", branch: str = "00001") -> str:
    """A French IBAN whose RIB key and IBAN check digits are both right."""
    account = f"{next(_accounts):011d}"
    bban = f"{bank}{branch}{account}{rib_key(bank, branch, account)}"
    return f"FR{stdnum_iban.calc_check_digits('FR00' + bban)}{bban}"


# --- the format, pure -----------------------------------------------------------------------


def test_rib_key_and_bank_details_from_a_french_iban() -> None:
    # a published RIB: 30002 00550 0000157845Z 02 (Crédit Lyonnais example, letter in the account)
    assert rib_key("30002", "00550", "0000157845Z") == "02"
    # the usual published French IBAN example (La Banque Postale), letter in the account too
    assert rib_from_iban("FR14 2004 1010 0505 0001 3M02 606") == Rib(
        "20041", "01005", "0500013M026", "06"
    )
    iban = french_iban()
    rib = rib_from_iban(iban)
    assert rib is not None and (rib.bank, rib.branch) == ("30006", "00001")
    assert len(rib.account) == 11 and iban.endswith(rib.key)
    bad_key = iban[:-2] + f"{(int(iban[-2:]) + 1) % 100:02d}"
    assert rib_from_iban(bad_key) is None  # a wrong RIB key: no bank details
    assert rib_from_iban("DE89370400440532013000") is None  # not French
    assert rib_from_iban("") is None


def test_text_is_upper_ascii_cut_and_padded() -> None:
    assert text("Boutique Lumière & Fils", 24) == "BOUTIQUE LUMIERE   FILS "
    assert text("Société Générale de Parfumerie", 10) == "SOCIETE GE"
    assert len(text("", 7)) == 7


def _bills() -> list[Bill]:
    return [
        Bill("F2026-000001", "Boutique Lumière", french_iban(), D("1234.56"), date(2026, 4, 30)),
        Bill("F2026-000002", "Épicerie Fine", "", D("0.01"), date(2026, 5, 31)),
    ]


def test_remittance_file_read_back_lines_counts_and_total() -> None:
    drawer = Drawer("Parfums de Grasse SAS", french_iban("10278", "06076"), "CMCIFR2A")
    content = remittance_file(
        drawer, _bills(), reference="LCR00000007", created_on=date(2026, 3, 10)
    )
    lines = content.split("\r\n")
    assert lines[-1] == "" and all(len(line) == 160 for line in lines[:-1])
    assert [line[:4] for line in lines[:-1]] == ["0360", "0660", "0660", "0860"]
    parsed = parse_remittance(content)
    assert parsed.reference == "LCR00000007" and parsed.entry_code == "3"
    assert (parsed.bank, parsed.branch) == ("10278", "06076")
    assert parsed.drawer_name == "PARFUMS DE GRASSE SAS" and parsed.created_on == date(2026, 3, 10)
    first, second = parsed.bills
    assert (first.number, first.amount, first.due_date) == (2, D("1234.56"), date(2026, 4, 30))
    assert first.drawee_name == "BOUTIQUE LUMIERE" and first.bank == "30006"
    assert first.reference == "F2026-0000"  # 10 characters: the zone's width
    assert lines[1][102:114] == "000000123456"  # amount in cents, 12 digits
    assert (second.bank, second.branch, second.account) == ("", "", "")  # unknown bank details
    assert parsed.total == D("1234.57") and lines[3][102:114] == "000000123457"


def test_parser_refuses_a_damaged_file() -> None:
    drawer = Drawer("Vendeur", french_iban())
    content = remittance_file(drawer, _bills(), reference="R1", created_on=date(2026, 3, 10))
    lines = content.split("\r\n")
    short = "\r\n".join([lines[0], lines[1][:-1], *lines[2:]])
    with pytest.raises(LcrFormatError, match="159 characters"):
        parse_remittance(short)
    wrong_total = lines[3][:102] + "000000000001" + lines[3][114:]
    with pytest.raises(LcrFormatError, match="not the sum"):
        parse_remittance("\r\n".join([*lines[:3], wrong_total, ""]))
    with pytest.raises(LcrFormatError, match="numbered"):
        parse_remittance("\r\n".join([lines[0], lines[2], lines[1], lines[3], ""]))
    with pytest.raises(LcrFormatError, match="expected 08"):
        parse_remittance("\r\n".join(lines[:3]))


def test_file_refuses_bad_input() -> None:
    with translation.override("en"):  # the messages are checked in English, their source
        with pytest.raises(LcrFormatError, match="French IBAN"):
            remittance_file(
                Drawer("Vendeur", "DE89370400440532013000"),
                _bills(),
                reference="R",
                created_on=NOW,
            )
        with pytest.raises(LcrFormatError, match="at least one"):
            remittance_file(Drawer("Vendeur", french_iban()), [], reference="R", created_on=NOW)
        negative = [Bill("F1", "B", "", D("-1.00"), date(2026, 4, 30))]
        with pytest.raises(LcrFormatError, match="positive"):
            remittance_file(
                Drawer("Vendeur", french_iban()), negative, reference="R", created_on=NOW
            )
        fraction = [Bill("F1", "B", "", D("1.001"), date(2026, 4, 30))]
        with pytest.raises(LcrFormatError, match="cent"):
            remittance_file(
                Drawer("Vendeur", french_iban()), fraction, reference="R", created_on=NOW
            )


# --- the export --------------------------------------------------------------------------------


def _lcr_orders(count: int = 2):
    shop = make_shop("selective-beauty", [("SERUM", "40.00", 6, 500)])
    shop.seller.iban, shop.seller.bic = french_iban(), "AGRIFRPP"
    shop.seller.save()
    buyers = [make_buyer(f"Parfumerie {n}") for n in range(count)]
    orders = []
    with clock.frozen(NOW):
        for n, buyer in enumerate(buyers):
            order = place(shop, buyer, [("SERUM", 30 + n)], payment_method="lcr")
            orders.append(order_invoice_issue(order))
    return shop, buyers, orders


@pytest.mark.django_db
def test_export_carries_each_open_lcr_once() -> None:
    shop, buyers, orders = _lcr_orders()
    buyers[0].org.iban = french_iban("20041", "01005")
    buyers[0].org.save()
    buyers[1].org.iban = ""  # no IBAN on file
    buyers[1].org.save()
    with clock.frozen(NOW):
        done = lcr_export(seller=shop.seller, until=date(2026, 5, 31))
    assert done is not None
    remittance = done.remittance
    assert remittance.reference == f"LCR{remittance.pk:08d}" and remittance.count == 2
    parsed = parse_remittance(remittance.content)
    assert parsed.reference == remittance.reference and parsed.created_on == date(2026, 3, 10)
    totals = [o.invoice.total_incl_vat for o in orders]
    assert [b.amount for b in parsed.bills] == totals and parsed.total == sum(totals)
    assert remittance.total == sum(totals)
    assert all(b.due_date == date(2026, 4, 30) for b in parsed.bills)  # 30 days end of month
    by_name = {b.drawee_name: b for b in parsed.bills}
    first = by_name["PARFUMERIE 0"]
    assert (first.bank, first.branch) == ("20041", "01005")
    assert first.reference == orders[0].invoice.number[:10]
    assert by_name["PARFUMERIE 1"].bank == ""  # no IBAN: the bank asks the drawee's
    assert done.without_bank_details == [orders[1].invoice.number]
    assert set(
        ScheduledPayment.objects.filter(method="lcr").values_list("lcr_remittance", flat=True)
    ) == {remittance.pk}
    entry = AuditEntry.objects.get(action="payments.lcr_exported")
    assert entry.data["count"] == 2 and entry.data["rule"] == "PT4"
    # exporting again: nothing new, nothing written (idempotent)
    with clock.frozen(NOW):
        assert lcr_export(seller=shop.seller, until=date(2026, 5, 31)) is None
    assert LcrRemittance.objects.count() == 1
    # the list still shows them, with the file that carried them
    rows = lcr_to_present(seller=shop.seller, until=date(2026, 5, 31))
    assert {r.remittance for r in rows} == {remittance.reference}
    assert lcr_to_present(seller=shop.seller, until=date(2026, 5, 31), not_exported=True) == []


@pytest.mark.django_db
def test_export_takes_only_lcr_due_by_the_day_and_still_open() -> None:
    shop, _buyers, _orders = _lcr_orders(count=1)
    with clock.frozen(NOW):
        assert lcr_export(seller=shop.seller, until=date(2026, 4, 29)) is None  # due 30 Apr
        ScheduledPayment.objects.update(due_date=date(2026, 4, 29))
        done = lcr_export(seller=shop.seller, until=date(2026, 4, 29))
    assert done is not None and done.remittance.count == 1
    other = make_shop("selective-beauty", [("CREME", "10.00", 1, 5)])
    other.seller.iban = french_iban()
    other.seller.save()
    assert lcr_export(seller=other.seller, until=date(2026, 12, 31)) is None  # not its LCR


@pytest.mark.django_db
def test_a_seller_without_a_french_iban_is_refused() -> None:
    shop, _buyers, _orders = _lcr_orders(count=1)
    shop.seller.iban = "DE89370400440532013000"
    shop.seller.save()
    with pytest.raises(DomainError) as refused:
        lcr_export(seller=shop.seller, until=date(2026, 5, 31))
    assert (refused.value.code, refused.value.rule) == ("seller_iban_not_french", "PT4")
    assert not LcrRemittance.objects.exists()
    assert not ScheduledPayment.objects.filter(lcr_remittance__isnull=False).exists()


@pytest.mark.django_db
def test_command_writes_the_file_then_nothing_new(tmp_path, capsys) -> None:
    shop, buyers, orders = _lcr_orders()
    buyers[1].org.iban = ""  # no IBAN on file: the LCR goes without bank details, said so
    buyers[1].org.save()
    out = tmp_path / "remise.txt"
    args = ["payments", "lcr", "--seller", shop.seller.siren, "--until", "2026-05-31"]
    with clock.frozen(NOW):
        call_command(*args, "--out", str(out))
    printed = capsys.readouterr()
    assert "2 LCR" in printed.out and "no French IBAN" in printed.err
    parsed = parse_remittance(out.read_bytes().decode("ascii"))
    assert len(parsed.bills) == 2
    out.unlink()
    with clock.frozen(NOW):
        call_command(*args, "--out", str(out))
    assert "nothing written" in capsys.readouterr().out and not out.exists()
    with clock.frozen(NOW):
        call_command(*args)  # the CSV list names the remittance
    listing = capsys.readouterr().out
    assert orders[0].invoice.number in listing and parsed.reference in listing
    shop.seller.iban = ""
    shop.seller.save()
    with pytest.raises(CommandError, match="seller_iban_not_french"):
        call_command(*args, "--out", str(out))
