"""Forms of the inspections pages: parsing and validation messages only (services do the writes)."""

import zipfile
from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.selects import FastSelect, FastSelectMultiple, listed_choices
from core.uploads import archive_check
from core.widgets import DateInput
from units.models import Unit, UnitKind
from units.widgets import CrispyFields

from .models import InspectionPlan, TeamKind, TeamRole
from .visit_reads import person_name


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class UserChoiceField(forms.ModelChoiceField):
    widget = FastSelect  # drawn in Python (core.selects), the candidates read once for the team

    def label_from_instance(self, obj):
        return f"{obj} · {obj.position}" if obj.position else str(obj)


class UsersChoiceField(forms.ModelMultipleChoiceField):
    widget = FastSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj} · {obj.position}" if obj.position else str(obj)


def _person_label(last_name: str, first_name: str, username: str, position: str) -> str:
    """UserChoiceField.label_from_instance's text from the user's columns."""
    name = person_name(last_name, first_name, username)
    return f"{name} · {position}" if position else name


class ServiceErrorsMixin:
    """Put a service's ValidationError next to the fields it names (see selectors.visit_conflicts)."""

    # Service keys that belong to a differently named form field.
    error_fields: dict[str, str] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            name = self.error_fields.get(key, key)
            if key.startswith("member-"):
                name = self.field_naming_user(int(key.removeprefix("member-")))
            self.add_error(name if name in self.fields else None, errors)

    def field_naming_user(self, user_id: int) -> str | None:
        return None


class TeamFieldsMixin(ServiceErrorsMixin):
    """Leader, deputies, members and secretary chosen among ``candidates``."""

    TEAM_FIELDS = [
        ("leader", TeamRole.LEADER),
        ("deputies", TeamRole.DEPUTY),
        ("members", TeamRole.MEMBER),
        ("secretary", TeamRole.SECRETARY),
    ]

    def add_team_fields(self, candidates) -> None:
        self.fields["leader"] = UserChoiceField(
            queryset=candidates,
            label=_("Team leader"),
            error_messages={"required": _("A team needs a leader.")},
        )
        self.fields["deputies"] = UsersChoiceField(
            queryset=candidates, required=False, label=_("Deputy leaders")
        )
        self.fields["members"] = UsersChoiceField(queryset=candidates, required=False, label=_("Members"))
        self.fields["secretary"] = UserChoiceField(queryset=candidates, required=False, label=_("Secretary"))
        for name in ("deputies", "members"):
            self.fields[name].widget.attrs.update({"size": 6, "class": "form-select"})
            self.fields[name].help_text = _("Hold Ctrl (or ⌘) to choose several.")
        # The four lists hold the same people: one plain query of their names (no user objects),
        # their options escaped once; a chosen person is still read and checked by the field.
        listed_choices(
            *(self.fields[name] for name, _role in self.TEAM_FIELDS),
            values=("last_name", "first_name", "username", "position"),
            label=_person_label,
        )

    @property
    def crispy(self) -> CrispyFields:
        """``{{ form.crispy.leader }}``: a field as crispy-forms draws it, drawn in Python."""
        return CrispyFields(self)

    def _chosen(self, name: str) -> list:
        value = self.cleaned_data.get(name)
        if name in ("deputies", "members"):
            return list(value or [])
        return [value] if value is not None else []

    def team(self) -> list[tuple[object, str]]:
        """The chosen people with their roles, in the order leader, deputies, members, secretary."""
        return [(user, role) for name, role in self.TEAM_FIELDS for user in self._chosen(name)]

    def field_naming_user(self, user_id: int) -> str | None:
        # The last field naming them: for someone chosen twice, that is the repeated choice.
        names = [name for name, _role in self.TEAM_FIELDS if any(u.pk == user_id for u in self._chosen(name))]
        return names[-1] if names else None

    def team_initial(self, team) -> dict:
        initial = {"deputies": [], "members": []}
        for member in team:
            if member.role == TeamRole.LEADER:
                initial["leader"] = member.user
            elif member.role == TeamRole.SECRETARY:
                initial["secretary"] = member.user
            else:
                initial["deputies" if member.role == TeamRole.DEPUTY else "members"].append(member.user)
        return initial


def _aware(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


class TimesMixin:
    """A visit's day with its start and end times (visits happen within one working day)."""

    error_fields = {"starts_at": "day", "ends_at": "end_time"}

    def add_time_fields(self) -> None:
        self.fields["day"] = forms.DateField(label=_("Date"), widget=DateInput())
        self.fields["start_time"] = forms.TimeField(
            label=_("Starts at"), widget=TimeInput(), initial=time(8, 0)
        )
        self.fields["end_time"] = forms.TimeField(
            label=_("Ends at"), widget=TimeInput(), initial=time(11, 30)
        )

    def clean_end_time(self):
        start, end = self.cleaned_data.get("start_time"), self.cleaned_data.get("end_time")
        if start and end and end <= start:
            raise ValidationError(_("The visit must end after it starts."))
        return end

    def times(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        return _aware(day, self.cleaned_data["start_time"]), _aware(day, self.cleaned_data["end_time"])

    def times_initial(self, visit) -> dict:
        start, end = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
        return {"day": start.date(), "start_time": start.time(), "end_time": end.time()}


class VisitForm(TimesMixin, TeamFieldsMixin, forms.Form):
    """Create or edit a visit. Unit and times are only offered while the visit is a draft."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Inspected unit"), widget=FastSelect)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    notes = forms.CharField(
        label=_("Notes for the unit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the documents to prepare; sent with the notice."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan: InspectionPlan, candidates, visit=None, **kwargs):
        if visit is not None:
            kwargs.setdefault(
                "initial",
                {
                    "unit": visit.unit,
                    "place": visit.place,
                    "notes": visit.notes,
                    "version": visit.version,
                    **self.times_initial(visit),
                    **self.team_initial(visit.team_in_order),
                },
            )
        super().__init__(*args, **kwargs)
        # The plan's units in force during its period (a 2020 plan still offers the communes merged
        # in 2025; a 2026 plan never does), and a visit's own unit; the visit's date is checked
        # against the unit's validity when it is saved (selectors.visit_conflicts).
        units = Q(pk__in=plan.units.in_force_during(plan.period_start, plan.period_end).values("pk"))
        if visit is not None:
            units |= Q(pk=visit.unit_id)
        self.fields["unit"].queryset = Unit.objects.filter(units).order_by("path")
        # str(unit) is its name: the list read as names, without a unit object each.
        listed_choices(self.fields["unit"], values=("name",), label=str)
        self.add_time_fields()
        self.add_team_fields(candidates)
        self.order_fields(["unit", "day", "start_time", "end_time", "place", "notes"])
        if visit is not None and not visit.status == "draft":
            # A scheduled visit keeps its unit; it moves through “Reschedule”, which asks why.
            for name in ("unit", "day", "start_time", "end_time"):
                del self.fields[name]


class RescheduleForm(TimesMixin, ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the visit moves.")},
        help_text=_("Kept in the visit's history and sent to the unit and the team."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, visit, **kwargs):
        kwargs.setdefault("initial", {"version": visit.version, **self.times_initial(visit)})
        super().__init__(*args, **kwargs)
        self.add_time_fields()
        self.order_fields(["day", "start_time", "end_time", "reason"])


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the visit is cancelled.")},
        help_text=_("Kept in the visit's history and sent to the unit and the team."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    """A one-button action on a visit (start...): only the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class BulkScheduleForm(TeamFieldsMixin, forms.Form):
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Units to schedule"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one unit.")},
    )
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    per_day = forms.IntegerField(label=_("Visits per day"), min_value=1, max_value=6, initial=2)
    first_start = forms.TimeField(label=_("First visit starts at"), widget=TimeInput(), initial=time(7, 30))
    duration = forms.IntegerField(
        label=_("Length of a visit (minutes)"), min_value=30, max_value=600, initial=210, step_size=15
    )
    gap = forms.IntegerField(
        label=_("Break between visits (minutes)"), min_value=0, max_value=600, initial=150, step_size=15
    )
    skip_weekends = forms.BooleanField(label=_("Skip Saturdays and Sundays"), required=False, initial=True)
    skip_holidays = forms.BooleanField(
        label=_("Skip public holidays"),
        required=False,
        initial=True,
        help_text=_("Tết and the national holidays, as the administrator keeps them."),
    )
    skip_busy_days = forms.BooleanField(
        label=_("Skip the days the team is already on a visit"), required=False, initial=True
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to use each unit's address."),
    )

    def __init__(self, *args, plan: InspectionPlan, units, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["units"].queryset = units
        self.fields["units"].label_from_instance = lambda u: u.name
        self.add_team_fields(candidates)
        # A second team, optional: the two teams visit on the same days, the units shared out.
        self.fields["leader_2"] = UserChoiceField(
            queryset=candidates, required=False, label=_("Leader of a second team")
        )
        self.fields["members_2"] = UsersChoiceField(
            queryset=candidates, required=False, label=_("Members of the second team")
        )
        self.fields["members_2"].widget.attrs.update({"size": 6, "class": "form-select"})
        self.fields["members_2"].help_text = _("Leave the leader empty to schedule with one team.")

    def teams(self) -> list[list[tuple[object, str]]]:
        """The default team, then the second team when it has a leader."""
        teams = [self.team()]
        if leader := self.cleaned_data.get("leader_2"):
            teams.append(
                [(leader, TeamRole.LEADER)]
                + [
                    (u, TeamRole.MEMBER)
                    for u in self.cleaned_data.get("members_2") or []
                    if u.pk != leader.pk
                ]
            )
        return teams

    def clean(self):
        data = super().clean()
        first, second = data.get("leader"), data.get("leader_2")
        if second is not None and first is not None:
            both = {
                first.pk,
                *(u.pk for u in data.get("deputies") or []),
                *(u.pk for u in data.get("members") or []),
            }
            shared = [u for u in [second, *(data.get("members_2") or [])] if u.pk in both]
            if shared:
                self.add_error(
                    "members_2",
                    _("%(names)s cannot be on both teams.") % {"names": ", ".join(str(u) for u in shared)},
                )
        start, end = data.get("date_from"), data.get("date_to")
        period = {
            "start": self.plan.period_start.strftime("%d/%m/%Y"),
            "end": self.plan.period_end.strftime("%d/%m/%Y"),
        }
        if start and not (self.plan.period_start <= start <= self.plan.period_end):
            self.add_error("date_from", _("The plan runs from %(start)s to %(end)s.") % period)
        if end and not (self.plan.period_start <= end <= self.plan.period_end):
            self.add_error("date_to", _("The plan runs from %(start)s to %(end)s.") % period)
        if start and end and end < start:
            self.add_error("date_to", _("The range must end on or after its start."))
        return data

    def proposal_args(self) -> dict:
        data = self.cleaned_data
        return {
            # Tree order: a district's communes one after the other, as teams travel.
            "units": sorted(data["units"], key=lambda u: u.path),
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "per_day": data["per_day"],
            "first_start": data["first_start"],
            "duration": timedelta(minutes=data["duration"]),
            "gap": timedelta(minutes=data["gap"]),
            "skip_weekends": data["skip_weekends"],
            "skip_holidays": data["skip_holidays"],
            "skip_busy_days": data["skip_busy_days"],
        }

    def has_rows(self) -> bool:
        """The proposal came back as the user edited it (one date and times per unit)."""
        return any(key.startswith("row-") for key in self.data)

    def edited_rows(self) -> list[tuple[Unit, datetime, datetime, int]]:
        """The edited proposal: (unit, starts at, ends at, team number) per chosen unit, in tree
        order. Raises ValidationError naming each unit whose date or times cannot be read."""
        rows, errors = [], []
        day_field, time_field = forms.DateField(), forms.TimeField()
        for unit in sorted(self.cleaned_data["units"], key=lambda u: u.path):
            prefix = f"row-{unit.pk}-"
            try:
                day = day_field.clean(self.data.get(prefix + "day"))
                start = time_field.clean(self.data.get(prefix + "start"))
                end = time_field.clean(self.data.get(prefix + "end"))
            except ValidationError:
                errors.append(_("%(unit)s: enter a date (dd/mm/yyyy) and the times.") % {"unit": unit.name})
                continue
            if end <= start:
                errors.append(_("%(unit)s: the visit must end after it starts.") % {"unit": unit.name})
                continue
            try:
                team = int(self.data.get(prefix + "team") or 0)
            except ValueError:
                team = 0
            rows.append((unit, _aware(day, start), _aware(day, end), team))
        if errors:
            raise ValidationError(errors)
        return rows


class PlanForm(ServiceErrorsMixin, forms.ModelForm):
    add_kind = forms.ChoiceField(
        label=_("Also add every unit of kind"),
        choices=[("", "—"), *UnitKind.choices],
        required=False,
    )
    add_under = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("under"),
        required=False,
        help_text=_("E.g. every commune of the province, in one go."),
    )

    class Meta:
        model = InspectionPlan
        fields = [
            "year",
            "title",
            "decision_number",
            "decision_date",
            "team_kind",
            "team_decision_number",
            "team_decision_date",
            "issuing_unit",
            "purpose",
            "template",
            "period_start",
            "period_end",
            "units",
        ]
        widgets = {
            "decision_date": DateInput(),
            "team_decision_date": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "units": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, units, templates, issuing_units, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_decided:
            # The approval decision is the head's; a change of units or period is an amendment.
            for name in ("decision_number", "decision_date"):
                self.fields[name].disabled = True
            self.fields["amendment_reason"] = forms.CharField(
                label=_("Reason for the amendment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "The plan is approved: a change of its units or period is sent to the head as an "
                    "amendment (điều chỉnh kế hoạch) and applies once approved."
                ),
            )
        if self.instance.pk:
            # A plan of the past keeps its own units and issuer even once dissolved (2025 merger):
            # editing the 2020 plan must not fail because they left the pickers for new work.
            units = Unit.objects.filter(
                Q(pk__in=units.values("pk")) | Q(pk__in=self.instance.units.values("pk"))
            ).order_by("path")
            issuing_units = Unit.objects.filter(
                Q(pk__in=issuing_units.values("pk")) | Q(pk=self.instance.issuing_unit_id)
            ).order_by("path")
        self.fields["units"].queryset = units
        self.fields["units"].required = False
        self.fields["add_under"].queryset = units
        self.fields["issuing_unit"].queryset = issuing_units
        self.fields["template"].queryset = templates
        self.fields["template"].empty_label = None
        self.fields["team_kind"].required = False

    def clean_team_kind(self):
        return self.cleaned_data.get("team_kind") or TeamKind.DOAN

    def unit_options(self) -> list[tuple[Unit, bool]]:
        """Every unit offered, in tree order, with whether it is ticked (for the tree of checkboxes)."""
        value = self["units"].value() or []
        chosen = {str(getattr(v, "pk", v)) for v in value}
        return [(unit, str(unit.pk) in chosen) for unit in self.fields["units"].queryset]

    def clean(self):
        data = super().clean()
        units = list(data.get("units") or [])
        kind, under = data.get("add_kind"), data.get("add_under")
        if kind and under:
            units += [
                u for u in self.fields["units"].queryset if u.path.startswith(under.path) and u.kind == kind
            ]
        elif kind or under:
            self.add_error("add_under" if kind else "add_kind", _("Choose both a kind and a unit."))
        data["units"] = list({u.pk: u for u in units}.values())
        if not data["units"] and not self.errors:
            self.add_error("units", _("Choose at least one unit to inspect."))
        return data

    def plan_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if "amendment_reason" in self.fields:
            fields["amendment_reason"] = self.cleaned_data["amendment_reason"]
        return fields


class PlanDecisionForm(ServiceErrorsMixin, forms.Form):
    """The head's approval: the number and date of the decision that approves the plan (or its amendment)."""

    decision_number = forms.CharField(
        label=_("Decision number"), max_length=100, help_text=_("e.g. 563/QĐ-SNV")
    )
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())


class ReturnForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the plan goes back to the scheduler.")},
        help_text=_("Kept in the plan's history and sent to the scheduler."),
    )


class TemplateImportForm(forms.Form):
    file = forms.FileField(
        label=_("Checklist file (YAML or XLSX)"),
        help_text=_(
            "The format of the download links: edit a downloaded file and import it as a new version."
        ),
    )
    publish = forms.BooleanField(
        label=_("Publish at once"),
        required=False,
        help_text=_(
            "A published version is frozen and can be used by plans; leave unticked to review a draft first."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml", ".xlsx")):
            raise ValidationError(_("Upload a .yaml, .yml or .xlsx file."))
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(_("The file is too large."))
        if upload.name.lower().endswith(".xlsx"):
            # openpyxl unpacks what it is given: refuse a "zip bomb" before it does. A file that
            # is not a zip at all is left to the import, which says what is wrong with it.
            upload.seek(0)
            try:
                archive_check(upload.read()).close()
            except zipfile.BadZipFile:
                pass
            upload.seek(0)
        return upload


class NewVersionForm(forms.Form):
    version = forms.CharField(
        label=_("Label of the new version"),
        max_length=30,
        required=False,
        help_text=_("Leave empty for the next number (0.1 → 0.2)."),
    )
