"""Plain statements for the hot paths: the audit trail, access decisions and booking, where
building and compiling the ORM's version cost more than the database's work, and where
planning each statement afresh was most of the database's.

`prepared_cursor` is for short lookups and writes by key, whose best plan never depends
on the values: PostgreSQL prepares each once per connection and reuses its plan. A
statement whose plan depends on its values (a range search) uses a plain cursor.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import psycopg
from django.db import connection
from django.db.models import Field, Model


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
