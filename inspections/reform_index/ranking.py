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

from .models import IndexRound, Scorecard, ScoreTotal

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


def _card_totals(index_round: IndexRound, *, last_year: bool = False):
    """Per scorecard of ``index_round`` (and, with ``last_year``, of the province's round of the
    year before): its id, round id, unit id, name and kind, final points and maximum.

    One query over the stored totals (ScoreTotal, a row per card and domain kept by the
    database), folded per card; not a sum of every score row of the round. The points per
    domain are not summed here (nine filtered sums per card made the query three times
    slower on a province's 3 000 totals): ``_domain_cells`` reads them for the rows shown."""
    rounds = Q(round=index_round)
    if last_year:
        rounds |= Q(round__province_id=index_round.province_id, round__year=index_round.year - 1)
    return (
        Scorecard.objects.filter(rounds)
        .annotate(points=Sum("totals__points"), maximum=Sum("totals__max_points"))
        # Grouped by card alone, in no order: the ranks order the rows (percent, total, name).
        .order_by()
        .values_list("pk", "round_id", "unit_id", "unit__name", "unit__kind", "points", "maximum")
    )


def _domain_cells(index_round: IndexRound, domain_ids: list[int], card_ids=None) -> dict[int, list[str]]:
    """{card id: its final points per domain of ``domain_ids``, as text ("8.50", "0.00" where the
    card has no criterion of the domain)} for the cards of ``index_round``, only those of
    ``card_ids`` when given (read along the totals' card index, whatever the round's size): one
    query reading the cards' stored totals (a row per card and domain), the text made by the
    database."""
    if card_ids is None:
        totals = ScoreTotal.objects.filter(scorecard__round=index_round)
    else:
        totals = ScoreTotal.objects.filter(scorecard_id__in=list(card_ids))
    position = {domain_id: i for i, domain_id in enumerate(domain_ids)}
    zero = str(_q(0))
    cells: dict[int, list[str]] = {}
    for card_id, domain_id, points in totals.order_by().values_list(
        "scorecard_id", "domain_id", _Cents("points")
    ):
        i = position.get(domain_id)
        if i is not None:
            cells.setdefault(card_id, [zero] * len(domain_ids))[i] = points
    return cells


def _percent(total: Decimal, maximum: Decimal) -> Decimal:
    return _q(total * 100 / maximum) if maximum else Decimal(0)


def _ranked(rows: list[RankRow], keys: dict | None = None) -> None:
    """Competition ranking (1, 2, 2, 4) by percent, then total. ``keys``: {unit id: (-percent,
    -total)} as Decimals, when the caller has them (not parsed again from the rows' text)."""
    if keys is None:
        rows.sort(key=lambda r: (-Decimal(r.percent), -Decimal(r.total), r.unit_name))
    else:
        rows.sort(key=lambda r: (*keys[r.unit_id], r.unit_name))
    previous, rank = None, 0
    for i, row in enumerate(rows, start=1):
        key = (row.percent, row.total)
        if key != previous:
            rank, previous = i, key
        row.rank = rank


def ranking_compute(*, index_round: IndexRound, cells: bool = True) -> Ranking:
    """The ranking of ``index_round`` as it stands (final = appraised, else self-score).

    Without ``cells`` the rows' points per domain are left empty (``domains == []``): the page
    fills those of the rows it shows with ``ranking_fill_cells``."""
    domains = list(index_round.template.domains.order_by("order", "id"))
    kind_labels = dict(UnitKind.choices)
    groups: dict[str, KindGroup] = {}
    last_rows: list[RankRow] = []
    card_ids: dict[int, int] = {}  # unit id -> its scorecard of the round
    keys: dict[int, tuple] = {}  # unit id -> its sort key this year (-percent, -total)
    last_keys: dict[int, tuple] = {}
    for card_id, round_id, unit_id, unit_name, unit_kind, points, maximum in _card_totals(
        index_round, last_year=True
    ):
        total, maximum = _q(points), _q(maximum)
        percent_ = _percent(total, maximum)
        percent = str(percent_)
        if round_id != index_round.pk:  # the year before: its ranks only
            last_rows.append(RankRow(unit_id, "", unit_kind, "", [], str(total), str(maximum), percent))
            last_keys[unit_id] = (-percent_, -total)
            continue
        card_ids[unit_id] = card_id
        keys[unit_id] = (-percent_, -total)
        group = groups.get(unit_kind)
        if group is None:
            label = str(kind_labels.get(unit_kind, unit_kind))
            group = groups[unit_kind] = KindGroup(unit_kind, label)
        # unit_id, unit_name, kind, kind_label, domains, total, max_total, percent
        group.rows.append(
            RankRow(unit_id, unit_name, unit_kind, group.label, [], str(total), str(maximum), percent)
        )
    last_ranks = {}
    for kind in {r.kind for r in last_rows}:
        last_group = [r for r in last_rows if r.kind == kind]
        _ranked(last_group, last_keys)
        last_ranks.update({r.unit_id: (-last_keys[r.unit_id][0], r.rank) for r in last_group})
    order = [UnitKind.DEPARTMENT, UnitKind.COMMUNE]
    ordered = sorted(groups.values(), key=lambda g: (order.index(g.kind) if g.kind in order else 9, g.kind))
    for group in ordered:
        for row in group.rows:
            if row.unit_id in last_ranks:
                last_percent, last_rank = last_ranks[row.unit_id]
                row.last_percent, row.last_rank = str(last_percent), last_rank
                row.change = f"{-keys[row.unit_id][0] - last_percent:+.2f}"
        _ranked(group.rows, keys)
    ranking = Ranking(
        year=index_round.year,
        province=index_round.province.name,
        domains=[{"code": d.code, "title": d.title, "max": str(d.max_score or "")} for d in domains],
        groups=ordered,
    )
    # For ranking_fill_cells, beside the snapshot's fields (not part of it).
    ranking.domain_ids, ranking.card_ids = [d.pk for d in domains], card_ids
    if cells:
        ranking_fill_cells(index_round, ranking, [r for g in ordered for r in g.rows], every=True)
    return ranking


def ranking_fill_cells(
    index_round: IndexRound, ranking: Ranking, rows: list[RankRow], *, every=False
) -> None:
    """Give ``rows`` (of ``ranking``) their final points per domain, in one query (only theirs
    unless ``every``)."""
    ids = None if every else [ranking.card_ids[r.unit_id] for r in rows]
    cells = _domain_cells(index_round, ranking.domain_ids, ids)
    zeros = [str(_q(0))] * len(ranking.domain_ids)
    for row in rows:
        row.domains = list(cells.get(ranking.card_ids[row.unit_id], zeros))
