"""The outbox moves to the writeback app: the model leaves booking's state, and its table is
renamed for its new app (writeback 0001 takes it over as it is)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0008_fewer_indexes_to_write_per_booking"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WriteBackMessage")],
            database_operations=[
                migrations.AlterModelTable(
                    name="WriteBackMessage", table="writeback_writebackmessage"
                )
            ],
        ),
    ]
