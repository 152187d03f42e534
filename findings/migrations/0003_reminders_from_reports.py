# The reminder log and escalations moved from the reports app to findings: state only. The tables
# (reports_reminderlog, reports_escalation), their constraints and their rows stay as they are.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0002_verbose_kinds"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ReminderLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("liaison_daily", "Daily reminder to a unit"), ("escalation", "Escalation to a Department head"), ("head_digest", "Weekly digest for a Department head")], max_length=20, verbose_name="kind")),
                        ("recipient", models.EmailField(max_length=254, verbose_name="recipient")),
                        ("sent_on", models.DateField(verbose_name="day")),
                        ("actions", models.JSONField(blank=True, default=list, help_text="Ids of the actions listed.", verbose_name="actions")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent at")),
                    ],
                    options={
                        "verbose_name": "reminder",
                        "verbose_name_plural": "reminders",
                        "db_table": "reports_reminderlog",
                        "ordering": ["-sent_on", "kind", "recipient"],
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "recipient", "sent_on"), name="reports_reminderlog_once_a_day"),
                            models.CheckConstraint(condition=models.Q(("kind__in", ["liaison_daily", "escalation", "head_digest"])), name="reports_reminderlog_kind_valid"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Escalation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("due_date", models.DateField(verbose_name="due date")),
                        ("escalated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="escalated at")),
                        ("action", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="findings.remediationaction", verbose_name="action")),
                    ],
                    options={
                        "verbose_name": "escalation",
                        "verbose_name_plural": "escalations",
                        "db_table": "reports_escalation",
                        "constraints": [
                            models.UniqueConstraint(fields=("action", "due_date"), name="reports_escalation_once_per_due_date"),
                        ],
                    },
                ),
            ],
        ),
    ]
