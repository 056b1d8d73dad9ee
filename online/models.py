"""A patient's own account, the registration keys practices issue, each hub's rules for
booking online, and its waiting list with the offers made from it."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class PatientAccount(models.Model):
    """A patient who uses Hub Diary online, signed in with NHS login or with the email and
    password they registered with a practice's key. Its `user` exists so that what the
    patient does is recorded like anyone's (bookings, the audit trail); it has no password
    and no membership, so it can never sign in to a staff page."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.PROTECT, related_name="online_account"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patient_account"
    )
    nhs_login_subject = models.CharField(max_length=200, unique=True, null=True, blank=True)
    identity_level = models.CharField(max_length=4, blank=True, help_text="NHS login: P5 or P9")
    email = models.EmailField(blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    password = models.CharField(max_length=200, blank=True, help_text="Registered with a key")
    created_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(password=""), name="one_password_account_per_email"
            ),
        ]

    def __str__(self) -> str:
        return f"Online account {self.public_id}"


class LinkageKey(models.Model):
    """A single-use, expiring key a practice prints for one of its patients to register
    with. Only its hash is kept: the key is shown once, on the letter."""

    practice = models.ForeignKey("practices.Organisation", on_delete=models.PROTECT)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT)
    key_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Registration key for patient {self.patient_id}"


class OnlinePolicy(models.Model):
    """A hub's rules for booking online. Without a row, the defaults hold."""

    hub = models.OneToOneField(
        "practices.Organisation", on_delete=models.CASCADE, related_name="online_policy"
    )
    max_future_bookings = models.PositiveSmallIntegerField(
        default=2, help_text="Future online bookings one patient may hold at once"
    )
    cancel_cutoff = models.DurationField(
        default=datetime.timedelta(hours=2), help_text="Patients cancel online up to this before"
    )
    hold_for = models.DurationField(
        default=datetime.timedelta(minutes=5), help_text="How long a chosen slot is held"
    )
    offer_held_for = models.DurationField(
        default=datetime.timedelta(minutes=30), help_text="How long an offered slot is held"
    )

    def __str__(self) -> str:
        return f"Online booking rules of {self.hub_id}"


class WaitingListEntry(models.Model):
    """A patient waiting for an earlier appointment at a hub, with what would suit them."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked from an offer"
        LEFT = "left", "Left the list"
        EXPIRED = "expired", "Expired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hub = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="waiting_list"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="waiting_list_entries"
    )
    # ISO weekdays (1 Monday … 7 Sunday); empty: any day.
    weekdays = models.JSONField(default=list, blank=True)
    earliest = models.TimeField(null=True, blank=True)
    latest = models.TimeField(null=True, blank=True)
    sites = models.ManyToManyField("practices.Site", blank=True, related_name="+")
    # booking.DeliveryChannel values; empty: any.
    delivery_channels = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    contact_by = models.CharField(
        max_length=5, choices=[("sms", "Text message"), ("email", "Email")], default="sms"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["hub", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "patient"],
                condition=Q(status="waiting"),
                name="one_waiting_entry_per_patient_and_hub",
            ),
        ]

    def __str__(self) -> str:
        return f"Waiting list entry {self.public_id}"


class Offer(models.Model):
    """A freed slot offered to one waiting patient, held for them until it expires."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the patient"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Not answered in time"
        WITHDRAWN = "withdrawn", "Slot no longer free"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(WaitingListEntry, on_delete=models.PROTECT, related_name="offers")
    slot = models.ForeignKey("booking.Slot", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.OPEN)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            # One open offer per slot and per patient's entry: a job run twice offers once.
            models.UniqueConstraint(
                fields=["slot"], condition=Q(status="open"), name="one_open_offer_per_slot"
            ),
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="open"), name="one_open_offer_per_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"Offer {self.public_id} ({self.status})"
