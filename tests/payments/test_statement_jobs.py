"""Bank statement import as a job (PT4): progress reported per entry, the upload checked before
it is queued, a job that fails records nothing and lists its errors, the command's progress."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import translation

from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.core.jobs import NullProgress, job_create, job_run
from comptoir.core.models import Job
from comptoir.parties.models import Membership
from comptoir.payments.models import Payment, StatementEntry, StatementImport
from comptoir.payments.services import statement_import, statement_import_start
from comptoir.payments.services import statements as module
from tests.parties.factories import make_user
from tests.payments.conftest import Pair, at, camt053, fr_iban, issue, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


MODULE = module.__name__


class Recorder(NullProgress):
    """Progress that keeps every report, to check what an import says while it works."""

    def __init__(self) -> None:
        super().__init__()
        self.totals: list[int] = []
        self.notes: list[str] = []
        self.steps = 0

    def set_total(self, total: int) -> None:
        super().set_total(total)
        self.totals.append(total)

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        self.steps += 1

    def note(self, message: str) -> None:
        super().note(message)
        self.notes.append(message)


@pytest.fixture
def invoiced() -> Pair:
    pair = make_pair("electronics-wholesale")
    pair.invoice = issue(pair, on=date(2026, 11, 2), due=date(2026, 11, 30))  # type: ignore[attr-defined]
    clock.freeze(at(date(2026, 11, 21)))
    return pair


def _file(pair: Pair, iban: str | None = None) -> bytes:
    number = pair.invoice.number  # type: ignore[attr-defined]
    return camt053(
        iban or pair.seller.iban,
        [
            {
                "amount": "1200.00",
                "date": "2026-11-20",
                "ref": "B1",
                "remittance": f"Fact {number}",
            },
            {"amount": "450.00", "date": "2026-11-20", "ref": "B2", "remittance": "Acompte"},
            {"amount": "-80.00", "date": "2026-11-20", "ref": "B3", "remittance": "Frais"},
            {"amount": "30.00", "date": "2026-11-20", "ref": "B4", "remittance": "?"},
        ],
    )


def _owner(pair: Pair):
    return Membership.objects.get(organization=pair.seller, is_owner=True).user


# --- progress ------------------------------------------------------------------------------------


def test_progress_counts_every_entry_of_the_file(invoiced):
    progress = Recorder()
    [result] = statement_import(data=_file(invoiced), seller=invoiced.seller, progress=progress)
    assert result.created and (result.matched, result.to_review) == (1, 2)
    assert progress.totals == [4]
    assert (progress.done, progress.steps) == (4, 4)  # one step per entry matched or recorded
    assert progress.notes[0] == "Reading the file"
    assert any("S-1" in note for note in progress.notes)


def test_progress_of_a_file_imported_before_is_complete_at_once(invoiced):
    data = _file(invoiced)
    statement_import(data=data, seller=invoiced.seller)
    progress = Recorder()
    [again] = statement_import(data=data, seller=invoiced.seller, progress=progress)
    assert not again.created
    assert (progress.total, progress.done) == (4, 4)


def test_without_progress_the_import_is_unchanged(invoiced):
    [result] = statement_import(data=_file(invoiced), seller=invoiced.seller)
    assert (result.statement.lines, result.matched, result.to_review) == (4, 1, 2)


# --- start: checked before it is queued ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b" \n\t", "empty_file"),
        (b"hello", "statement_format_unknown"),
        (b"<Document><BkToCstmrStmt>", "statement_unreadable"),
    ],
)
def test_start_refuses_a_file_that_is_no_statement_and_queues_nothing(invoiced, data, code):
    with pytest.raises(DomainError) as refused:
        statement_import_start(actor=_owner(invoiced), seller=invoiced.seller, data=data)
    assert refused.value.code == code and refused.value.field == "file"
    assert not Job.objects.exists()


def test_start_refuses_a_file_too_large(invoiced, monkeypatch):
    monkeypatch.setattr(module, "MAX_STATEMENT_BYTES", 100)
    with pytest.raises(DomainError) as refused:
        statement_import_start(actor=_owner(invoiced), seller=invoiced.seller, data=_file(invoiced))
    assert refused.value.code == "file_too_large"
    assert not Job.objects.exists()


def test_start_refuses_another_accounts_statement(invoiced):
    with pytest.raises(DomainError) as refused:
        statement_import_start(
            actor=_owner(invoiced), seller=invoiced.seller, data=_file(invoiced, iban=fr_iban())
        )
    assert (refused.value.code, refused.value.rule) == ("statement_not_yours", "PT4")
    assert not Job.objects.exists()


def test_start_needs_the_finance_right(invoiced):
    with pytest.raises(PermissionDenied):
        statement_import_start(actor=make_user(), seller=invoiced.seller, data=_file(invoiced))
    assert not Job.objects.exists()


# --- the job -------------------------------------------------------------------------------------


def test_the_job_imports_with_progress_and_reports_what_it_did(
    invoiced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # queued, not run yet
        job = statement_import_start(
            actor=_owner(invoiced), seller=invoiced.seller, data=_file(invoiced), filename="r.xml"
        )
    assert job.status == Job.Status.QUEUED and job.kind == "payments.statement_import"
    assert not StatementImport.objects.exists()
    assert job_run(job_id=job.pk, module=MODULE) == Job.Status.DONE
    job.refresh_from_db()
    assert (job.total, job.done) == (4, 4)
    assert job.result == {
        "statements": 1,
        "recorded": 4,
        "matched": 1,
        "to_review": 2,
        "returned": 0,
        "skipped": 0,
        "already_imported": 0,
    }
    record = StatementImport.objects.get()
    assert record.seller_id == invoiced.seller.pk and record.filename == "r.xml"
    assert Payment.objects.filter(source=Payment.Source.STATEMENT).count() == 1


def test_a_job_whose_account_changed_since_the_upload_records_nothing_and_says_why(
    invoiced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = statement_import_start(
            actor=_owner(invoiced), seller=invoiced.seller, data=_file(invoiced)
        )
    invoiced.seller.iban = fr_iban()  # the seller changed its bank account meanwhile
    invoiced.seller.save(update_fields=["iban"])
    assert job_run(job_id=job.pk, module=MODULE) == Job.Status.FAILED
    job.refresh_from_db()
    assert [e["code"] for e in job.errors] == ["statement_not_yours"]
    assert job.errors[0]["rule"] == "PT4" and "not yours" in job.errors[0]["message"]
    assert job.input == b""
    assert not StatementImport.objects.exists() and not StatementEntry.objects.exists()
    assert not Payment.objects.exists()


def test_a_job_given_what_is_no_statement_fails_with_the_error_listed(
    invoiced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = job_create(
            kind="payments.statement_import",
            organization_id=invoiced.seller.pk,
            actor=_owner(invoiced),
            data=b"<Document><BkToCstmrStmt>",  # detected as CAMT.053, unreadable
            filename="broken.xml",
        )
    assert job_run(job_id=job.pk, module=MODULE) == Job.Status.FAILED
    job.refresh_from_db()
    assert job.errors and all(e["code"] and e["message"] for e in job.errors)
    assert not StatementImport.objects.exists() and not Payment.objects.exists()


# --- command line --------------------------------------------------------------------------------


def test_the_command_prints_progress_on_stderr(invoiced, tmp_path):
    source = tmp_path / "releve.xml"
    source.write_bytes(_file(invoiced))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "payments",
        "import-statement",
        str(source),
        "--seller",
        str(invoiced.seller.pk),
        stdout=out,
        stderr=err,
    )
    lines = err.getvalue().splitlines()
    assert lines[0].strip().startswith("0 % (0/0) Reading the file")
    assert lines[-1].strip().startswith("100 % (4/4)")
    assert any("(2/4)" in line for line in lines)  # each step of 5 % shows
    assert "S-1: 4 line(s), 1 matched" in out.getvalue()
