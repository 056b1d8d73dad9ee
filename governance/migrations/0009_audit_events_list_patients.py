"""Audit events that list patients: one row per patient listed, append-only like the
events themselves, and covered by the event's hash."""

import django.db.models.deletion
from django.db import migrations, models

# The function migration 0003 made for the events refuses for the listed patients too.
CREATE = """
CREATE TRIGGER governance_auditeventpatient_append_only
    BEFORE UPDATE OR DELETE ON governance_auditeventpatient
    FOR EACH ROW EXECUTE FUNCTION governance_audit_event_is_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS governance_auditeventpatient_append_only
    ON governance_auditeventpatient;
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0008_audit_chain_per_organisation'),
        ('patients', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='patients_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.CreateModel(
            name='AuditEventPatient',
            fields=[
                ('pk', models.CompositePrimaryKey('event', 'patient', blank=True, editable=False, primary_key=True, serialize=False)),
                ('event', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='listed_patients', to='governance.auditevent')),
                ('patient', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient')),
            ],
            options={
                'indexes': [models.Index(fields=['patient', 'event'], name='governance__patient_195fd1_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
