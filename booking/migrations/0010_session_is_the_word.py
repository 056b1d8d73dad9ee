"""What practices publish is a session, in the code as on the pages (GP Connect calls it a
schedule): the model, its table, the fields that point at it, and its index and constraint
names."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, Q


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0009_write_back_moves_to_its_own_app"),
        ("practices", "0004_clinical_system_link"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="schedule", name="schedule_ends_after_start"),
        migrations.RemoveConstraint(model_name="schedule", name="schedule_slot_length_sensible"),
        migrations.RemoveConstraint(
            model_name="schedule", name="schedule_cancelled_by_and_at_paired"
        ),
        migrations.RemoveIndex(model_name="slot", name="slot_schedule_start"),
        migrations.RenameModel(old_name="Schedule", new_name="Session"),
        migrations.RenameField(model_name="slot", old_name="schedule", new_name="session"),
        migrations.RenameField(model_name="releaserule", old_name="schedule", new_name="session"),
        migrations.AddIndex(
            model_name="slot",
            index=models.Index(fields=["session", "start"], name="slot_session_start"),
        ),
        migrations.RenameIndex(
            model_name="session",
            new_name="booking_ses_practic_ba7d49_idx",
            old_name="booking_sch_practic_0d6c15_idx",
        ),
        migrations.AlterField(
            model_name="session",
            name="clinician",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="practices.clinician",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="practice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="practices.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="practices.site",
            ),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="session_slot_length_sensible",
            ),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=Q(cancelled_by__isnull=True, cancelled_at__isnull=True)
                | Q(cancelled_by__isnull=False, cancelled_at__isnull=False),
                name="session_cancelled_by_and_at_paired",
            ),
        ),
    ]
