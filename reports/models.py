"""Summary tables: the day's slots and appointments counted by what the reports read them
by, kept by a scheduled job (reports.summaries) so that a report page reads a few thousand
rows, not a hub's millions of slots. Counts only: no patient is named here."""

from django.db import models


class SlotSummary(models.Model):
    """Slots offered on one day (London), by practice, site, hour and kind of session."""

    day = models.DateField()
    practice = models.ForeignKey(
        "practices.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey("practices.Site", on_delete=models.CASCADE, related_name="+")
    hour = models.PositiveSmallIntegerField(help_text="London hour the slots start in")
    national_category = models.CharField(max_length=80)
    service_setting = models.CharField(max_length=30)
    practitioner_role = models.CharField(max_length=5)
    delivery_channel = models.CharField(max_length=12)
    offered = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(help_text="With a live booking")
    attended = models.PositiveIntegerField()
    did_not_attend = models.PositiveIntegerField()
    unused = models.PositiveIntegerField(help_text="Started with no booking")

    class Meta:
        indexes = [models.Index(fields=["practice", "day"])]

    def __str__(self) -> str:
        return f"{self.offered} slots on {self.day} at {self.hour}:00"


class BookingSummary(models.Model):
    """Appointments on one day (London), by who booked them, for whose patients, into which
    practice's slots, and how they went, in the national appointment data's terms."""

    class Outcome(models.TextChoices):
        """The national appointment status: booked (still to come), attended, did not
        attend, or unknown (past, and no outcome recorded)."""

        BOOKED = "Booked", "Booked"
        ATTENDED = "Attended", "Attended"
        DID_NOT_ATTEND = "DNA", "Did not attend"
        UNKNOWN = "Unknown", "Unknown"

    day = models.DateField()
    practice = models.ForeignKey(
        "practices.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey("practices.Site", on_delete=models.CASCADE, related_name="+")
    registered_practice = models.ForeignKey(
        "practices.Organisation", on_delete=models.CASCADE, related_name="+", null=True
    )
    booking_organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=12)
    national_category = models.CharField(max_length=80)
    service_setting = models.CharField(max_length=30)
    practitioner_role = models.CharField(max_length=5)
    delivery_channel = models.CharField(max_length=12)
    lead_time = models.CharField(
        max_length=30, help_text="The national band, booking to appointment"
    )
    reminded = models.BooleanField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    appointments = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["practice", "day"]),
            models.Index(fields=["registered_practice", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.appointments} appointments on {self.day} ({self.outcome})"


class SummaryRefresh(models.Model):
    """One row: when the summaries were last brought up to date, and over which days. Its
    lock keeps two runs of the job (two beat nodes) from counting a day twice."""

    refreshed_at = models.DateTimeField(null=True)
    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True)

    def __str__(self) -> str:
        return f"Summaries of {self.first_day} to {self.last_day}, at {self.refreshed_at}"
