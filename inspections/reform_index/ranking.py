"""The ranking of a round: final points per domain and in total, percent of the points that apply
to the unit (criteria not applicable to a unit's kind leave its maximum), ranks within each unit
kind, and the change from the province's round of the year before.

Computed with two aggregate queries per round, whatever the number of units; the published page
and the issued document read the snapshot taken when the ranking was issued.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, Sum
from django.db.models.functions import Coalesce

from units.models import UnitKind

from .models import CriterionScore, IndexRound, Scorecard

TWO = Decimal("0.01")


@dataclass
class RankRow:
    unit_id: int
    unit_name: str
    kind: str
    kind_label: str
    domains: list[str]  # final points per domain, as strings ("8.50"), in the template's order
    total: str
    max_total: str
    percent: str
    rank: int = 0
    last_percent: str | None = None
    last_rank: int | None = None
    change: str | None = None  # percentage points, signed ("+2.10")


@dataclass
class KindGroup:
    kind: str
    label: str
    rows: list[RankRow] = field(default_factory=list)


@dataclass
class Ranking:
    year: int
    province: str
    domains: list[dict]  # [{"code", "title", "max"}]
    groups: list[KindGroup]

    @property
    def unit_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    def as_dict(self) -> dict:
        """As ``dataclasses.asdict(self)`` (the snapshot's shape) without its deep copy of every value:
        the rows' fields are strings and numbers, only their lists are copied."""
        return {
            "year": self.year,
            "province": self.province,
            "domains": [dict(d) for d in self.domains],
            "groups": [
                {
                    "kind": g.kind,
                    "label": g.label,
                    "rows": [{**vars(r), "domains": list(r.domains)} for r in g.rows],
                }
                for g in self.groups
            ],
        }


def _q(value) -> Decimal:
    return Decimal(value or 0).quantize(TWO, rounding=ROUND_HALF_UP)


def _totals(index_round: IndexRound) -> dict[int, dict]:
    """{unit_id: {"domains": {domain_id: points}, "total", "max"}} of final scores."""
    money = DecimalField(max_digits=10, decimal_places=2)
    rows = (
        CriterionScore.objects.filter(scorecard__round=index_round)
        .values("scorecard__unit_id", "criterion__domain_id")
        .annotate(
            points=Sum(Coalesce("appraised_score", "self_score", output_field=money), output_field=money),
            max=Sum("criterion__max_score", output_field=money),
        )
        .order_by()
    )
    out: dict[int, dict] = {}
    zero = Decimal(0)
    for unit_id, domain_id, points, maximum in rows.values_list(
        "scorecard__unit_id", "criterion__domain_id", "points", "max"
    ):
        unit = out.get(unit_id)
        if unit is None:
            unit = out[unit_id] = {"domains": {}, "total": zero, "max": zero}
        points = _q(points)
        unit["domains"][domain_id] = points
        unit["total"] += points
        unit["max"] += _q(maximum)
    return out


def _percent(total: Decimal, maximum: Decimal) -> Decimal:
    return _q(total * 100 / maximum) if maximum else Decimal(0)


def _ranked(rows: list[RankRow]) -> None:
    """Competition ranking (1, 2, 2, 4) by percent, then total."""
    rows.sort(key=lambda r: (-Decimal(r.percent), -Decimal(r.total), r.unit_name))
    previous, rank = None, 0
    for i, row in enumerate(rows, start=1):
        key = (row.percent, row.total)
        if key != previous:
            rank, previous = i, key
        row.rank = rank


def _simple_ranks(index_round: IndexRound) -> dict[int, tuple[Decimal, int]]:
    """{unit_id: (percent, rank in its kind)} of ``index_round``."""
    totals = _totals(index_round)
    kinds = dict(Scorecard.objects.filter(round=index_round).values_list("unit_id", "unit__kind"))
    rows = [
        RankRow(
            u,
            "",
            kinds.get(u, ""),
            "",
            [],
            str(t["total"]),
            str(t["max"]),
            str(_percent(t["total"], t["max"])),
        )
        for u, t in totals.items()
    ]
    out = {}
    for kind in {r.kind for r in rows}:
        group = [r for r in rows if r.kind == kind]
        _ranked(group)
        out.update({r.unit_id: (Decimal(r.percent), r.rank) for r in group})
    return out


def ranking_compute(*, index_round: IndexRound) -> Ranking:
    """The ranking of ``index_round`` as it stands (final = appraised, else self-score)."""
    domains = list(index_round.template.domains.order_by("order", "id"))
    totals = _totals(index_round)
    cards = Scorecard.objects.filter(round=index_round).order_by("unit__name")
    cards = list(cards.values_list("unit_id", "unit__name", "unit__kind"))
    last = IndexRound.objects.filter(province=index_round.province, year=index_round.year - 1).first()
    last_ranks = _simple_ranks(last) if last is not None else {}
    kind_labels = dict(UnitKind.choices)
    groups: dict[str, KindGroup] = {}
    empty = {"domains": {}, "total": Decimal(0), "max": Decimal(0)}
    zero = str(_q(0))
    domain_ids = [d.pk for d in domains]
    for unit_id, unit_name, unit_kind in cards:
        t = totals.get(unit_id, empty)
        percent = _percent(t["total"], t["max"])
        group = groups.get(unit_kind)
        if group is None:
            label = str(kind_labels.get(unit_kind, unit_kind))
            group = groups[unit_kind] = KindGroup(unit_kind, label)
        points = t["domains"]
        row = RankRow(
            unit_id=unit_id,
            unit_name=unit_name,
            kind=unit_kind,
            kind_label=group.label,
            domains=[str(points[d]) if d in points else zero for d in domain_ids],
            total=str(t["total"]),
            max_total=str(t["max"]),
            percent=str(percent),
        )
        if unit_id in last_ranks:
            last_percent, last_rank = last_ranks[unit_id]
            row.last_percent, row.last_rank = str(last_percent), last_rank
            row.change = f"{percent - last_percent:+.2f}"
        group.rows.append(row)
    order = [UnitKind.DEPARTMENT, UnitKind.COMMUNE]
    ordered = sorted(groups.values(), key=lambda g: (order.index(g.kind) if g.kind in order else 9, g.kind))
    for group in ordered:
        _ranked(group.rows)
    return Ranking(
        year=index_round.year,
        province=index_round.province.name,
        domains=[{"code": d.code, "title": d.title, "max": str(d.max_score or "")} for d in domains],
        groups=ordered,
    )
