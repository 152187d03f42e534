"""The only way a view turns an id into a unit, or is let into a units page.

Every answer comes from the rules of units/rules.py through core.permissions.can: views never
check roles or permissions themselves.
"""

from django.http import Http404

from core.permissions import can, require

from .models import Unit
from .rules import scope_prefix

__all__ = ["can", "get_unit_for_user", "require", "require_units_page", "units_visible_to"]


def units_visible_to(user):
    """Every unit ``user`` may see (see units.rules for who sees what)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Unit.objects.none()
    if prefix == "":
        return Unit.objects.all()
    return Unit.objects.filter(path__startswith=prefix)


def require_units_page(user, perm: str = "units.view_unit") -> None:
    """403 unless ``user`` holds ``perm`` on units in general: "units.view_unit" for the list
    and the tree, "units.add_unit" for the creation form, "units.import_units" for the import."""
    require(user, perm, None)


def get_unit_for_user(user, pk, *, write: bool = False) -> Unit:
    """Return unit ``pk``: 404 when ``user`` may not see it, 403 when ``write`` and read-only."""
    unit = units_visible_to(user).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    if write:
        require(user, "units.change_unit", unit)
    return unit
