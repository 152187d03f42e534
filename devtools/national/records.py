"""What the national generator makes: its sizes, constants and the records it passes around."""

from dataclasses import dataclass, field
from decimal import Decimal

from inspections.models import ChecklistTemplate, Criterion, Domain, Visit
from units.models import Unit, User

from . import words

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
