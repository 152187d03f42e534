"""The only way a view turns an id into a unit."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Unit
from .rules import scope_prefix


def units_visible_to(user):
    """Every unit ``user`` may see (see units.rules for who sees what)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return Unit.objects.none()
    if prefix == "":
        return Unit.objects.all()
    return Unit.objects.filter(path__startswith=prefix)


def get_unit_for_user(user, pk, *, write: bool = False) -> Unit:
    """Return unit ``pk``: 404 when ``user`` may not see it, 403 when ``write`` and read-only."""
    unit = units_visible_to(user).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    if write and not user.has_perm("units.change_unit", unit):
        raise PermissionDenied
    return unit
