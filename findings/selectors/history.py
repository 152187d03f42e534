"""The history panels of findings' pages: the audit log (django-auditlog) of findings, answers,
conclusions and actions, and the visit's own events, as lines a reviewer reads (who, when, which
field from what to what), in one shape whatever their source.
"""

import json
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import Answer, Visit, VisitEvent, VisitStatus

from ..models import (
    Conclusion,
    Finding,
    RemediationAction,
    RemediationUpdate,
)

AUDIT_ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("created"),
    LogEntry.Action.UPDATE: gettext_lazy("changed"),
    LogEntry.Action.DELETE: gettext_lazy("deleted"),
}
# Structural fields: a "created" line names the row instead of listing them.
HIDDEN_ON_CREATE = {
    "id",
    "visit",
    "finding",
    "action",
    "update",
    "reply_to",
    "created_by",
    "actor",
    "order",
    "at",
    "uploaded_at",
    "plan",
    "template",
    "domain",
    "criterion",
    "issuing_unit",
    "signer",
}
EMPTY = (None, "None", "")


@dataclass
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: object
    actor: object
    action: int
    model_label: str
    object_label: str
    changes: list[HistoryChange]

    @property
    def action_label(self) -> str:
        return str(AUDIT_ACTIONS.get(self.action, ""))


def _field(model, name: str):
    """The model's own column ``name``; None for reverse relations and removed fields."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the entry was written
        return None
    return model_field if model_field.concrete else None


def _display(model_field, raw, related: dict) -> str:
    """One recorded value as a reviewer reads it: choice labels, names, dd/mm/yyyy dates."""
    if raw in EMPTY:
        return "—"
    if model_field is None:
        return str(raw)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    if isinstance(model_field, models.ForeignKey):
        return related.get((model_field.related_model, str(raw)), f"#{raw}")
    if isinstance(model_field, models.BooleanField):
        return _("yes") if str(raw) == "True" else _("no")
    if isinstance(model_field, models.DateTimeField):
        if (parsed := parse_datetime(str(raw))) is not None:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed, timezone.UTC)  # auditlog keeps UTC, naive
            return timezone.localtime(parsed).strftime("%H:%M %d/%m/%Y")
    elif isinstance(model_field, models.DateField):
        if (parsed := parse_date(str(raw))) is not None:
            return parsed.strftime("%d/%m/%Y")
    return str(raw)


def _related_labels(entries: list, models_by_ct: dict) -> dict:
    """Names of the rows that changed foreign keys point at: one query per related model."""
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = models_by_ct[entry.content_type_id]
        for name, values in entry.changes_dict.items():
            if entry.action == LogEntry.Action.CREATE and name in HIDDEN_ON_CREATE:
                continue
            model_field = _field(model, name)
            if isinstance(model_field, models.ForeignKey):
                wanted.setdefault(model_field.related_model, set()).update(
                    str(v) for v in values if v not in EMPTY
                )
    labels = {}
    for related_model, pks in wanted.items():
        for row in related_model._default_manager.filter(pk__in=pks):
            labels[(related_model, str(row.pk))] = str(row)
    return labels


def _entry(entry, model, related: dict) -> HistoryEntry:
    changes = []
    for name, values in entry.changes_dict.items():
        old, new = (list(values) + [None, None])[:2]
        if entry.action == LogEntry.Action.CREATE and (name in HIDDEN_ON_CREATE or new in EMPTY):
            continue
        model_field = _field(model, name)
        if model_field is None:
            continue
        label = str(model_field.verbose_name)
        changes.append(
            HistoryChange(label, _display(model_field, old, related), _display(model_field, new, related))
        )
    return HistoryEntry(
        at=entry.timestamp,
        actor=entry.actor,
        action=entry.action,
        model_label=str(model._meta.verbose_name),
        object_label=entry.object_repr,
        changes=changes,
    )


def audit_entries(*, targets: list[tuple[type, Q]], limit: int = 200) -> list[HistoryEntry]:
    """The audit log of some rows, newest first: who, when, and each field's old -> new value under
    its verbose name (choices by their label, in the active language).

    ``targets`` pairs a model with a condition on LogEntry (e.g. ``Q(object_id__in=ids)``). One
    query for the entries and their actors, plus one per model that a changed foreign key names.
    """
    condition = Q(pk__in=[])
    models_by_ct = {}
    for model, where in targets:
        content_type = ContentType.objects.get_for_model(model)
        models_by_ct[content_type.pk] = model
        condition |= Q(content_type_id=content_type.pk) & where
    entries = list(
        LogEntry.objects.filter(condition).select_related("actor").order_by("-timestamp", "-id")[:limit]
    )
    related = _related_labels(entries, models_by_ct)
    return [_entry(entry, models_by_ct[entry.content_type_id], related) for entry in entries]


def finding_history(*, finding: Finding) -> list[HistoryEntry]:
    return audit_entries(targets=[(Finding, Q(object_id=finding.pk))])


def action_history(*, action: RemediationAction, updates: list[RemediationUpdate]) -> list[HistoryEntry]:
    return audit_entries(
        targets=[
            (RemediationAction, Q(object_id=action.pk)),
            (RemediationUpdate, Q(object_id__in=[u.pk for u in updates])),
        ]
    )


def _event_entry(event: VisitEvent) -> HistoryEntry:
    """A line of the visit's own record (status changes, moves) in the audit log's shape."""
    data = event.data or {}
    changes = []
    if "from" in data and "to" in data:
        labels = dict(VisitStatus.choices)
        changes.append(
            HistoryChange(
                str(Visit._meta.get_field("status").verbose_name),
                str(labels.get(data["from"], data["from"])),
                str(labels.get(data["to"], data["to"])),
            )
        )
    before, after = data.get("before") or {}, data.get("after") or {}
    if before.get("starts_at") and after.get("starts_at"):
        starts_at = Visit._meta.get_field("starts_at")
        changes.append(
            HistoryChange(
                str(starts_at.verbose_name),
                _display(starts_at, before["starts_at"], {}),
                _display(starts_at, after["starts_at"], {}),
            )
        )
    if event.reason:
        changes.append(
            HistoryChange(str(VisitEvent._meta.get_field("reason").verbose_name), "", event.reason)
        )
    return HistoryEntry(
        at=event.created_at,
        actor=event.actor,
        action=LogEntry.Action.UPDATE if changes and "from" in data else LogEntry.Action.CREATE,
        model_label=str(Visit._meta.verbose_name),
        object_label=event.get_kind_display(),
        changes=changes,
    )


def visit_findings_history_orm(
    *, visit: Visit, findings: list[Finding], conclusion: Conclusion | None, limit: int = 200
) -> list[HistoryEntry]:
    """visit_findings_history read through the ORM (two queries): SQLite's, and the reference
    the written-out query is held to."""
    actions = [f.action.pk for f in findings if hasattr(f, "action")]
    entries = audit_entries(
        targets=[
            (Visit, Q(object_id=visit.pk)),
            (Answer, Q(object_id__in=Answer.objects.filter(visit=visit).values("pk"))),
            (Finding, Q(object_id__in=[f.pk for f in findings]) | Q(additional_data__visit=visit.pk)),
            (Conclusion, Q(object_id=conclusion.pk) if conclusion else Q(pk__in=[])),
            (RemediationAction, Q(object_id__in=actions)),
        ],
        limit=limit,
    )
    events = [
        _event_entry(e) for e in visit.events.select_related("actor").order_by("-created_at", "-id")[:limit]
    ]
    return sorted(entries + events, key=lambda e: e.at, reverse=True)[:limit]


# The findings page's history in one round trip: the audit log lines of the visit, its answers,
# findings (removed ones too), conclusion and actions, and the visit's own events, each side its
# newest ``limit``, with the actor's name. Written out (the ORM's compiling of the two querysets
# was a third of the page's time, issue 17); test_carry_forward_and_history holds it equal to
# the ORM reading (``audit_entries`` and the events' queryset).
_HISTORY_SQL = """
SELECT * FROM (
  (SELECT 0 AS src, l.id, l.content_type_id, l.object_repr AS label, l.action, l.changes AS payload,
          l.changes_text, NULL AS reason, l.timestamp AS at, u.id AS actor_id, u.username, u.first_name, u.last_name
   FROM auditlog_logentry l LEFT OUTER JOIN units_user u ON u.id = l.actor_id
   WHERE (l.content_type_id = %(visit_ct)s AND l.object_id = %(visit)s)
      OR (l.content_type_id = %(answer_ct)s
          AND l.object_id IN (SELECT a.id FROM inspections_answer a WHERE a.visit_id = %(visit)s))
      OR (l.content_type_id = %(finding_ct)s
          AND (l.object_id = ANY(%(findings)s) OR (l.additional_data -> 'visit') = %(visit_json)s::jsonb))
      OR (l.content_type_id = %(conclusion_ct)s AND l.object_id = ANY(%(conclusions)s))
      OR (l.content_type_id = %(action_ct)s AND l.object_id = ANY(%(actions)s))
   ORDER BY l.timestamp DESC, l.id DESC LIMIT %(limit)s)
  UNION ALL
  (SELECT 1, e.id, NULL, e.kind, NULL, e.data, NULL, e.reason, e.created_at, u.id, u.username,
          u.first_name, u.last_name
   FROM inspections_visitevent e LEFT OUTER JOIN units_user u ON u.id = e.actor_id
   WHERE e.visit_id = %(visit)s
   ORDER BY e.created_at DESC, e.id DESC LIMIT %(limit)s)
) history ORDER BY src, at DESC, id DESC
"""


def _actor(pk, username, first_name, last_name):
    """The actor as much as the panel shows of them (``str(user)``), or None."""
    if pk is None:
        return None
    return get_user_model()(pk=pk, username=username, first_name=first_name, last_name=last_name)


def visit_findings_history(
    *, visit: Visit, findings: list[Finding], conclusion: Conclusion | None, limit: int = 200
) -> list[HistoryEntry]:
    """The visit's record (its events), and the audit log of its answers, findings (removed ones
    too), conclusion and actions, newest first. One query on PostgreSQL (two elsewhere), plus
    foreign-key names."""
    if connection.vendor != "postgresql":
        return visit_findings_history_orm(visit=visit, findings=findings, conclusion=conclusion, limit=limit)
    content_types = ContentType.objects.get_for_models(Visit, Answer, Finding, Conclusion, RemediationAction)
    params = {
        "visit": visit.pk,
        "visit_json": json.dumps(visit.pk),
        "findings": [f.pk for f in findings],
        "conclusions": [conclusion.pk] if conclusion else [],
        "actions": [f.action.pk for f in findings if hasattr(f, "action")],
        "limit": limit,
        **{
            f"{name}_ct": content_types[model].pk
            for name, model in (
                ("visit", Visit),
                ("answer", Answer),
                ("finding", Finding),
                ("conclusion", Conclusion),
                ("action", RemediationAction),
            )
        },
    }
    with connection.cursor() as cursor:
        cursor.execute(_HISTORY_SQL, params)
        rows = cursor.fetchall()
    changes_field = LogEntry._meta.get_field("changes")
    data_field = VisitEvent._meta.get_field("data")
    models_by_ct = {content_type.pk: model for model, content_type in content_types.items()}
    logged, events = [], []
    for src, pk, ct, label, action, payload, changes_text, reason, at, *actor in rows:
        if src == 0:
            entry = LogEntry(
                pk=pk,
                content_type_id=ct,
                object_repr=label,
                action=action,
                changes=changes_field.from_db_value(payload, None, connection),
                changes_text=changes_text,
                timestamp=at,
            )
            entry.actor = _actor(*actor)
            logged.append(entry)
        else:
            event = VisitEvent(
                pk=pk,
                visit=visit,
                kind=label,
                data=data_field.from_db_value(payload, None, connection),
                reason=reason,
                created_at=at,
            )
            event.actor = _actor(*actor)
            events.append(_event_entry(event))
    related = _related_labels(logged, models_by_ct)
    entries = [_entry(entry, models_by_ct[entry.content_type_id], related) for entry in logged]
    return sorted(entries + events, key=lambda e: e.at, reverse=True)[:limit]
