"""A sharing agreement can be renewed while it is live: instead of one live agreement per
pair and scope, no two live agreements for a pair and scope cover the same day. On
PostgreSQL an exclusion constraint on the date range says so; elsewhere (the demo's SQLite)
propose_agreement's check is the only one."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE governance_sharingagreement ADD CONSTRAINT agreement_live_dates_never_overlap
    EXCLUDE USING gist (
        practice_id WITH =,
        partner_id WITH =,
        scope WITH =,
        daterange(starts_on, ends_on, '[]') WITH &&
    )
    WHERE (status IN ('proposed', 'active'));
"""
DROP = """
ALTER TABLE governance_sharingagreement
    DROP CONSTRAINT IF EXISTS agreement_live_dates_never_overlap;
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("governance", "0006_audit_chain_head")]

    operations = [
        migrations.RemoveConstraint(
            model_name="sharingagreement", name="one_live_agreement_per_pair_and_scope"
        ),
        migrations.RunPython(forwards, backwards),
    ]
