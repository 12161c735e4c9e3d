"""Compiled reads (core.compiled): the SQL built once, run with each call's values, and the same
rows as the ordinary queryset."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext

from comptoir.core.compiled import CompiledRead
from comptoir.parties.models import Membership, Organization
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def _memberships(user_id: int):
    return (
        Membership.objects.select_related("organization", "user")
        .filter(user_id=user_id, is_active=True)
        .annotate(org_name=F("organization__legal_name"), mark=Value(7))
        .order_by("organization__legal_name", "id")
    )


MEMBERSHIPS = CompiledRead(_memberships, user_id=int)


def _shape(rows):
    return [(m.pk, m.organization.legal_name, m.user.email, m.org_name, m.mark) for m in rows]


def test_same_rows_as_the_queryset_for_each_value():
    alice, bob = make_user(), make_user()
    make_org(buyer=True, owner=alice), make_org(seller=True, owner=alice)
    make_org(buyer=True, owner=bob)
    for user in (alice, bob, alice):
        assert _shape(MEMBERSHIPS(user_id=user.pk)) == _shape(_memberships(user.pk))
    assert len(MEMBERSHIPS(user_id=alice.pk)) == 2
    assert MEMBERSHIPS(user_id=-1) == []


def test_one_query_and_related_objects_loaded(django_assert_num_queries):
    alice = make_user()
    make_org(buyer=True, owner=alice)
    MEMBERSHIPS(user_id=alice.pk)
    with django_assert_num_queries(1):
        (found,) = MEMBERSHIPS(user_id=alice.pk)
        assert found.organization.legal_name and found.user.email == alice.email


def test_the_sql_is_built_once(settings):
    settings.COMPTOIR_VERIFY_COMPILED_READS = False
    calls = []

    def build(pk: int):
        calls.append(pk)
        return Organization.objects.filter(pk=pk)

    read = CompiledRead(build, pk=int)
    orgs = [make_org(buyer=True), make_org(seller=True)]
    assert [read(pk=o.pk)[0] for o in orgs] == orgs
    assert len(calls) == 1  # the stand-in's build only


def test_values_and_strings_and_a_value_used_twice():
    buyer, seller = make_org(buyer=True), make_org(seller=True)
    by_name = CompiledRead(
        lambda pk, name: Organization.objects.filter(pk=pk, legal_name=name).values_list(
            "legal_name", "pk"
        ),
        pk=int,
        name=str,
    )
    either = CompiledRead(
        lambda pk: Organization.objects.filter(pk=pk) | Organization.objects.filter(id=pk),
        pk=int,
    )
    assert by_name(pk=buyer.pk, name=buyer.legal_name) == [(buyer.legal_name, buyer.pk)]
    assert by_name(pk=buyer.pk, name=seller.legal_name) == []
    assert either(pk=seller.pk) == [seller]


def test_values_that_change_the_sql_are_refused():
    contains = CompiledRead(
        lambda name: Organization.objects.filter(legal_name__icontains=name), name=str
    )
    with pytest.raises(TypeError, match="name"):
        contains(name="x")
    ids = CompiledRead(lambda pk: Organization.objects.filter(pk__in=[pk, 0]), pk=int)
    assert ids(pk=make_org(buyer=True).pk)  # a value inside a list stays a parameter


@pytest.mark.parametrize("value", [True, "12", None, 1.0])
def test_values_of_another_type_are_refused(value):
    read = CompiledRead(lambda pk: Organization.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError, match="pk"):
        read(pk=value)
    with pytest.raises(TypeError):
        read(pk=1, other=2)
    with pytest.raises(TypeError):
        CompiledRead(lambda at: Organization.objects.filter(created_at=at), at=float)


def test_a_build_that_branches_on_its_value_is_caught():
    def build(pk: int):
        query = Organization.objects.filter(pk=pk)
        return query if pk > 1_000_000_000 else query.filter(is_buyer=True)  # the stand-in's

    read = CompiledRead(build, pk=int)
    with pytest.raises(AssertionError, match="differs"):
        read(pk=make_org(buyer=True).pk)


@pytest.mark.django_db(transaction=True)
def test_each_thread_reads_through_its_own_connection():
    orgs = [make_org(buyer=True) for _ in range(3)]
    read = CompiledRead(lambda pk: Organization.objects.filter(pk=pk), pk=int)
    read(pk=orgs[0].pk)  # built here, on this thread's connection
    found: list = []
    errors: list = []

    def work(org):
        try:
            with CaptureQueriesContext(connection) as queries:
                found.append(read(pk=org.pk)[0])
            assert len(queries) >= 1  # counted on the thread's own connection
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(org,)) for org in orgs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(o.pk for o in found) == sorted(o.pk for o in orgs)


@pytest.mark.parametrize("pk", [2**31, 26796929063042244608, -(2**63) - 1])
def test_integers_outside_32_bits_are_read_the_ordinary_way(pk):
    """Django answers an integer its column cannot hold with an empty result, without asking
    the database: the compiled SQL would send it and fail."""
    read = CompiledRead(lambda pk: Organization.objects.filter(pk=pk), pk=int)
    make_org(buyer=True)
    assert read(pk=pk) == []


def test_a_read_the_stand_ins_empty_is_refused():
    read = CompiledRead(
        lambda pk: Organization.objects.filter(pk=pk).none(),  # nothing to send to the database
        pk=int,
    )
    with pytest.raises(TypeError, match="stand-in"):
        read(pk=1)


def test_dates_reach_the_sql_in_their_databases_form():
    """A date is a parameter in the form its database takes (a string on SQLite)."""
    first, second = make_org(buyer=True), make_org(buyer=True)
    Organization.objects.filter(pk=second.pk).update(
        created_at=first.created_at + timedelta(days=3)
    )
    read = CompiledRead(
        lambda day: Organization.objects.filter(
            pk__in=[first.pk, second.pk], created_at__date__lte=day
        ).order_by("pk"),
        day=date,
    )
    day = first.created_at.date()
    assert read(day=day) == [first]
    assert read(day=day + timedelta(days=5)) == [first, second]
    with pytest.raises(TypeError):
        read(day=first.created_at)  # a datetime is not a date here


def test_count_is_the_number_of_rows_up_to_the_slice(django_assert_num_queries):
    alice, bob = make_user(), make_user()
    for _ in range(3):
        make_org(buyer=True, owner=alice)
    make_org(buyer=True, owner=bob)
    every = CompiledRead(_memberships, user_id=int)
    first_two = CompiledRead(lambda user_id: _memberships(user_id)[:2], user_id=int)
    for user, rows in ((alice, 3), (bob, 1), (alice, 3)):
        assert every.count(user_id=user.pk) == _memberships(user.pk).count() == rows
        assert first_two.count(user_id=user.pk) == min(rows, 2)
    assert every.count(user_id=-1) == 0 and every.count(user_id=2**40) == 0
    with django_assert_num_queries(1):
        every.count(user_id=alice.pk)


def test_the_columns_converters_are_worked_out_once_per_connection(monkeypatch):
    from django.db.models.sql.compiler import SQLCompiler

    alice = make_user()
    make_org(buyer=True, owner=alice)
    read = CompiledRead(_memberships, user_id=int)
    calls = []
    original = SQLCompiler.get_converters

    def counted(self, expressions):
        calls.append(len(expressions))
        return original(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counted)
    rows = [_shape(read(user_id=alice.pk)) for _ in range(3)]
    assert rows[0] == rows[1] == rows[2] == _shape(_memberships(alice.pk))
    assert len(calls) == 1 + 1  # once for the compiled read, once for the ordinary queryset
