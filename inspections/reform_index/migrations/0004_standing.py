"""The ranking's figures kept by the database (models.Standing): a row per scorecard with its unit's
name and kind, its final points, maximum and percent, kept by triggers, in an index in ranking
order.

The preview page ranked every unit of the province per view (300 to 600 cards, and as many of the
year before): its time grew with the province. Here, in the transaction of the change:
- a card's points, maximum and percent move by the difference when its totals change
  (reform_index_scoretotal, themselves kept by 0003's triggers from the score rows), under the
  card's own row lock, so that concurrent changes all count;
- a card added stands with no points, a card deleted leaves (no foreign key: the ORM deletes a
  card's score rows first), a card moved follows;
- a unit renamed or of another kind takes its rows along.
No rank is stored: a save writes one row, whatever the number of units. The ranks come from the
index ``reform_index_standing_order`` (round, kind, percent DESC, points DESC, name in code-point
order, unit): the preview reads a page in order, a unit's rank is one more than the rows
strictly ahead (percent, then points), counted along the same index.

The order and ranks are ranking.ranking_compute's: totals and maxima to the cent, percent of the
maximum rounded half up to the cent (0 without a maximum), RANK by percent then total within the
kind, ties listed by name in code-point order (COLLATE "C", as Python compares strings) then unit
id. Tests (tests/test_ranking_preview.py) hold them equal, ties included, after every kind of
change. SQLite (the embedded default) keeps no standings: the table exists, empty; its preview
ranks in Python.
"""

import django.db.models.deletion
from django.db import migrations, models

# The percent of a card's points, as ranking._percent: rounded half up to the cent, 0 without a
# maximum (PostgreSQL's ROUND of a numeric rounds half away from zero; the points are not negative).
PERCENT = "CASE WHEN {m} <> 0 THEN ROUND({p} * 100 / {m}, 2) ELSE 0 END"


def _totals_moved(rows: str) -> str:
    """PL/pgSQL: add the differences of ``rows`` (scorecard_id, points, max_points) to their cards'
    standings, under each card's row lock (``points = points + d``: concurrent changes all count)."""
    percent = PERCENT.format(p="(s.points + d.points)", m="(s.max_points + d.max_points)")
    return f"""UPDATE reform_index_standing s
       SET points = s.points + d.points, max_points = s.max_points + d.max_points, percent = {percent}
      FROM (SELECT scorecard_id, SUM(points) AS points, SUM(max_points) AS max_points
              FROM ({rows}) r GROUP BY scorecard_id
            HAVING SUM(points) <> 0 OR SUM(max_points) <> 0) d
     WHERE s.scorecard_id = d.scorecard_id;"""


PG_CREATE = f"""
-- The ranking order: a kind's page read in order, the rows ahead of a unit counted along it.
CREATE INDEX reform_index_standing_order ON reform_index_standing
  (round_id, kind, percent DESC, points DESC, name COLLATE "C", unit_id);

-- A statement's totals changed: its cards' figures move by the difference.
CREATE FUNCTION reform_index_standing_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_totals_moved("SELECT scorecard_id, points, max_points FROM new_rows")}
  ELSIF TG_OP = 'UPDATE' THEN
    {_totals_moved(
        "SELECT scorecard_id, points, max_points FROM new_rows"
        " UNION ALL SELECT scorecard_id, -points, -max_points FROM old_rows"
    )}
  ELSE
    -- A card's totals deleted with the card: its standing is deleted by the card's trigger.
    {_totals_moved("SELECT scorecard_id, -points AS points, -max_points AS max_points FROM old_rows")}
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reform_index_standing_totals_insert AFTER INSERT ON reform_index_scoretotal
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reform_index_standing_totals();
CREATE TRIGGER reform_index_standing_totals_update AFTER UPDATE ON reform_index_scoretotal
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reform_index_standing_totals();
CREATE TRIGGER reform_index_standing_totals_delete AFTER DELETE ON reform_index_scoretotal
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reform_index_standing_totals();

-- Cards added to a round stand with no points yet; cards deleted leave it.
CREATE FUNCTION reform_index_standing_cards() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO reform_index_standing
           (scorecard_id, round_id, unit_id, kind, name, points, max_points, percent)
    SELECT n.id, n.round_id, n.unit_id, u.kind, u.name, 0, 0, 0
      FROM new_rows n JOIN units_unit u ON u.id = n.unit_id;
  ELSE
    DELETE FROM reform_index_standing WHERE scorecard_id IN (SELECT id FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER reform_index_standing_cards_insert AFTER INSERT ON reform_index_scorecard
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reform_index_standing_cards();
CREATE TRIGGER reform_index_standing_cards_delete AFTER DELETE ON reform_index_scorecard
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reform_index_standing_cards();

-- A card moved to another round or unit (no service does): its standing follows. A row trigger,
-- only for such a move (a card's other changes do not touch the ranking).
CREATE FUNCTION reform_index_standing_card_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reform_index_standing s SET round_id = NEW.round_id, unit_id = NEW.unit_id, kind = u.kind, name = u.name
    FROM units_unit u WHERE s.scorecard_id = NEW.id AND u.id = NEW.unit_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER reform_index_standing_card_moved AFTER UPDATE OF round_id, unit_id ON reform_index_scorecard
  FOR EACH ROW WHEN (OLD.round_id <> NEW.round_id OR OLD.unit_id <> NEW.unit_id)
  EXECUTE FUNCTION reform_index_standing_card_moved();

-- A unit renamed (ties are listed by name) or of another kind (ranks are within a kind).
CREATE FUNCTION reform_index_standing_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reform_index_standing SET kind = NEW.kind, name = NEW.name WHERE unit_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER reform_index_standing_unit AFTER UPDATE OF name, kind ON units_unit FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.kind IS DISTINCT FROM NEW.kind)
  EXECUTE FUNCTION reform_index_standing_unit();
"""

# The cards there are, with their totals (run once the triggers exist; a test runs it again on an
# emptied table and compares).
BACKFILL = f"""
INSERT INTO reform_index_standing (scorecard_id, round_id, unit_id, kind, name, points, max_points, percent)
SELECT c.id, c.round_id, c.unit_id, u.kind, u.name, COALESCE(SUM(t.points), 0), COALESCE(SUM(t.max_points), 0),
       {PERCENT.format(p="COALESCE(SUM(t.points), 0)", m="COALESCE(SUM(t.max_points), 0)")}
  FROM reform_index_scorecard c
  JOIN units_unit u ON u.id = c.unit_id
  LEFT JOIN reform_index_scoretotal t ON t.scorecard_id = c.id
 GROUP BY c.id, u.kind, u.name;
"""

PG_DROP = """
DROP TRIGGER IF EXISTS reform_index_standing_unit ON units_unit;
DROP TRIGGER IF EXISTS reform_index_standing_cards_insert ON reform_index_scorecard;
DROP TRIGGER IF EXISTS reform_index_standing_card_moved ON reform_index_scorecard;
DROP TRIGGER IF EXISTS reform_index_standing_cards_delete ON reform_index_scorecard;
DROP TRIGGER IF EXISTS reform_index_standing_totals_insert ON reform_index_scoretotal;
DROP TRIGGER IF EXISTS reform_index_standing_totals_update ON reform_index_scoretotal;
DROP TRIGGER IF EXISTS reform_index_standing_totals_delete ON reform_index_scoretotal;
DROP FUNCTION IF EXISTS reform_index_standing_unit();
DROP FUNCTION IF EXISTS reform_index_standing_cards();
DROP FUNCTION IF EXISTS reform_index_standing_card_moved();
DROP FUNCTION IF EXISTS reform_index_standing_totals();
DROP INDEX IF EXISTS reform_index_standing_order;
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
                ("name", models.CharField(max_length=255)),
                ("percent", models.DecimalField(decimal_places=2, max_digits=8)),
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
                "constraints": [
                    models.UniqueConstraint(fields=("round", "unit"), name="reform_index_standing_unit")
                ],
            },
        ),
        migrations.RunPython(standing_create, standing_drop),
    ]
