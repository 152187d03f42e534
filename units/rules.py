"""Object rules for units, in one place (loaded by rules' autodiscovery).

Who sees a unit: administrators every unit; the inspecting department's staff (scheduler,
inspector, department head) the whole province their home unit belongs to; a unit liaison only
their own unit and the units below it. Who changes units: schedulers and administrators, within
what they see.
"""

import rules

from .roles import STAFF_ROLES, Role, is_admin


def scope_prefix(user) -> str | None:
    """The path prefix of the units ``user`` may see: "" for all, None for none."""
    if not user.is_authenticated:
        return None
    if is_admin(user):
        return ""
    if user.unit_id is None:
        return None
    path = user.unit.path
    if user.role_names & {str(r) for r in STAFF_ROLES}:
        province_id = path.strip("/").split("/")[0]
        return f"/{province_id}/"
    if Role.LIAISON in user.role_names:
        return path
    return None


@rules.predicate
def sees_unit(user, unit) -> bool:
    prefix = scope_prefix(user)
    if prefix is None:
        return False
    return unit is None or unit.path.startswith(prefix)


@rules.predicate
def is_scheduler(user) -> bool:
    return Role.SCHEDULER in user.role_names


@rules.predicate
def is_administrator(user) -> bool:
    return is_admin(user)


can_manage_units = is_scheduler | is_administrator

rules.add_perm("units.view_unit", sees_unit)
rules.add_perm("units.change_unit", sees_unit & can_manage_units)
rules.add_perm("units.add_unit", can_manage_units)
rules.add_perm("units.import_units", can_manage_units)
# A unit with no parent (a province): only administrators, since anyone else would create a unit
# outside the province they can see.
rules.add_perm("units.add_top_level_unit", is_administrator)
# The security events and the outbox of core (read-only in the admin) are for the administrators.
rules.add_perm("core.view_securityevent", is_administrator)
rules.add_perm("core.view_outboxitem", is_administrator)
