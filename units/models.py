from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, router, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import fold
from core.validators import validate_code, validate_phone

from .closing import open_work_message

# The district level (huyện) was dissolved on 01/07/2025 by the two-tier local-government reform.
DISTRICT_DISSOLVED_ON = date(2025, 7, 1)


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Department (sở, ban, ngành)")
    DISTRICT = "district", _("District (huyện, former)")
    COMMUNE = "commune", _("Commune-level unit (xã, phường, đặc khu)")
    OFFICE = "internal_office", _("Internal office (phòng, unit)")


class UnitQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        """Units in force on ``on`` (today by default): the ones offered for new work."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=on)
        )

    def in_force_during(self, start: date, end: date | None = None):
        """Units in force on some day of ``start``..``end`` (one day when ``end`` is None): the units
        a plan of that period, or a visit on that day, may take (a 2020 plan keeps the communes
        merged in 2025; a 2026 visit never takes them)."""
        end = end or start
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=start)
        )

    def subtree(self, unit: "Unit"):
        """``unit`` and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def search(self, query: str):
        """Match every word of ``query`` ignoring diacritics and case ("binh tan" -> "Bình Tấn")."""
        qs = self
        for word in fold(query).split():
            qs = qs.filter(search_text__contains=word)
        return qs


# A unit's name is one line: it goes into e-mail subjects, document headings and file names, where
# a line break is refused (e-mail headers) or breaks the layout. Checked wherever a name is typed
# or imported (forms, admin, the unit import call the model's validation); names stored before the
# rule are folded where they go into a header (core.mail).
ONE_LINE_MESSAGE = _("A name is one line: remove the line breaks.")
one_line = RegexValidator(r"[\r\n]", inverse_match=True, message=ONE_LINE_MESSAGE, code="line_break")


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=255, validators=[one_line])
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(
        _("official code"),
        max_length=50,
        blank=True,
        validators=[validate_code],
        help_text=_("Optional; unique when given (e.g. the commune code of the national list)."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[validate_phone])
    head_name = models.CharField(_("head's name"), max_length=150, blank=True)
    head_title = models.CharField(_("head's title"), max_length=150, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_("The day the unit was dissolved or merged; it then leaves the pickers for new work."),
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("The units this one replaced (e.g. the communes merged into it)."),
    )
    # Derived columns, kept by save(): the materialised path of ancestor ids ("/1/5/12/") for
    # subtree queries, and the folded text that diacritic-insensitive search reads.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    search_text = models.CharField(max_length=600, editable=False, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="units_unit_code_unique",
                violation_error_message=_("Another unit already has this official code."),
            ),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="units_unit_kind_valid"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="units_unit_valid_to_after_from",
                violation_error_message=_("“Valid to” must be later than “valid from”."),
            ),
        ]
        indexes = [
            # The pickers and lists: children of a unit in display order.
            models.Index(fields=["parent", "name"], name="units_unit_parent_name"),
            # "all communes of this province": kind filter inside a subtree.
            models.Index(fields=["kind", "path"], name="units_unit_kind_path"),
        ]

    # Set by a form whose user was shown the unit's open work (visits in progress, actions owed)
    # and chose to close it anyway; every other path (the admin, an import) is refused by clean().
    closing_acknowledged = False

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save the unit and keep its derived columns right, and its subtree's when it moves.

        The path and depth come from the parent's stored path, read (and locked) in the same
        transaction, never from a parent object that may be stale. When the unit's path changes
        (a new parent, in the admin, a service or an import), every descendant's path and depth
        are rewritten by one UPDATE, so who sees which units (units.rules.scope_prefix) follows
        the move at once. Raises ValidationError if the new parent is the unit or below it.
        """
        # Derived columns must never drift from their sources, so they are filled here, the one
        # place every write (services, admin, import, fixtures) passes through.
        self.search_text = fold(" ".join(filter(None, [self.name, self.short_name, self.code])))
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            if self.pk is None or self._state.adding:
                super().save(*args, **kwargs)
                kwargs = {"using": using, "update_fields": ["path", "depth", "search_text"]}
            stored = dict(
                Unit.objects.using(using)
                .select_for_update()
                .filter(pk__in=[self.pk, self.parent_id])
                .order_by("pk")
                .values_list("pk", "path")
            )
            old_path = stored.get(self.pk) or None
            parent_path = stored.get(self.parent_id, "/") if self.parent_id else "/"
            if old_path and parent_path.startswith(old_path):
                raise ValidationError(_("A unit cannot be placed below itself or one of its sub-units."))
            self.path = f"{parent_path}{self.pk}/"
            self.depth = parent_path.count("/") - 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = set(update_fields) | {"path", "depth", "search_text"}
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                moved = self.depth - (old_path.count("/") - 2)
                Unit.objects.using(using).filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1)),
                    depth=F("depth") + moved,
                )

    def get_absolute_url(self):
        return reverse("units:detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.pk and self.parent_id and self.parent.path.startswith(self.path):
            raise ValidationError(
                {"parent": _("A unit cannot be placed below itself or one of its sub-units.")}
            )
        if message := open_work_message(self):
            raise ValidationError({"valid_to": ValidationError(message, code="open_work")})

    def closes_now(self) -> bool:
        """Whether this (unsaved) change ends the unit, or brings its end forward."""
        if not self.pk or self.valid_to is None:
            return False
        before = Unit.objects.filter(pk=self.pk).values_list("valid_to", flat=True).first()
        return before is None or self.valid_to < before

    def in_force_on(self, day: date) -> bool:
        return self.in_force_between(day, day)

    def in_force_between(self, start: date, end: date) -> bool:
        """In force on some day of ``start``..``end`` (as UnitQuerySet.in_force_during)."""
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or self.valid_to > start
        )

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to > today
        )

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("home unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Vietnamese order: family name first ("Nguyễn Văn An").
        return " ".join(filter(None, [self.last_name, self.first_name])).strip()

    @property
    def role_names(self) -> set[str]:
        """Names of the user's role groups, cached on the instance (one query per request)."""
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names


class IssuingBodyKind(models.TextChoices):
    AGENCY = "agency", _("Agency (Sở, UBND)")
    TEAM = "team", _("Inspection team (Đoàn/Tổ kiểm tra liên ngành)")


# The authority lines of Nghị định 30/2020 (ô số 7): on behalf of, deputy for, acting, by order,
# by authorisation; or none when the head signs.
AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")


class IssuingBodyQuerySet(models.QuerySet):
    def defaults(self):
        return self.filter(is_default=True)


class IssuingBody(models.Model):
    """Who issues a plan, a notice or a report, and how it prints: the body's name and the one above
    it (ô số 2), its symbol (SNV, UBND, ĐKT), the place name, and who signs (authority line, title,
    name) with the usual recipients. Letterhead, symbol and signer of a document always come from one
    issuing body. Managed in the admin; a unit has at most one default body."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="issuing_bodies"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=IssuingBodyKind.choices, default=IssuingBodyKind.AGENCY
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("As printed, e.g. Sở Nội vụ"))
    parent_name = models.CharField(
        _("body above it"),
        max_length=255,
        blank=True,
        help_text=_("e.g. UBND tỉnh Đồng Tháp; empty for a provincial People's Committee"),
    )
    symbol = models.CharField(_("symbol"), max_length=20, help_text=_("e.g. SNV, UBND, ĐKT"))
    place = models.CharField(_("place name"), max_length=100, help_text=_("e.g. Đồng Tháp"))
    authority_line = models.CharField(
        _("authority line"), max_length=100, blank=True, help_text=_("e.g. KT. GIÁM ĐỐC, TM. ỦY BAN NHÂN DÂN")
    )
    signer_title = models.CharField(_("signer's title"), max_length=100, help_text=_("e.g. PHÓ GIÁM ĐỐC"))
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    recipients = models.TextField(
        _("usual recipients"), blank=True, help_text=_("One per line, e.g. UBND tỉnh (để b/c)")
    )
    is_default = models.BooleanField(_("default for its unit"), default=True)

    objects = IssuingBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuing body")
        verbose_name_plural = _("issuing bodies")
        ordering = ["unit__path", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(is_default=True), name="units_issuingbody_one_default"
            ),
            models.CheckConstraint(
                condition=Q(authority_line="") | Q(authority_line__regex=r"^(TM|KT|Q|TL|TUQ)\. "),
                name="units_issuingbody_authority_line",
                violation_error_message=_("The authority line starts with TM., KT., Q., TL. or TUQ."),
            ),
            models.CheckConstraint(condition=~Q(symbol=""), name="units_issuingbody_has_symbol"),
        ]

    def __str__(self):
        return f"{self.name} ({self.symbol})"

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    @property
    def authority_role(self) -> str:
        """ "GIÁM ĐỐC" of "KT. GIÁM ĐỐC": whose authority the signer signs with."""
        prefix, _sep, role = self.authority_line.partition(" ")
        return role.strip().upper() if prefix in AUTHORITY_PREFIXES else ""
