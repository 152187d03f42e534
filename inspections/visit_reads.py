"""What the list pages read of a visit, and its leader's name without its team rows.

The visit list, the calendar, a plan's page, my visits and the homes draw a visit's date, unit,
plan, status and leader. Making the whole visit, unit, plan and a team row with its user for
each cost more than drawing the row (issue 17), so these read the columns drawn and the
leader's name alone: in the page's own query (with_leader_name, a subquery per row on the
one-leader index, for a query that stops at its page) or in a second query of tuples
(leader_names, for a query whose rows a window function numbers first).
"""

from django.db.models import OuterRef, QuerySet, Subquery

from .models import TeamMember, TeamRole, Visit

# What str(user) reads (units.models.User.__str__).
_NAME_FIELDS = ("first_name", "last_name", "username")


def person_name(last_name: str | None, first_name: str | None, username: str) -> str:
    """A person's name as units.models.User.__str__ writes it (family name first)."""
    return " ".join(filter(None, [last_name, first_name])).strip() or username


# What a row of the visit table reads (inspections.visit_table.visit_rows) and the calendar's
# links: a visit, its unit and its plan have some forty columns, and making the objects of a page
# cost more than drawing it.
VISIT_ROW_FIELDS = (
    "id",
    "status",
    "starts_at",
    "ends_at",
    "unit_id",
    "plan_id",
    "unit__name",
    "unit__short_name",
    "unit__valid_to",
    "plan__title",
    "plan__year",
)


def with_leader_name(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """``visits`` with their leader's name fields in the same query (a subquery per field on the
    one-leader index): see named_leaders, which turns them into ``leader_name``."""
    leader = TeamMember.objects.filter(visit=OuterRef("pk"), role=TeamRole.LEADER)
    return visits.annotate(**{f"leader_{f}": Subquery(leader.values(f"user__{f}")[:1]) for f in _NAME_FIELDS})


def named_leaders(visits) -> list[Visit]:
    """The visits of a with_leader_name queryset, each with ``leader_name`` (as str(user), or
    None for a visit without a leader): no team rows nor users made for a name."""
    rows = list(visits)
    for visit in rows:
        visit.leader_name = (
            None
            if visit.leader_username is None
            else person_name(visit.leader_last_name, visit.leader_first_name, visit.leader_username)
        )
    return rows


def leader_names(visits) -> list[Visit]:
    """The visits (a list or a queryset), each with ``leader_name`` as named_leaders sets it, from
    one query of the names of their leaders (tuples, no objects). For the queries whose rows a
    window function numbers (the calendar, my visits): a subquery per row there would run for
    every row numbered, not only the ones kept."""
    rows = list(visits)
    names = {
        visit_id: person_name(last, first, username)
        for visit_id, last, first, username in TeamMember.objects.filter(
            visit_id__in=[v.pk for v in rows], role=TeamRole.LEADER
        ).values_list("visit_id", "user__last_name", "user__first_name", "user__username")
    }
    for visit in rows:
        visit.leader_name = names.get(visit.pk)
    return rows
