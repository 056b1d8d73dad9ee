"""On PostgreSQL, no clinician has two live bookings whose times overlap."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_booking ADD CONSTRAINT booking_clinician_no_overlap
    EXCLUDE USING gist (clinician_id WITH =, tstzrange(start, "end") WITH &&)
    WHERE (status <> 'cancelled' AND clinician_id IS NOT NULL);
"""
DROP = "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_clinician_no_overlap;"


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_sessions_slots_bookings")]

    operations = [migrations.RunPython(forwards, backwards)]
