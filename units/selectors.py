"""Reads for the unit pages, already filtered by what the user may see."""

from django.db import connection
from django.db.models import Count, Prefetch

from .access import units_visible_to
from .models import Unit


def unit_list(*, user):
    """Visible units with their parent, for lists and the tree (one query)."""
    return units_visible_to(user).select_related("parent")


# Units below a unit shown per page of its page: a province of 2025 has a hundred communes right
# under it (issue 17: no page grows with the data).
CHILDREN_PAGE_SIZE = 25

# Rows of the unit tree per page: the unit list's 50, so that the tree of a province of 300
# communes costs what the list does (issue 17: no page grows with the data).
TREE_PAGE_SIZE = 50


def unit_tree(*, user):
    """Visible units in tree order (by path) with the columns a tree row shows."""
    return units_visible_to(user).only("id", "name", "kind", "path", "depth", "valid_from", "valid_to")


def units_above(*, user, unit: Unit) -> list[Unit]:
    """The visible units above ``unit``, from the top: where a later page of the tree starts."""
    return list(unit_tree(user=user).filter(pk__in=unit.ancestor_ids))


def unit_detail_context(*, user, unit: Unit) -> dict:
    """What the unit page shows besides the unit: its children, its merger history, its people."""
    visible = units_visible_to(user)
    return {
        "children": visible.filter(parent=unit).annotate(child_count=Count("children")).order_by("path"),
        "predecessors": visible.filter(successors=unit),
        "successors": visible.filter(predecessors=unit),
        "members": unit.members.filter(is_active=True)
        .prefetch_related(Prefetch("groups"))
        .order_by("last_name", "first_name"),
    }


# Every unit that the ids (a parameter list) replaced, through each merger back, in one recursive
# query; UNION (not UNION ALL) stops at a unit already found, so a cycle of mergers ends too.
_REPLACED_SQL = (
    "WITH RECURSIVE replaced(id) AS ("
    "SELECT p.to_unit_id FROM {table} p WHERE p.from_unit_id IN ({ids})"
    " UNION SELECT p.to_unit_id FROM {table} p JOIN replaced r ON p.from_unit_id = r.id"
    ") SELECT id FROM replaced"
)


def predecessor_ids(unit_ids) -> set[int]:
    """The ids of every unit that ``unit_ids`` replaced, through each merger back (a commune of
    2025 that replaced two of 2020 which replaced one of 2008), ``unit_ids`` themselves left out:
    one recursive query (was one query per generation, and one more to find the last empty)."""
    ids = sorted({int(pk) for pk in unit_ids if pk is not None})
    if not ids:
        return set()
    sql = _REPLACED_SQL.format(
        table=connection.ops.quote_name(Unit.predecessors.through._meta.db_table),
        ids=", ".join(["%s"] * len(ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {row[0] for row in cursor.fetchall()} - set(ids)


def unit_with_predecessors_ids(unit: Unit) -> list[int]:
    """``unit``'s id and its predecessors' (see predecessor_ids): what the successor's page,
    search, lists, dashboards and follow-up reports read its inspections from."""
    return [unit.pk, *sorted(predecessor_ids([unit.pk]))]


def replaced_units_of(prefix: str):
    """A subquery of the ids of the units that the units under path ``prefix`` replaced (one
    merger back), for reads that must stay one query (the dashboards' scope)."""
    through = Unit.predecessors.through
    return through.objects.filter(from_unit__path__startswith=prefix).values("to_unit_id")
