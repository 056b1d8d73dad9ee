"""What practices share, with whom, and what patients agreed to."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Scope(models.TextChoices):
    """What an organisation may do with another's patients under a sharing agreement."""

    BOOKING = "booking", "Booking appointments"
    RECORD_VIEW = "record-view", "Viewing the record"
    CARE_TRACKER = "care-tracker", "Care tracker"


class SharingAgreement(models.Model):
    """A practice agrees to share its patients with another organisation, for one scope."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        DECLINED = "declined", "Declined"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="agreements_as_practice"
    )
    partner = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="agreements_as_partner"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by_organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["practice", "partner", "scope", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(practice=models.F("partner")),
                name="agreement_between_two_organisations",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True, decided_at__isnull=True)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="agreement_decided_by_and_at_paired",
            ),
            models.CheckConstraint(
                condition=Q(ended_by__isnull=True, ended_at__isnull=True)
                | Q(ended_by__isnull=False, ended_at__isnull=False),
                name="agreement_ended_by_and_at_paired",
            ),
            # No two live (proposed or active) agreements for one pair and scope cover the
            # same day, so a renewal can wait, proposed or accepted, for the day after its
            # predecessor ends: on PostgreSQL an exclusion constraint on the dates (migration
            # 0007, agreement_live_dates_never_overlap), and propose_agreement's message.
        ]

    def __str__(self) -> str:
        return f"{self.practice} ↔ {self.partner}: {self.get_scope_display()}"


class Consent(models.Model):
    """A patient's word on one scope. Opt-in: no record means no sharing."""

    class Scope(models.TextChoices):
        SHARE_RECORD = "share-record", "Share record with other organisations"
        CARE_TRACKER = "care-tracker", "Enrol in the care tracker"

    class State(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Method(models.TextChoices):
        VERBAL = "verbal", "Verbally"
        WRITTEN = "written", "In writing"
        ONLINE = "online", "Online"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Consent is a history: the latest record per scope is the patient's current word.
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["patient", "scope", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.get_state_display()}"
