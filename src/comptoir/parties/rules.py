"""Pure rules of the parties context: identifiers (P1), onboarding checklist (P2), names (P3),
platform terms dates (P7). No database; plain values in, values or DomainError out."""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from comptoir.core.errors import DomainError

# --- P1: identifiers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Identifiers:
    """Identifiers in their compact, validated form (VAT with its "FR" prefix)."""

    siren: str
    siret: str = ""
    vat_number: str = ""
    iban: str = ""
    bic: str = ""


def _error(field: str, code: str, message: str) -> DomainError:
    return DomainError(code=code, message=message, field=field, rule="P1")


def _check_siren(value: str) -> str:
    try:
        return stdnum_siren.validate(value)
    except ValidationError as exc:
        raise _error(
            "siren",
            "invalid_siren",
            _(
                "Invalid SIREN number: “%(value)s” (%(reason)s). "
                "A SIREN has 9 digits and a check digit (Luhn)."
            )
            % {"value": value, "reason": exc},
        ) from exc


def _check_siret(value: str, siren: str) -> str:
    try:
        compact = stdnum_siret.validate(value)
    except ValidationError as exc:
        raise _error(
            "siret",
            "invalid_siret",
            _(
                "Invalid SIRET number: “%(value)s” (%(reason)s). "
                "A SIRET has 14 digits and a check digit."
            )
            % {"value": value, "reason": exc},
        ) from exc
    if compact[:9] != siren:
        raise _error(
            "siret",
            "siret_siren_mismatch",
            _("The SIRET must start with the SIREN: %(siret)s does not start with %(siren)s.")
            % {"siret": compact, "siren": siren},
        )
    return compact


def _check_vat(value: str, siren: str) -> str:
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if not compact.startswith("FR"):
        raise _error(
            "vat_number",
            "invalid_vat_number",
            _("Invalid VAT number: “%(value)s”: a French VAT number starts with FR.")
            % {"value": value},
        )
    try:
        digits = stdnum_tva.validate(compact)
    except InvalidChecksum as exc:
        body = compact[2:]
        expected = vat_key(body[2:]) if body[2:].isdigit() and len(body) == 11 else "?"
        raise _error(
            "vat_number",
            "invalid_vat_key",
            _("Wrong VAT key in “%(value)s”: the key expected for the SIREN %(siren)s is %(key)s.")
            % {"value": value, "siren": body[2:], "key": expected},
        ) from exc
    except ValidationError as exc:
        raise _error(
            "vat_number",
            "invalid_vat_number",
            _("Invalid VAT number: “%(value)s” (%(reason)s).") % {"value": value, "reason": exc},
        ) from exc
    if digits[2:] != siren:
        raise _error(
            "vat_number",
            "vat_siren_mismatch",
            _("The VAT number %(vat)s does not match the SIREN %(siren)s.")
            % {"vat": compact, "siren": siren},
        )
    return "FR" + digits


def _check_iban(value: str) -> str:
    try:
        return stdnum_iban.validate(value, check_country=True)
    except ValidationError as exc:
        raise _error(
            "iban",
            "invalid_iban",
            _("Invalid IBAN: “%(value)s” (%(reason)s).") % {"value": value, "reason": exc},
        ) from exc


def _check_bic(value: str) -> str:
    try:
        return stdnum_bic.validate(value)
    except ValidationError as exc:
        raise _error(
            "bic",
            "invalid_bic",
            _("Invalid BIC: “%(value)s” (%(reason)s).") % {"value": value, "reason": exc},
        ) from exc


def vat_key(siren: str) -> str:
    """The two-digit key of the French VAT number: (12 + 3 × (SIREN mod 97)) mod 97."""
    return f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"


def validate_identifiers(
    *,
    siren: str,
    siret: str = "",
    vat_number: str = "",
    iban: str = "",
    bic: str = "",
) -> Identifiers:
    """Check every identifier (P1); the first bad one raises DomainError naming its field.

    Empty optional identifiers are allowed; the SIRET must start with the SIREN and the VAT number
    must be the SIREN's (with the right key).
    """
    compact_siren = _check_siren(siren or "")
    return Identifiers(
        siren=compact_siren,
        siret=_check_siret(siret, compact_siren) if siret else "",
        vat_number=_check_vat(vat_number, compact_siren) if vat_number else "",
        iban=_check_iban(iban) if iban else "",
        bic=_check_bic(bic) if bic else "",
    )


# --- P2: onboarding checklist ------------------------------------------------------------------

KBIS = "kbis"
BANK_DETAILS = "bank_details"
SIGNED_TERMS = "signed_terms"
SELECTIVE_CONTRACT = "selective_contract"
REPRESENTATIVE_ID = "representative_id"
BENEFICIAL_OWNERS = "beneficial_owners"

KBIS_MAX_AGE_MONTHS = 3

#: The checklist as configuration: (condition name, documents it requires).
CHECKLIST: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("account", (KBIS, BANK_DETAILS, SIGNED_TERMS)),
    ("selective_distribution", (SELECTIVE_CONTRACT,)),
    ("financing", (REPRESENTATIVE_ID,)),
    ("financing_company", (BENEFICIAL_OWNERS,)),
)


def required_documents(
    *,
    is_buyer: bool,
    is_seller: bool,
    selective_distribution: bool = False,
    financing_enabled: bool = False,
    is_company: bool = True,
) -> tuple[str, ...]:
    """Documents an organization must provide before validation (P2), in checklist order."""
    conditions = {
        "account": is_buyer or is_seller,
        "selective_distribution": is_buyer and selective_distribution,
        "financing": is_seller and financing_enabled,
        "financing_company": is_seller and financing_enabled and is_company,
    }
    kinds: list[str] = []
    for condition, documents in CHECKLIST:
        if conditions[condition]:
            kinds.extend(d for d in documents if d not in kinds)
    return tuple(kinds)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def kbis_is_fresh(issue_date: date, today: date) -> bool:
    """A Kbis extract counts if issued less than 3 months ago and not in the future (P2)."""
    return months_before(today, KBIS_MAX_AGE_MONTHS) <= issue_date <= today


def check_document_date(*, kind: str, issue_date: date | None, today: date) -> None:
    """Refuse a Kbis without issue date or older than 3 months (P2)."""
    if kind != KBIS:
        return
    if issue_date is None:
        raise DomainError(
            code="kbis_issue_date_required",
            message=_("The Kbis issue date is required."),
            field="issue_date",
            rule="P2",
        )
    if not kbis_is_fresh(issue_date, today):
        limit = months_before(today, KBIS_MAX_AGE_MONTHS)
        raise DomainError(
            code="kbis_too_old",
            message=_(
                "The Kbis extract must be less than 3 months old: the one dated %(issued)s is "
                "older; provide an extract dated %(oldest)s or later."
            )
            % {"issued": f"{issue_date:%d/%m/%Y}", "oldest": f"{limit:%d/%m/%Y}"},
            field="issue_date",
            rule="P2",
            details={"issue_date": issue_date.isoformat(), "oldest_accepted": limit.isoformat()},
        )


@dataclass(frozen=True)
class DocumentProblem:
    kind: str
    problem: str  # "missing" | "expired" | "rejected"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "problem": self.problem}


@dataclass(frozen=True)
class DocumentFact:
    kind: str
    status: str  # pending | accepted | rejected
    issue_date: date | None


def document_problems(
    *, required: Iterable[str], documents: Iterable[DocumentFact], today: date
) -> list[DocumentProblem]:
    """What blocks validation (P2): each required kind needs a usable, unexpired document."""
    by_kind: dict[str, list[DocumentFact]] = {}
    for doc in documents:
        by_kind.setdefault(doc.kind, []).append(doc)
    problems: list[DocumentProblem] = []
    for kind in required:
        candidates = [d for d in by_kind.get(kind, []) if d.status != "rejected"]
        if not candidates:
            problem = "rejected" if by_kind.get(kind) else "missing"
            problems.append(DocumentProblem(kind, problem))
            continue
        if kind == KBIS and not any(
            d.issue_date is not None and kbis_is_fresh(d.issue_date, today) for d in candidates
        ):
            problems.append(DocumentProblem(kind, "expired"))
    return problems


# --- P3: names ---------------------------------------------------------------------------------

SIMILARITY_THRESHOLD = 0.85

_LEGAL_FORMS = re.compile(
    r"\b(sarl|sas|sasu|sa|eurl|sci|snc|scop|sca|ei|eirl|scp|selarl|ste|societe|ets|etablissements)\b"
)
_DOMAIN = re.compile(
    r"(https?://|www\.)|\b[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\."
    r"(com|fr|net|org|eu|io|co|shop|store|biz|info|de|be|ch|uk|es|it|app|online|site)\b",
    re.IGNORECASE,
)


def normalise_name(name: str) -> str:
    """Lowercase, without accents, punctuation, legal forms or repeated spaces."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = _LEGAL_FORMS.sub(" ", text)
    return " ".join(text.split())


def name_similarity(a: str, b: str) -> float:
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    if na == nb or na.replace(" ", "") == nb.replace(" ", ""):
        return 1.0
    return difflib.SequenceMatcher(None, na, nb).ratio()


def is_similar_name(a: str, b: str) -> bool:
    return name_similarity(a, b) >= SIMILARITY_THRESHOLD


def looks_like_domain(name: str) -> bool:
    """True for names such as "www.shop.fr", "https://x", "boutique.com" (P3)."""
    return bool(_DOMAIN.search(name.strip()))


def check_shop_name(*, field: str, name: str) -> None:
    if name and looks_like_domain(name):
        raise DomainError(
            code="name_is_domain",
            message=_(
                "“%(name)s” looks like a web address: a shop name may not be a URL or a domain "
                "name."
            )
            % {"name": name},
            field=field,
            rule="P3",
        )


# --- P7: platform terms ------------------------------------------------------------------------

PLATFORM_TERMS_NOTICE_DAYS = 15


def platform_terms_effective_at(published_at: datetime) -> datetime:
    """A new version of the platform terms takes effect 15 calendar days after publication."""
    return published_at + timedelta(days=PLATFORM_TERMS_NOTICE_DAYS)
