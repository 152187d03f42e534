# The search's folded copies of a finding's text and recommendation (reports.search.selectors):
# ``text_fold`` and ``recommendation_fold``, PostgreSQL STORED generated columns equal to
# search_fold() (migration 0007) of their column, with the trigram (GIN) indexes on them instead
# of on the expressions. The trigram index only finds candidates: each one is checked again
# against the pattern, and with the expression index that check folded (unaccent + lower) the
# candidate's text again, about two thirds of the search's SQL time. The stored copy is folded
# once, when the row is written.
#
# The database computes a generated column on every INSERT and UPDATE, whatever writes it (the
# ORM's save, bulk_create and update(), the admin, a data migration, raw SQL, COPY) and refuses a
# value written to it: no path can leave it stale. The columns are not fields of the Finding model
# (the ORM never reads nor writes them; the search names them in its SQL), so SQLite, where the
# search folds in Python, has neither them nor anything to keep.
from django.db import migrations

COLUMNS = {
    # column: (its source, the trigram index on it, the index of migration 0007 it replaces)
    "text_fold": ("text", "findings_finding_text_folded_trgm", "findings_finding_text_fold_trgm"),
    "recommendation_fold": (
        "recommendation",
        "findings_finding_recommendation_folded_trgm",
        "findings_finding_recommendation_fold_trgm",
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE findings_finding "
        + ", ".join(
            f"ADD COLUMN {column} text GENERATED ALWAYS AS (search_fold({source})) STORED"
            for column, (source, _index, _old) in COLUMNS.items()
        )
    )
    for column, (_source, index, old) in COLUMNS.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {old}")
        schema_editor.execute(f"CREATE INDEX {index} ON findings_finding USING gin ({column} gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for source, index, old in COLUMNS.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {old} ON findings_finding USING gin (search_fold({source}) gin_trgm_ops)"
        )
    schema_editor.execute(
        "ALTER TABLE findings_finding " + ", ".join(f"DROP COLUMN {column}" for column in COLUMNS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_rollup_state_generation"),
        ("findings", "0008_action_visit_required"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
