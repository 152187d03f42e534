# The reminder log and escalations moved to the findings app (findings 0003): state only, the
# tables and their rows are kept and now belong to findings' models.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("findings", "0003_reminders_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ReminderLog"),
                migrations.DeleteModel(name="Escalation"),
            ],
        ),
    ]
