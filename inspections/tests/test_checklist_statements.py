"""The autosave's locking statement planned once per PostgreSQL connection
(checklist.statements._execute_planned_once): the same rows as the plain statement, planned once,
and still right after an error or a new connection."""

import pytest
from django.db import DatabaseError, connection, transaction

from inspections.checklist import statements

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's"),
]

SQL = "SELECT %s::int * 2, %s::text"  # each test its own text: the connection outlives a test


def _run(sql, params):
    with connection.cursor() as cursor:
        statements._execute_planned_once(cursor, sql, params)
        return cursor.fetchall()


def _prepared_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_the_statement_is_prepared_once_and_gives_the_plain_statements_rows():
    from django.test.utils import CaptureQueriesContext

    sql = SQL + " -- once"
    name, _ = statements._prepared_text(sql)
    with CaptureQueriesContext(connection) as first:
        assert _run(sql, [21, "một"]) == [(42, "một")]
    with CaptureQueriesContext(connection) as second:
        assert _run(sql, [5, "hai"]) == [(10, "hai")]
    assert first.captured_queries[0]["sql"].startswith(f"PREPARE {name} AS SELECT $1::int * 2, $2::text")
    assert second.captured_queries[0]["sql"] == f"EXECUTE {name}(5, 'hai')"
    assert name in _prepared_names()


def test_after_an_error_the_connection_runs_the_plain_statement():
    sql = "SELECT 10 / %s"
    with pytest.raises(DatabaseError), transaction.atomic():
        _run(sql, [0])  # PREPARE done, EXECUTE failed: a prepared statement outlives the rollback
    with transaction.atomic():
        assert _run(sql, [5]) == [(2,)]  # not PREPAREd again ("already exists")
        assert _run(sql, [2]) == [(5,)]


def test_a_new_connection_prepares_it_again():
    _run(SQL, [1, "a"])
    connection.close()
    assert statements._prepared_text(SQL)[0] not in _prepared_names()
    assert _run(SQL, [2, "b"]) == [(4, "b")]
    assert statements._prepared_text(SQL)[0] in _prepared_names()


def test_a_statement_lost_by_the_server_fails_once_then_the_plain_statement_runs():
    """A pooler in transaction mode, or DEALLOCATE ALL, loses the connection's prepared
    statement: that autosave fails (the phone sends it again), the next ones run unprepared."""
    sql = SQL + " -- lost"
    _run(sql, [1, "a"])
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError), transaction.atomic():
        _run(sql, [2, "b"])
    assert _run(sql, [3, "c"]) == [(6, "c")]
