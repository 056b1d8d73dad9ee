from django.apps import AppConfig


class BookingConfig(AppConfig):
    """Sessions, slots, release rules, pooled search and bookings."""

    name = "booking"

    def ready(self) -> None:
        from booking import changes, patient_messages
        from booking.relationships import APPOINTMENT
        from governance.access import register_source

        register_source(APPOINTMENT)
        changes.subscribe(patient_messages.tell_the_patient)
