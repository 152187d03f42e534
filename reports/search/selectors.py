"""Search across units, visits, findings and recommendations, ignoring diacritics and case.

Each kind is read through its owning app's visible-to-user selector, so a result list never holds
what the user could not open. Units match their folded ``search_text`` column; the others match
free text folded in the database (core.search.Fold: unaccent on PostgreSQL, a Python function
on SQLite). Every word of the query must occur ("ho so tre han" finds "Hồ sơ trễ hạn").
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.search import folded_words, matches_words
from findings.models import Finding, FindingKind
from findings.selectors import finding_visits_visible_to, findings_visible_to
from inspections.models import Visit
from inspections.selectors import visits_visible_to
from units.access import units_visible_to
from units.models import Unit
from units.selectors import predecessor_ids, unit_with_predecessors_ids


def search_units(*, user, query: str) -> QuerySet[Unit]:
    """Visible units whose name, short name or code has every word of ``query``, in tree order."""
    return units_visible_to(user).search(query).select_related("parent").order_by("path")


def search_visits(*, user, query: str) -> QuerySet[Visit]:
    """Visible visits whose unit, plan title or place has every word of ``query``, newest first;
    and the visits of the units that a unit so named replaced (searching "Bình Tân Mỹ" finds the
    2020 visits of Bình Tấn and Tân Mỹ, each shown as before the reorganisation)."""
    successors = units_visible_to(user).search(query).filter(predecessors__isnull=False).distinct()
    replaced = predecessor_ids(successors.values_list("pk", flat=True)) if successors.exists() else set()
    return (
        visits_visible_to(user)
        .filter(matches_words(query, "unit__name", "plan__title", "place") | Q(unit_id__in=replaced))
        .select_related("unit", "plan")
        .prefetch_related(Prefetch("unit__successors", queryset=Unit.objects.only("id", "name")))
        .order_by("-starts_at", "-id")
    )


def unit_inspections(*, user, unit: Unit) -> QuerySet[Visit]:
    """The visible visits of ``unit`` and of the units it replaced (units.selectors), newest
    first, for the unit's page: the successor of a merger shows its predecessors' inspections."""
    return (
        visits_visible_to(user)
        .filter(unit_id__in=unit_with_predecessors_ids(unit))
        .select_related("unit", "plan")
        .order_by("-starts_at", "-id")
    )


def _findings(user, visit_ids: list[int] | None) -> QuerySet[Finding]:
    if visit_ids is None:
        findings = findings_visible_to(user)
    else:
        findings = Finding.objects.filter(visit_id__in=visit_ids)
    return findings.select_related("visit__unit", "visit__plan", "criterion")


def finding_visit_ids(*, user) -> list[int]:
    """The ids of the visits whose findings ``user`` may read (findings.selectors decides), read
    once a search: with the list, the database folds only those visits' findings rather than
    every finding of the country before applying visibility."""
    return list(finding_visits_visible_to(user).values_list("pk", flat=True))


def search_findings(*, user, query: str, visit_ids: list[int] | None = None) -> QuerySet[Finding]:
    """Visible findings (strengths and limitations) whose text has every word of ``query``, newest first."""
    return (
        _findings(user, visit_ids).filter(matches_words(query, "text")).order_by("-visit__starts_at", "-id")
    )


def search_recommendations(*, user, query: str, visit_ids: list[int] | None = None) -> QuerySet[Finding]:
    """Visible limitations whose recommendation has every word of ``query``, newest first."""
    return (
        _findings(user, visit_ids)
        .filter(kind=FindingKind.LIMITATION)
        .exclude(recommendation="")
        .filter(matches_words(query, "recommendation"))
        .order_by("-visit__starts_at", "-id")
    )


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: str
    search: object
    template: str
    of_findings: bool = False


KINDS = [
    SearchKind("units", _("Units"), search_units, "search/_units.html"),
    SearchKind("visits", _("Visits"), search_visits, "search/_visits.html"),
    SearchKind("findings", _("Findings"), search_findings, "search/_findings.html", of_findings=True),
    SearchKind(
        "recommendations",
        _("Recommendations"),
        search_recommendations,
        "search/_recommendations.html",
        of_findings=True,
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def search_results(*, user, query: str, kinds: list[SearchKind]) -> list[tuple[SearchKind, QuerySet]]:
    """The result queryset of each kind, in order (one query beforehand when findings are searched)."""
    visit_ids = finding_visit_ids(user=user) if any(kind.of_findings for kind in kinds) else None
    results = []
    for kind in kinds:
        extra = {"visit_ids": visit_ids} if kind.of_findings else {}
        results.append((kind, kind.search(user=user, query=query, **extra)))
    return results


def is_searchable(query: str | None) -> bool:
    """A query with at least one word (after folding) of two characters or more."""
    return any(len(word) >= 2 for word in folded_words(query))
