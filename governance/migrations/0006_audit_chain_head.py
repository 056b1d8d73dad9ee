"""On PostgreSQL one call takes the audit chain's lock and reads its last link: a round
trip fewer inside the section every audited action passes through one at a time."""

from django.db import migrations

# VOLATILE, so that under READ COMMITTED its SELECT takes its snapshot after the lock is
# held and sees the event committed by whoever held it before.
CREATE = """
CREATE FUNCTION governance_audit_chain_head(chain_lock bigint, OUT last_sequence bigint,
                                            OUT last_hash varchar) AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(chain_lock);
    SELECT e.sequence, e.hash INTO last_sequence, last_hash
    FROM governance_auditevent e ORDER BY e.sequence DESC LIMIT 1;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

DROP = "DROP FUNCTION IF EXISTS governance_audit_chain_head(bigint);"


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_fewer_indexes_to_write_per_event")]

    operations = [migrations.RunPython(forwards, backwards)]
