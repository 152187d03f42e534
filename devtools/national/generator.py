"""A synthetic national-scale data set for the dashboards, written with bulk_create in batches.

At scale 1.0: 34 provinces, 3 321 communes (plus 3 departments a province), 10 000 visits over
the last three plan years, 1 200 000 answers (a 120-criterion checklist), 100 000 findings, with
their conclusions, remediation actions, teams and per-domain score roll-ups. Deterministic for a
seed. Used by ``manage.py generate_national`` and, on a small province, by the bench data set.

This module makes the checklist, the units and the people; history.py the years of inspections.
"""

import random
import time
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from core.text import fold
from inspections.models import Answer, ChecklistTemplate, Criterion, Domain, TemplateStatus
from units.models import Unit, UnitKind, User
from units.roles import Role

from . import words
from .history import History
from .records import NATIONAL_ADMIN, TEMPLATE_CODE, WEIGHTS, Checklist, Province, RowMaker, Target

__all__ = ["NATIONAL_ADMIN", "TEMPLATE_CODE", "Generator", "Target", "existing_province"]


class Generator(History):
    """Writes the data set; ``log`` receives progress lines (the command prints them)."""

    def __init__(
        self, *, seed: int = 2026, today: date | None = None, batch: int = 5000, log: Callable = print
    ):
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible by design)
        self.today = today or timezone.localdate()
        self.batch = batch
        self.log = log
        self.tz = timezone.get_current_timezone()
        self.counts: dict[str, int] = {}
        self._password = None
        self._answer_maker = RowMaker(Answer)

    # Orchestration -------------------------------------------------------------------------

    def run(self, target: Target) -> dict[str, int]:
        """Generate everything for ``target``; returns the row counts written."""
        if ChecklistTemplate.objects.filter(code=TEMPLATE_CODE).exists():
            raise RuntimeError("This database already holds a generated data set: generate into a fresh one.")
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            # Synthetic rows, regenerated at will: do not wait for the disk at each commit.
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")
        with transaction.atomic():
            checklist = self.checklist()
            provinces = self.provinces(target)
            self._step("units and users", started)
        self.history(provinces, checklist, visits=target.visits, findings=target.findings, answers=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.counts["seconds"] = round(time.perf_counter() - started, 1)
        return self.counts

    def _step(self, what: str, started: float) -> None:
        self.log(f"  {what}: {time.perf_counter() - started:.1f} s")

    def _add(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def _bulk(self, model, rows: list, **kwargs) -> list:
        created = model.objects.bulk_create(rows, batch_size=self.batch, **kwargs)
        self._add(model._meta.model_name, len(rows))
        return created

    # Checklist -----------------------------------------------------------------------------

    def checklist(self, code: str = TEMPLATE_CODE) -> Checklist:
        """A published 120-criterion checklist (10 domains of 12 criteria, 10 points a domain)."""
        template = ChecklistTemplate.objects.create(
            code=code,
            title="Bộ tiêu chí kiểm tra công tác cải cách hành chính (dữ liệu mô phỏng)",
            version="1",
            number=1,
            status=TemplateStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        domains = self._bulk(
            Domain,
            [
                Domain(template=template, order=n, code=code, title=title, max_score=Decimal(10))
                for n, (code, title, _criteria) in enumerate(words.DOMAINS, start=1)
            ],
        )
        criteria = self._bulk(
            Criterion,
            [
                Criterion(
                    domain=domain,
                    order=k,
                    code=f"{domain.code}.{k}",
                    title=title,
                    guidance="Đối chiếu hồ sơ, phần mềm và kiểm tra thực tế.",
                    max_score=WEIGHTS[k - 1],
                    applies_to=[],
                )
                for domain, (_code, _title, titles) in zip(domains, words.DOMAINS, strict=True)
                for k, title in enumerate(titles, start=1)
            ],
        )
        difficulty = {c.pk: self.rng.uniform(-0.25, 0.15) for c in criteria}
        return Checklist(template, domains, criteria, difficulty)

    # Units and people ------------------------------------------------------------------------

    def _units(self, units: list[Unit], parents: list[Unit | None]) -> list[Unit]:
        """bulk_create units, then fill the derived columns Unit.save() would have filled."""
        for unit in units:
            unit.search_text = fold(" ".join(filter(None, [unit.name, unit.short_name, unit.code])))
        self._bulk(Unit, units)
        for unit, parent in zip(units, parents, strict=True):
            parent_path = parent.path if parent else "/"
            unit.path = f"{parent_path}{unit.pk}/"
            unit.depth = parent_path.count("/") - 1
        Unit.objects.bulk_update(units, ["path", "depth"], batch_size=1000)
        return units

    def _users(self, specs: list[tuple[str, str, Unit, str]]) -> list[User]:
        """Users from (username, role, unit, position); one password hash for all (DEMO_PASSWORD)."""
        from django.conf import settings

        if self._password is None:
            self._password = make_password(settings.DEMO_PASSWORD)
        users = []
        for n, (username, _role, unit, position) in enumerate(specs):
            users.append(
                User(
                    username=username,
                    last_name=self.rng.choice(words.FAMILY_NAMES),
                    first_name=words.GIVEN_NAMES[n % len(words.GIVEN_NAMES)],
                    unit=unit,
                    position=position,
                    password=self._password,
                    email=f"{username}@example.vn",
                )
            )
        self._bulk(User, users)
        groups = {g.name: g.pk for g in Group.objects.filter(name__in=Role.values)}
        Membership = User.groups.through
        Membership.objects.bulk_create(
            [
                Membership(user_id=u.pk, group_id=groups[role])
                for u, (_n, role, _u, _p) in zip(users, specs, strict=True)
            ],
            batch_size=self.batch,
        )
        return users

    def provinces(self, target: Target) -> list[Province]:
        """Provinces, each with its Department of Home Affairs, three other departments, its
        communes (directly under the province, as after 2025), a head, a scheduler, inspectors
        and one liaison."""
        names = [words.PROVINCES[i % len(words.PROVINCES)] for i in range(target.provinces)]
        provinces = self._units(
            [
                Unit(
                    name=f"UBND tỉnh {name}" if i < len(words.PROVINCES) else f"UBND tỉnh {name} {i}",
                    kind=UnitKind.PROVINCE,
                    code=f"QG{i + 1:02d}",
                )
                for i, name in enumerate(names)
            ],
            [None] * len(names),
        )
        departments, parents = [], []
        for province, name in zip(provinces, names, strict=True):
            departments.append(
                Unit(
                    name=f"Sở Nội vụ tỉnh {name}",
                    short_name="SNV",
                    kind=UnitKind.DEPARTMENT,
                    code=f"{province.code}-SNV",
                )
            )
            parents.append(province)
            for k, department in enumerate(words.DEPARTMENTS):
                departments.append(
                    Unit(
                        name=f"{department} tỉnh {name}",
                        kind=UnitKind.DEPARTMENT,
                        code=f"{province.code}-S{k + 1}",
                    )
                )
                parents.append(province)
        for unit, parent in zip(departments, parents, strict=True):
            unit.parent = parent
        self._units(departments, parents)
        communes, parents = [], []
        per_province = [
            target.communes // len(provinces) + (1 if i < target.communes % len(provinces) else 0)
            for i in range(len(provinces))
        ]
        for province, count in zip(provinces, per_province, strict=True):
            for n in range(count):
                base = words.COMMUNE_NAMES[n % len(words.COMMUNE_NAMES)]
                rank = n // len(words.COMMUNE_NAMES)
                kind_word = "phường" if n % 7 == 3 else "xã"
                name = f"{base} {rank + 1}" if rank else base
                communes.append(
                    Unit(
                        name=f"UBND {kind_word} {name}",
                        short_name=f"{kind_word.capitalize()} {name}",
                        kind=UnitKind.COMMUNE,
                        parent=province,
                        code=f"{province.code}-{n + 1:04d}",
                    )
                )
                parents.append(province)
        self._units(communes, parents)

        result = []
        step = len(words.DEPARTMENTS) + 1
        by_province: dict[int, list[Unit]] = {}
        for commune in communes:
            by_province.setdefault(commune.parent_id, []).append(commune)
        specs, owners = [], []
        for i, province in enumerate(provinces):
            snv = departments[i * step]
            others = departments[i * step + 1 : (i + 1) * step]
            mine = by_province.get(province.pk, [])
            code = province.code.lower()
            specs += [
                (f"lanhdao.{code}", Role.HEAD, snv, "Giám đốc Sở Nội vụ"),
                (f"chuyenvien.{code}", Role.SCHEDULER, snv, "Chuyên viên Phòng CCHC"),
                *[(f"kiemtra.{code}.{k}", Role.INSPECTOR, snv, "Chuyên viên") for k in range(1, 7)],
            ]
            if mine:
                specs.append((f"daumoi.{code}", Role.LIAISON, mine[0], "Công chức Văn phòng - Thống kê"))
            owners.append((province, snv, others, mine))
        specs.append((NATIONAL_ADMIN, Role.ADMIN, None, "Quản trị hệ thống"))
        users = self._users(specs)
        by_username = {u.username: u for u in users}
        for province, snv, others, mine in owners:
            code = province.code.lower()
            entry = Province(
                province=province,
                department=snv,
                units=[*mine, *others],
                head=by_username[f"lanhdao.{code}"],
                inspectors=[by_username[f"kiemtra.{code}.{k}"] for k in range(1, 7)],
            )
            result.append(entry)
        return result


def existing_province(
    *, province: Unit, department: Unit, head: User, inspectors: Iterable[User], kinds=None
) -> Province:
    """A Province over units that already exist (the bench data set's province)."""
    kinds = kinds or [UnitKind.COMMUNE, UnitKind.DEPARTMENT]
    units = list(
        Unit.objects.current()
        .filter(path__startswith=province.path, kind__in=kinds)
        .exclude(pk=department.pk)
        .order_by("path")
    )
    return Province(
        province=province, department=department, units=units, head=head, inspectors=list(inspectors)
    )
