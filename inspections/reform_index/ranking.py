"""The ranking of a round: final points per domain and in total, percent of the points that apply
to the unit (criteria not applicable to a unit's kind leave its maximum), ranks within each unit
kind, and the change from the province's round of the year before.

Computed with one query per round over the totals the database keeps per scorecard and domain
(models.ScoreTotal), whatever the number of units and criteria; the published page and the
issued document read the snapshot taken when the ranking was issued.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Func, Q, Sum

from units.models import UnitKind

from .models import IndexRound, Scorecard

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


class _Cents(Func):
    """A sum of cents as the page shows it: text with two decimals ("8.50"), made by the database
    (no Decimal per cell in Python); NULL stays None."""

    output_field = CharField()
    template = "CAST(ROUND(%(expressions)s, 2) AS text)"

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps decimals as floating point: printf rounds them to the cent (the percent
        # sign doubled twice: once for the template, once for the query's parameters).
        return self.as_sql(
            compiler, connection, template="printf('%%%%.2f', %(expressions)s)", **extra_context
        )


def _card_totals(index_round: IndexRound, domain_ids: list[int] = ()):
    """Per scorecard of ``index_round``: unit id, name and kind, final points, maximum and, for
    each of ``domain_ids``, its final points as text ("8.50"; None where the card has no
    criterion of it).

    One query over the stored totals (ScoreTotal, a row per card and domain kept by the
    database), folded per card; not a sum of every score row of the round."""
    per_domain = {
        f"d{i}": _Cents(Sum("totals__points", filter=Q(totals__domain_id=domain_id)))
        for i, domain_id in enumerate(domain_ids)
    }
    return (
        Scorecard.objects.filter(round=index_round)
        .annotate(points=Sum("totals__points"), maximum=Sum("totals__max_points"), **per_domain)
        # Grouped by card alone, in no order: the ranks order the rows (percent, total, name).
        .order_by()
        .values_list("unit_id", "unit__name", "unit__kind", "points", "maximum", *per_domain)
    )


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
    rows = []
    for unit_id, _name, kind, points, maximum in _card_totals(index_round):
        total, maximum = _q(points), _q(maximum)
        rows.append(
            RankRow(unit_id, "", kind, "", [], str(total), str(maximum), str(_percent(total, maximum)))
        )
    out = {}
    for kind in {r.kind for r in rows}:
        group = [r for r in rows if r.kind == kind]
        _ranked(group)
        out.update({r.unit_id: (Decimal(r.percent), r.rank) for r in group})
    return out


def ranking_compute(*, index_round: IndexRound) -> Ranking:
    """The ranking of ``index_round`` as it stands (final = appraised, else self-score)."""
    domains = list(index_round.template.domains.order_by("order", "id"))
    last = IndexRound.objects.filter(province=index_round.province, year=index_round.year - 1).first()
    last_ranks = _simple_ranks(last) if last is not None else {}
    kind_labels = dict(UnitKind.choices)
    groups: dict[str, KindGroup] = {}
    zero = str(_q(0))
    for unit_id, unit_name, unit_kind, points, maximum, *per_domain in _card_totals(
        index_round, [d.pk for d in domains]
    ):
        total, maximum = _q(points), _q(maximum)
        percent = _percent(total, maximum)
        group = groups.get(unit_kind)
        if group is None:
            label = str(kind_labels.get(unit_kind, unit_kind))
            group = groups[unit_kind] = KindGroup(unit_kind, label)
        row = RankRow(
            unit_id=unit_id,
            unit_name=unit_name,
            kind=unit_kind,
            kind_label=group.label,
            domains=[zero if p is None else p for p in per_domain],
            total=str(total),
            max_total=str(maximum),
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
