"""The menu of every app: which entries the navigation bar (templates/base.html) offers a user.

A context processor (settings.TEMPLATES). It sits in config, above the apps, because it names the
pages of all of them; an entry is shown where the page would open for the user, asked of the
same rules as the page where the page has one.
"""

from core.permissions import can
from units.roles import Role, has_role, is_admin


def navigation(request):
    """What the navigation bar offers: each role sees the menus it can use (no queries for guests)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            # Not can("units.view_unit"): that reads the user's home unit, a query on every page.
            "units": is_admin(user)
            or has_role(user, Role.SCHEDULER, Role.INSPECTOR, Role.HEAD, Role.LIAISON),
            "manage_units": can(user, "units.add_unit"),
            "admin": is_admin(user),
            # Inspections: plans for the department's staff, visits for anyone who has some.
            "plans": can(user, "inspections.view_inspectionplan"),
            "calendar": is_admin(user)
            or has_role(user, Role.SCHEDULER, Role.INSPECTOR, Role.HEAD, Role.LIAISON),
            "visits": is_admin(user)
            or has_role(user, Role.SCHEDULER, Role.INSPECTOR, Role.HEAD, Role.LIAISON),
            "my_visits": has_role(user, Role.INSPECTOR),
            # Findings: the head's review queue, the remediation list, the liaison's own unit.
            "review_queue": has_role(user, Role.HEAD),
            "remediation": is_admin(user) or has_role(user, Role.SCHEDULER, Role.INSPECTOR, Role.HEAD),
            "my_unit": has_role(user, Role.LIAISON),
            "dashboard": is_admin(user) or has_role(user, Role.HEAD),
            # The reform index: rounds for the staff, the unit's scorecard and ranking for liaisons.
            "reform_index": is_admin(user)
            or has_role(user, Role.SCHEDULER, Role.INSPECTOR, Role.HEAD, Role.LIAISON),
            "search": True,
        }
    }
