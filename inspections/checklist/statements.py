"""The autosave's own statements, in SQL: the save of one answer runs at every change made on
site (issue "Flat, fast pages", item 4: at most 3 x a login-required "ok"), and building these
four statements with the ORM cost more than running them. Plain SQL that PostgreSQL and SQLite
both run; values go through the model fields' own preparation (``get_db_prep_save``), so they
are stored exactly as the ORM stores them. checklist.answers decides; this module only reads and
writes.
"""

import json
import uuid
from decimal import Decimal
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models.signals import pre_save

from ..models import Answer, Visit, VisitDomainScore, VisitStatus
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
SAVED = ("result", "score", "figures", "text", "note", "client_token", "updated_by", "updated_at")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _insert_sql(model, vendor: str) -> tuple[str, list]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_q(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {_q(model._meta.db_table)} ({columns}) VALUES ({values})", fields  # noqa: S608


def insert(instance) -> None:
    """INSERT ``instance`` as Model.save() would: pre_save is sent (auditlog fills the request's
    address and correlation id of an audit entry there), each field's pre_save and preparation
    applied; no pk comes back and post_save is not sent (for rows nobody reads back, such as the
    audit entry of a change)."""
    pre_save.send(
        sender=type(instance), instance=instance, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None
    )
    sql, fields = _insert_sql(type(instance), connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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


def locked_state(*, visit_id: int, criterion_id: int) -> tuple[dict | None, list[dict]]:
    """The answer's row before the change and the visit's roll-up rows, in the statement that
    locks the visit's row (FOR UPDATE OF the visit: PostgreSQL; SQLite serialises its writers),
    only while the visit is in progress: (None, []) otherwise, or when the row does not exist."""
    lock = " FOR UPDATE OF v" if connection.features.has_select_for_update_of else ""
    # Names from the models, values as parameters.
    sql = (
        "SELECT "  # noqa: S608
        + ", ".join(f"a.{_q(c)}" for c in BEFORE)
        + ", "
        + ", ".join(f"s.{_q(c)}" for c in SCORES)
        + f" FROM {_q(Visit._meta.db_table)} v"
        + f" LEFT JOIN {_q(Answer._meta.db_table)} a ON a.visit_id = v.id AND a.criterion_id = %s"
        + f" LEFT JOIN {_q(VisitDomainScore._meta.db_table)} s ON s.visit_id = v.id"
        + f" WHERE v.id = %s AND v.status = %s{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [criterion_id, visit_id, VisitStatus.IN_PROGRESS.value])
        rows = cursor.fetchall()
    if not rows or rows[0][0] is None:
        return None, []
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
    for values in rows:
        score = dict(zip(SCORES, values[len(BEFORE) :], strict=True))
        if score["domain_id"] is not None:
            score["points"], score["max_points"] = _decimal(score["points"]), _decimal(score["max_points"])
            scores.append(score)
    return before, scores


def answer_update(*, answer_id: int, base_version: int, values: dict) -> int:
    """UPDATE the team's columns and bump the version, if the row is still at ``base_version``;
    the number of rows changed (0 or 1)."""
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
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, answer_id, base_version])
        return cursor.rowcount


def change_record(*, client_id: uuid.UUID, answer_id: int, version: int, at) -> None:
    """INSERT the applied change under its client id (unique: a second one raises IntegrityError)."""
    meta = AppliedChange._meta
    params = [
        meta.get_field("client_id").get_db_prep_save(client_id, connection),
        answer_id,
        version,
        meta.get_field("created_at").get_db_prep_save(at, connection),
    ]
    # Names from the models, values as parameters.
    sql = (
        f"INSERT INTO {_q(meta.db_table)} ({_q('client_id')}, {_q('answer_id')}, {_q('version')}, "  # noqa: S608
        f"{_q('created_at')}) VALUES (%s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def roll_up_move(
    *, visit_id: int, domain_id: int, points: Decimal, max_points: Decimal, answered: int, applicable: int
) -> int:
    """Move one domain's roll-up row by a difference, in place (UPDATE ... SET points = points +
    delta), rounded to the columns' two decimals (SQLite adds in binary floating point); the
    number of rows changed (0 when the domain has no row yet)."""
    adapt = connection.ops.adapt_decimalfield_value
    # Names from the models, values as parameters.
    sql = (
        f"UPDATE {_q(VisitDomainScore._meta.db_table)} SET points = ROUND(points + %s, 2), "  # noqa: S608
        "max_points = ROUND(max_points + %s, 2), answered = answered + %s, applicable = applicable + %s "
        "WHERE visit_id = %s AND domain_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [adapt(points, 8, 2), adapt(max_points, 8, 2), answered, applicable, visit_id, domain_id],
        )
        return cursor.rowcount
