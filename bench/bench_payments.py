"""Payments benchmarks: the daily collection sweep over 100,000 open items, and reconciling a
10,000-line CAMT.053 bank statement.

The sweep: one seller under the monthly-intranet preset, 200 buyers, 100,000 open invoice items
posted through the ledger in batches (no billing invoices: the sweep falls back to the entry date).
About 30 % are overdue, due over the 60 days before the sweep day, a few hundred of them 30 days
or more (they get the formal notice, one PDF each); the rest are not yet due. `collection_run` is
timed on the sweep day (cases opened, indemnities, reminders, notices, acceleration, suspension),
then on the next day. The statement: 10,000 open invoice items of another seller, a statement
whose lines name the invoice in the remittance (80 %) or carry an unknown reference (20 %, to the
review queue); `statement_import` is timed, then a second import of the same file. The sweep runs
for the benchmark's seller only (the other benchmarks' invoices share the database under
`make bench`); e-mails go to Django's in-memory backend.

.venv/bin/python bench/run.py bench_payments          # both databases, records the figures

BENCH_OPEN_ITEMS, BENCH_NOTICES and BENCH_STATEMENT_LINES set smaller sizes (figures report the
size measured). BENCH_SWEEP_WORKERS (default 2, one per core) splits the sweep by buyer over that
many processes on PostgreSQL, as COMPTOIR_SWEEP_WORKERS does in production; 1 runs it in the
benchmark's process and reports its CPU time (client and PostgreSQL backend).
"""

from __future__ import annotations

import cProfile
import os
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path

NEEDS_DB = True
OPEN_ITEMS = int(os.environ.get("BENCH_OPEN_ITEMS", "100000"))
NOTICES = int(os.environ.get("BENCH_NOTICES", "300"))  # overdue by 30 days or more on the day
STATEMENT_LINES = int(os.environ.get("BENCH_STATEMENT_LINES", "10000"))
# processes of the collection sweep, split by buyer (core/parallel.py; PostgreSQL only)
SWEEP_WORKERS = int(os.environ.get("BENCH_SWEEP_WORKERS", "2"))
BUYERS = 200
OVERDUE_SHARE = 0.30
POST_BATCH = 5000
SWEEP_DAY = date(2026, 11, 20)
STATEMENT_DAY = date(2026, 11, 20)
VAT = Decimal("1.20")


def _iban(n: int) -> str:
    from stdnum import iban as stdnum_iban

    bban = f"3000600001{n % 10**11:011d}89"
    return f"FR{stdnum_iban.calc_check_digits('FR00' + bban)}{bban}"


def _at(day: date, hour: int = 6):
    from comptoir.core import clock

    return datetime.combine(day, dtime(hour), tzinfo=clock.PARIS)


def _sirens(n: int) -> list[str]:
    return [str(s) for s in random.sample(range(10**8, 10**9), n)]


def _parties(label: str):
    """A monthly-intranet seller with its IBAN and address, and BUYERS buyers with theirs."""
    from comptoir.core import clock
    from comptoir.parties.models import Address, Organization
    from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish

    sirens = _sirens(BUYERS + 1)
    seller = Organization.objects.create(
        legal_name=f"Vendeur {label}",
        siren=sirens[0],
        is_seller=True,
        state="active",
        bic="AGRIFRPP",
        email="compta@vendeur.example",
    )
    seller.iban = _iban(seller.pk)
    seller.save(update_fields=["iban"])
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        terms_version_publish(
            version=terms_version_create_from_preset(seller=seller, preset="monthly-intranet")
        )
    buyers = []
    for n in range(BUYERS):
        buyer = Organization.objects.create(
            legal_name=f"Acheteur {label} {n}",
            siren=sirens[n + 1],
            is_buyer=True,
            state="active",
            email=f"compta{n}@acheteur.example",
        )
        buyers.append(buyer)
    Organization.objects.bulk_update([_with_iban(b) for b in buyers], ["iban"], batch_size=BUYERS)
    Address.objects.bulk_create(
        Address(
            organization=org, kind="registered", line1="1 rue A", postcode="75001", city="Paris"
        )
        for org in [seller, *buyers]
    )
    return seller, buyers


def _with_iban(org):
    org.iban = _iban(10**9 + org.pk)
    return org


def _post_invoices(seller, buyers, rows: list[tuple[int, str, Decimal, date, date]]) -> None:
    """Open invoice items (buyer index, number, amount excl. VAT, invoice date, due date) posted
    through the ledger in batches: receivable debited, revenue and VAT credited."""
    from comptoir.ledger.models import Account, OpenItem
    from comptoir.ledger.services import EntrySpec, OpenItemSpec, Posting, accounts_get
    from comptoir.ledger.services import journal_entries_post as post

    purpose = Account.Purpose
    accounts = accounts_get(
        wanted={(b.pk, purpose.RECEIVABLE) for b in buyers}
        | {(seller.pk, purpose.SELLER_REVENUE), (seller.pk, purpose.VAT_COLLECTED)}
    )
    revenue = accounts[(seller.pk, purpose.SELLER_REVENUE)]
    vat = accounts[(seller.pk, purpose.VAT_COLLECTED)]
    for first in range(0, len(rows), POST_BATCH):
        specs = []
        for b, number, excl, issued, due in rows[first : first + POST_BATCH]:
            buyer = buyers[b]
            receivable = accounts[(buyer.pk, purpose.RECEIVABLE)]
            incl = (excl * VAT).quantize(Decimal("0.01"))
            specs.append(
                EntrySpec(
                    date=issued,
                    label=f"Facture {number}",
                    reference=number,
                    journal="VE",
                    lines=[
                        Posting(account=receivable, debit=incl),
                        Posting(account=revenue, credit=excl),
                        Posting(account=vat, credit=incl - excl),
                    ],
                    open_items=[
                        OpenItemSpec(
                            account=receivable,
                            party_id=buyer.pk,
                            counterparty_id=seller.pk,
                            reference=number,
                            kind=OpenItem.Kind.INVOICE,
                            amount=incl,
                            due_date=due,
                        )
                    ],
                )
            )
        post(entries=specs)


def _amount(i: int) -> Decimal:
    return Decimal(50 + (i * 37) % 950) + Decimal((i * 13) % 100) / 100


def _collection_rows(size: int, notices: int) -> list[tuple[int, str, Decimal, date, date]]:
    """Every item in ten is overdue three times: 1 to 28 days late, except `notices` of them
    30 to 60 days late; the others fall due over the 60 days after the sweep day."""
    rng = random.Random(2026)
    rows = []
    late = 0
    for i in range(size):
        if i % 10 < round(OVERDUE_SHARE * 10):
            days = -(30 + late % 31) if late < notices else -(1 + late % 28)
            late += 1
        else:
            days = 1 + i % 60
        due = SWEEP_DAY + timedelta(days=days)
        rows.append(
            (
                rng.randrange(BUYERS),
                f"F-2026-{i + 1:06d}",
                _amount(i),
                due - timedelta(days=45),
                due,
            )
        )
    return rows


def _counts(result) -> str:
    names = ("opened", "indemnities", "reminders", "notices", "resolved", "accelerated")
    names += ("suspended", "lifted", "settled")
    return ", ".join(f"{name} {getattr(result, name)}" for name in names)


def _server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine), else 0."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sweep(day: date, seller_id: int):
    from django.core import mail

    from comptoir.core import clock
    from comptoir.payments.services.collection import collection_run, collection_run_parallel

    mail.outbox = []
    clock.freeze(_at(day))
    profile = os.environ.get("BENCH_PROFILE")  # a file to write the sweeps' cProfile stats to
    profiler = cProfile.Profile() if profile else None
    from django.db import connection

    if SWEEP_WORKERS > 1 and profiler is None and connection.vendor == "postgresql":
        # split by buyer over processes (core/parallel.py): the wall time; the CPU of the
        # processes and of their PostgreSQL backends is not read from here
        start = time.perf_counter()
        result = collection_run_parallel(on=day, seller_id=seller_id, workers=SWEEP_WORKERS)
        return result, time.perf_counter() - start, f"{SWEEP_WORKERS} processes"
    server = _server_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    result = collection_run(on=day, seller_id=seller_id)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(f"{profile}.{day.isoformat()}")
    took, client = time.perf_counter() - start, time.process_time() - cpu
    return result, took, (round(client, 2), round(_server_cpu() - server, 2))


def _collection() -> list[dict]:
    from django.db import connection

    from comptoir.core import clock

    clock.freeze(_at(SWEEP_DAY - timedelta(days=1), 20))
    seller, buyers = _parties("relances")
    rows = _collection_rows(OPEN_ITEMS, NOTICES)
    _post_invoices(seller, buyers, rows)
    overdue = sum(1 for *_, due in rows if due < SWEEP_DAY)
    noticed = sum(1 for *_, due in rows if due <= SWEEP_DAY - timedelta(days=30))

    first, first_s, first_cpu = _sweep(SWEEP_DAY, seller.pk)
    second, second_s, second_cpu = _sweep(SWEEP_DAY + timedelta(days=1), seller.pk)
    assert first.opened == overdue and first.notices == noticed, (first, overdue, noticed)

    on_pg = connection.vendor == "postgresql"
    full = OPEN_ITEMS == 100_000
    size = f"{OPEN_ITEMS} open items ({overdue} overdue, {noticed} at the notice stage)"
    return [
        {
            "name": f"collection sweep, first day: {size}",
            "total_s": round(first_s, 2),
            "cpu_s (client, server)": first_cpu,
            "processes": SWEEP_WORKERS if on_pg else 1,
            "budget": "≤ 30 s (PostgreSQL, 100,000 items)",
            "ok": first_s <= 30 if on_pg and full else None,
        },
        {
            "name": "collection sweep, first day: what it did",
            "value": _counts(first),
            "budget": "(information)",
        },
        {
            "name": f"collection sweep, next day: {OPEN_ITEMS} open items (accelerated now late)",
            "total_s": round(second_s, 2),
            "cpu_s (client, server)": second_cpu,
            "budget": "≤ 30 s (PostgreSQL, 100,000 items)",
            "ok": second_s <= 30 if on_pg and full else None,
        },
        {
            "name": "collection sweep, next day: what it did",
            "value": _counts(second),
            "budget": "(information)",
        },
    ]


def _camt053(account_iban: str, lines: list[tuple[str, Decimal, str, str]]) -> bytes:
    """A CAMT.053.001.02 statement of credits (bank reference, amount, remittance, payer IBAN)."""
    day = STATEMENT_DAY.isoformat()
    entries = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd>"
        "<SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls>"
        "<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Nm>Client</Nm></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>"
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
        for ref, amount, text, iban in lines
    )
    total = sum((amount for _, amount, _, _ in lines), Decimal(0))

    def balance(code: str, amount: Decimal) -> str:
        return (
            f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount:.2f}'
            f"</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>M-{account_iban[-11:]}</MsgId><CreDtTm>{day}T05:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>S-{account_iban[-11:]}-{day}</Id><CreDtTm>{day}T05:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account_iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f"{balance('OPBD', Decimal(0))}{balance('CLBD', total)}\n{entries}</Stmt>"
        "</BkToCstmrStmt></Document>"
    ).encode()


def _statement() -> list[dict]:
    from comptoir.core import clock
    from comptoir.payments.models import StatementEntry
    from comptoir.payments.services.statements import statement_import

    clock.freeze(_at(STATEMENT_DAY - timedelta(days=1), 20))
    seller, buyers = _parties("relevé")
    size = STATEMENT_LINES
    issued, due = STATEMENT_DAY - timedelta(days=20), STATEMENT_DAY + timedelta(days=25)
    rows = [(i % BUYERS, f"F-2026-{i + 1:06d}", _amount(i), issued, due) for i in range(size)]
    _post_invoices(seller, buyers, rows)
    lines = []
    for n, (b, number, excl, _, _) in enumerate(rows):
        ref = f"BQ{seller.pk:05d}{n:08d}"
        if n % 5 == 4:  # unknown reference, unknown payer: to the review queue
            lines.append((ref, _amount(n + 7), f"VIREMENT ZQ{n:07d}", _iban(2 * 10**9 + n)))
        else:
            incl = (excl * VAT).quantize(Decimal("0.01"))
            lines.append((ref, incl, f"Reglement facture {number} merci", buyers[b].iban))
    data = _camt053(seller.iban, lines)
    expected_review = sum(1 for n in range(size) if n % 5 == 4)

    clock.freeze(_at(STATEMENT_DAY + timedelta(days=1), 9))
    start, cpu = time.perf_counter(), time.process_time()
    (first,) = statement_import(data=data, filename="releve.xml", seller=seller)
    first_s, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    entries = StatementEntry.objects.filter(statement__seller=seller).count()
    start = time.perf_counter()
    (again,) = statement_import(data=data, filename="releve.xml", seller=seller)
    again_s = time.perf_counter() - start
    after = StatementEntry.objects.filter(statement__seller=seller).count()
    assert first.matched == size - expected_review and first.to_review == expected_review, first
    assert not again.created and after == entries == size, (again, after, entries)
    return [
        {
            "name": f"import a CAMT.053 statement of {size} lines and reconcile it",
            "total_s": round(first_s, 2),
            "cpu_s": round(first_cpu, 2),
            "per_s": round(size / first_s, 1),
            "budget": "≤ 10 s (10,000 lines)",
            "ok": first_s <= 10 if size == 10_000 else None,
        },
        {
            "name": "statement import: what it did",
            "value": f"matched {first.matched}, to review {first.to_review}",
            "budget": "(information)",
        },
        {
            "name": f"import the same {size}-line statement again (nothing changes)",
            "total_s": round(again_s, 2),
            "value": f"skipped {again.skipped}, created {again.created}",
            "budget": "(information)",
        },
    ]


def run() -> list[dict]:
    from django.conf import settings
    from django.core.management import call_command

    from bench_billing import _ensure_database

    # the messages go to memory: the figures measure the services, not a mail server
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _ensure_database()
    call_command("migrate", verbosity=0)
    return [*_collection(), *_statement()]
