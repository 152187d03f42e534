"""The dashboard filter's two lists, the plans and the units, read in one query.

selectors.dashboard_plans and selectors.dashboard_units each read one list (two round trips and
two compiled queries for the head's dashboard, its every-year and one-commune views and the
ranking). Here both come from one UNION ALL with the same rules: the plans ``user`` may see, newest
first, and the units ``user`` may see that the filter offers (provinces, departments, former
districts) plus the unit asked for, in tree order. reports/tests/test_dashboard_filter_lists.py
holds them equal to the two selectors' lists for every role.
"""

from django.db import DEFAULT_DB_ALIAS
from django.db.models import CharField, F, IntegerField, Q, Subquery, Value

from inspections.models import InspectionPlan
from inspections.selectors import plans_visible_to
from units.access import units_visible_to
from units.models import Unit
from units.rules import scope_prefix

from .selectors import BRANCH_KINDS

_PLAN, _UNIT, _SCOPE = 0, 1, 2


def plans_and_units(
    *, user, unit_id: int | None = None
) -> tuple[list[InspectionPlan], list[Unit], list[int] | None]:
    """(selectors.dashboard_plans(user=user), selectors.dashboard_units(user=user, unit_id=unit_id),
    the scope's unit ids of unit ``unit_id``) in one query: the plans' id, title and year, the
    units' id, name, depth, path and kind, as model instances with only those fields loaded.

    The third list is, when a unit is asked for, what Scope(prefix=that unit's path).unit_ids reads
    (the units of its subtree and the units those replaced: selectors.scope), read here by the
    asked unit's path in the same query; the view gives it to the scope once the form has
    accepted the unit (None when no unit is asked for)."""
    wanted = Q(kind__in=BRANCH_KINDS)
    if unit_id is not None:
        wanted |= Q(pk=unit_id)
    text, number = CharField(), IntegerField()
    # The same columns on both sides (named apart from the models' own fields).
    columns = ("pk", "f_label", "f_number", "f_path", "f_kind", "f_list", "f_rank")
    plans = plans_visible_to(user).annotate(
        f_label=F("title"),
        f_number=F("year"),
        f_path=Value("", output_field=text),
        f_kind=Value("", output_field=text),
        f_list=Value(_PLAN, output_field=number),
        # Newest first: -year, then the title, then the id (dashboard_plans' order).
        f_rank=-F("year"),
    )
    units = (
        units_visible_to(user)
        .filter(wanted)
        .annotate(
            f_label=F("name"),
            f_number=F("depth"),
            f_path=F("path"),
            f_kind=F("kind"),
            f_list=Value(_UNIT, output_field=number),
            f_rank=Value(0, output_field=number),
        )
    )
    parts = [units.order_by().values_list(*columns)]
    prefix = scope_prefix(user)
    if unit_id is not None and prefix is not None:
        # The asked unit's subtree and the units it replaced, by its path (a unit the user may not
        # see is refused by the form: then these ids are not used). Within the user's scope's
        # units (the path's pattern index), each tested against the asked unit's path.
        asked = Subquery(Unit.objects.filter(pk=unit_id).values("path")[:1])
        blank = {"f_label": Value("", output_field=text), "f_number": Value(0, output_field=number)}
        blank |= {"f_path": Value("", output_field=text), "f_kind": Value("", output_field=text)}
        marks = {"f_list": Value(_SCOPE, output_field=number), "f_rank": Value(0, output_field=number)}
        parts.append(
            units_visible_to(user)
            .filter(path__startswith=asked)
            .order_by()
            .annotate(**blank, **marks)
            .values_list(*columns)
        )
        # The successors among the user's scope's units too (the path's pattern index), as above.
        parts.append(
            replaced_units_of_path(asked)
            .filter(from_unit__path__startswith=prefix)
            .order_by()
            .annotate(**blank, **marks)
            .values_list("to_unit_id", *columns[1:])
        )
    rows = (
        plans.order_by()
        .values_list(*columns)
        .union(*parts, all=True)
        .order_by("f_list", "f_rank", "f_path", "f_label", "pk")
    )
    found_plans, found_units, scope_ids = [], [], None if unit_id is None else []
    for pk, label, number_, path, kind, which, _rank in rows:
        if which == _PLAN:
            found_plans.append(_loaded(InspectionPlan, id=pk, title=label, year=number_))
        elif which == _UNIT:
            found_units.append(_loaded(Unit, id=pk, name=label, depth=number_, path=path, kind=kind))
        else:
            scope_ids.append(pk)
    if scope_ids is not None:
        scope_ids = list(dict.fromkeys(scope_ids))
    return found_plans, found_units, scope_ids


def replaced_units_of_path(path):
    """units.selectors.replaced_units_of for a path given as an expression (the asked unit's,
    read in the same query): the rows of the units its subtree replaced, one merger back."""
    through = Unit.predecessors.through
    return through.objects.filter(from_unit__path__startswith=path)


def _loaded(model, **values):
    """An instance of ``model`` as a query with only(*values) loads it (the other fields deferred;
    from_db takes the values in the model's field order)."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, fields, [values[name] for name in fields])
