from units.roles import Role, has_role, is_admin


def navigation(request):
    """What the navigation bar offers: each role sees the menus it can use (no queries for guests)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "units": is_admin(user)
            or has_role(user, Role.SCHEDULER, Role.INSPECTOR, Role.HEAD, Role.LIAISON),
            "manage_units": is_admin(user) or has_role(user, Role.SCHEDULER),
            "admin": is_admin(user),
            # Inspections: plans for the department's staff, visits for anyone who has some.
            "plans": is_admin(user) or has_role(user, Role.SCHEDULER, Role.INSPECTOR, Role.HEAD),
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
            "search": True,
        }
    }
