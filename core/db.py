"""Plain statements for the hot paths: the audit trail, access decisions and booking, where
building and compiling the ORM's version cost more than the database's work, and where
planning each statement afresh was most of the database's.

`prepared_cursor` is for short lookups and writes by key, whose best plan never depends
on the values: PostgreSQL prepares each once per connection and reuses its plan. A
statement whose plan depends on its values (a range search) uses a plain cursor.
`insert_row` writes a model instance in one prepared statement; `CompiledLookup` reads one
by a unique key with the ORM's own statement, compiled once. ADR 0004 says which hot paths
use them and what each saves.

These three are the public interface; how they work leans on parts of Django that are not
its documented API, listed in RELIED_ON. `manage.py check` (core.checks) and
tests/core/test_db.py fail loudly when a Django upgrade changes any of them.
"""

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from typing import Any, Generic, TypeVar

import psycopg
from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)

# The Django releases whose internals below have been checked, and what is relied on.
CHECKED_DJANGO = ((5, 2),)
RELIED_ON = (
    "BaseDatabaseWrapper.make_cursor, make_debug_cursor, queries_logged and connection",
    "DatabaseOperations.compose_sql (the query log of a prepared statement)",
    "Field.pre_save and get_db_prep_save, Model._state.adding and _state.db (insert_row)",
    "SQLCompiler.as_sql, select, klass_info, col_count and get_converters (CompiledLookup)",
    "django.db.models.query.get_related_populators and its populate (CompiledLookup)",
)


class _PreparingCursor(psycopg.Cursor):
    """Binds values on the server and prepares every statement it runs."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        super().execute(query, params, prepare=prepare, binary=binary)
        self._query = _LoggedStatement(query, params)
        return self


class _LoggedStatement:
    """What Django's query log reads from a psycopg cursor (`_query.query`), which psycopg
    leaves empty for a prepared statement: the statement with its values, written out only
    when the log asks (in DEBUG and in tests)."""

    def __init__(self, sql: str, params) -> None:
        self.sql, self.params = sql, params

    @property
    def query(self) -> bytes:
        return connection.ops.compose_sql(self.sql, self.params).encode()


@contextmanager
def prepared_cursor() -> Iterator:
    """A cursor like connection.cursor() (query logging, execute wrappers and Django's
    database errors included) whose statements are prepared, on PostgreSQL."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = _PreparingCursor(connection.connection)
    wrapped = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with wrapped as cursor:
        yield cursor


@cache
def _insert_statement(model: type[Model]) -> tuple[str, tuple[Field, ...]]:
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}"  # noqa: S608 (names from the model)
    return statement, fields


def insert_row(instance: Model, *, along_with: tuple[str, list] | None = None) -> None:
    """Insert `instance` as save(force_insert=True) would, in one prepared statement:
    defaults and auto_now fields filled in, the new primary key set on it. Only for models
    with no save() override and no signal receivers, as neither runs here.

    `along_with`: another write (an UPDATE and its values) made in the same statement on
    PostgreSQL, as a data-modifying WITH (a round trip fewer), and just before elsewhere."""
    statement, fields = _insert_statement(type(instance))
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with prepared_cursor() as cursor:
        if along_with is not None and connection.vendor == "postgresql":
            also, also_values = along_with
            statement, values = f"WITH along_with AS ({also}) {statement}", [*also_values, *values]
        elif along_with is not None:
            cursor.execute(*along_with)
        cursor.execute(statement, values)
        (instance.pk,) = cursor.fetchone()
    instance._state.adding = False
    instance._state.db = connection.alias


class CompiledLookup(Generic[M]):
    """A queryset's lookup of one row by a unique field, compiled once per process and run
    as a prepared statement. The statement is the ORM's own (select_related joins and all)
    and so is the mapping of its row to instances; what is not repeated on every call is
    building the query and compiling it, which cost more than PostgreSQL's work. Any other
    value in the queryset is fixed when it is compiled, on first use: no `now()` in it.

        slot_by_public_id = CompiledLookup(Slot.objects.select_related("site"), "public_id")
        slot = slot_by_public_id.get(public_id)  # the Slot with its site, or None
    """

    def __init__(self, queryset: QuerySet[M], key: str) -> None:
        field = queryset.model._meta.get_field(key)
        if not (field.unique or field.primary_key):
            raise ValueError(f"{queryset.model.__name__}.{key} is not unique.")
        self._queryset, self._field = queryset, field

    def get(self, value: Any) -> M | None:
        """The row whose key is `value`, or None. A value the key's field cannot hold
        raises the field's ValidationError."""
        compiled = self._compiled
        params = list(compiled.params)
        params[compiled.key_at] = self._field.get_db_prep_value(value, connection)
        with prepared_cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        return None if row is None else compiled.instance(list(row))

    @cached_property
    def _compiled(self) -> "_Compiled":
        marker = self._marker()
        queryset = self._queryset.filter(**{self._field.name: marker})
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        prepared = self._field.get_db_prep_value(marker, connection)
        at = [i for i, param in enumerate(params) if param == prepared]
        if len(at) != 1:
            raise ValueError(f"Cannot find the key among the parameters of {sql}")
        return _Compiled(sql, tuple(params), at[0], compiler, queryset.db)

    def _marker(self) -> Any:
        """A value of the key's type that appears nowhere else in the query's parameters."""
        kind = self._field.get_internal_type()
        if kind == "UUIDField":
            return uuid.uuid4()
        if kind in {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField"}:
            return secrets.randbits(62)
        if kind == "CharField":
            return secrets.token_hex(self._field.max_length // 2 or 1)
        raise TypeError(f"No lookup by a {kind}.")


class _Compiled:
    """A compiled query and what Django's ModelIterable derives from it to turn a row into
    instances, kept for every later row."""

    def __init__(self, sql: str, params: tuple, key_at: int, compiler, db: str) -> None:
        self.sql, self.params, self.key_at = sql, params, key_at
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.own = slice(fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in select[self.own]]
        self.related = get_related_populators(klass_info, select, db)
        self.db = db

    def instance(self, row: list) -> Model:
        for at, (converters, expression) in self.converters:
            value = row[at]
            for convert in converters:
                value = convert(value, expression, connection)
            row[at] = value
        obj = self.model.from_db(self.db, self.init_list, row[self.own])
        for populator in self.related:
            populator.populate(row, obj)
        return obj
