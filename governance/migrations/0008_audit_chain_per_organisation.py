"""One audit chain per acting organisation (ADR 0005).

Events already written keep the one chain they were written in: the new `chain` column
reaches them as a column default (no row is rewritten, so the append-only trigger is not
asked to allow anything), and nothing is appended to that chain again.

On PostgreSQL one call still takes a chain's lock and reads its last link; the lock is now
the chain's own, so appends in different organisations never wait for each other."""

from django.db import migrations, models

# VOLATILE, so that under READ COMMITTED its SELECT takes its snapshot after the lock is
# held and sees the event committed by whoever held it before. The lock's second key is
# the chain itself for any id below 2^31; past that, two chains would share a lock now and
# then (a wait, never a wrong link).
CREATE = """
DROP FUNCTION governance_audit_chain_head(bigint);

CREATE FUNCTION governance_audit_chain_head(lock_class integer, chain_key bigint,
                                            OUT last_sequence bigint,
                                            OUT last_hash varchar) AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_class, mod(chain_key, 2147483648)::integer);
    SELECT e.sequence, e.hash INTO last_sequence, last_hash
    FROM governance_auditevent e WHERE e.chain = chain_key
    ORDER BY e.sequence DESC LIMIT 1;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

# As migration 0006 made it.
DROP = """
DROP FUNCTION governance_audit_chain_head(integer, bigint);

CREATE FUNCTION governance_audit_chain_head(chain_lock bigint, OUT last_sequence bigint,
                                            OUT last_hash varchar) AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(chain_lock);
    SELECT e.sequence, e.hash INTO last_sequence, last_hash
    FROM governance_auditevent e ORDER BY e.sequence DESC LIMIT 1;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("governance", "0007_agreements_renew_without_a_gap")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            # -1: AuditEvent.CHAIN_BEFORE_PARTITIONING, for the events already written.
            field=models.BigIntegerField(default=-1),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(),
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["chain", "sequence"]},
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "sequence"), name="audit_event_once_per_place"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
