"""Kernel reads: the rate tables and the audit chain's verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from comptoir.core.audit import GENESIS_HASH, VerifyResult, entry_hash
from comptoir.core.models import AuditEntry, ECBRate, LegalInterestRate
from comptoir.core.rates import RateTables

__all__ = [
    "AuditPage",
    "audit_page",
    "audit_verify",
    "ecb_rate_on",
    "legal_interest_rate_on",
    "rate_table_snapshot",
]


def rate_table_snapshot() -> RateTables:
    """Load both rate tables into a frozen `RateTables` for the pure late-payment maths."""
    legal_rows = list(
        LegalInterestRate.objects.order_by("valid_from").values_list(
            "valid_from", "valid_to", "rate"
        )
    )
    ecb_rows = ECBRate.objects.order_by("effective_date").values_list("effective_date", "rate")
    return RateTables(
        legal=tuple((start, rate) for start, _end, rate in legal_rows),
        ecb=tuple(ecb_rows),
        legal_until=max((end for _start, end, _rate in legal_rows), default=None),
    )


def legal_interest_rate_on(d: date) -> Decimal:
    """The legal interest rate (creditor a professional) in force on `d`, in % a year.

    Raises `DomainError(code="rate_missing")` before the first recorded half-year; after the last
    one the last published rate is carried forward (see `RateTables.is_legal_rate_published`).
    """
    return rate_table_snapshot().legal_rate_on(d)


def ecb_rate_on(d: date) -> Decimal:
    """The ECB main refinancing rate in force on `d`, in % a year (`rate_missing` before 2023)."""
    return rate_table_snapshot().ecb_rate_on(d)


def audit_verify(*, chunk_size: int = 1000) -> VerifyResult:
    """Walk the audit chain in id order, `chunk_size` rows at a time, and recompute every hash.

    Reports the first entry whose sequence number, `previous_hash` or `hash` does not match: an
    entry changed in place, deleted (the next entry's `seq` and `previous_hash` no longer follow)
    or inserted. Deleting the most recent entries leaves a shorter chain that is still
    consistent; compare `head_hash` with a copy kept elsewhere to detect that.
    """
    fields = (
        "id",
        "seq",
        "at",
        "actor_id",
        "organization_id",
        "action",
        "object_type",
        "object_id",
        "data",
        "previous_hash",
        "hash",
    )
    expected_previous = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_id = 0
    while True:
        rows = list(
            AuditEntry.objects.filter(id__gt=last_id).order_by("id").values(*fields)[:chunk_size]
        )
        if not rows:
            break
        for row in rows:
            reason = None
            if row["seq"] != expected_seq:
                reason = (
                    f"sequence number {row['seq']} where {expected_seq} was expected "
                    "(an entry was deleted or inserted)"
                )
            elif row["previous_hash"] != expected_previous:
                reason = "previous_hash does not match the hash of the entry before it"
            else:
                recomputed = entry_hash(
                    seq=row["seq"],
                    at=row["at"],
                    actor_id=row["actor_id"],
                    organization_id=row["organization_id"],
                    action=row["action"],
                    object_type=row["object_type"],
                    object_id=row["object_id"],
                    data=row["data"],
                    previous_hash=row["previous_hash"],
                )
                if recomputed != row["hash"]:
                    reason = "its content does not match its hash (modified after writing)"
            if reason:
                return VerifyResult(
                    ok=False,
                    checked=checked,
                    head_hash=expected_previous,
                    first_bad_id=row["id"],
                    first_bad_seq=row["seq"],
                    reason=reason,
                )
            expected_previous = row["hash"]
            expected_seq += 1
            checked += 1
        last_id = rows[-1]["id"]
    return VerifyResult(ok=True, checked=checked, head_hash=expected_previous)


# --- the audit log, page by page (the operator's viewer) ---------------------------------------


@dataclass(frozen=True)
class AuditPage:
    """Entries newest first; pass `next_before` back as `before_seq` for the older ones."""

    entries: list[AuditEntry]
    next_before: int | None


def audit_page(
    *,
    organization_id: int | None = None,
    action: str = "",
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_seq: int | None = None,
    limit: int = 50,
) -> AuditPage:
    """One page of the audit log, filtered, newest first, keyset-paginated on `seq`.

    No COUNT: each page reads at most `limit + 1` rows down the unique index on `seq`.
    `organization_id`, `action` and the actor use their own indexes. An `action` ending in "*"
    matches a prefix ("product.*"). `since` is inclusive, `until` exclusive.
    """
    # who acted, shown by their e-mail: their password hash stays in the database
    qs = (
        AuditEntry.objects.select_related("actor")
        .defer("actor__password", "actor__last_login", "actor__date_joined")
        .order_by("-seq")
    )
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if action.endswith("*"):
        qs = qs.filter(action__startswith=action[:-1])
    elif action:
        qs = qs.filter(action=action)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(entries=rows, next_before=rows[-1].seq if more and rows else None)
