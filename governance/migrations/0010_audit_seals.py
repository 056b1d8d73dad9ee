"""Seals: every audit chain's head at one moment, chained seal to seal. Append-only on
PostgreSQL, like the events."""

from django.db import migrations, models

CREATE = """
CREATE TRIGGER governance_auditseal_append_only
    BEFORE UPDATE OR DELETE ON governance_auditseal
    FOR EACH ROW EXECUTE FUNCTION governance_audit_event_is_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS governance_auditseal_append_only ON governance_auditseal;"


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0009_audit_events_list_patients'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.BigIntegerField(unique=True)),
                ('sealed_at', models.DateTimeField()),
                ('heads', models.JSONField()),
                ('previous_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['sequence'],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
