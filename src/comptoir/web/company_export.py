"""A member's own data as a zip file (P6: "the member can export its content"; P9: "members can
export their data").

Everything comes through the tenant-scoped queries of each context, called with the exporting
organization: its details, members and addresses (parties), the orders it placed or received with
their lines (ordering), the invoices and credit notes it issued or received as issued — the stored
PDF/A-3 and the Factur-X XML embedded in it (billing), its statements of account (payments, over
the ledger) and the payments it made or received (payments). Nothing else: no other company's
orders, invoices or payments can appear, since every query is filtered by the organization.

The archive is written to a temporary file, so a large export does not sit in memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.billing.queries import issued_documents_for, stored_files
from comptoir.core import clock
from comptoir.ordering.queries import orders_for
from comptoir.parties.models import Organization, User
from comptoir.parties.queries import addresses_of, members_of
from comptoir.payments.queries import payments_for, statement_of_account, statement_pairs_for

ORGANIZATION_FIELDS = (
    "customer_number",
    "legal_name",
    "trade_name",
    "siren",
    "siret",
    "vat_number",
    "iban",
    "bic",
    "contact_name",
    "phone",
    "email",
    "social_handle",
    "is_buyer",
    "is_seller",
    "is_company",
    "selective_distribution",
    "financing_enabled",
    "terms_preset",
    "state",
    "validated_at",
    "created_at",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8


def _safe(name: str) -> str:
    """A file name made of letters, digits, dashes and dots only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "document"


def _party_code(org: Organization) -> str:
    return org.customer_number or f"ORG{org.pk:06d}"


def export_filename(organization: Organization, on: date | None = None) -> str:
    on = on or clock.today()
    return f"comptoir-export-{_safe(_party_code(organization))}-{on.isoformat()}.zip"


def _organization(organization: Organization) -> bytes:
    data = {name: _text(getattr(organization, name)) for name in ORGANIZATION_FIELDS}
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _members(actor: User, organization: Organization) -> bytes:
    rows = [
        (
            m.user_code,
            m.user.email,
            m.user.full_name,
            m.is_owner,
            m.is_active,
            " ".join(sorted(m.effective_permissions if m.is_owner else m.permissions)),
            m.created_at,
            m.deactivated_at,
        )
        for m in members_of(actor=actor, organization=organization)
    ]
    header = (
        "user_code",
        "email",
        "full_name",
        "owner",
        "active",
        "permissions",
        "member_since",
        "deactivated_at",
    )
    return _csv(header, rows)


def _addresses(organization: Organization) -> bytes:
    rows = [
        (a.kind, a.label, a.line1, a.line2, a.postcode, a.city, a.country)
        for a in addresses_of(organization)
    ]
    return _csv(("kind", "label", "line1", "line2", "postcode", "city", "country"), rows)


def _orders(organization: Organization) -> tuple[bytes, bytes, int]:
    orders = list(orders_for(organization).prefetch_related("lines"))
    order_rows, line_rows = [], []
    for order in reversed(orders):  # oldest first
        role = "buyer" if order.buyer_id == organization.pk else "seller"
        order_rows.append(
            (
                order.number,
                role,
                order.buyer.legal_name,
                order.seller.legal_name,
                order.state,
                order.channel,
                order.placed_at,
                order.terms_version.version,
                order.payment_method,
                order.total_excl_vat,
                order.total_vat,
                order.total_incl_vat,
                order.delivery_address,
                order.reason,
            )
        )
        for line in order.lines.all():
            line_rows.append(
                (
                    order.number,
                    line.position,
                    line.sku,
                    line.title,
                    line.requested_quantity,
                    line.quantity,
                    line.shipped_quantity,
                    line.unit_price,
                    line.vat_rate,
                    line.net_amount,
                )
            )
    orders_csv = _csv(
        (
            "number",
            "our_role",
            "buyer",
            "seller",
            "state",
            "channel",
            "placed_at",
            "terms_version",
            "payment_method",
            "total_excl_vat",
            "total_vat",
            "total_incl_vat",
            "delivery_address",
            "reason",
        ),
        order_rows,
    )
    lines_csv = _csv(
        (
            "order",
            "position",
            "sku",
            "title",
            "requested_quantity",
            "quantity",
            "shipped_quantity",
            "unit_price_excl_vat",
            "vat_rate",
            "net_amount_excl_vat",
        ),
        line_rows,
    )
    return orders_csv, lines_csv, len(order_rows)


def _invoices(archive: zipfile.ZipFile, organization: Organization) -> tuple[int, list[str]]:
    """invoices.csv, invoice_lines.csv and the stored files; returns the count and the numbers
    of documents without a stored file."""
    rows, line_rows, missing = [], [], []
    for invoice in issued_documents_for(organization):
        folder = f"invoices/{_safe(_party_code(invoice.issuer))}"
        pdf, xml = stored_files(invoice)
        base = f"{folder}/{_safe(invoice.number or str(invoice.pk))}"
        if pdf is not None:
            archive.writestr(f"{base}.pdf", pdf)
        else:
            missing.append(f"{invoice.issuer.legal_name} {invoice.number}")
        if xml is not None:
            archive.writestr(f"{base}.xml", xml)
        rows.append(
            (
                invoice.number,
                invoice.kind,
                invoice.category,
                "issuer" if invoice.issuer_id == organization.pk else "recipient",
                invoice.issuer.legal_name,
                invoice.recipient.legal_name,
                invoice.issue_date,
                invoice.sale_date,
                invoice.due_date,
                invoice.currency,
                invoice.total_excl_vat,
                invoice.total_vat,
                invoice.total_incl_vat,
                invoice.credited_invoice.number if invoice.credited_invoice else "",
                invoice.references,
                f"{base}.pdf" if pdf is not None else "",
                f"{base}.xml" if xml is not None else "",
            )
        )
        for line in invoice.lines.all():
            line_rows.append(
                (
                    invoice.issuer.legal_name,
                    invoice.number,
                    line.sku,
                    line.description,
                    line.quantity,
                    line.net_unit_price,
                    line.vat_rate,
                    line.net_amount,
                )
            )
    archive.writestr(
        "invoices.csv",
        _csv(
            (
                "number",
                "kind",
                "category",
                "our_role",
                "issuer",
                "recipient",
                "issue_date",
                "sale_date",
                "due_date",
                "currency",
                "total_excl_vat",
                "total_vat",
                "total_incl_vat",
                "credited_invoice",
                "references",
                "pdf_file",
                "xml_file",
            ),
            rows,
        ),
    )
    archive.writestr(
        "invoice_lines.csv",
        _csv(
            (
                "issuer",
                "invoice",
                "sku",
                "description",
                "quantity",
                "net_unit_price",
                "vat_rate",
                "net_amount",
            ),
            line_rows,
        ),
    )
    return len(rows), missing


def _statements(archive: zipfile.ZipFile, organization: Organization, on: date) -> int:
    pairs = statement_pairs_for(organization)
    for buyer, seller in pairs:
        statement = statement_of_account(buyer=buyer, seller=seller, on=on)
        rows: list[tuple[Any, ...]] = [
            (
                line.date,
                line.reference,
                line.kind,
                line.label,
                line.debit,
                line.credit,
                line.open_amount,
                line.due_date,
                line.explanation,
            )
            for line in statement.lines
        ]
        rows.append(("", "", "", "balance", "", "", statement.balance, "", ""))
        rows.append(("", "", "", "overdue", "", "", statement.overdue, "", ""))
        archive.writestr(
            f"statements/{_safe(_party_code(buyer))}_to_{_safe(_party_code(seller))}.csv",
            _csv(
                (
                    "date",
                    "reference",
                    "kind",
                    "label",
                    "debit",
                    "credit",
                    "open_amount",
                    "due_date",
                    "explanation",
                ),
                rows,
            ),
        )
    return len(pairs)


def _payments(organization: Organization) -> bytes:
    rows = [
        (
            p.value_date,
            "paid" if p.buyer_id == organization.pk else "received",
            p.buyer.legal_name,
            p.seller.legal_name,
            p.method,
            p.amount,
            p.reference,
            p.reversed_at,
            p.reversal_reason,
        )
        for p in payments_for(organization)
    ]
    header = (
        "value_date",
        "direction",
        "buyer",
        "seller",
        "method",
        "amount",
        "reference",
        "reversed_at",
        "reversal_reason",
    )
    return _csv(header, rows)


def _readme(organization: Organization, at: datetime, counts: dict[str, int], missing: list[str]):
    """The archive's table of contents, in the active language (the exporting member's)."""
    files = [
        ("organization.json", _("the company's details")),
        ("members.csv", _("its users, their user codes and rights (P4)")),
        ("addresses.csv", _("its addresses")),
        ("orders.csv", _("the orders it placed or received (%(n)s)") % {"n": counts["orders"]}),
        ("order_lines.csv", _("their lines")),
        (
            "invoices.csv",
            _("invoices and credit notes issued or received (%(n)s)") % {"n": counts["invoices"]},
        ),
        ("invoice_lines.csv", _("their lines")),
        ("invoices/<issuer>/", _("each document as issued: PDF/A-3 and its embedded Factur-X XML")),
        (
            "statements/",
            _("statements of account by buyer and seller (%(n)s)") % {"n": counts["statements"]},
        ),
        ("payments.csv", _("payments made or received")),
    ]
    lines = [
        _("Comptoir — data export of %(name)s (%(code)s)")
        % {"name": organization.legal_name, "code": _party_code(organization)},
        _("Made on %(at)s (RULES P6, P9).") % {"at": at.isoformat()},
        "",
        *(f"{name:<21}{what}" for name, what in files),
        "",
        _("Amounts are in euros, with a dot as decimal separator; dates are ISO 8601."),
    ]
    if missing:
        lines += ["", _("Documents without a stored file yet (open them from the order page):")]
        lines += [f"- {name}" for name in missing]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_export(*, actor: User, organization: Organization, out: IO[bytes]) -> dict[str, int]:
    """Write the organization's data as a zip archive into `out`; returns what it counted.

    The caller has checked that `actor` may export the organization's data."""
    at = clock.now()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organization.json", _organization(organization))
        archive.writestr("members.csv", _members(actor, organization))
        archive.writestr("addresses.csv", _addresses(organization))
        orders_csv, lines_csv, counts["orders"] = _orders(organization)
        archive.writestr("orders.csv", orders_csv)
        archive.writestr("order_lines.csv", lines_csv)
        counts["invoices"], missing = _invoices(archive, organization)
        counts["statements"] = _statements(archive, organization, at.date())
        archive.writestr("payments.csv", _payments(organization))
        with translation.override(actor.language):
            archive.writestr("README.txt", _readme(organization, at, counts, missing))
    return counts
