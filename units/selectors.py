"""Reads for the unit pages, already filtered by what the user may see."""

from django.db.models import Count, Prefetch

from .access import units_visible_to
from .models import Unit


def unit_list(*, user):
    """Visible units with their parent, for lists and the tree (one query)."""
    return units_visible_to(user).select_related("parent")


def unit_detail_context(*, user, unit: Unit) -> dict:
    """What the unit page shows besides the unit: its children, its merger history, its people."""
    visible = units_visible_to(user)
    return {
        "children": visible.filter(parent=unit).annotate(child_count=Count("children")),
        "predecessors": visible.filter(successors=unit),
        "successors": visible.filter(predecessors=unit),
        "members": unit.members.filter(is_active=True)
        .prefetch_related(Prefetch("groups"))
        .order_by("last_name", "first_name"),
    }
