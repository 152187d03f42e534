"""The history panels of findings' pages: the audit log (django-auditlog) of findings, answers,
conclusions and actions, and the visit's own events, as lines a reviewer reads (who, when, which
field from what to what), in one shape whatever their source.
"""

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
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


def visit_findings_history(
    *, visit: Visit, findings: list[Finding], conclusion: Conclusion | None, limit: int = 200
) -> list[HistoryEntry]:
    """The visit's record (its events), and the audit log of its answers, findings (removed ones
    too), conclusion and actions, newest first. Two queries, plus foreign-key names."""
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
