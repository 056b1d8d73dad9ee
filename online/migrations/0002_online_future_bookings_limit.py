"""The database holds each patient to their hub's limit of online bookings still to come
(OnlinePolicy.max_future_bookings, 2 unless the hub says otherwise), whatever code path
books: two requests at once cannot both take the last place. PostgreSQL only; the demo's
SQLite relies on the service's own check."""

from django.db import migrations

# The default here is OnlinePolicy.max_future_bookings's.
CREATE = """
CREATE FUNCTION online_future_bookings_limit() RETURNS trigger AS $$
DECLARE
    most integer;
    held integer;
BEGIN
    IF NEW.channel <> 'online' OR NEW.status = 'cancelled' OR NEW.start <= now() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status <> 'cancelled' AND OLD.channel = 'online'
       AND OLD.patient_id = NEW.patient_id THEN
        RETURN NEW;  -- already counted: changing a live booking takes no new place
    END IF;
    -- One patient's online bookings are checked one at a time.
    PERFORM pg_advisory_xact_lock(4716003, hashtext(NEW.patient_id::text));
    SELECT coalesce(
        (SELECT max_future_bookings FROM online_onlinepolicy
         WHERE hub_id = NEW.booking_organisation_id), 2) INTO most;
    SELECT count(*) INTO held FROM booking_booking
    WHERE patient_id = NEW.patient_id AND channel = 'online' AND status <> 'cancelled'
      AND start > now() AND id <> NEW.id;
    IF held >= most THEN
        RAISE EXCEPTION 'the patient already holds their online bookings to come'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'online_future_bookings_limit';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER online_future_bookings_limit
BEFORE INSERT OR UPDATE OF status, channel, start, patient_id ON booking_booking
FOR EACH ROW EXECUTE FUNCTION online_future_bookings_limit();
"""

DROP = """
DROP TRIGGER IF EXISTS online_future_bookings_limit ON booking_booking;
DROP FUNCTION IF EXISTS online_future_bookings_limit();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("online", "0001_patients_online"),
        ("booking", "0014_slot_holds"),
    ]

    operations = [migrations.RunPython(create, drop)]
