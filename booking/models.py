"""Sessions and their slots, release rules, and bookings.

A session (GP Connect calls it a schedule) is one clinic: a practice, a site, a clinician or
just a practitioner role, a start and an end, cut into slots. Who may book a slot, and
from when, is set by the session's release rules (the pure logic is `release_rules/`);
each slot carries, per audience, the moment it opens and closes, so search is one indexed
query. At most one live booking per slot is enforced by the database.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from booking.appointment_data import NationalCategory, ServiceSetting
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX
from practices.models import Clinician


class Audience(models.TextChoices):
    HUB = "hub", "Hub"
    URGENT_CARE = "urgent-care", "Urgent care"
    ONLINE = "online", "Patients online"
    PRACTICE = "practice", "Own practice"


class DeliveryChannel(models.TextChoices):
    """GP Connect's delivery channels."""

    IN_PERSON = "In-person", "In person"
    TELEPHONE = "Telephone", "Telephone"
    VIDEO = "Video", "Video"
    HOME_VISIT = "Home visit", "Home visit"


class Session(models.Model):
    """A session: one clinic at a site, generating slots."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        PORTAL = "portal", "Published in Hub Diary"
        IMPORTED = "imported", "Imported from the practice system"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="sessions"
    )
    site = models.ForeignKey("practices.Site", on_delete=models.PROTECT, related_name="sessions")
    clinician = models.ForeignKey(
        "practices.Clinician",
        on_delete=models.PROTECT,
        related_name="sessions",
        null=True,
        blank=True,
    )
    practitioner_role = models.CharField(max_length=5, choices=Clinician.JobRole.choices)
    session_type = models.CharField(max_length=60, help_text="For example, GP extended access")
    slot_type = models.CharField(max_length=60, help_text="For example, Routine appointment")
    delivery_channel = models.CharField(max_length=12, choices=DeliveryChannel.choices)
    # The national appointment data's category and setting; its slots carry them.
    national_category = models.CharField(
        max_length=80, choices=NationalCategory.choices, default=NationalCategory.UNMAPPED
    )
    service_setting = models.CharField(
        max_length=30, choices=ServiceSetting.choices, default=ServiceSetting.UNMAPPED
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    slot_minutes = models.PositiveSmallIntegerField()
    series = models.UUIDField(
        null=True, blank=True, help_text="Sessions published together as a weekly series"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PORTAL)
    external_id = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    unused_released_at = models.DateTimeField(
        null=True, blank=True, help_text="When its unbooked slots were handed to urgent care"
    )
    unused_released_count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["practice", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="session_slot_length_sensible",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_by__isnull=True, cancelled_at__isnull=True)
                | Q(cancelled_by__isnull=False, cancelled_at__isnull=False),
                name="session_cancelled_by_and_at_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice.name}, {self.starts_at:%Y-%m-%d %H:%M}"


class ReleaseRule(models.Model):
    """Who may book a session's slots, from when, until when, and how many."""

    class Opens(models.TextChoices):
        PUBLISHED = "published", "As soon as published"
        BEFORE_START = "before-start", "A set time before the start"
        ON_DAY = "on-day", "From a time on the day, or a number of days before"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rules")
    audience = models.CharField(max_length=12, choices=Audience.choices)
    opens = models.CharField(max_length=12, choices=Opens.choices, default=Opens.PUBLISHED)
    opens_minutes_before = models.PositiveIntegerField(null=True, blank=True)
    opens_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    opens_time = models.TimeField(null=True, blank=True, help_text="Local time; midnight if blank")
    cut_off_minutes = models.PositiveIntegerField(default=0)
    ods_codes = models.JSONField(default=list, blank=True)
    organisation_types = models.JSONField(default=list, blank=True)
    quota_per_session = models.PositiveSmallIntegerField(null=True, blank=True)
    quota_per_day = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["audience"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens="published")
                | Q(opens="before-start", opens_minutes_before__isnull=False)
                | Q(opens="on-day", opens_days_before__isnull=False),
                name="release_rule_opening_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} ({self.get_opens_display().lower()})"


class SlotQuerySet(models.QuerySet["Slot"]):
    def free(self) -> "SlotQuerySet":
        return self.filter(status=Slot.Status.FREE)


class Slot(models.Model):
    class Status(models.TextChoices):
        FREE = "free", "Free"
        BOOKED = "booked", "Booked"
        BLOCKED = "blocked", "Blocked"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Looked up through slot_session_start and slot_practice_start: no index of their own,
    # as every booking rewrites each of the slot's indexes.
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="slots", db_index=False
    )
    # Copied from the session so that search reads one table through one index.
    practice = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    site = models.ForeignKey("practices.Site", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(
        "practices.Clinician", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    practitioner_role = models.CharField(max_length=5, choices=Clinician.JobRole.choices)
    delivery_channel = models.CharField(max_length=12, choices=DeliveryChannel.choices)
    slot_type = models.CharField(max_length=60)
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FREE)
    # When the slot opens to and closes for each audience (null: never released to it).
    hub_opens_at = models.DateTimeField(null=True, blank=True)
    hub_closes_at = models.DateTimeField(null=True, blank=True)
    urgent_care_opens_at = models.DateTimeField(null=True, blank=True)
    urgent_care_closes_at = models.DateTimeField(null=True, blank=True)
    online_opens_at = models.DateTimeField(null=True, blank=True)
    online_closes_at = models.DateTimeField(null=True, blank=True)
    restricted = models.BooleanField(
        default=False, help_text="Some rule names ODS codes or organisation types: check it."
    )
    blocked_reason = models.CharField(max_length=200, blank=True)
    reserved_for = models.CharField(
        max_length=20,
        blank=True,
        default="",
        db_default="",
        help_text="An organisation type (nhs-111) the slot is kept for, whatever the session's "
        "rules say: the daily reservation for NHS 111 direct booking",
    )
    external_id = models.CharField(max_length=100, blank=True)
    # Set by slot import when the practice system stops offering an imported slot.
    vanished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            # Pooled search: free slots in start order, carrying what search filters on
            # (practice, release windows) so a page's keys come from the index alone.
            models.Index(
                fields=["start", "id"],
                include=[
                    "practice",
                    "hub_opens_at",
                    "hub_closes_at",
                    "urgent_care_opens_at",
                    "urgent_care_closes_at",
                    "online_opens_at",
                    "online_closes_at",
                ],
                condition=Q(status="free"),
                name="slot_free_by_start",
            ),
            models.Index(fields=["practice", "start"], name="slot_practice_start"),
            models.Index(fields=["session", "start"], name="slot_session_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_ends_after_start"),
            models.CheckConstraint(
                condition=Q(hub_opens_at__isnull=True, hub_closes_at__isnull=True)
                | Q(hub_opens_at__isnull=False, hub_closes_at__isnull=False),
                name="slot_hub_release_paired",
            ),
            models.CheckConstraint(
                condition=Q(urgent_care_opens_at__isnull=True, urgent_care_closes_at__isnull=True)
                | Q(urgent_care_opens_at__isnull=False, urgent_care_closes_at__isnull=False),
                name="slot_urgent_care_release_paired",
            ),
            models.CheckConstraint(
                condition=Q(online_opens_at__isnull=True, online_closes_at__isnull=True)
                | Q(online_opens_at__isnull=False, online_closes_at__isnull=False),
                name="slot_online_release_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} at {self.practice_id}"


class SlotHold(models.Model):
    """A free slot held for a few minutes for one patient online, or for the patient it was
    offered to from the waiting list, while they confirm (`booking.holds`)."""

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="hold")
    holder = models.CharField(max_length=60, db_index=True, help_text="'account:…' or 'offer:…'")
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Hold on slot {self.slot_id} until {self.expires_at:%H:%M}"


class Nhs111Reservation(models.Model):
    """How many of its slots a practice keeps each day for NHS 111 to book directly. The GP
    contract asks for at least one a day for every 3,000 registered patients; a scheduled
    job keeps that many reserved on each of the coming days (`booking.nhs111`)."""

    practice = models.OneToOneField(
        "practices.Organisation", on_delete=models.CASCADE, related_name="nhs111_reservation"
    )
    list_size = models.PositiveIntegerField(help_text="Registered patients")
    slots_per_day = models.PositiveSmallIntegerField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.slots_per_day} a day for NHS 111"


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ARRIVED = "arrived", "Arrived"
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "dna", "Did not attend"
        CANCELLED = "cancelled", "Cancelled"

    class Channel(models.TextChoices):
        HUB = "hub", "Hub"
        URGENT_CARE = "urgent-care", "Urgent care"
        A_AND_E = "a-and-e", "A&E"
        OUT_OF_HOURS = "out-of-hours", "Out of hours"
        NHS_111 = "nhs-111", "NHS 111"
        ONLINE = "online", "Online"
        PRACTICE = "practice", "Practice"

    class WriteBack(models.TextChoices):
        PENDING = "pending", "Waiting for the practice system"
        CONFIRMED = "confirmed", "Confirmed in the practice system"
        CONFLICT = "conflict", "Conflict in the practice system"
        FAILED = "failed", "Not written to the practice system"
        NOT_LINKED = "not-linked", "Practice system not linked"
        # A slot published in Hub Diary alone, at a practice whose link is on: GP Connect
        # cannot put it into the practice system, so a person does (ADR 0003).
        MANUAL = "manual", "To be entered by hand in the practice system"
        ENTERED = "entered", "Entered by hand in the practice system"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    # Patient and booking organisation are looked up through the (…, start) indexes below.
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    booking_organisation = models.ForeignKey(
        "practices.Organisation",
        on_delete=models.PROTECT,
        related_name="bookings_made",
        db_index=False,
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    # GP Connect's limits: the practice system takes no more.
    description = models.CharField(max_length=DESCRIPTION_MAX, blank=True)
    comment = models.CharField(max_length=COMMENT_MAX, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    reminder_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient was sent a reminder the day before"
    )
    # Why a release rule (embargo, cut-off, quota) was set aside for this booking; the audit
    # trail's booking.rule-override event names the rule. A database default too, so rows
    # copied in without it (the bench loader) still load.
    rule_override_reason = models.CharField(max_length=500, blank=True, default="", db_default="")
    version = models.PositiveIntegerField(default=1)
    # Unique through a constraint, not unique=True, which would add a second index for LIKE.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (none given)
    write_back = models.CharField(
        max_length=12, choices=WriteBack.choices, default=WriteBack.NOT_LINKED
    )
    # Copied from the slot for the clinician-overlap exclusion constraint (PostgreSQL).
    clinician = models.ForeignKey(
        "practices.Clinician", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["patient", "start"]),
            models.Index(fields=["booking_organisation", "start"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=~Q(status="cancelled"), name="one_live_booking_per_slot"
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="booking_idempotency_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_by__isnull=True, cancelled_at__isnull=True)
                | Q(cancelled_by__isnull=False, cancelled_at__isnull=False),
                name="booking_cancelled_by_and_at_paired",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="booking_cancelled_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="booking_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Booking {self.public_id} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.CANCELLED
