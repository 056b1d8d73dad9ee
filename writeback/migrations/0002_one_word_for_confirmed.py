"""A write-back that reached the practice system is "confirmed", for the message as for its
booking (it was "delivered" for the message); the sync-exceptions worklist is the practice
system problems list, as people call it."""

from django.db import migrations, models
from django.db.models import Q


def delivered_to_confirmed(apps, schema_editor):
    message = apps.get_model("writeback", "WriteBackMessage")
    message.objects.filter(state="delivered").update(state="confirmed")


def confirmed_to_delivered(apps, schema_editor):
    message = apps.get_model("writeback", "WriteBackMessage")
    message.objects.filter(state="confirmed").update(state="delivered")


class Migration(migrations.Migration):
    dependencies = [
        ("writeback", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="writebackmessage", name="write_back_delivered_has_a_time"
        ),
        migrations.RemoveConstraint(
            model_name="writebackmessage", name="write_back_delivered_booking_has_external_id"
        ),
        migrations.RenameField(
            model_name="writebackmessage", old_name="delivered_at", new_name="confirmed_at"
        ),
        migrations.AlterField(
            model_name="writebackmessage",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting to be sent"),
                    ("delivering", "Being sent"),
                    ("confirmed", "Confirmed in the practice system"),
                    ("conflict", "The practice filled the slot itself"),
                    ("failed", "Refused by the practice system"),
                    ("dead", "Gave up after repeated failures"),
                    ("manual", "Not in the practice system: enter it by hand"),
                ],
                default="pending",
                max_length=12,
            ),
        ),
        migrations.RunPython(delivered_to_confirmed, confirmed_to_delivered, elidable=False),
        migrations.AddConstraint(
            model_name="writebackmessage",
            constraint=models.CheckConstraint(
                condition=Q(state="confirmed", confirmed_at__isnull=False)
                | (~Q(state="confirmed") & Q(confirmed_at__isnull=True)),
                name="write_back_confirmed_has_a_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="writebackmessage",
            constraint=models.CheckConstraint(
                condition=~Q(state="confirmed", operation="book") | ~Q(external_id=""),
                name="write_back_confirmed_booking_has_external_id",
            ),
        ),
        migrations.RenameIndex(
            model_name="writebackmessage",
            new_name="write_back_problems",
            old_name="write_back_exceptions",
        ),
    ]
