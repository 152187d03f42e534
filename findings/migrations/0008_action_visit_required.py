"""RemediationAction.visit required, and always its finding's visit.

On PostgreSQL the foreign key findings_action_visit_of_finding, (finding_id, visit_id) -> the
finding's (id, visit_id), refuses an action whose visit is not its finding's, whatever writes it
(a service, the admin, a bulk insert, a data migration, SQL), and ON UPDATE CASCADE carries a
change of the finding's visit to its action. It needs a unique key on the finding's (id, visit_id):
findings_finding_id_visit. On SQLite (development) the model keeps it (RemediationAction.save and
the manager's bulk_create).

findings_action_visit_state: the actions of a few visits by state and due date (the liaison's
counts of selectors.my_unit, the liaison's branch of selectors.actions_visible_to)."""

import django.db.models.deletion
from django.db import migrations, models

FOREIGN_KEY = """
ALTER TABLE findings_remediationaction
    ADD CONSTRAINT findings_action_visit_of_finding
    FOREIGN KEY (finding_id, visit_id) REFERENCES findings_finding (id, visit_id)
    ON UPDATE CASCADE ON DELETE NO ACTION
"""


def add_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FOREIGN_KEY)


def drop_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE findings_remediationaction DROP CONSTRAINT findings_action_visit_of_finding"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0007_action_visit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="remediationaction",
            name="visit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inspections.visit",
                verbose_name="visit",
            ),
        ),
        migrations.AddConstraint(
            model_name="finding",
            constraint=models.UniqueConstraint(fields=("id", "visit"), name="findings_finding_id_visit"),
        ),
        migrations.RunPython(add_foreign_key, drop_foreign_key, elidable=False),
        migrations.AddIndex(
            model_name="remediationaction",
            index=models.Index(fields=["visit", "state", "due_date"], name="findings_action_visit_state"),
        ),
    ]
