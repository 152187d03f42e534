# The unaccent extension behind core.search.Fold on PostgreSQL (diacritic-insensitive search).
# A no-op on SQLite, where Fold calls a Python function instead.
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("units", "0002_role_groups")]

    operations = [UnaccentExtension()]
