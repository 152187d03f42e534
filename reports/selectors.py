"""Reads for the reports pages: who sees which report, and what a page offers to produce.

The data each document shows is loaded by reports.documents.loaders (one module per document).
"""

from django.db.models import F, Q, QuerySet

from findings.selectors import finding_visits_visible_to
from inspections.selectors import plans_visible_to
from units.access import units_visible_to
from units.roles import is_staff_member

from .models import KIND_FORMATS, PENDING_STATES, IssuedDocument, Report, ReportFormat, ReportKind
from .report_rows import ROW_FIELDS

# Visibility


def reports_visible_to(user) -> QuerySet[Report]:
    """Reports whose scope ``user`` may see.

    A visit's notice: whoever may read the visit's findings (staff as for the visit, a liaison
    once it is concluded, and then only notices produced after the conclusion: a draft made
    during the review is internal). A plan's reports: the staff who see the plan. A unit's
    follow-up: whoever sees the unit (a liaison their own unit and the units below it).
    """
    if not user.is_authenticated:
        return Report.objects.none()
    visit_reports = Q(visit__in=finding_visits_visible_to(user).values("pk"))
    if not is_staff_member(user):
        visit_reports &= Q(visit__conclusion__created_at__lte=F("requested_at"))
    condition = (
        visit_reports
        | Q(plan__in=plans_visible_to(user).values("pk"))
        | (Q(kind=ReportKind.FOLLOW_UP, plan__isnull=True) & Q(unit__in=units_visible_to(user).values("pk")))
    )
    return Report.objects.filter(condition)


def scope_reports(*, user, visit=None, plan=None, unit=None, limit: int = 6) -> list[Report]:
    """The latest reports of one scope ``user`` may see (the panel on the visit, plan, unit pages)."""
    reports = (
        reports_visible_to(user)
        .for_scope(visit=visit, plan=plan, unit=unit)
        .select_related("requested_by")
        .only(*ROW_FIELDS)
        .order_by("-requested_at", "-id")
    )
    return list(reports[:limit])


def has_pending(reports: list[Report]) -> bool:
    return any(r.state in PENDING_STATES for r in reports)


# What a page offers


def report_offers(
    *, visit=None, plan=None, unit=None, issued: bool | None = None
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(kind, label, [(format, label)]) of the reports a scope can produce, in the order shown.

    A visit's notice is produced (as a draft) only until it is issued; after that its issued files
    are the notice, and nothing rebuilds it. ``issued``: whether any document was issued for the
    visit, when the caller has read them already (scope_issued), else one query."""
    if visit is not None:
        if issued is None:
            issued = IssuedDocument.objects.filter(visit=visit).exists()
        kinds = [] if issued else [ReportKind.CONCLUSION]
    elif plan is not None:
        kinds = [ReportKind.PLAN_SUMMARY, ReportKind.FOLLOW_UP]
    elif unit is not None:
        kinds = [ReportKind.FOLLOW_UP]
    else:
        kinds = []
    formats = dict(ReportFormat.choices)
    return [(kind, ReportKind(kind).label, [(f, formats[f]) for f in KIND_FORMATS[kind]]) for kind in kinds]


def scope_issued(*, visit=None, plan=None, unit=None) -> tuple[list[IssuedDocument], bool | None]:
    """issued_for_scope and, for a visit, whether any document names the visit (what
    report_offers asks), from one query: the documents of the visit, those of the visit alone
    kept for the register."""
    if visit is None:
        return issued_for_scope(visit=visit, plan=plan, unit=unit), None
    documents = list(
        IssuedDocument.objects.filter(visit=visit)
        .select_related("replaces")
        .order_by("-date", "-number", "-id")
    )
    return [d for d in documents if d.plan_id is None and d.unit_id is None], bool(documents)


def issued_for_scope(*, visit=None, plan=None, unit=None) -> list[IssuedDocument]:
    """The documents issued for a visit, plan or unit, newest first (the panel's register)."""
    if visit is None and plan is None and unit is None:
        return []
    return list(
        IssuedDocument.objects.filter(visit=visit, plan=plan, unit=unit)
        .select_related("replaces")
        .order_by("-date", "-number", "-id")
    )


def issued_history(doc: IssuedDocument) -> list[dict]:
    """What happened after ``doc`` was issued, shown beside it (never written into it): its
    corrections, and for a notice the extensions granted and actions reopened, in time order."""
    from findings.models import ExtensionDecision, RemediationUpdate, UpdateKind

    events = [
        {"at": c.issued_at, "kind": "correction", "document": c}
        for c in IssuedDocument.objects.filter(replaces=doc).order_by("issued_at", "id")
    ]
    if doc.visit_id:
        updates = (
            RemediationUpdate.objects.filter(
                action__finding__visit_id=doc.visit_id,
                at__gt=doc.issued_at,
            )
            .filter(
                Q(kind=UpdateKind.EXTENSION_DECISION, decision=ExtensionDecision.GRANTED)
                | Q(kind=UpdateKind.REOPEN)
            )
            .select_related("action__finding", "reply_to", "actor")
            .order_by("at", "id")
        )
        events += [{"at": u.at, "kind": u.kind, "update": u} for u in updates]
    return sorted(events, key=lambda e: e["at"])
