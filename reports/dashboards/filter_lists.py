"""The dashboard filter's two lists, the plans and the units, read in one query.

selectors.dashboard_plans and selectors.dashboard_units each read one list (two round trips and
two compiled queries for the head's dashboard, its every-year and one-commune views and the
ranking). Here both come from one UNION ALL with the same rules: the plans ``user`` may see, newest
first, and the units ``user`` may see that the filter offers (provinces, departments, former
districts) plus the unit asked for, in tree order. reports/tests/test_dashboard_filter_lists.py
holds them equal to the two selectors' lists for every role.
"""

from django.db import DEFAULT_DB_ALIAS
from django.db.models import CharField, F, IntegerField, Q, Value

from inspections.models import InspectionPlan
from inspections.selectors import plans_visible_to
from units.access import units_visible_to
from units.models import Unit

from .selectors import BRANCH_KINDS

_PLAN, _UNIT = 0, 1


def plans_and_units(*, user, unit_id: int | None = None) -> tuple[list[InspectionPlan], list[Unit]]:
    """(selectors.dashboard_plans(user=user), selectors.dashboard_units(user=user, unit_id=unit_id))
    in one query: the plans' id, title and year, the units' id, name, depth, path and kind, as
    model instances with only those fields loaded."""
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
    rows = (
        plans.order_by()
        .values_list(*columns)
        .union(units.order_by().values_list(*columns), all=True)
        .order_by("f_list", "f_rank", "f_path", "f_label", "pk")
    )
    found_plans, found_units = [], []
    for pk, label, number_, path, kind, which, _rank in rows:
        if which == _PLAN:
            found_plans.append(_loaded(InspectionPlan, id=pk, title=label, year=number_))
        else:
            found_units.append(_loaded(Unit, id=pk, name=label, depth=number_, path=path, kind=kind))
    return found_plans, found_units


def _loaded(model, **values):
    """An instance of ``model`` as a query with only(*values) loads it (the other fields deferred;
    from_db takes the values in the model's field order)."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, fields, [values[name] for name in fields])
