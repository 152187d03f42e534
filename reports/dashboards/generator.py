"""A synthetic national-scale data set for the dashboards, written with bulk_create in batches.

At scale 1.0: 34 provinces, 3 321 communes (plus 3 departments a province), 10 000 visits over
the last three plan years, 1 200 000 answers (a 120-criterion checklist), 100 000 findings, with
their conclusions, remediation actions, teams and per-domain score roll-ups. Deterministic for a
seed. Used by ``manage.py generate_national`` and, on a small province, by the bench data set.

The roll-up rows (VisitDomainScore) are computed here from the answers exactly as
inspections.services.answers computes them (not applicable leaves the denominator, an unanswered
criterion counts for nothing), because bulk_create bypasses the answer service.
"""

import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from findings.models import (
    ActionState,
    Conclusion,
    ConclusionCounter,
    Finding,
    FindingKind,
    RemediationAction,
    ReviewState,
    Severity,
)
from inspections.models import (
    Answer,
    AnswerResult,
    ChecklistTemplate,
    Criterion,
    Domain,
    InspectionPlan,
    PlanStatus,
    TeamMember,
    TeamRole,
    TemplateStatus,
    Visit,
    VisitDomainScore,
    VisitStatus,
)
from units.models import Unit, UnitKind, User
from units.roles import Role
from units.text import fold

from . import national_data as words

TEMPLATE_CODE = "CCHC-QG-SIM"
# An administrator, who sees the whole country (the national dashboard of the benchmark).
NATIONAL_ADMIN = "quantri.quocgia"
HUNDREDTH = Decimal("0.01")
# Criterion weights of a domain (they add up to the domain's 10 points).
WEIGHTS = [Decimal(w) for w in ("1", "1", "1", "0.5", "1", "1", "0.5", "1", "1", "0.5", "1", "0.5")]
FULL = {"provinces": 34, "communes": 3321, "visits": 10_000, "answers": 1_200_000, "findings": 100_000}


@dataclass(frozen=True)
class Target:
    """How many rows of each kind to generate."""

    provinces: int
    communes: int
    visits: int
    answers: int
    findings: int

    @classmethod
    def scaled(cls, scale: float) -> "Target":
        provinces = max(1, round(FULL["provinces"] * scale))
        visits = max(3, round(FULL["visits"] * scale))
        return cls(
            provinces=provinces,
            communes=max(provinces * 3, round(FULL["communes"] * scale)),
            visits=visits,
            answers=visits * len(words.DOMAINS) * len(WEIGHTS),
            findings=round(FULL["findings"] * scale),
        )


@dataclass
class Province:
    """One province's units and people, as the generator (or the bench builder) made them."""

    province: Unit
    department: Unit
    units: list[Unit]  # the units its plans inspect: communes and departments
    head: User
    inspectors: list[User]
    quality: dict[int, float] = field(default_factory=dict)  # unit id -> how well it does


@dataclass
class Checklist:
    template: ChecklistTemplate
    domains: list[Domain]
    criteria: list[Criterion]
    difficulty: dict[int, float]  # criterion id -> how hard it is to meet


class RowMaker:
    """Model instances built from positional values (three times faster than keyword arguments,
    which matters for 1.2 million answers); unnamed fields take their defaults."""

    def __init__(self, model):
        self.model = model
        fields = model._meta.concrete_fields
        self.names = [f.attname for f in fields]
        self.defaults = [None if f.primary_key else f.get_default() for f in fields]

    def __call__(self, **values):
        args = list(self.defaults)
        for index, name in enumerate(self.names):
            if name in values:
                args[index] = values[name]
        return self.model(*args)


@dataclass
class PlannedVisit:
    """A visit row and what the generator needs to remember about it until its findings exist."""

    visit: Visit
    province: Province
    year: int
    leader_id: int
    failed: list[tuple[Criterion, str]] = field(default_factory=list)  # (criterion, result)
    met: list[Criterion] = field(default_factory=list)


class Generator:
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

    # Plans, visits, answers, findings, conclusions, actions -------------------------------------

    def years(self) -> list[int]:
        return [self.today.year - 2, self.today.year - 1, self.today.year]

    def history(
        self,
        provinces: list[Province],
        checklist: Checklist,
        *,
        visits: int,
        findings: int,
        answers: bool = True,
        years: list[int] | None = None,
    ) -> None:
        """Three plan years of inspections of ``provinces``' units.

        ``visits`` are spread evenly over the years; each year a random selection of the units is
        visited once (a unit is never visited twice in one plan). With ``answers`` every visit gets
        its 120 answers (self-assessment only for visits not started yet); either way finished
        visits get their roll-up rows, findings, and concluded ones a conclusion and actions.
        """
        years = years or self.years()
        started = time.perf_counter()
        for province in provinces:
            for unit in province.units:
                province.quality[unit.pk] = self.rng.uniform(0.35, 0.92)
        pool = [(province, unit) for province in provinces for unit in province.units]
        per_year = [visits // len(years) + (1 if i < visits % len(years) else 0) for i in range(len(years))]
        planned: list[PlannedVisit] = []
        for year, count in zip(years, per_year, strict=True):
            with transaction.atomic():
                planned += self._year(year, min(count, len(pool)), pool, provinces, checklist)
        self._step(f"plans and {len(planned)} visits", started)
        done = [
            p
            for p in planned
            if p.visit.status in {VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED}
        ]
        chunk = max(1, self.batch * 4 // (len(checklist.criteria) or 1))
        for start in range(0, len(planned), chunk):
            with transaction.atomic():
                self._answers(planned[start : start + chunk], checklist, write_answers=answers)
        self._step("answers and score roll-ups", started)
        with transaction.atomic():
            self._findings(done, checklist, findings)
            self._step("findings", started)
            self._conclusions_and_actions([p for p in done if p.visit.status == VisitStatus.CONCLUDED])
            self._step("conclusions and remediation actions", started)

    def _at(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, clock(hour), tzinfo=self.tz)

    def _year(self, year, count, pool, provinces, checklist) -> list[PlannedVisit]:
        chosen = self.rng.sample(pool, count)
        current = year == self.today.year
        plans = {}
        for province in provinces:
            plans[province.province.pk] = InspectionPlan(
                year=year,
                title=f"Kế hoạch kiểm tra công tác cải cách hành chính năm {year}",
                decision_number=f"{self.rng.randint(10, 990)}/QĐ-SNV",
                decision_date=date(year - 1, 12, 15),
                issuing_unit=province.department,
                template=checklist.template,
                period_start=date(year, 1, 1),
                period_end=date(year, 12, 31),
                status=PlanStatus.IN_PROGRESS if current else PlanStatus.CLOSED,
                approved_by=province.head,
                approved_at=self._at(date(year - 1, 12, 15), 9),
                created_by=province.head,
            )
        self._bulk(InspectionPlan, list(plans.values()))
        first, last = date(year, 3, 1), date(year, 12, 10)
        span = (last - first).days
        rows = []
        for province, unit in chosen:
            day = first + timedelta(days=self.rng.randrange(span))
            while day.weekday() >= 5:
                day -= timedelta(days=2)
            starts = self._at(day, self.rng.choice([8, 8, 14]))
            visit = Visit(
                plan=plans[province.province.pk],
                unit=unit,
                template=checklist.template,
                starts_at=starts,
                ends_at=starts + timedelta(hours=3, minutes=30),
                place=f"Trụ sở {unit.name}",
                status=self._status(day),
                created_by=province.head,
            )
            rows.append(PlannedVisit(visit, province, year, leader_id=0))
        self._bulk(Visit, [p.visit for p in rows])
        Through = InspectionPlan.units.through
        links = {(p.visit.plan_id, p.visit.unit_id) for p in rows}
        if current:
            # A few units of this year's plans still wait for a visit (the scheduler's home lists them).
            visited = {unit.pk for _province, unit in chosen}
            for province in provinces:
                waiting = [u for u in province.units if u.pk not in visited][:3]
                links |= {(plans[province.province.pk].pk, u.pk) for u in waiting}
        Through.objects.bulk_create(
            [Through(inspectionplan_id=plan_id, unit_id=unit_id) for plan_id, unit_id in sorted(links)],
            batch_size=self.batch,
        )
        team = []
        for planned in rows:
            people = self.rng.sample(planned.province.inspectors, min(3, len(planned.province.inspectors)))
            planned.leader_id = people[0].pk
            team.append(TeamMember(visit=planned.visit, user=people[0], role=TeamRole.LEADER))
            team += [TeamMember(visit=planned.visit, user=u, role=TeamRole.MEMBER) for u in people[1:]]
        self._bulk(TeamMember, team)
        return rows

    def _status(self, day: date) -> str:
        """Visits long past are concluded; recent ones are somewhere in review; future ones scheduled."""
        age = (self.today - day).days
        if age < 0:
            return VisitStatus.SCHEDULED
        if age < 3:
            return VisitStatus.IN_PROGRESS
        if age < 20:
            return self.rng.choice([VisitStatus.SUBMITTED, VisitStatus.REVIEWED, VisitStatus.CONCLUDED])
        if age < 45:
            return self.rng.choice([VisitStatus.REVIEWED, VisitStatus.CONCLUDED, VisitStatus.CONCLUDED])
        return VisitStatus.CONCLUDED

    def _answers(self, planned: list[PlannedVisit], checklist: Checklist, *, write_answers: bool) -> None:
        answers, scores = [], []
        answer = self._answer_maker
        by_domain: dict[int, list[Criterion]] = {}
        for criterion in checklist.criteria:
            by_domain.setdefault(criterion.domain_id, []).append(criterion)
        for p in planned:
            visit = p.visit
            status = visit.status
            if status == VisitStatus.SCHEDULED:
                if write_answers:
                    answers += [self._self_assessment(visit, c) for c in checklist.criteria]
                continue
            quality = p.province.quality[visit.unit_id] + 0.04 * (p.year - self.years()[0])
            answered_share = 0.6 if status == VisitStatus.IN_PROGRESS else 1.0
            for domain_id, criteria in by_domain.items():
                roll = VisitDomainScore(visit=visit, domain_id=domain_id)
                for criterion in criteria:
                    result, score = self._result(
                        quality + checklist.difficulty[criterion.pk], criterion, answered_share
                    )
                    if result != AnswerResult.NOT_APPLICABLE:
                        roll.applicable += 1
                        roll.max_points += criterion.max_score
                        if result:
                            roll.answered += 1
                            roll.points += score
                    if result in {AnswerResult.NOT_MET, AnswerResult.PARTLY}:
                        p.failed.append((criterion, result))
                    elif result == AnswerResult.MET:
                        p.met.append(criterion)
                    if write_answers:
                        answers.append(
                            answer(
                                visit_id=visit.pk,
                                criterion_id=criterion.pk,
                                result=result,
                                score=score,
                                version=1 if result else 0,
                                updated_by_id=p.leader_id if result else None,
                                updated_at=visit.ends_at if result else None,
                            )
                        )
                scores.append(roll)
        if answers:
            self._bulk(Answer, answers)
        self._bulk(VisitDomainScore, scores)

    def _self_assessment(self, visit: Visit, criterion: Criterion) -> Answer:
        """Before the visit only the unit's own score is there (the liaison's self-assessment)."""
        share = self.rng.choice([Decimal(1), Decimal(1), Decimal("0.5")])
        return self._answer_maker(
            visit_id=visit.pk,
            criterion_id=criterion.pk,
            self_score=(criterion.max_score * share).quantize(HUNDREDTH),
            self_updated_at=visit.starts_at - timedelta(days=7),
        )

    def _result(
        self, chance: float, criterion: Criterion, answered_share: float
    ) -> tuple[str, Decimal | None]:
        rng = self.rng
        if rng.random() > answered_share:
            return AnswerResult.UNANSWERED, None
        if rng.random() < 0.02:
            return AnswerResult.NOT_APPLICABLE, None
        chance = min(0.98, max(0.03, chance))
        draw = rng.random()
        if draw < chance:
            return AnswerResult.MET, criterion.max_score
        if draw < chance + (1 - chance) * 0.55:
            return AnswerResult.PARTLY, (criterion.max_score / 2).quantize(HUNDREDTH)
        return AnswerResult.NOT_MET, Decimal(0)

    def _findings(self, done: list[PlannedVisit], checklist: Checklist, total: int) -> None:
        """``total`` findings over the finished visits: limitations on the criteria they failed
        (not met first), the rest strengths."""
        if not done:
            return
        domains = {d.pk: d for d in checklist.domains}
        rows = []
        base, extra = divmod(total, len(done))
        for index, p in enumerate(done):
            n = base + (1 if index < extra else 0)
            failed = sorted(p.failed, key=lambda pair: (pair[1] != AnswerResult.NOT_MET, self.rng.random()))
            limitations = failed[: min(len(failed), math.ceil(n * 0.7))]
            state = ReviewState.SUBMITTED if p.visit.status == VisitStatus.SUBMITTED else ReviewState.APPROVED
            order = 0
            for criterion, result in limitations:
                domain = domains[criterion.domain_id]
                text, recommendation = self.rng.choice(words.LIMITATIONS[domain.code])
                order += 1
                rows.append(
                    Finding(
                        visit=p.visit,
                        domain=domain,
                        criterion=criterion,
                        kind=FindingKind.LIMITATION,
                        text=text.format(n=self.rng.randint(2, 40)),
                        recommendation=recommendation,
                        severity=Severity.HIGH if result == AnswerResult.NOT_MET else Severity.MEDIUM,
                        review_state=state,
                        order=order,
                        created_by_id=p.leader_id,
                    )
                )
            for k in range(n - len(limitations)):
                criterion = (
                    p.met[k % len(p.met)] if p.met else checklist.criteria[k % len(checklist.criteria)]
                )
                domain = domains[criterion.domain_id]
                order += 1
                rows.append(
                    Finding(
                        visit=p.visit,
                        domain=domain,
                        criterion=criterion,
                        kind=FindingKind.STRENGTH,
                        text=words.STRENGTHS[domain.code],
                        review_state=state,
                        order=order,
                        created_by_id=p.leader_id,
                    )
                )
        self._bulk(Finding, rows)

    def _conclusions_and_actions(self, concluded: list[PlannedVisit]) -> None:
        numbers: dict[tuple[int, int], int] = {}
        conclusions = []
        for p in sorted(concluded, key=lambda p: p.visit.starts_at):
            issued = min(self.today, timezone.localtime(p.visit.ends_at).date() + timedelta(days=10))
            key = (p.province.department.pk, p.year)
            numbers[key] = numbers.get(key, 0) + 1
            head = p.province.head
            conclusions.append(
                Conclusion(
                    visit=p.visit,
                    issuing_unit=p.province.department,
                    year=p.year,
                    symbol="TB-SNV",
                    number=numbers[key],
                    date=issued,
                    signer=head,
                    signer_name=head.get_full_name(),
                    authority_line="KT. GIÁM ĐỐC",
                    signer_title="PHÓ GIÁM ĐỐC",
                    due_date=issued + timedelta(days=self.rng.choice([30, 45, 60, 90])),
                    created_by=head,
                )
            )
        self._bulk(Conclusion, conclusions)
        self._bulk(
            ConclusionCounter,
            [
                ConclusionCounter(issuing_unit_id=unit_id, year=year, symbol="TB-SNV", last_number=n)
                for (unit_id, year), n in numbers.items()
            ],
        )
        due = {c.visit_id: c.due_date for c in conclusions}
        actions = []
        limitations = (
            Finding.objects.filter(visit_id__in=list(due), kind=FindingKind.LIMITATION)
            .exclude(recommendation="")
            .values_list("pk", "visit_id", "visit__unit_id")
            .order_by("pk")
        )
        for finding_id, visit_id, unit_id in limitations.iterator(chunk_size=self.batch):
            due_date = due[visit_id]
            actions.append(
                RemediationAction(
                    finding_id=finding_id,
                    unit_id=unit_id,
                    due_date=due_date,
                    state=self._action_state(due_date),
                )
            )
        self._bulk(RemediationAction, actions)

    def _action_state(self, due_date: date) -> str:
        """Older actions are mostly verified; some stay open long past their due date."""
        late = (self.today - due_date).days
        draw = self.rng.random()
        if late > 90:
            weights = [
                (0.80, ActionState.VERIFIED),
                (0.85, ActionState.REPORTED_DONE),
                (0.87, ActionState.REOPENED),
            ]
        elif late > 0:
            weights = [
                (0.45, ActionState.VERIFIED),
                (0.65, ActionState.REPORTED_DONE),
                (0.68, ActionState.REOPENED),
            ]
        else:
            weights = [(0.15, ActionState.VERIFIED), (0.40, ActionState.REPORTED_DONE)]
        for bound, state in weights:
            if draw < bound:
                return state
        return self.rng.choice([ActionState.OPEN, ActionState.IN_PROGRESS])


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
