from django.apps import AppConfig


class BookingConfig(AppConfig):
    """Schedules, slots, release rules, bookings and write-back (see DESIGN.md)."""

    name = "booking"
