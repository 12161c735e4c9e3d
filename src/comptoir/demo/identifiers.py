"""Valid fictional French identifiers for demo and test data (checked with python-stdnum)."""

from __future__ import annotations

from stdnum import ean, iban, luhn


def siren(base8: str) -> str:
    """A SIREN from 8 digits plus the Luhn check digit."""
    assert len(base8) == 8 and base8.isdigit()
    return base8 + luhn.calc_check_digit(base8)


def siret(siren9: str, nic4: str = "0001") -> str:
    """A SIRET: the SIREN, a 4-digit establishment number and the Luhn check digit."""
    body = siren9 + nic4
    return body + luhn.calc_check_digit(body)


def vat_fr(siren9: str) -> str:
    return f"FR{(12 + 3 * (int(siren9) % 97)) % 97:02d}{siren9}"


def rib_key(bank: str, branch: str, account: str) -> str:
    return f"{97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97):02d}"


def iban_fr(bank: str, branch: str, account: str) -> str:
    """A French IBAN (with a correct RIB key) from bank (5), branch (5) and account (11) digits."""
    bban = bank + branch + account + rib_key(bank, branch, account)
    return "FR" + iban.calc_check_digits("FR00" + bban) + bban


def ean13(body12: str) -> str:
    return body12 + ean.calc_check_digit(body12)
