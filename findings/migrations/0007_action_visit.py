"""RemediationAction.visit: the finding's visit, kept on the action so that the remediation lists
filter by the visits a user sees without joining every action to its finding. Added empty and
filled from each action's finding here; 0008 makes it required and, on PostgreSQL, ties it to the
finding's visit."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Finding = apps.get_model("findings", "Finding")
    RemediationAction = apps.get_model("findings", "RemediationAction")
    RemediationAction.objects.using(schema_editor.connection.alias).update(
        visit_id=Subquery(Finding.objects.filter(pk=OuterRef("finding_id")).values("visit_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0006_stored_file_size_label"),
        ("inspections", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="remediationaction",
            name="visit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inspections.visit",
                verbose_name="visit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
