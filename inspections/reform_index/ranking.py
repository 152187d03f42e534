"""The ranking of a round: final points per domain and in total, percent of the points that apply
to the unit (criteria not applicable to a unit's kind leave its maximum), ranks within each unit
kind, and the change from the province's round of the year before.

Computed with one query per round over the totals the database keeps per scorecard and domain
(models.ScoreTotal), whatever the number of units and criteria; the published page and the
issued document read the snapshot taken when the ranking was issued.

The preview page (``ranking_preview``) shows a page of 25 units per kind of a ranking made over
the whole province. On PostgreSQL it reads the figures the database keeps per card
(models.Standing, kept by triggers) along an index in ranking order: only the rows shown and the
counts of the rows ahead of them, so its time no longer grows with the province (ranking 300 to
600 units per view did), and a save writes one row.
``ranking_compute`` stays the rule (the issued snapshot is made by it, and SQLite's preview);
tests hold the two equal, ties included.
"""

import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.db import connection
from django.db.models import CharField, Func, Q, Sum

from core.pagination import asked_page, resolved_page
from inspections.checklist.statements import _execute_planned_once
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
    pairs: dict[int, list[tuple]] = {}
    for card_id, domain_id, points in totals.order_by().values_list(
        "scorecard_id", "domain_id", _Cents("points")
    ):
        pairs.setdefault(card_id, []).append((domain_id, points))
    return {card_id: _in_domain_order(found, domain_ids) for card_id, found in pairs.items()}


def _in_domain_order(pairs, domain_ids: list[int]) -> list[str]:
    """A card's points per domain of ``domain_ids``, in their order, from its (domain id, points
    as text) pairs: "0.00" for a domain the card has no criterion of."""
    cells = [str(_q(0))] * len(domain_ids)
    position = {domain_id: i for i, domain_id in enumerate(domain_ids)}
    for domain_id, points in pairs:
        i = position.get(domain_id)
        if i is not None:
            cells[i] = points
    return cells


def _percent(total: Decimal, maximum: Decimal) -> Decimal:
    return _q(total * 100 / maximum) if maximum else _q(0)


def _kind_order(kind: str) -> tuple:
    """Departments first, then communes, then any other kind by its code."""
    order = [UnitKind.DEPARTMENT, UnitKind.COMMUNE]
    return (order.index(kind) if kind in order else 9, kind)


def _ranked(rows: list[RankRow], keys: dict | None = None) -> None:
    """Competition ranking (1, 2, 2, 4) by percent, then total; tied units listed by name (then
    id, so that every reading lists them alike). ``keys``: {unit id: (-percent,
    -total)} as Decimals, when the caller has them (not parsed again from the rows' text)."""
    if keys is None:
        rows.sort(key=lambda r: (-Decimal(r.percent), -Decimal(r.total), r.unit_name, r.unit_id))
    else:
        rows.sort(key=lambda r: (*keys[r.unit_id], r.unit_name, r.unit_id))
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
    ordered = sorted(groups.values(), key=lambda g: _kind_order(g.kind))
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


# The preview page ---------------------------------------------------------------------------------


@dataclass
class PreviewGroup:
    """One kind's table on the preview page: its rows' count, the page shown (its number, past
    the end resolved to the last) and its RankRows, their points per domain filled; when the
    user's unit is ranked in this kind on another page, its row and that page's number."""

    kind: str
    label: str
    count: int
    number: int
    rows: list[RankRow] = field(default_factory=list)
    own: RankRow | None = None
    own_number: int | None = None


def ranking_preview(
    index_round: IndexRound, *, pages: dict[str, str | None], own_unit: int | None, per_page: int
) -> tuple[list[dict], list[PreviewGroup]]:
    """The preview of ``index_round``'s ranking: its domains (as the snapshot's) and, per unit
    kind ranked, the page ``pages[kind]`` (the raw query-string value) of ``per_page`` rows.
    PostgreSQL: one statement for the rows shown (``_preview_statement``); other databases:
    ``ranking_compute`` cut into pages."""
    domains = list(index_round.template.domains.order_by("order", "id"))
    shown = [{"code": d.code, "title": d.title, "max": str(d.max_score or "")} for d in domains]
    numbers = {kind: asked_page(raw) for kind, raw in pages.items()}
    if connection.vendor == "postgresql":
        groups = _preview_sql(index_round, [d.pk for d in domains], numbers, own_unit, per_page)
    else:
        groups = _preview_python(index_round, numbers, own_unit, per_page)
    return shown, groups


def _preview_python(index_round, numbers, own_unit, per_page) -> list[PreviewGroup]:
    ranking = ranking_compute(index_round=index_round, cells=False)
    groups, page_rows = [], []
    for group in ranking.groups:
        count = len(group.rows)
        number = resolved_page(numbers.get(group.kind, 1), count, per_page)
        rows = group.rows[(number - 1) * per_page : number * per_page]
        preview = PreviewGroup(group.kind, group.label, count, number, rows)
        for i, row in enumerate(group.rows):
            if row.unit_id == own_unit and i // per_page + 1 != number:
                preview.own, preview.own_number = row, i // per_page + 1
        groups.append(preview)
        page_rows += rows
    ranking_fill_cells(index_round, ranking, page_rows)
    return groups


# Rows of a kind strictly ahead of the row ``r`` (percent, then points): one more is its rank.
# Two range counts along the ranking order's index, not one OR that would filter the whole kind.
_AHEAD = """(SELECT COUNT(*) FROM reform_index_standing a
      WHERE a.round_id = {r}.round_id AND a.kind = {r}.kind AND a.percent > {r}.percent)
  + (SELECT COUNT(*) FROM reform_index_standing a
      WHERE a.round_id = {r}.round_id AND a.kind = {r}.kind AND a.percent = {r}.percent
        AND a.points > {r}.points)"""


@cache
def _preview_statement() -> tuple[str, list[str]]:
    """The rows shown of a round's ranking, read from the figures the database keeps
    (models.Standing, by the triggers of migration 0004_standing) along the ranking order's index
    (round, kind, percent DESC, points DESC, name COLLATE "C", unit): each kind's count (one scan
    of the round's narrow rows), the page asked for resolved against it, that page's rows in
    order with their positions, the rank of its first row (one more than the rows strictly ahead;
    the others' follow in Python), the user's unit's row with its position and rank, last year's
    percent and rank of each, their names and points per domain as text. As (SQL with positional parameters, their names)."""
    sql = f"""
WITH counts AS MATERIALIZED (
  SELECT kind, COUNT(*) AS count FROM reform_index_standing WHERE round_id = %(round)s GROUP BY kind
), paged AS MATERIALIZED (
  SELECT kind, count, CASE WHEN asked BETWEEN 1 AND last THEN asked ELSE last END AS number
    FROM (SELECT kind, count, COALESCE((CAST(%(pages)s AS jsonb) ->> kind)::int, 1) AS asked,
                 GREATEST((count + %(size)s - 1) / %(size)s, 1) AS last
            FROM counts) a
), shown AS (
  SELECT p.kind, p.count, p.number, x.position, false AS own,
         x.round_id, x.scorecard_id, x.unit_id, x.name, x.points, x.max_points, x.percent
    FROM paged p
    CROSS JOIN LATERAL (
      SELECT s.*, ROW_NUMBER() OVER (ORDER BY s.percent DESC, s.points DESC, s.name COLLATE "C", s.unit_id)
                  AS position
        FROM reform_index_standing s
       WHERE s.round_id = %(round)s AND s.kind = p.kind
       ORDER BY s.percent DESC, s.points DESC, s.name COLLATE "C", s.unit_id
      OFFSET (p.number - 1) * %(size)s LIMIT %(size)s
    ) x
  UNION ALL
  SELECT p.kind, p.count, p.number,
         1 + {_AHEAD.format(r="s")}
           + (SELECT COUNT(*) FROM reform_index_standing a
               WHERE a.round_id = s.round_id AND a.kind = s.kind AND a.percent = s.percent
                 AND a.points = s.points
                 AND (a.name COLLATE "C" < s.name COLLATE "C" OR (a.name = s.name AND a.unit_id < s.unit_id))),
         true, s.round_id, s.scorecard_id, s.unit_id, s.name, s.points, s.max_points, s.percent
    FROM reform_index_standing s JOIN paged p ON p.kind = s.kind
   WHERE s.round_id = %(round)s AND s.unit_id = %(own)s
)
SELECT r.kind, r.count, r.number, r.position, r.own,
       CASE WHEN r.own OR r.position = (r.number - 1) * %(size)s + 1 THEN 1 + {_AHEAD.format(r="r")} END,
       r.unit_id, r.name, r.points, r.max_points, r.percent, l.percent, l.rank,
       ARRAY(SELECT ARRAY[CAST(t.domain_id AS text), CAST(ROUND(t.points, 2) AS text)]
               FROM reform_index_scoretotal t WHERE t.scorecard_id = r.scorecard_id)
  FROM shown r
  LEFT JOIN LATERAL (
    SELECT l.percent, 1 + {_AHEAD.format(r="l")} AS rank
      FROM reform_index_standing l
     WHERE l.round_id = (SELECT y.id FROM reform_index_indexround y
                          WHERE y.province_id = %(province)s AND y.year = %(last_year)s)
       AND l.unit_id = r.unit_id
  ) l ON true
 ORDER BY r.kind, r.own, r.position
"""  # noqa: S608 - constant fragments; every value is a parameter
    names = re.findall(r"%\((\w+)\)s", sql)
    return re.sub(r"%\(\w+\)s", "%s", sql), names


def _preview_sql(index_round, domain_ids, numbers, own_unit, per_page) -> list[PreviewGroup]:
    sql, names = _preview_statement()
    values = {
        "round": index_round.pk,
        "pages": json.dumps(numbers),
        "size": per_page,
        "own": own_unit or 0,
        "province": index_round.province_id,
        "last_year": index_round.year - 1,
    }
    with connection.cursor() as cursor:
        _execute_planned_once(cursor, sql, [values[name] for name in names])
        found = cursor.fetchall()
    labels = dict(UnitKind.choices)
    groups: dict[str, PreviewGroup] = {}
    previous = None  # (percent, points, rank) of the page's row before
    for (
        kind, count, number, row_position, own, rank, unit_id, name, total, maximum, percent,
        last_percent, last_rank, cells,
    ) in found:  # fmt: skip
        group = groups.get(kind)
        if group is None:
            group = groups[kind] = PreviewGroup(kind, str(labels.get(kind, kind)), count, number)
            previous = None
        on_page = (row_position - 1) // per_page + 1 == number
        if own and on_page:
            continue  # listed with the page's rows already
        if not own:
            # The page's rows come in order: a row tied with the one before shares its rank,
            # any other ranks at its position (every row before it is strictly ahead).
            if rank is None:
                tied = previous is not None and previous[:2] == (percent, total)
                rank = previous[2] if tied else row_position
            previous = (percent, total, rank)
        domains = _in_domain_order(((int(domain_id), points) for domain_id, points in cells), domain_ids)
        row = RankRow(unit_id, name, kind, group.label, domains, str(total), str(maximum), str(percent), rank)
        if last_rank is not None:
            row.last_percent, row.last_rank = str(last_percent), last_rank
            row.change = f"{percent - last_percent:+.2f}"
        if own:
            group.own, group.own_number = row, (row_position - 1) // per_page + 1
        else:
            group.rows.append(row)
    return sorted(groups.values(), key=lambda g: _kind_order(g.kind))
