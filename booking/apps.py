from django.apps import AppConfig


class BookingConfig(AppConfig):
    """Sessions, slots, release rules, bookings and write-back (see DESIGN.md)."""

    name = "booking"

    def ready(self) -> None:
        from booking.selectors import has_live_booking_with
        from governance.access import register_care_relationship

        register_care_relationship(has_live_booking_with)
