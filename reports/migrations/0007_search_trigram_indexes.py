# The search's indexes on findings (reports.search.selectors.FoldTrigramLike): the folded text
# and recommendation of every finding in trigram (GIN) indexes, so that a search for "mot cua"
# folds only the findings holding those trigrams instead of every finding of the province.
# The fold is wrapped in an IMMUTABLE function (unaccent() itself is only STABLE, and an index
# needs an immutable expression); it is core.search.Fold's expression with the dictionary named.
# PostgreSQL only: a no-op on SQLite, where the search folds in Python.
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(translate(public.unaccent('public.unaccent'::regdictionary, $1), 'đĐ', 'dD')) $$
"""
INDEXES = {
    # search_findings: search_fold(text) LIKE '%word%' for each word of three letters or more.
    "findings_finding_text_fold_trgm": "text",
    # search_recommendations: search_fold(recommendation) LIKE '%word%'.
    "findings_finding_recommendation_fold_trgm": "recommendation",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FUNCTION)
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON findings_finding USING gin (search_fold({column}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_index_ranking_kind"),
        ("findings", "0005_action_due_date_index"),
        ("units", "0003_unaccent_extension"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
