"""The ranking kept by the database (models.Standing): a row per scorecard with its final points,
maximum, percent, rank within its unit's kind and position in the list, re-ranked by triggers.

The preview page ranked every unit of the province per view (300 to 600 cards, and as many of the
year before): its time grew with the province. Here, in the transaction of the change:
- a card's points and maximum move by the difference when its totals change
  (reform_index_scoretotal, themselves kept by 0003's triggers from the score rows), and the
  round re-ranks from its cards' kept points (361 narrow rows on the bench's large set: 1.4 ms,
  against 4 ms summing the totals again);
- a card added stands with no points, a card deleted leaves (no foreign key: the ORM deletes a
  card's score rows first, which re-ranks the round with the card still there); the round
  re-ranks;
- a unit renamed (ties are listed by name) or of another kind (ranks are within a kind)
  re-ranks its rounds.
Every writer of a round's standings takes a transaction-level advisory lock on the round first
(several rounds in id order), then writes: two transactions changing one round's scores go one
after the other, the second seeing the first's committed standings (PostgreSQL gives each
statement of a function a new snapshot in READ COMMITTED), never ranking from a snapshot that
misses the other's change. The services lock the card before its scores, then the round here:
one order, no deadlock.

The ranks are ranking.ranking_compute's: totals and maxima to the cent, percent of the maximum
rounded half up to the cent (0 without a maximum), RANK() by percent then total within the kind,
the list ordered by percent, total, name in code-point order (COLLATE "C", as Python compares
strings), then the card's unit id. Tests (tests/test_ranking_preview.py) hold them equal, ties
included, after every kind of change. SQLite (the embedded default) keeps no standings: the
table exists, empty; its preview ranks in Python.
"""

import django.db.models.deletion
from django.db import migrations, models

# Advisory locks of the re-ranking: (this number, round id).
LOCK_CLASS = 72_017

# The percent of a card's points, as ranking._percent: rounded half up to the cent, 0 without a
# maximum (PostgreSQL's ROUND of a numeric rounds half away from zero; the points are not negative).
PERCENT = "CASE WHEN {m} <> 0 THEN ROUND({p} * 100 / {m}, 2) ELSE 0 END"


def _totals_moved(rows: str) -> str:
    """PL/pgSQL: lock the rounds of the cards of ``rows`` (scorecard_id, points, max_points: the
    differences), add the differences to their standings, re-rank the rounds if any moved."""
    percent = PERCENT.format(p="(s.points + d.points)", m="(s.max_points + d.max_points)")
    return f"""rounds := ARRAY(SELECT DISTINCT s.round_id FROM reform_index_standing s
                     WHERE s.scorecard_id IN (SELECT scorecard_id FROM ({rows}) r));
    PERFORM reform_index_rank_lock(rounds);
    UPDATE reform_index_standing s
       SET points = s.points + d.points, max_points = s.max_points + d.max_points, percent = {percent}
      FROM (SELECT scorecard_id, SUM(points) AS points, SUM(max_points) AS max_points
              FROM ({rows}) r GROUP BY scorecard_id
            HAVING SUM(points) <> 0 OR SUM(max_points) <> 0) d
     WHERE s.scorecard_id = d.scorecard_id;
    IF FOUND THEN
      PERFORM reform_index_rank(rounds);
    END IF;"""


PG_CREATE = f"""
-- Re-rank the rounds given from their cards' kept points: ranks and positions within each kind.
-- The caller holds the rounds' locks (reform_index_rank_lock) before it writes any standing.
CREATE FUNCTION reform_index_rank(rounds bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r bigint;
BEGIN
  FOR r IN SELECT DISTINCT x FROM unnest(rounds) AS x WHERE x IS NOT NULL ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, r::integer);
    WITH ranked AS (
      SELECT s.scorecard_id, u.kind,
             RANK() OVER (PARTITION BY u.kind ORDER BY s.percent DESC, s.points DESC) AS rank,
             ROW_NUMBER() OVER (PARTITION BY u.kind
                                ORDER BY s.percent DESC, s.points DESC, u.name COLLATE "C", s.unit_id) AS position
        FROM reform_index_standing s JOIN units_unit u ON u.id = s.unit_id
       WHERE s.round_id = r
    )
    -- Only the rows whose place moved are written.
    UPDATE reform_index_standing d
       SET kind = x.kind, rank = x.rank, position = x.position
      FROM ranked x
     WHERE d.scorecard_id = x.scorecard_id
       AND (d.kind, d.rank, d.position) IS DISTINCT FROM (x.kind, x.rank, x.position);
  END LOOP;
END
$$;

-- Take the rounds' locks, in id order (two transactions locking the same rounds take them in one
-- order), before any standing is written: the writers of a round's standings go one at a time.
CREATE FUNCTION reform_index_rank_lock(rounds bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r bigint;
BEGIN
  FOR r IN SELECT DISTINCT x FROM unnest(rounds) AS x WHERE x IS NOT NULL ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, r::integer);
  END LOOP;
END
$$;

-- A statement's totals changed: its cards' points move by the difference (under the rounds'
-- locks), their rounds re-rank.
CREATE FUNCTION reform_index_rank_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rounds bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_totals_moved("SELECT scorecard_id, points, max_points FROM new_rows")}
  ELSIF TG_OP = 'UPDATE' THEN
    {
    _totals_moved(
        "SELECT scorecard_id, points, max_points FROM new_rows"
        " UNION ALL SELECT scorecard_id, -points, -max_points FROM old_rows"
    )
}
  ELSE
    -- A card's totals deleted with the card: its standing is deleted by the card's trigger.
    {_totals_moved("SELECT scorecard_id, -points AS points, -max_points AS max_points FROM old_rows")}
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reform_index_rank_totals_insert AFTER INSERT ON reform_index_scoretotal
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reform_index_rank_totals();
CREATE TRIGGER reform_index_rank_totals_update AFTER UPDATE ON reform_index_scoretotal
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reform_index_rank_totals();
CREATE TRIGGER reform_index_rank_totals_delete AFTER DELETE ON reform_index_scoretotal
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reform_index_rank_totals();

-- Cards added to a round stand with no points yet, cards deleted leave it. The rounds re-rank.
CREATE FUNCTION reform_index_rank_cards() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rounds bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    rounds := ARRAY(SELECT round_id FROM new_rows);
    PERFORM reform_index_rank_lock(rounds);
    INSERT INTO reform_index_standing
           (scorecard_id, round_id, unit_id, kind, points, max_points, percent, rank, position)
    SELECT n.id, n.round_id, n.unit_id, u.kind, 0, 0, 0, 0, 0
      FROM new_rows n JOIN units_unit u ON u.id = n.unit_id;
  ELSE
    rounds := ARRAY(SELECT round_id FROM old_rows);
    PERFORM reform_index_rank_lock(rounds);
    DELETE FROM reform_index_standing WHERE scorecard_id IN (SELECT id FROM old_rows);
  END IF;
  PERFORM reform_index_rank(rounds);
  RETURN NULL;
END
$$;
CREATE TRIGGER reform_index_rank_cards_insert AFTER INSERT ON reform_index_scorecard
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reform_index_rank_cards();

-- A card moved to another round or unit (no service does): its standing follows, both rounds
-- re-rank. A row trigger, only for such a move (a card's other changes do not touch the ranks).
CREATE FUNCTION reform_index_rank_card_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rounds bigint[] := ARRAY[OLD.round_id, NEW.round_id];
BEGIN
  PERFORM reform_index_rank_lock(rounds);
  UPDATE reform_index_standing SET round_id = NEW.round_id, unit_id = NEW.unit_id
   WHERE scorecard_id = NEW.id;
  PERFORM reform_index_rank(rounds);
  RETURN NULL;
END
$$;
CREATE TRIGGER reform_index_rank_cards_update AFTER UPDATE OF round_id, unit_id ON reform_index_scorecard
  FOR EACH ROW WHEN (OLD.round_id <> NEW.round_id OR OLD.unit_id <> NEW.unit_id)
  EXECUTE FUNCTION reform_index_rank_card_moved();
CREATE TRIGGER reform_index_rank_cards_delete AFTER DELETE ON reform_index_scorecard
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reform_index_rank_cards();

-- A unit renamed (ties are listed by name) or of another kind (ranks are within a kind).
CREATE FUNCTION reform_index_rank_unit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rounds bigint[];
BEGIN
  rounds := ARRAY(SELECT c.round_id FROM reform_index_scorecard c WHERE c.unit_id = NEW.id);
  PERFORM reform_index_rank_lock(rounds);
  PERFORM reform_index_rank(rounds);
  RETURN NULL;
END
$$;
CREATE TRIGGER reform_index_rank_unit AFTER UPDATE OF name, kind ON units_unit FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.kind IS DISTINCT FROM NEW.kind)
  EXECUTE FUNCTION reform_index_rank_unit();

"""

# The cards there are, with their totals, and their ranks (run once the triggers exist; a test
# runs it again on an emptied table and compares).
BACKFILL = f"""
INSERT INTO reform_index_standing
       (scorecard_id, round_id, unit_id, kind, points, max_points, percent, rank, position)
SELECT c.id, c.round_id, c.unit_id, u.kind, COALESCE(SUM(t.points), 0), COALESCE(SUM(t.max_points), 0),
       {PERCENT.format(p="COALESCE(SUM(t.points), 0)", m="COALESCE(SUM(t.max_points), 0)")}, 0, 0
  FROM reform_index_scorecard c
  JOIN units_unit u ON u.id = c.unit_id
  LEFT JOIN reform_index_scoretotal t ON t.scorecard_id = c.id
 GROUP BY c.id, u.kind;
SELECT reform_index_rank(ARRAY(SELECT id FROM reform_index_indexround));
"""

PG_DROP = """
DROP TRIGGER IF EXISTS reform_index_rank_unit ON units_unit;
DROP TRIGGER IF EXISTS reform_index_rank_cards_insert ON reform_index_scorecard;
DROP TRIGGER IF EXISTS reform_index_rank_cards_update ON reform_index_scorecard;
DROP TRIGGER IF EXISTS reform_index_rank_cards_delete ON reform_index_scorecard;
DROP TRIGGER IF EXISTS reform_index_rank_totals_insert ON reform_index_scoretotal;
DROP TRIGGER IF EXISTS reform_index_rank_totals_update ON reform_index_scoretotal;
DROP TRIGGER IF EXISTS reform_index_rank_totals_delete ON reform_index_scoretotal;
DROP FUNCTION IF EXISTS reform_index_rank_unit();
DROP FUNCTION IF EXISTS reform_index_rank_cards();
DROP FUNCTION IF EXISTS reform_index_rank_card_moved();
DROP FUNCTION IF EXISTS reform_index_rank_totals();
DROP FUNCTION IF EXISTS reform_index_rank(bigint[]);
DROP FUNCTION IF EXISTS reform_index_rank_lock(bigint[]);
"""


def standing_create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_CREATE)
            cursor.execute(BACKFILL)


def standing_drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("reform_index", "0003_score_totals"),
        ("units", "0006_unit_name_one_line"),
    ]

    operations = [
        migrations.CreateModel(
            name="Standing",
            fields=[
                (
                    "scorecard",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="reform_index.scorecard",
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("points", models.DecimalField(decimal_places=2, max_digits=10)),
                ("max_points", models.DecimalField(decimal_places=2, max_digits=10)),
                ("percent", models.DecimalField(decimal_places=2, max_digits=8)),
                ("rank", models.PositiveIntegerField()),
                ("position", models.PositiveIntegerField()),
                (
                    "round",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reform_index.indexround",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="units.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "standing",
                "verbose_name_plural": "standings",
                "indexes": [
                    models.Index(fields=["round", "kind", "position"], name="reform_index_standing_page")
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("round", "unit"), name="reform_index_standing_unit")
                ],
            },
        ),
        migrations.RunPython(standing_create, standing_drop),
    ]
