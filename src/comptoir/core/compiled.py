"""Reads that every request makes, turned into SQL once per process.

Django builds a queryset's SQL again at every evaluation. For the reads each page starts with,
that costs more CPU than the database spends answering: reading an order with its two parties and
its terms version (some 120 columns) took 1.9 ms of CPU to build and 0.3 ms to run and load.

A `CompiledRead` builds its queryset once per process with stand-in values, keeps the SQL
and where each value lands among its parameters, and then runs that SQL with each call's values.
The rows are loaded by Django's own iterables: model instances, `select_related` objects,
annotations and `values_list` tuples come out as from the ordinary queryset.

Only for reads whose shape does not depend on the values: each value is an int, a str or a date
that reaches the SQL as a parameter unchanged, a date in the form its database takes (`pk=`,
`number=`, `__lte=`, not `icontains=`), and the build function does not branch on it. A value
that does not reach the parameters is refused when the read is first built. Integers outside
the 32-bit range, which Django answers without asking the database, are read the ordinary way;
small-integer columns are not for compiled reads. With `settings.COMPTOIR_VERIFY_COMPILED_READS`
(development and the test suite), every call also builds the queryset the ordinary way and checks
that the SQL and parameters are the same.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)
KINDS: tuple[type, ...] = (int, str, date)
INT_RANGE = (-(2**31), 2**31 - 1)  # what an integer column holds on every database


@dataclass(frozen=True)
class _Built:
    queryset: QuerySet[Any]
    compiler: Any  # Django's SQLCompiler, set up by its as_sql()
    sql: str
    params: tuple[Any, ...]
    # (position among the parameters, value's name, whether the database's form of a date)
    slots: tuple[tuple[int, str, bool], ...]
    # per connection: the converters of the selected columns and whether any is composite,
    # which Django works out again at each run (many calls for a read of a hundred columns)
    loading: WeakKeyDictionary[Any, tuple[Any, bool]] = field(default_factory=WeakKeyDictionary)


class CompiledRead(Generic[M]):
    """`build(**values)` returns the queryset; `kinds` names each value and its type."""

    def __init__(self, build: Callable[..., QuerySet[M]], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in KINDS:
                raise TypeError(
                    f"{name}: a compiled read takes int, str or date values, not {kind}"
                )
        self._build = build
        self._kinds = kinds
        self._built: _Built | None = None

    def __call__(self, **values: Any) -> list[M]:
        self._check(values)
        if self._out_of_range(values):
            return list(self._build(**values))
        return list(self._compiled(values))

    def count(self, **values: Any) -> int:
        """How many rows the read returns (a sliced read, up to its limit), in one COUNT over
        the compiled SQL, as Django's `count()` asks for a sliced queryset."""
        self._check(values)
        if self._out_of_range(values):
            return self._build(**values).count()
        queryset = self._compiled(values)
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        with connections[queryset.db].cursor() as cursor:
            # the SQL is Django's, the values its parameters
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)  # noqa: S608
            return int(cursor.fetchone()[0])

    @staticmethod
    def _out_of_range(values: dict[str, Any]) -> bool:
        # Django answers integers no column of that kind holds without asking the database
        # (an empty result): the SQL then depends on the value, so read the ordinary way
        return any(
            type(v) is int and not INT_RANGE[0] <= v <= INT_RANGE[1] for v in values.values()
        )

    def _compiled(self, values: dict[str, Any]) -> QuerySet[M]:
        queryset = self._queryset(values)
        if getattr(settings, "COMPTOIR_VERIFY_COMPILED_READS", False):
            self._verify(values, queryset)
        return queryset

    def _check(self, values: dict[str, Any]) -> None:
        if values.keys() != self._kinds.keys():
            raise TypeError(f"expected the values {sorted(self._kinds)}, got {sorted(values)}")
        for name, value in values.items():
            if type(value) is not self._kinds[name]:  # bool is not an int here
                raise TypeError(f"{name}: {self._kinds[name].__name__} expected, got {value!r}")

    def _queryset(self, values: dict[str, Any]) -> QuerySet[M]:
        built = self._built
        if built is None:
            built = self._built = self._compile(self._build(**self._stand_ins()))
        alias = built.queryset.db
        connection = connections[alias]  # this thread's
        params = list(built.params)
        for position, name, adapted in built.slots:
            value = values[name]
            params[position] = connection.ops.adapt_datefield_value(value) if adapted else value
        compiler = copy.copy(built.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (built.sql, tuple(params))
        loading = built.loading.get(connection)
        if loading is None:
            selected = [s[0] for s in compiler.select[0 : compiler.col_count]]
            loading = (compiler.get_converters(selected), compiler.has_composite_fields(selected))
            built.loading[connection] = loading
        compiler.get_converters = lambda expressions: loading[0]
        compiler.has_composite_fields = lambda expressions: loading[1]
        queryset = built.queryset._chain()  # type: ignore[attr-defined]
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return queryset  # type: ignore[no-any-return]

    def _stand_ins(self) -> dict[str, Any]:
        """Values no real call passes, one per name, so that each can be found among the
        parameters."""
        stand_ins: dict[str, Any] = {}
        for i, (name, kind) in enumerate(self._kinds.items()):
            if kind is int:
                stand_ins[name] = 2_000_000_001 + i
            elif kind is str:
                stand_ins[name] = f"\x1fcompiled-read-{i}\x1f"
            else:
                stand_ins[name] = date(1901, 2, 3) + timedelta(days=i)
        return stand_ins

    def _compile(self, template: QuerySet[M]) -> _Built:
        compiler = template.query.get_compiler(using=template.db)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet) as error:
            raise TypeError(f"a stand-in value decided the SQL ({error!r})") from error
        stand_ins = self._stand_ins()
        ops = connections[template.db].ops
        slots = []
        for position, param in enumerate(params):
            for name, stand_in in stand_ins.items():
                if type(param) is type(stand_in) and param == stand_in:
                    slots.append((position, name, False))
                elif type(stand_in) is date and param == ops.adapt_datefield_value(stand_in):
                    slots.append((position, name, True))  # a date as the database takes it
        missing = set(stand_ins) - {name for _, name, _ in slots}
        if missing:
            raise TypeError(f"values that do not reach the SQL as parameters: {sorted(missing)}")
        return _Built(template, compiler, sql, tuple(params), tuple(slots))

    def _verify(self, values: dict[str, Any], queryset: QuerySet[M]) -> None:
        ordinary = self._build(**values)
        expected = ordinary.query.get_compiler(using=ordinary.db).as_sql()
        got = queryset.query.get_compiler(using=queryset.db).as_sql()
        if (expected[0], tuple(expected[1])) != (got[0], tuple(got[1])):
            raise AssertionError(f"compiled read differs from its queryset: {got} != {expected}")
