"""The plan years of the national data set: plans, visits and teams, answers and their score
roll-ups, findings, conclusions and remediation actions (written by Generator.history).

The roll-up rows (VisitDomainScore) are computed here from the answers exactly as
inspections.checklist.answers computes them (not applicable leaves the denominator, an unanswered
criterion counts for nothing), because bulk_create bypasses the answer service.
"""

import math
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.db import transaction
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
    Criterion,
    InspectionPlan,
    PlanStatus,
    TeamMember,
    TeamRole,
    Visit,
    VisitDomainScore,
    VisitStatus,
)

from . import words
from .records import HUNDREDTH, Checklist, PlannedVisit, Province


class History:
    """Generator's part that writes the years of inspections. A mixin: Generator.__init__ sets
    ``rng``, ``today``, ``tz``, ``batch`` and ``_answer_maker``; Generator writes with ``_bulk``
    and logs with ``_step``."""

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
