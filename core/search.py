"""Diacritic- and case-insensitive matching in the database, on SQLite and PostgreSQL.

``Fold(expression)`` is the SQL twin of :func:`core.text.fold`: on PostgreSQL it is
``lower(translate(unaccent(x), 'đĐ', 'dD'))`` (the unaccent extension is created by the units
migration 0003); on SQLite it calls ``core.text.fold`` itself, registered on the connection as
the SQL function ``fold``. Queries are folded in Python with the same ``fold``, so "ho so tre han"
finds "Hồ sơ trễ hạn" on both.

Models that keep a folded ``search_text`` column (Unit) should match that column instead: it can
be indexed. Fold is for free text (findings, recommendations, plan titles).
"""

from functools import lru_cache

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat

from .text import fold

SQLITE_FUNCTION = "fold"
SQLITE_CONTAINS_ALL = "fold_contains_all"


def _fold_table() -> dict[int, str | None]:
    """fold() of every Latin letter with diacritics, as a str.translate table (combining marks,
    for decomposed input, map to nothing)."""
    table: dict[int, str | None] = {c: None for c in range(0x0300, 0x0370)}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            folded = fold(chr(code))
            if folded != chr(code).casefold():
                table[code] = folded
    return table


FOLD_TABLE = _fold_table()


@lru_cache(maxsize=50_000)
def fold_fast(text: str | None) -> str:
    """fold() for matching, through a translation table, for the per-row SQL function on SQLite;
    remembered, since a search reads each row twice (the count, then the page). Spaces are not
    collapsed (the words matched against it have none)."""
    if not text:
        return ""
    return text.translate(FOLD_TABLE).casefold()


def fold_contains_all(text: str | None, words: str) -> bool:
    """True when every word of the already folded ``words`` occurs in the folded ``text``."""
    folded = fold_fast(text)
    return all(word in folded for word in words.split())


def _register_sqlite_functions(connection) -> None:
    """Make ``fold()`` and ``fold_contains_all()`` callable in SQL on this connection (once per
    underlying connection)."""
    connection.ensure_connection()
    raw = connection.connection
    # sqlite3.Connection takes no attributes nor weak references: remember it on the wrapper.
    if getattr(connection, "_fold_registered_on", None) is raw:
        return
    raw.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)
    raw.create_function(SQLITE_CONTAINS_ALL, 2, fold_contains_all, deterministic=True)
    connection._fold_registered_on = raw


class Fold(models.Func):
    """``expression`` without diacritics, with đ -> d, lower-cased (see the module docstring)."""

    function = SQLITE_FUNCTION
    arity = 1
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        _register_sqlite_functions(connection)
        return self.as_sql(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="lower(translate(unaccent(%(expressions)s), 'đĐ', 'dD'))",
            **extra_context,
        )

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor not in {"sqlite", "postgresql"}:
            # Other databases: case-insensitive only (the project runs on SQLite and PostgreSQL).
            extra_context.setdefault("template", "LOWER(%(expressions)s)")
        return super().as_sql(compiler, connection, **extra_context)


def folded_words(query: str | None) -> list[str]:
    """The words of ``query``, folded: "Hồ sơ  TRỄ hạn" -> ["ho", "so", "tre", "han"]."""
    return fold(query).split()


def joined(*fields: str):
    """Several text fields joined by a space, so a query's words may fall in any of them."""
    if len(fields) == 1:
        return models.F(fields[0])
    parts = []
    for name in fields:
        parts += [name, Value(" ")]
    # Concat treats NULL as "" on both databases.
    return Concat(*parts[:-1], output_field=models.TextField())


def fold_joined(*fields: str) -> Fold:
    """Fold of several text fields joined by a space."""
    return Fold(joined(*fields))


class FoldContainsAll(models.Func):
    """A condition: every (folded) word occurs in the folded text of ``expression`` (not folded yet).

    PostgreSQL: ``Fold(x) LIKE '%w1%' AND Fold(x) LIKE '%w2%' ...`` (unaccent is C, repeating it
    is cheap). SQLite: one call of ``fold_contains_all(x, 'w1 w2')`` a row, so the Python fold
    runs once a row rather than once a word.
    """

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, expression, words: list[str]):
        self.words = list(words)
        super().__init__(expression)

    def as_sqlite(self, compiler, connection, **extra_context):
        _register_sqlite_functions(connection)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{SQLITE_CONTAINS_ALL}({sql}, %s)", (*params, " ".join(self.words))

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(Fold(self.source_expressions[0]))
        if not self.words:
            return "1 = 1", ()
        parts, all_params = [], []
        for word in self.words:
            parts.append(f"{sql} LIKE %s")
            all_params += [*params, f"%{connection.ops.prep_for_like_query(word)}%"]
        return "(" + " AND ".join(parts) + ")", tuple(all_params)


def matches_words(query: str | None, *fields: str) -> Q:
    """A filter: every word of ``query`` occurs in the folded text of ``fields`` (AND of words).

    An empty query matches everything. Example: ``Finding.objects.filter(matches_words("mot cua",
    "text", "recommendation"))``.
    """
    words = folded_words(query)
    if not words:
        return Q()
    return Q(FoldContainsAll(joined(*fields), words))
