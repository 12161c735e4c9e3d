"""The append-only, hash-chained audit log and `comptoir audit verify` (rule P8)."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from comptoir.core import clock
from comptoir.core.audit import GENESIS_HASH, canonical_json, entry_hash, jsonable
from comptoir.core.models import AuditEntry, ImmutableRecord
from comptoir.core.queries import audit_verify
from comptoir.core.services import audit_record

TABLE = AuditEntry._meta.db_table


def record(n: int = 1, **overrides) -> list[AuditEntry]:
    entries = []
    for i in range(n):
        fields = {
            "actor": None,
            "organization_id": 7,
            "action": "invoice.issue",
            "obj_type": "billing.invoice",
            "obj_id": 100 + i,
            "data": {"number": f"F-{i}", "total": Decimal("12.50")},
        }
        fields.update(overrides)
        entries.append(audit_record(**fields))
    return entries


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=TABLE), params)


class TestPureHelpers:
    def test_jsonable(self):
        assert jsonable(
            {"a": Decimal("1.50"), "d": date(2026, 11, 22), 3: ("x", {"y"}), "n": None}
        ) == {"a": "1.50", "d": "2026-11-22", "3": ["x", ["y"]], "n": None}

    def test_jsonable_refuses_float_and_unknown_types(self):
        with pytest.raises(TypeError):
            jsonable({"amount": 1.5})
        with pytest.raises(TypeError):
            jsonable(object())

    def test_canonical_json_is_order_independent(self):
        assert canonical_json({"b": 1, "a": "é"}) == canonical_json({"a": "é", "b": 1})
        assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'

    def test_hash_depends_on_every_field(self):
        base = {
            "seq": 1,
            "at": datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
            "actor_id": None,
            "organization_id": 1,
            "action": "a",
            "object_type": "t",
            "object_id": "1",
            "data": {},
            "previous_hash": GENESIS_HASH,
        }
        reference = entry_hash(**base)
        assert len(reference) == 64
        for key, other in [
            ("seq", 2),
            ("at", datetime(2026, 11, 22, 10, 0, 0, 1, tzinfo=UTC)),
            ("actor_id", 1),
            ("organization_id", None),
            ("action", "b"),
            ("object_type", "u"),
            ("object_id", "2"),
            ("data", {"k": "v"}),
            ("previous_hash", "1" * 64),
        ]:
            assert entry_hash(**{**base, key: other}) != reference, key


@pytest.mark.django_db
class TestRecord:
    def test_entries_form_a_chain(self):
        first, second, third = record(3)
        assert [e.seq for e in (first, second, third)] == [1, 2, 3]
        assert first.previous_hash == GENESIS_HASH
        assert second.previous_hash == first.hash
        assert third.previous_hash == second.hash
        result = audit_verify()
        assert result.ok
        assert result.checked == 3
        assert result.head_hash == third.hash
        assert "intact: 3 entries" in result.message()

    def test_empty_log_is_intact(self):
        result = audit_verify()
        assert result.ok and result.checked == 0 and result.head_hash == GENESIS_HASH

    def test_fields_are_stored(self, django_user_model):
        user = django_user_model.objects.create_user(email="clerk@example.org", password="x")
        at = datetime(2026, 11, 22, 9, 30, tzinfo=clock.PARIS)
        with clock.frozen(at):
            (entry,) = record(actor=user, obj_id=None, data={"on": date(2026, 12, 8)})
        stored = AuditEntry.objects.get(pk=entry.pk)
        assert stored.actor == user
        assert stored.at == at
        assert stored.organization_id == 7
        assert stored.object_id == ""
        assert stored.data == {"on": "2026-12-08"}
        assert audit_verify().ok

    def test_refuses_bad_input(self):
        with pytest.raises(TypeError):
            record(data={"amount": 12.5})
        with pytest.raises(TypeError):
            record(actor="someone")
        with pytest.raises(ValueError):
            record(action="")
        assert AuditEntry.objects.count() == 0

    def test_joins_the_callers_transaction(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            record(2)
            raise RuntimeError("the use case fails after auditing")
        assert AuditEntry.objects.count() == 0
        (entry,) = record()
        assert entry.seq == 1 and entry.previous_hash == GENESIS_HASH


@pytest.mark.django_db
class TestAppendOnly:
    def test_save_after_create_is_refused(self):
        (entry,) = record()
        entry.action = "invoice.cancel"
        with pytest.raises(ImmutableRecord) as error:
            entry.save()
        assert error.value.code == "immutable"
        assert AuditEntry.objects.get(pk=entry.pk).action == "invoice.issue"

    def test_reloaded_entry_cannot_be_saved(self):
        (entry,) = record()
        with pytest.raises(ImmutableRecord):
            AuditEntry.objects.get(pk=entry.pk).save()

    def test_delete_is_refused(self):
        (entry,) = record()
        with pytest.raises(ImmutableRecord):
            entry.delete()
        assert AuditEntry.objects.filter(pk=entry.pk).exists()

    def test_queryset_update_and_delete_are_refused(self):
        record(2)
        with pytest.raises(ImmutableRecord):
            AuditEntry.objects.all().update(action="x")
        with pytest.raises(ImmutableRecord):
            AuditEntry.objects.filter(seq=1).delete()
        with pytest.raises(ImmutableRecord):
            AuditEntry.objects.bulk_create([AuditEntry(seq=9)])
        assert AuditEntry.objects.count() == 2
        assert audit_verify().ok


@pytest.mark.django_db
class TestTamperDetection:
    def test_modified_data_is_detected(self):
        entries = record(5)
        raw("UPDATE {table} SET data = %s WHERE id = %s", ['{"total": "1.00"}', entries[2].pk])
        result = audit_verify()
        assert not result.ok
        assert result.first_bad_id == entries[2].pk
        assert result.first_bad_seq == 3
        assert result.checked == 2
        assert "does not match its hash" in result.reason

    def test_modified_action_is_detected(self):
        entries = record(3)
        raw("UPDATE {table} SET action = %s WHERE id = %s", ["invoice.cancel", entries[0].pk])
        assert audit_verify().first_bad_id == entries[0].pk

    def test_modified_hash_is_detected(self):
        entries = record(3)
        raw("UPDATE {table} SET hash = %s WHERE id = %s", ["f" * 64, entries[1].pk])
        result = audit_verify()
        assert result.first_bad_id == entries[1].pk

    def test_rehashed_entry_breaks_the_next_link(self):
        entries = record(3)
        forged = entries[1]
        new_hash = entry_hash(
            seq=forged.seq,
            at=forged.at,
            actor_id=None,
            organization_id=7,
            action=forged.action,
            object_type=forged.object_type,
            object_id=forged.object_id,
            data={"number": "F-1", "total": "0.01"},
            previous_hash=forged.previous_hash,
        )
        raw(
            "UPDATE {table} SET data = %s, hash = %s WHERE id = %s",
            ['{"number": "F-1", "total": "0.01"}', new_hash, forged.pk],
        )
        result = audit_verify()
        assert result.first_bad_id == entries[2].pk
        assert "previous_hash" in result.reason

    def test_deleted_entry_is_detected(self):
        entries = record(5)
        raw("DELETE FROM {table} WHERE id = %s", [entries[1].pk])
        result = audit_verify()
        assert not result.ok
        assert result.first_bad_id == entries[2].pk
        assert "deleted" in result.reason

    def test_deleted_first_entry_is_detected(self):
        entries = record(2)
        raw("DELETE FROM {table} WHERE id = %s", [entries[0].pk])
        assert audit_verify().first_bad_id == entries[1].pk

    def test_small_chunks_walk_the_whole_chain(self):
        entries = record(7)
        assert audit_verify(chunk_size=2).checked == 7
        raw("UPDATE {table} SET object_id = %s WHERE id = %s", ["999", entries[6].pk])
        result = audit_verify(chunk_size=2)
        assert (result.first_bad_id, result.checked) == (entries[6].pk, 6)


@pytest.mark.django_db
class TestVerifyCommand:
    def test_intact_chain_exits_zero(self, capsys):
        record(3)
        call_command("audit", "verify")
        assert "Audit chain intact: 3 entries" in capsys.readouterr().out

    def test_tampered_chain_exits_one_naming_the_entry(self):
        entries = record(3)
        raw("UPDATE {table} SET organization_id = %s WHERE id = %s", [8, entries[1].pk])
        with pytest.raises(CommandError) as error:
            call_command("audit", "verify", "--chunk-size", "1")
        assert error.value.returncode == 1
        assert f"entry id={entries[1].pk} (seq 2)" in str(error.value)

    def test_subcommand_is_required(self):
        with pytest.raises(CommandError):
            call_command("audit")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    threads_count, per_thread = 8, 15
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        organization_id=n,
                        action="test.append",
                        obj_type="test",
                        obj_id=f"{n}-{i}",
                        data={"thread": n, "i": i},
                    )
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = threads_count * per_thread
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    result = audit_verify()
    assert result.ok, result.message()
    assert result.checked == total
