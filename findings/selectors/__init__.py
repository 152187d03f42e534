"""Reads for the findings pages: permission-filtered and fully loaded (constant query counts).

The history panels (audit log and visit events as lines to read) are in history.py.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from inspections.models import Answer, AnswerResult, Visit, VisitStatus
from inspections.selectors import team_prefetch, units_under, visible_visit_ids, visits_visible_to
from units.models import IssuingBody, Unit
from units.roles import Role, has_role, is_staff_member
from units.rules import scope_prefix
from units.selectors import predecessor_ids

from ..models import (
    ACTION_OPEN_STATES,
    ActionState,
    Conclusion,
    Finding,
    FindingKind,
    FindingReview,
    RemediationAction,
    RemediationUpdate,
    ReviewState,
    UpdateAttachment,
    UpdateKind,
)

# Visibility


def finding_visits_visible_to(user) -> QuerySet[Visit]:
    """Visits whose findings ``user`` may read: the department's staff as for the visit itself;
    a liaison only once the visit is concluded (drafts and the review are internal)."""
    visits = visits_visible_to(user)
    if not is_staff_member(user):
        visits = visits.filter(status=VisitStatus.CONCLUDED)
    return visits


def findings_visible_to(user) -> QuerySet[Finding]:
    """Findings of the visits finding_visits_visible_to(user) returns: EXISTS of the finding's
    visit among them (a probe of the visit's primary key and of the visible ids per finding), so
    that a page of findings in some order reads that order's index and stops at the page."""
    return Finding.objects.filter(Exists(finding_visits_visible_to(user).filter(pk=OuterRef("visit_id"))))


def actions_visible_to(user) -> QuerySet[RemediationAction]:
    """Remediation actions ``user`` may read.

    Staff: the actions of the visits they see (heads and schedulers their province, inspectors the
    visits whose team they are on). A liaison: the actions owned by their unit or a unit below it.
    """
    if not user.is_authenticated:
        return RemediationAction.objects.none()
    if (prefix := _liaison_prefix(user)) is None:
        # EXISTS of the action's visit among the visible ones: the remediation list walks the
        # (due_date, id) index (findings_action_due_id) and stops at its 25 rows, instead of
        # building the set of every visible finding and sorting every visible action.
        return RemediationAction.objects.filter(
            Exists(visits_visible_to(user).filter(pk=OuterRef("finding__visit_id")))
        )
    by_visit = Finding.objects.filter(visit__in=visits_visible_to(user).values("pk")).values("pk")
    # A UNION of id subqueries, each on its index (the action's unique finding, and its
    # (unit, state, due_date) index from the unit path's pattern index): an OR across joins made
    # PostgreSQL join every action of the country to its finding and unit before filtering.
    ids = (
        RemediationAction.objects.filter(finding__in=by_visit)
        .values("pk")
        .union(RemediationAction.objects.filter(unit__in=units_under(prefix)).values("pk"))
    )
    return RemediationAction.objects.filter(pk__in=ids)


def _liaison_prefix(user) -> str | None:
    """The unit path a liaison's actions hang under (None for staff: their actions are those of
    the visits they see)."""
    return scope_prefix(user) if has_role(user, Role.LIAISON) else None


def actions_to_count(user) -> QuerySet[RemediationAction]:
    """The actions of actions_visible_to(user), shaped for an aggregate over all of them (the
    list's total and plan options, the home page's counts) rather than for a page of them.

    For staff the visibility is the finding's visit among the visible visit ids (a hash of the
    ids the action rows join to), not an EXISTS probe per action: the aggregate reads every
    action anyway, and the probe joined the visits a second time (half the query's time on the
    large bench set). A liaison's actions are actions_visible_to's own UNION of ids.
    """
    if not user.is_authenticated or _liaison_prefix(user) is not None:
        return actions_visible_to(user)
    ids = visible_visit_ids(user)
    actions = RemediationAction.objects.all()
    return actions if ids is None else actions.filter(finding__visit_id__in=ids)


# The visit's findings


@dataclass
class VisitFindings:
    strengths: list[Finding]
    limitations: list[Finding]
    conclusion: Conclusion | None
    # Criteria answered "not met" / "partly" that have no limitation yet: (answer, criterion).
    candidates: list[Answer] = field(default_factory=list)

    @property
    def all(self) -> list[Finding]:
        return self.strengths + self.limitations

    @property
    def counts(self) -> dict[str, int]:
        result = {state: 0 for state in ReviewState.values}
        for finding in self.all:
            result[finding.review_state] += 1
        return result

    @property
    def recommendations(self) -> list[Finding]:
        return [f for f in self.limitations if f.recommendation]


REVIEWS = Prefetch("reviews", queryset=FindingReview.objects.select_related("actor"), to_attr="review_list")


def _findings_query(
    visit: Visit, *, with_actions: bool = True, with_reviews: bool = True
) -> QuerySet[Finding]:
    findings = (
        # Not created_by: no page of a visit's findings shows who wrote each one (the finding's
        # own page does, from its own query).
        visit.findings.select_related("domain", "criterion", *(["action"] if with_actions else [])).order_by(
            "kind", "order", "id"
        )
    )
    # Into a list (to_attr): a queryset per finding costs more than the query itself.
    return findings.prefetch_related(REVIEWS) if with_reviews else findings


def visit_findings(
    *,
    visit: Visit,
    with_candidates: bool = False,
    with_conclusion: bool = True,
    reviews_of_approved: bool = True,
) -> VisitFindings:
    """The visit's strengths and limitations with their reviews and actions (two queries), its
    conclusion (one more), and, for the team, the answers that could become limitations (one more).

    Without ``with_conclusion`` (the review, which comes before the conclusion) neither the
    conclusion nor the findings' remediation actions, which the conclusion makes, are read: the
    join to the actions made PostgreSQL hash every action of the country for a visit that has
    none yet. Without ``reviews_of_approved`` (the findings page, which shows the head's return of
    a finding not approved yet) only the findings not approved get their reviews (``review_list``):
    none to read once every finding is approved, as on every reviewed or concluded visit."""
    findings = list(_findings_query(visit, with_actions=with_conclusion, with_reviews=reviews_of_approved))
    if not reviews_of_approved:
        if pending := [f for f in findings if f.review_state != ReviewState.APPROVED]:
            prefetch_related_objects(pending, REVIEWS)
    conclusion = _conclusion_of(visit) if with_conclusion else None
    result = VisitFindings(
        strengths=[f for f in findings if f.kind == FindingKind.STRENGTH],
        limitations=[f for f in findings if f.kind == FindingKind.LIMITATION],
        conclusion=conclusion,
    )
    if with_candidates:
        covered = {f.criterion_id for f in result.limitations if f.criterion_id}
        answers = (
            Answer.objects.filter(visit=visit, result__in=[AnswerResult.NOT_MET, AnswerResult.PARTLY])
            .select_related("criterion__domain")
            .order_by("criterion__domain__order", "criterion__order", "criterion_id")
        )
        result.candidates = [a for a in answers if a.criterion_id not in covered]
    return result


def _conclusion_of(visit: Visit) -> Conclusion | None:
    """The visit's conclusion: the one its access helper loaded with it, else read (one query,
    neither LIMIT nor ORDER BY: there is one at most, see access.get_action_for_user)."""
    if Visit.conclusion.is_cached(visit):
        return getattr(visit, "conclusion", None)  # None when the visit has none
    return next(iter(Conclusion.objects.filter(visit=visit).order_by()), None)


def finding_card(*, finding: Finding) -> Finding:
    """One finding loaded like those of visit_findings (for an htmx row refresh)."""
    return _findings_query(finding.visit).get(pk=finding.pk)


# The signature block's formula by the signer's position (Nghị định 30/2020, Phụ lục I): a deputy
# signs "on behalf of" (KT.) the head. Document wording, in Vietnamese whatever the UI language.
SIGNATURES = [
    ("phó giám đốc", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    ("giám đốc", "", "GIÁM ĐỐC"),
    ("phó chủ tịch", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    ("chủ tịch", "", "CHỦ TỊCH"),
]


def signature_defaults(*, user) -> dict:
    """The conclusion form's signature block for ``user``: authority line, title and name."""
    position = (user.position or "").strip().lower()
    authority_line, title = next(
        ((line, title) for prefix, line, title in SIGNATURES if position.startswith(prefix)),
        ("", "TRƯỞNG ĐOÀN KIỂM TRA"),
    )
    return {"authority_line": authority_line, "signer_title": title, "signer_name": user.get_full_name()}


def issuing_body_of(unit: Unit) -> IssuingBody | None:
    """The default issuing body configured for ``unit`` (letterhead, symbol, signer), or None.
    Remembered on the unit object, so that one document asks once."""
    if not hasattr(unit, "_issuing_body"):
        unit._issuing_body = IssuingBody.objects.defaults().filter(unit=unit).first()
    return unit._issuing_body


def issuer_signature(unit: Unit) -> dict | None:
    """The conclusion form's signature block from ``unit``'s issuing body, when it names a signer."""
    body = issuing_body_of(unit)
    if body is None or not body.signer_name:
        return None
    return {
        "authority_line": body.authority_line,
        "signer_title": body.signer_title,
        "signer_name": body.signer_name,
    }


def default_symbol(issuing_unit: Unit) -> str:
    """“TB-SNV”: the notice type and the issuer's symbol (its issuing body's, else its short name
    when that is one word)."""
    body = issuing_body_of(issuing_unit)
    if body is not None:
        return f"{settings.CONCLUSION_SYMBOL_PREFIX}-{body.symbol}"
    short = (issuing_unit.short_name or "").strip()
    abbreviation = short if short and " " not in short else ""
    return (
        f"{settings.CONCLUSION_SYMBOL_PREFIX}-{abbreviation}"
        if abbreviation
        else settings.CONCLUSION_SYMBOL_PREFIX
    )


# Carry-forward


@dataclass(frozen=True)
class EarlierRecommendation:
    """One recommendation of an earlier visit, as the carry-forward panel shows it."""

    pk: int
    recommendation: str
    starts_at: datetime
    unit_id: int
    unit_name: str
    # “12/TB-SNV”, or None before the visit was concluded.
    reference: str | None
    action_id: int | None
    action_state: str | None
    action_due_date: date | None

    def action_is_overdue_on(self, today: date) -> bool:
        """RemediationAction.is_overdue_on of the action."""
        return self.action_id is not None and RemediationAction(
            state=self.action_state, due_date=self.action_due_date
        ).is_overdue_on(today)


def carry_forward(*, visit: Visit) -> list[EarlierRecommendation]:
    """The recommendations of the unit's earlier visits (and of the units it replaced), newest
    first, with their remediation action's current state: the team checks them on site
    (criterion 1.8 of the CCHC checklist). One query, the columns shown (findings.panels draws
    them: a unit inspected every year has many)."""
    # The unit and the units it replaced as one subquery: a UNION of two index lookups (an OR of
    # the two made PostgreSQL read every finding of the country), in place of a query of its own.
    units = (
        Unit.objects.filter(pk=visit.unit_id)
        .values("pk")
        .union(Unit.predecessors.through.objects.filter(from_unit_id=visit.unit_id).values("to_unit_id"))
    )
    rows = (
        Finding.objects.with_recommendation()
        .filter(visit__unit_id__in=units, visit__starts_at__lt=visit.starts_at)
        .exclude(visit=visit)
        .exclude(visit__status=VisitStatus.CANCELLED)
        .order_by("-visit__starts_at", "order", "id")
        .values_list(
            "pk",
            "recommendation",
            "visit__starts_at",
            "visit__unit_id",
            "visit__unit__name",
            "visit__conclusion__number",
            "visit__conclusion__symbol",
            "action__id",
            "action__state",
            "action__due_date",
        )
    )
    return [
        EarlierRecommendation(
            pk=pk,
            recommendation=recommendation,
            starts_at=starts_at,
            unit_id=unit_id,
            unit_name=unit_name,
            reference=None if number is None else f"{number}/{symbol}",
            action_id=action_id,
            action_state=action_state,
            action_due_date=due_date,
        )
        for pk, recommendation, starts_at, unit_id, unit_name, number, symbol, action_id, action_state, due_date in rows
    ]


# The review


def review_queue(*, user) -> QuerySet[Visit]:
    """Submitted visits in the head's scope, oldest first (one query; review_queue_counts adds
    the finding counts of a page of them). Not annotated with the counts: grouping the visits,
    plans and units by every column cost PostgreSQL more to plan than to run."""
    return (
        visits_visible_to(user)
        .filter(status=VisitStatus.SUBMITTED)
        .select_related("unit", "plan")
        .prefetch_related(team_prefetch())
        .order_by("ends_at", "id")
    )


def review_queue_counts(visits: list[Visit]) -> list[Visit]:
    """Sets ``finding_count``, ``pending_count``, ``returned_count`` and ``limitation_count`` on
    each of ``visits`` (one query over their findings only)."""
    rows = (
        Finding.objects.filter(visit_id__in=[visit.pk for visit in visits])
        .order_by()
        .values("visit_id")
        .annotate(
            finding_count=Count("pk"),
            pending_count=Count("pk", filter=Q(review_state__in=[ReviewState.DRAFT, ReviewState.SUBMITTED])),
            returned_count=Count("pk", filter=Q(review_state=ReviewState.RETURNED)),
            limitation_count=Count("pk", filter=Q(kind=FindingKind.LIMITATION)),
        )
    )
    by_visit = {row.pop("visit_id"): row for row in rows} if visits else {}
    empty = {"finding_count": 0, "pending_count": 0, "returned_count": 0, "limitation_count": 0}
    for visit in visits:
        for name, value in by_visit.get(visit.pk, empty).items():
            setattr(visit, name, value)
    return visits


def review_queue_count(*, user) -> int:
    return visits_visible_to(user).filter(status=VisitStatus.SUBMITTED).count()


# Remediation


def _with_pending_extension(actions: QuerySet[RemediationAction]) -> QuerySet[RemediationAction]:
    pending = RemediationUpdate.objects.filter(
        action=OuterRef("pk"), kind=UpdateKind.EXTENSION_REQUEST, decision=""
    )
    return actions.annotate(has_pending_extension=Exists(pending))


def action_list(*, user) -> QuerySet[RemediationAction]:
    """Visible actions, soonest due first, without their related rows: filter and paginate this,
    then load the page with action_rows (sorting thousands of wide joined rows to show 25 costs
    four times more than sorting the ids)."""
    return actions_visible_to(user).order_by("due_date", "id")


def action_rows(*, ids: list[int]) -> list[RemediationAction]:
    """The actions ``ids`` in that order, with their finding, visit, plan, conclusion and unit, and
    whether an extension request waits (one query)."""
    rows = _with_pending_extension(
        RemediationAction.objects.filter(pk__in=ids).select_related(
            "unit",
            "finding__visit__unit",
            "finding__visit__plan",
            "finding__visit__conclusion",
            "finding__criterion",
        )
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def action_list_summary(*, actions: QuerySet[RemediationAction], matching: Q | None) -> tuple[list, int]:
    """The plans of ``actions`` as the plan filter lists them ((id, "title (year)"), newest year
    first) and how many of ``actions`` match ``matching`` (the list's filters): one aggregate
    grouped by plan, in place of a count of the list and a query of its plans, each of which
    read every visible action."""
    rows = (
        actions.order_by()
        .values_list("finding__visit__plan_id", "finding__visit__plan__title", "finding__visit__plan__year")
        .annotate(matching=Count("pk", filter=matching) if matching is not None else Count("pk"))
        .order_by("-finding__visit__plan__year", "finding__visit__plan__title")
    )
    plans, total = [], 0
    for plan_id, title, year, count in rows:
        plans.append((plan_id, f"{title} ({year})"))
        total += count
    return plans, total


def action_list_rows(*, ids: list[int]) -> list[RemediationAction]:
    """The remediation list's rows (action_rows.action_rows_html): the actions ``ids`` in that
    order with only the columns the list shows (one query)."""
    rows = _with_pending_extension(
        RemediationAction.objects.filter(pk__in=ids)
        .select_related("unit", "finding__visit__plan", "finding__visit__conclusion", "finding__criterion")
        .only(
            "id",
            "due_date",
            "state",
            "unit__name",
            "finding__recommendation",
            "finding__visit__unit_id",
            "finding__visit__plan__title",
            "finding__visit__conclusion__number",
            "finding__visit__conclusion__symbol",
            "finding__criterion__code",
        )
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def action_detail(*, action: RemediationAction) -> dict:
    """The action page: its record of updates (with actors, attachments and replies) and the
    extension request waiting for a decision. Two queries."""
    updates = list(
        action.updates.select_related("actor", "reply_to")
        .prefetch_related(
            Prefetch("attachments", queryset=UpdateAttachment.objects.order_by("uploaded_at", "id"))
        )
        .order_by("at", "id")
    )
    pending = next((u for u in updates if u.is_pending_request), None)
    return {"updates": updates, "pending_extension": pending}


@dataclass
class UnitRemediation:
    """The liaison's page: their unit's concluded visits (a queryset, each with its limitations and
    actions, for the view to paginate), and the counts of their actions from an aggregate."""

    visits: QuerySet[Visit] | list
    open_count: int
    overdue_count: int
    # How many visits ``visits`` holds (known from their ids: the paginator need not count).
    visit_count: int | None = None


def my_unit(*, user, today: date | None = None) -> UnitRemediation:
    """Concluded visits of the liaison's unit subtree, of the units it replaced and of the actions
    handed to it, with their conclusion, limitations and actions (two queries per page), newest first,
    and the open and overdue actions of those visits counted in one aggregate."""
    today = today or timezone.localdate()
    prefix = scope_prefix(user)
    if prefix is None or not has_role(user, Role.LIAISON):
        return UnitRemediation([], 0, 0)
    # The units its unit replaced in a merger (their inspections are its history) and the visits
    # whose actions were handed to it: a liaison moved to the successor keeps all of them.
    own_units = units_under(prefix)
    mine = (
        Q(unit__in=own_units)
        | Q(unit_id__in=predecessor_ids([user.unit_id]))
        | Q(pk__in=Finding.objects.filter(action__unit__in=own_units).values("visit_id"))
    )
    # The visits' ids first (a liaison's unit has a handful): as a subquery, PostgreSQL guessed
    # hundreds of visits from the OR and hashed every finding and action of the country to count
    # theirs; as a list, the counts follow the indexes from the few visits.
    ids = list(Visit.objects.filter(mine, status=VisitStatus.CONCLUDED).values_list("pk", flat=True))
    visits = (
        Visit.objects.filter(pk__in=ids)
        .select_related("unit", "plan", "conclusion")
        .prefetch_related(
            # The limitations only: the page lists what the unit must remedy.
            Prefetch(
                "findings",
                queryset=Finding.objects.filter(kind=FindingKind.LIMITATION)
                .select_related("action", "criterion")
                .order_by("kind", "order", "id"),
            )
        )
        .order_by("-starts_at", "-id")
    )
    counts = RemediationAction.objects.filter(finding__visit_id__in=ids).aggregate(
        open=Count("pk", filter=~Q(state=ActionState.VERIFIED)),
        overdue=Count("pk", filter=Q(due_date__lt=today, state__in=ACTION_OPEN_STATES)),
    )
    return UnitRemediation(
        visits=visits,
        open_count=counts["open"] or 0,
        overdue_count=counts["overdue"] or 0,
        visit_count=len(ids),
    )


@dataclass
class RemediationSummary:
    open: int
    overdue: int
    reported: int


def remediation_summary(*, user, today: date | None = None) -> RemediationSummary:
    """Counts for the home page: unfinished, overdue, and waiting-for-verification actions (one query)."""
    today = today or timezone.localdate()
    counts = actions_to_count(user).aggregate(
        open=Count("pk", filter=Q(state__in=ACTION_OPEN_STATES)),
        overdue=Count("pk", filter=Q(state__in=ACTION_OPEN_STATES, due_date__lt=today)),
        reported=Count("pk", filter=Q(state=ActionState.REPORTED_DONE)),
    )
    return RemediationSummary(**counts)
