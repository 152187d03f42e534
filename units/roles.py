"""The roles of DESIGN.md, kept as Django groups. The team leader is a per-visit role."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SCHEDULER = "Scheduler", _("Scheduler")
    INSPECTOR = "Inspector", _("Inspector")
    HEAD = "Department head", _("Department head")
    LIAISON = "Unit liaison", _("Unit liaison")
    ADMIN = "Administrator", _("Administrator")


# What each role does, for the administrator who assigns it (the admin's help texts).
ROLE_HELP = {
    Role.SCHEDULER: _("Keeps the unit tree, writes inspection plans, forms teams and schedules the visits."),
    Role.INSPECTOR: _("Sits on inspection teams: fills the checklist on site and writes the findings."),
    Role.HEAD: _("Approves plans, reviews findings and follows remediation in the province."),
    Role.LIAISON: _(
        "Contact person of an inspected unit: self-assessment before a visit, remediation after it."
    ),
    Role.ADMIN: _("Manages users, roles, checklist templates and public holidays."),
}


def role_label(name: str) -> str:
    """The translated name of the role kept as group ``name`` (the name itself for another group)."""
    return str(Role(name).label) if name in Role.values else name


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
