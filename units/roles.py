"""The roles of DESIGN.md, kept as Django groups. The team leader is a per-visit role."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SCHEDULER = "Scheduler", _("Scheduler")
    INSPECTOR = "Inspector", _("Inspector")
    HEAD = "Department head", _("Department head")
    LIAISON = "Unit liaison", _("Unit liaison")
    ADMIN = "Administrator", _("Administrator")


# Roles that work for the inspecting department (Sở Nội vụ) and see its whole province.
STAFF_ROLES = {Role.SCHEDULER, Role.INSPECTOR, Role.HEAD, Role.ADMIN}


def has_role(user, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and Role.ADMIN in roles:
        return True
    return bool(user.role_names & set(roles))


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.ADMIN in user.role_names)


def is_staff_member(user) -> bool:
    """Works for the inspecting department (any role but the unit liaison)."""
    return is_admin(user) or has_role(user, *STAFF_ROLES)
