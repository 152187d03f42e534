# The search's indexes for visits (reports.search.selectors.VisitWordsMatch): the folded names of
# the units and the folded places of the visits in trigram (GIN) indexes, so that a search finds
# the visits whose unit, plan or place holds its words without folding every visible visit's
# unit name, plan title and place (9 ms on the bench's large set for a query that matches none,
# growing with the visits). search_fold() is migration 0007's. Plans are a few a year: their
# titles are read whole. PostgreSQL only: a no-op on SQLite, where the search folds in Python.
from django.db import migrations

INDEXES = {
    # VisitWordsMatch: units_unit.search_fold(name) LIKE '%word%' for each word of three letters
    # or more (the units whose name holds the word; their visits through the unit index).
    "reports_unit_name_fold_trgm": ("units_unit", "name"),
    # VisitWordsMatch: inspections_visit.search_fold(place) LIKE '%word%'.
    "reports_visit_place_fold_trgm": ("inspections_visit", "place"),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_fold({column}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_search_trigram_indexes"),
        ("inspections", "0010_visit_status_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
