"""Query helpers shared by the apps' selectors, and the one way to write raw SQL."""

from django.db import connection, transaction
from django.db.models import Func, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce

from core.pagecache.tracking import rows_changed


def count_of(queryset: QuerySet) -> Coalesce:
    """The number of rows of `queryset` (filtered on OuterRef(...) of the outer query) as a
    correlated subquery, 0 for none: each outer row counts through an index on its own rows.
    Several `Count(..., distinct=True)` over joins instead multiply the rows before counting
    (a period's 200 formations x 50,000 applications: 10 million rows, 11 s). COUNT(*), not
    COUNT(id): an index on the filtered columns alone answers it (an index-only scan), where
    counting the id reads the table's row for each one (44,535 heap blocks for the public
    statistics' 200 formations, bench/results/load.md)."""
    counted = (
        queryset.order_by()
        .annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def execute_write(sql: str, params, *, model) -> None:
    """Run one INSERT, UPDATE or DELETE written in SQL against `model`'s table. The one way to
    write raw SQL in the portal: the tracked models cannot see such a write, so this reports it
    to the page cache (every page of the model's app moves on at commit). A test holds every
    raw write in the source to this function."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    rows_changed(model)


def _copy(cursor, table: str, columns, rows) -> None:
    """COPY rows into a table (PostgreSQL). Each value goes through psycopg's C dumpers; the
    alternative, one statement with an array per column, has psycopg quote every element in
    Python under Django's client-side binding (3 of the 12 seconds of ranking 50,000 results on
    a busy machine went there)."""
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with cursor.cursor.copy(
        f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


def copy_rows(model, columns: list[str], rows) -> None:
    """Insert many rows into `model`'s table with COPY (PostgreSQL), and report the write to
    the page cache like execute_write. `rows` are tuples in the order of `columns`."""
    with connection.cursor() as cursor:
        _copy(cursor, model._meta.db_table, columns, rows)
    rows_changed(model)


def update_from_rows(model, columns: dict[str, str], rows, *, also: dict | None = None) -> None:
    """Update many rows of `model`'s table, each to its own values (PostgreSQL): the rows go by
    COPY into a temporary table, then one UPDATE joins it on the first column (the key).
    `columns` maps each column to its SQL type, key first; `also` sets more columns to one
    value on every row updated. Reported to the page cache like execute_write."""
    table = model._meta.db_table
    quote = connection.ops.quote_name
    key, *names = columns
    scratch = f"_update_{table}"
    sets = [f"{quote(name)} = v.{quote(name)}" for name in names]
    sets += [f"{quote(name)} = %s" for name in also or {}]
    # In a transaction (the caller's, if any): the scratch table lives until it is dropped
    # below, or goes with a rollback.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {quote(scratch)} "
            f"({', '.join(f'{quote(name)} {kind}' for name, kind in columns.items())}) "
            "ON COMMIT DROP"
        )
        _copy(cursor, scratch, list(columns), rows)
        cursor.execute(
            f"UPDATE {quote(table)} AS r SET {', '.join(sets)} "  # noqa: S608
            f"FROM {quote(scratch)} AS v WHERE r.{quote(key)} = v.{quote(key)}",
            list((also or {}).values()),
        )
        cursor.execute(f"DROP TABLE {quote(scratch)}")
    rows_changed(model)
