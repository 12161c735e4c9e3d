"""Accounting exports: the French FEC (Fichier des écritures comptables, LPF art. A47 A-1) from the
journal, and a CSV of issued documents."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from comptoir.billing.models import Invoice, Status
from comptoir.ledger.models import Account, JournalLine, Matching, OpenItem
from comptoir.parties.models import Organization

FEC_COLUMNS = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]
JOURNALS = {"VE": "Ventes", "OD": "Opérations diverses", "BQ": "Banque"}
P = Account.Purpose
# Plan comptable général accounts of each purpose; auxiliary accounts carry the party.
PCG = {
    P.RECEIVABLE: ("411000", "Clients"),
    P.PAYABLE: ("401000", "Fournisseurs"),
    P.SELLER_REVENUE: ("707000", "Ventes de marchandises"),
    P.VAT_COLLECTED: ("445710", "TVA collectée"),
    P.OPERATOR_COMMISSION: ("706000", "Prestations de services (commissions)"),
    P.FUNDS_HELD_FOR_SELLERS: ("467100", "Fonds détenus pour le compte des vendeurs"),
    P.DEPOSITS_HELD: ("165000", "Dépôts et cautionnements reçus"),
    P.FINANCING_PARTNER: ("467200", "Partenaire de financement"),
    P.BANK: ("512000", "Banque"),
}
AUXILIARY = {P.RECEIVABLE, P.PAYABLE}


def _fec_amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _fec_date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def lettering() -> dict[tuple[int, int], tuple[str, date]]:
    """Lettrage codes for the FEC: (entry id, account id) → (EcritureLet, DateLet).

    Open items linked by matchings form groups (union-find over every matching); a group whose
    items are all fully matched is lettered with a code derived from its smallest item id, dated
    on its last matching. Partly matched groups stay unlettered, as in a paper ledger."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    last: dict[int, date] = {}
    pairs = list(Matching.objects.values_list("item_a_id", "item_b_id", "at"))
    for a, b, _ in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    for a, _, at in pairs:
        root = find(a)
        day = at.date()
        if root not in last or day > last[root]:
            last[root] = day
    items = OpenItem.objects.filter(pk__in=list(parent)).values_list(
        "pk", "entry_id", "account_id", "open_amount"
    )
    rows = list(items)
    settled: dict[int, bool] = {}
    for pk, _, _, open_amount in rows:
        root = find(pk)
        settled[root] = settled.get(root, True) and open_amount == 0
    codes: dict[tuple[int, int], tuple[str, date]] = {}
    for pk, entry_id, account_id, _ in rows:
        root = find(pk)
        if settled[root] and entry_id is not None:
            codes[(entry_id, account_id)] = (f"L{_base36(root)}", last[root])
    return codes


def fec_rows(*, date_from: date, date_to: date, party_id: int | None = None) -> Iterator[list[str]]:
    """One row per journal line of the entries dated within [date_from, date_to].

    With `party_id`, only the entries that touch one of that organization's own accounts other
    than its receivable/payable (its revenue, VAT, commission…): the books of that seller or of
    the operator, with the customer lines of those entries."""
    lines = (
        JournalLine.objects.filter(entry__date__gte=date_from, entry__date__lte=date_to)
        .select_related("entry", "account")
        .order_by("entry__date", "entry_id", "id")
    )
    if party_id is not None:
        entries = JournalLine.objects.filter(
            entry__date__gte=date_from,
            entry__date__lte=date_to,
            account__party_id=party_id,
        ).exclude(account__purpose__in=AUXILIARY)
        lines = lines.filter(entry_id__in=entries.values("entry_id"))
    names = dict(Organization.objects.values_list("id", "legal_name"))
    letters = lettering()
    for line in lines.iterator(chunk_size=2000):
        entry, account = line.entry, line.account
        number, label = PCG[P(account.purpose)]
        aux_num = aux_lib = ""
        if account.party_id:
            party = names.get(account.party_id, "")
            if account.purpose in AUXILIARY:
                aux_num, aux_lib = (
                    f"{'C' if account.purpose == P.RECEIVABLE else 'F'}{account.party_id:06d}",
                    party,
                )
            else:
                label = f"{label} — {party}"
        yield [
            entry.journal,
            JOURNALS.get(entry.journal, entry.journal),
            str(entry.pk),
            _fec_date(entry.date),
            number,
            label,
            aux_num,
            aux_lib,
            entry.reference or str(entry.pk),
            _fec_date(entry.date),
            entry.label.replace("\t", " "),
            _fec_amount(line.debit),
            _fec_amount(line.credit),
            *_lettering_cells(letters.get((entry.pk, account.pk))),
            _fec_date(entry.created_at.date()),
            "",
            "",
        ]


def _lettering_cells(letter: tuple[str, date] | None) -> list[str]:
    return ["", ""] if letter is None else [letter[0], _fec_date(letter[1])]


def fec_text(*, date_from: date, date_to: date, party_id: int | None = None) -> str:
    out = io.StringIO()
    out.write("\t".join(FEC_COLUMNS) + "\r\n")
    for row in fec_rows(date_from=date_from, date_to=date_to, party_id=party_id):
        out.write("\t".join(cell.replace("\t", " ") for cell in row) + "\r\n")
    return out.getvalue()


def invoices_csv(*, issuer_id: int | None = None) -> str:
    """Issued documents, one per row, with their totals (for an accountant's spreadsheet)."""
    qs = Invoice.objects.filter(status=Status.ISSUED).order_by("issue_date", "id")
    if issuer_id:
        qs = qs.filter(issuer_id=issuer_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "number",
            "kind",
            "issue_date",
            "due_date",
            "issuer",
            "recipient",
            "excl_vat",
            "vat",
            "incl_vat",
        ]
    )
    for inv in qs:
        writer.writerow(
            [
                inv.number,
                inv.kind,
                inv.issue_date,
                inv.due_date,
                inv.issuer_snapshot["name"],
                inv.recipient_snapshot["name"],
                inv.total_excl_vat,
                inv.total_vat,
                inv.total_incl_vat,
            ]
        )
    return out.getvalue()
