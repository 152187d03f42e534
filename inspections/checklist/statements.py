"""The autosave's own statements, in SQL: the save of one answer runs at every change made on
site (issue "Flat, fast pages", item 4: at most 3 x a login-required "ok" and 6 statements), and
building these statements with the ORM cost more than running them. Values go through the model
fields' own preparation (``get_db_prep_save``) and columns read back through the backend's and
the fields' converters, so they are stored and read exactly as the ORM does. checklist.answers
decides; this module only reads and writes.

Two statements on PostgreSQL: the one that authorises, locks and reads (answering_state), and
the one that writes (answer_write: the answer's conditional UPDATE, the change's record, the
roll-up's move and the audit entry in one data-modifying WITH, nothing written unless the
UPDATE was). SQLite, which has no data-modifying WITH, runs the four writes one by one.
PostgreSQL plans the first once per connection (PREPARE, then EXECUTE: _execute_planned_once).
"""

import hashlib
import json
import uuid
import weakref
from decimal import Decimal
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models.signals import pre_save

from ..models import Answer, ChecklistTemplate, TeamMember, Visit, VisitDomainScore, VisitStatus
from ..models.answers import AppliedChange

HUNDREDTH = Decimal("0.01")
BEFORE = (
    "id",
    "version",
    "client_token",
    "self_score",
    "self_note",
    "result",
    "score",
    "figures",
    "text",
    "note",
)
SCORES = ("domain_id", "points", "max_points", "answered", "applicable")
# The visit's row with its unit's and checklist version's, as answering_state loads them.
_LOADED = (("v", Visit), ("u", Visit._meta.get_field("unit").related_model), ("t", ChecklistTemplate))
SAVED = ("result", "score", "figures", "text", "note", "client_token", "updated_by", "updated_at")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _insert_sql(model, vendor: str) -> tuple[str, list]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_q(f.column) for f in fields)
    return f"INSERT INTO {_q(model._meta.db_table)} ({columns})", fields


def _insert_params(instance) -> tuple[str, list]:
    """The INSERT of ``instance`` as Model.save() would run it ("INSERT INTO t (columns)" and
    the values, to be given by VALUES or a SELECT): pre_save is sent (auditlog fills
    the request's address and correlation id of an audit entry there), each field's pre_save
    and preparation applied."""
    pre_save.send(
        sender=type(instance), instance=instance, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None
    )
    sql, fields = _insert_sql(type(instance), connection.vendor)
    return sql, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def insert(instance) -> None:
    """INSERT ``instance`` as Model.save() would (see _insert_params); no pk comes back and
    post_save is not sent (for rows nobody reads back, such as the audit entry of a change)."""
    _run(*_values(*_insert_params(instance)))


def _decimal(value) -> Decimal | None:
    """A numeric column as the ORM gives it: PostgreSQL sends Decimal, SQLite int or float."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(HUNDREDTH)


def _uuid(value) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


@cache
def _state_sql(*, granting: bool, vendor: str) -> str:
    """The statement that locks a visit's row (FOR UPDATE OF it: PostgreSQL; SQLite serialises
    its writers) and reads, joined to it, one answer's old values and the visit's roll-up rows,
    only while the visit is in progress. ``granting``: also the visit with its unit and
    checklist version, and only for a member of its team (the rule "inspections.change_answers":
    on the team, the visit in progress)."""
    lock = " FOR UPDATE OF v" if connection.features.has_select_for_update_of else ""
    columns = [f"a.{_q(c)}" for c in BEFORE] + [f"s.{_q(c)}" for c in SCORES]
    joins = ""
    team = ""
    if granting:
        for alias, model in _LOADED:
            columns += [f"{alias}.{_q(f.column)}" for f in model._meta.concrete_fields]
        joins = (
            f" JOIN {_q(_LOADED[1][1]._meta.db_table)} u ON u.id = v.unit_id"
            f" JOIN {_q(ChecklistTemplate._meta.db_table)} t ON t.id = v.template_id"
        )
        team = (
            f" AND EXISTS (SELECT 1 FROM {_q(TeamMember._meta.db_table)} m"  # noqa: S608
            " WHERE m.visit_id = v.id AND m.user_id = %s)"
        )
    # Names from the models, values as parameters.
    return (
        "SELECT "  # noqa: S608
        + ", ".join(columns)
        + f" FROM {_q(Visit._meta.db_table)} v{joins}"
        + f" LEFT JOIN {_q(Answer._meta.db_table)} a ON a.visit_id = v.id AND a.criterion_id = %s"
        + f" LEFT JOIN {_q(VisitDomainScore._meta.db_table)} s ON s.visit_id = v.id"
        + f" WHERE v.id = %s AND v.status = %s{team}{lock}"
    )


# PostgreSQL: the prepared statements of each open connection (keyed by the driver's connection
# object, so a reconnection starts afresh), and those whose state is unknown after an error.
_PREPARED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_UNSURE = object()


@cache
def _prepared_text(sql: str) -> tuple[str, str]:
    """(name, "PREPARE name AS ..." with $1, $2... for the %s placeholders) of ``sql``."""
    name = "kt_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:16]
    pieces = sql.split("%s")
    numbered = pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], start=1))
    return name, f"PREPARE {name} AS {numbered}"


def _execute_planned_once(cursor, sql: str, params: list) -> None:
    """Run ``sql`` as a statement PostgreSQL plans once per connection (PREPARE, then EXECUTE):
    the locking statement's plan cost more than its execution (0.4-0.7 ms against 0.1-0.5 ms
    measured in the bench), and it runs at every change made on site. The first use on a
    connection sends PREPARE and EXECUTE in one round trip; a prepared statement outlives a
    rolled-back transaction, so after an error (the PREPARE's fate unknown, or the statement lost
    by a pooler or DEALLOCATE) the connection runs the plain statement instead. Other databases:
    the plain statement."""
    if connection.vendor != "postgresql" or "%%" in sql:
        cursor.execute(sql, params)
        return
    name, prepare = _prepared_text(sql)
    known = _PREPARED.setdefault(connection.connection, {})
    state = known.get(name)
    if state is _UNSURE:
        cursor.execute(sql, params)
        return
    execute = f"EXECUTE {name}({', '.join(['%s'] * len(params))})"
    known[name] = _UNSURE  # until it has run: an error leaves the plain statement to this connection
    cursor.execute(execute if state else f"{prepare}\n; {execute}", params)  # after a closing comment too
    known[name] = True


@cache
def _converters(model, vendor: str) -> list[tuple]:
    """Each concrete field's column with the converters the ORM would apply to it (the backend's,
    then the field's), as SQLCompiler.get_converters finds them."""
    out = []
    for f in model._meta.concrete_fields:
        col = f.get_col(model._meta.db_table)
        out.append((col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
    return out


def _instance(model, values):
    """``model`` from its concrete columns as read, converted as the ORM converts them."""
    converted = []
    for value, (col, converters) in zip(values, _converters(model, connection.vendor), strict=True):
        for converter in converters:
            value = converter(value, col, connection)
        converted.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in model._meta.concrete_fields], converted)


def _before_and_scores(rows: list) -> tuple[dict | None, list[dict]]:
    """The answer's old values (None: no row) and the roll-up rows, from the locking rows."""
    if not rows:
        return None, []
    before = None
    if rows[0][0] is not None:
        row = dict(zip(BEFORE, rows[0][: len(BEFORE)], strict=True))
        before = {
            **row,
            "pk": row["id"],
            "client_token": _uuid(row["client_token"]),
            "self_score": _decimal(row["self_score"]),
            "score": _decimal(row["score"]),
            "figures": _json(row["figures"]),
        }
    scores = []
    width = len(BEFORE) + len(SCORES)
    for values in rows:
        score = dict(zip(SCORES, values[len(BEFORE) : width], strict=True))
        if score["domain_id"] is not None:
            score["points"], score["max_points"] = _decimal(score["points"]), _decimal(score["max_points"])
            scores.append(score)
    return before, scores


def locked_state(*, visit_id: int, criterion_id: int) -> tuple[dict | None, list[dict]] | None:
    """(the answer's row before the change, the visit's roll-up rows), in the statement that
    locks the visit's row, only while the visit is in progress: None otherwise. The answer's
    row is None when it does not exist yet."""
    with connection.cursor() as cursor:
        _execute_planned_once(
            cursor,
            _state_sql(granting=False, vendor=connection.vendor),
            [criterion_id, visit_id, VisitStatus.IN_PROGRESS.value],
        )
        rows = cursor.fetchall()
    return _before_and_scores(rows) if rows else None


def answering_state(*, user_id: int, visit_id: int, criterion_id: int) -> tuple | None:
    """(visit, answer before, roll-up rows) for an autosave by ``user_id``, read by the one
    statement that also authorises it (a member of the visit's team, the visit in progress) and
    locks the visit's row: the visit with its unit and checklist version loaded, the answer's
    old values (None when the row does not exist yet) and the visit's roll-up rows as
    locked_state gives them. None when the visit is not one ``user_id`` may answer now."""
    with connection.cursor() as cursor:
        _execute_planned_once(
            cursor,
            _state_sql(granting=True, vendor=connection.vendor),
            [criterion_id, visit_id, VisitStatus.IN_PROGRESS.value, user_id],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    at = len(BEFORE) + len(SCORES)
    loaded = []
    for _alias, model in _LOADED:
        width = len(model._meta.concrete_fields)
        loaded.append(_instance(model, rows[0][at : at + width]))
        at += width
    visit, visit.unit, visit.template = loaded
    return (visit, *_before_and_scores(rows))


def _answer_update(*, answer_id: int, base_version: int, values: dict) -> tuple[str, list]:
    """UPDATE the team's columns and bump the version, if the row is still at ``base_version``."""
    fields = [Answer._meta.get_field(name) for name in SAVED]
    params = [
        field.get_db_prep_save(
            values[field.name].pk if field.is_relation and values[field.name] else values[field.name],
            connection,
        )
        for field in fields
    ]
    sets = ", ".join(f"{_q(field.column)} = %s" for field in fields)
    # Names from the models, values as parameters.
    sql = (
        f"UPDATE {_q(Answer._meta.db_table)} SET {sets}, {_q('version')} = {_q('version')} + 1"  # noqa: S608
        f" WHERE id = %s AND {_q('version')} = %s"
    )
    return sql, [*params, answer_id, base_version]


def _change_record(*, client_id: uuid.UUID, answer_id: int, version: int, at) -> tuple[str, list]:
    """The INSERT of the applied change under its client id (unique: a second one raises
    IntegrityError), as "INSERT INTO t (columns)" and the values."""
    meta = AppliedChange._meta
    params = [
        meta.get_field("client_id").get_db_prep_save(client_id, connection),
        answer_id,
        version,
        meta.get_field("created_at").get_db_prep_save(at, connection),
    ]
    columns = ", ".join(_q(c) for c in ("client_id", "answer_id", "version", "created_at"))
    return f"INSERT INTO {_q(meta.db_table)} ({columns})", params


def _roll_up_move(
    *, visit_id: int, domain_id: int, points: Decimal, max_points: Decimal, answered: int, applicable: int
) -> tuple[str, list]:
    """Move one domain's roll-up row by a difference, in place (UPDATE ... SET points = points +
    delta), rounded to the columns' two decimals (SQLite adds in binary floating point)."""
    adapt = connection.ops.adapt_decimalfield_value
    # Names from the models, values as parameters.
    sql = (
        f"UPDATE {_q(VisitDomainScore._meta.db_table)} SET points = ROUND(points + %s, 2), "  # noqa: S608
        "max_points = ROUND(max_points + %s, 2), answered = answered + %s, applicable = applicable + %s "
        "WHERE visit_id = %s AND domain_id = %s"
    )
    params = [adapt(points, 8, 2), adapt(max_points, 8, 2), answered, applicable, visit_id, domain_id]
    return sql, params


def answer_create(*, visit_id: int, criterion_id: int) -> dict | None:
    """INSERT the answer's row with the model's defaults unless it exists (ON CONFLICT DO
    NOTHING, as bulk_create's ignore_conflicts: no signal sent) and give its values as
    locked_state would read them: None when the row existed (the unit's self-assessment may
    create it without the visit's lock)."""
    instance = Answer(visit_id=visit_id, criterion_id=criterion_id)
    head, fields = _insert_sql(Answer, connection.vendor)
    sql, params = _values(head, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields])
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ON CONFLICT DO NOTHING RETURNING id", params)
        row = cursor.fetchone()
    if row is None:
        return None
    return {**{name: getattr(instance, name) for name in BEFORE}, "id": row[0], "pk": row[0]}


def _run(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _values(head: str, params: list) -> tuple[str, list]:
    """An INSERT's head ("INSERT INTO t (columns)") with its values."""
    return f"{head} VALUES ({', '.join(['%s'] * len(params))})", params


def answer_write(
    *,
    answer_id: int,
    base_version: int,
    values: dict,
    change: dict | None = None,
    move: dict | None = None,
    audit=None,
) -> tuple[int, int]:
    """Apply one change if the answer's row is still at ``base_version``: the answer's UPDATE
    (the team's columns, the version bumped), then, only if it changed the row, the change's
    record (``change``: client_id, version, at; unique, a second one raises IntegrityError),
    the domain's roll-up moved by a difference (``move``: the arguments of _roll_up_move) and
    the audit entry (``audit``: an unsaved LogEntry). Returns (answer rows updated, roll-up rows
    moved): (0, 0) when the version check failed and nothing was written; no roll-up row moved
    when the domain has none yet.

    PostgreSQL: one statement (a data-modifying WITH: the later writes read the UPDATE's row, so
    they happen only with it, and a refused change record undoes the UPDATE too). SQLite, which
    has no data-modifying WITH: one statement each.
    """
    update = _answer_update(answer_id=answer_id, base_version=base_version, values=values)
    inserts = [_change_record(answer_id=answer_id, **change)] if change is not None else []
    if audit is not None:
        inserts.append(_insert_params(audit))
    moving = _roll_up_move(**move) if move is not None else None
    if connection.vendor == "postgresql":
        return _write_at_once(update, inserts, moving)
    if not _run(*update):
        return 0, 0
    for insert_ in inserts:
        _run(*_values(*insert_))
    return 1, _run(*moving) if moving is not None else 0


def _write_at_once(update: tuple, inserts: list[tuple], moving: tuple | None) -> tuple[int, int]:
    """PostgreSQL: the answer's UPDATE as "upd" (RETURNING its row), each INSERT a SELECT of its
    values FROM upd, the roll-up's UPDATE conditional on EXISTS (upd): one statement. Names
    from the models, values as parameters."""
    sql, params = update
    parts = [f"upd AS ({sql} RETURNING 1)"]
    for number, (head, values) in enumerate(inserts):
        parts.append(f"i{number} AS ({head} SELECT {', '.join(['%s'] * len(values))} FROM upd)")  # noqa: S608
        params = [*params, *values]
    moved = "0"
    if moving is not None:
        parts.append(f"m AS ({moving[0]} AND EXISTS (SELECT 1 FROM upd) RETURNING 1)")  # noqa: S608
        params = [*params, *moving[1]]
        moved = "(SELECT count(*) FROM m)"
    with connection.cursor() as cursor:
        sql = f"WITH {', '.join(parts)} SELECT (SELECT count(*) FROM upd), {moved}"  # noqa: S608
        cursor.execute(sql, params)
        return cursor.fetchone()
