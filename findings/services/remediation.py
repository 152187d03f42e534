"""Remediation: the unit reports progress and completion and may ask for more time; the head
decides on extensions; the visit's team verifies or reopens. Every step is a RemediationUpdate,
and whoever must act next is e-mailed after the commit (unless ``notify=False``: demo data)."""

import hashlib
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.uploads import SUFFIXES, CheckedFile
from core.versioning import check_version, update_versioned

from ..models import (
    ACTION_OPEN_STATES,
    ActionState,
    ExtensionDecision,
    RemediationAction,
    RemediationUpdate,
    UpdateAttachment,
    UpdateKind,
)
from .notifications import update_queue


def _lock(action: RemediationAction, version: int | None) -> RemediationAction:
    locked = RemediationAction.objects.select_for_update().select_related("unit", "finding").get(pk=action.pk)
    check_version(locked, version)
    return locked


def _refuse(action: RemediationAction, what: str):
    return ValidationError(
        _("%(what)s is not possible while the action is %(state)s.")
        % {"what": what, "state": action.get_state_display().lower()},
        code="state",
    )


def _attach(update: RemediationUpdate, files: Iterable[CheckedFile]) -> None:
    """Store the files the form checked (with the evidence rules of the checklist) with the update."""
    for checked in files:
        attachment = UpdateAttachment(
            update=update,
            original_name=checked.name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=hashlib.sha256(checked.content).hexdigest(),
        )
        stored_name = "file" + SUFFIXES.get(checked.content_type, "")
        attachment.file.save(stored_name, ContentFile(checked.content), save=False)
        attachment.save()


def _record(action, actor, kind, *, text="", files=(), **fields) -> RemediationUpdate:
    update = RemediationUpdate.objects.create(
        action=action, kind=kind, text=text.strip(), actor=actor, **fields
    )
    _attach(update, files)
    return update


@transaction.atomic
def action_post_progress(
    *,
    action: RemediationAction,
    actor,
    text: str,
    files: Iterable[CheckedFile] = (),
    version: int | None = None,
    notify: bool = True,
) -> RemediationUpdate:
    """The unit reports progress (with attachments). An open or reopened action becomes in progress;
    the team is e-mailed after the commit. Refused once the action is reported done or verified."""
    action = _lock(action, version)
    if action.state not in ACTION_OPEN_STATES:
        raise _refuse(action, _("Posting progress"))
    if not text.strip():
        raise ValidationError({"text": [_("Say what was done.")]})
    with acting_as(actor):
        if action.state != ActionState.IN_PROGRESS:
            update_versioned(action, action.version, state=ActionState.IN_PROGRESS)
        update = _record(action, actor, UpdateKind.PROGRESS, text=text, files=files)
    if notify:
        update_queue(update_id=update.pk)
    return update


@transaction.atomic
def action_report_done(
    *,
    action: RemediationAction,
    actor,
    text: str,
    files: Iterable[CheckedFile] = (),
    version: int | None = None,
    notify: bool = True,
) -> RemediationUpdate:
    """The unit reports the action done (with its evidence); the team is e-mailed to verify it."""
    action = _lock(action, version)
    if action.state not in ACTION_OPEN_STATES:
        raise _refuse(action, _("Reporting it done"))
    if not text.strip():
        raise ValidationError({"text": [_("Say what was done.")]})
    with acting_as(actor):
        update_versioned(action, action.version, state=ActionState.REPORTED_DONE)
        update = _record(action, actor, UpdateKind.REPORTED_DONE, text=text, files=files)
    if notify:
        update_queue(update_id=update.pk)
    return update


def pending_extension(action: RemediationAction) -> RemediationUpdate | None:
    """The extension request still waiting for the head's decision, if any."""
    return action.updates.filter(kind=UpdateKind.EXTENSION_REQUEST, decision="").order_by("at").first()


@transaction.atomic
def action_request_extension(
    *,
    action: RemediationAction,
    actor,
    reason: str,
    requested_due_date: date,
    version: int | None = None,
    notify: bool = True,
) -> RemediationUpdate:
    """The unit asks for a later due date, with a reason; the heads are e-mailed to decide.
    One request at a time; the new date must be later than the current one."""
    action = _lock(action, version)
    if action.state not in ACTION_OPEN_STATES:
        raise _refuse(action, _("Asking for more time"))
    if pending_extension(action) is not None:
        raise ValidationError(_("An extension request is already waiting for a decision."))
    errors = {}
    if not reason.strip():
        errors["reason"] = [_("Say why more time is needed.")]
    if requested_due_date <= action.due_date:
        errors["requested_due_date"] = [
            _("Ask for a date after the current due date (%(date)s).")
            % {"date": action.due_date.strftime("%d/%m/%Y")}
        ]
    if errors:
        raise ValidationError(errors)
    with acting_as(actor):
        update = _record(
            action, actor, UpdateKind.EXTENSION_REQUEST, text=reason, requested_due_date=requested_due_date
        )
    if notify:
        update_queue(update_id=update.pk)
    return update


@transaction.atomic
def action_decide_extension(
    *,
    action: RemediationAction,
    request: RemediationUpdate,
    actor,
    decision: str,
    comment: str = "",
    notify: bool = True,
) -> RemediationUpdate:
    """The head grants (the due date moves to the requested one) or refuses an extension request;
    the decision is recorded on the request and as its own update; the unit is e-mailed."""
    action = _lock(action, None)
    if request.action_id != action.pk or request.kind != UpdateKind.EXTENSION_REQUEST:
        raise ValidationError(_("This is not an extension request of this action."))
    if decision not in ExtensionDecision.values:
        raise ValidationError({"decision": [_("Grant or refuse the request.")]})
    if decision == ExtensionDecision.REFUSED and not comment.strip():
        raise ValidationError({"comment": [_("Say why the request is refused.")]})
    with acting_as(actor):
        # The conditional write makes a second decision on the same request fail, even when two
        # heads press the button at once.
        if not RemediationUpdate.objects.filter(pk=request.pk, decision="").update(decision=decision):
            raise ValidationError(_("This request was already decided."))
        request.refresh_from_db(fields=["decision"])
        if decision == ExtensionDecision.GRANTED:
            update_versioned(action, action.version, due_date=request.requested_due_date)
        update = _record(
            action,
            actor,
            UpdateKind.EXTENSION_DECISION,
            text=comment,
            decision=decision,
            reply_to=request,
            requested_due_date=request.requested_due_date,
        )
    if notify:
        update_queue(update_id=update.pk)
    return update


@transaction.atomic
def action_verify(
    *, action: RemediationAction, actor, comment: str = "", version: int | None = None, notify: bool = True
) -> RemediationUpdate:
    """A member of the visit's team accepts an action reported done: it is verified (closed).
    Refused unless the unit reported it done."""
    action = _lock(action, version)
    if action.state != ActionState.REPORTED_DONE:
        raise _refuse(action, _("Verifying it"))
    with acting_as(actor):
        update_versioned(action, action.version, state=ActionState.VERIFIED)
        update = _record(action, actor, UpdateKind.VERIFICATION, text=comment)
    if notify:
        update_queue(update_id=update.pk)
    return update


@transaction.atomic
def action_reopen(
    *, action: RemediationAction, actor, comment: str, version: int | None = None, notify: bool = True
) -> RemediationUpdate:
    """A member of the visit's team sends an action reported done back to the unit, saying why;
    the unit is e-mailed."""
    action = _lock(action, version)
    if action.state != ActionState.REPORTED_DONE:
        raise _refuse(action, _("Reopening it"))
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what is still missing.")]})
    with acting_as(actor):
        update_versioned(action, action.version, state=ActionState.REOPENED)
        update = _record(action, actor, UpdateKind.REOPEN, text=comment)
    if notify:
        update_queue(update_id=update.pk)
    return update
