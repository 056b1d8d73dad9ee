from django.apps import AppConfig


class OnlineConfig(AppConfig):
    name = "online"
    verbose_name = "Patients online"

    def ready(self) -> None:
        from booking.changes import subscribe
        from online import offers

        # A cancelled slot goes to the waiting list, in the cancellation's transaction.
        subscribe(offers.offer_freed_slot)
