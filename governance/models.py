"""Identity, and the records that decide and prove who may see which patient."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from practices.roles import Role


class User(AbstractUser):
    """A person who signs in: staff at one or more organisations, or (later) a patient."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


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
            # At most one live (proposed or active) agreement per pair and scope.
            models.UniqueConstraint(
                fields=["practice", "partner", "scope"],
                condition=Q(status__in=["proposed", "active"]),
                name="one_live_agreement_per_pair_and_scope",
            ),
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


class AccessGrant(models.Model):
    """An honorary contract: a named user holds a role at an organisation for a bounded time.

    The grant is the record of who gave it and why; the dated membership it sets up is what
    lets the user act for the organisation, and stops doing so at `ends_at` by itself.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(
        "practices.Membership", on_delete=models.PROTECT, related_name="grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="access_grants"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["user", "organisation", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="grant_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True, revoked_at__isnull=True)
                | Q(revoked_by__isnull=False, revoked_at__isnull=False),
                name="grant_revoked_by_and_at_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()} at {self.organisation}"


class BreakGlass(models.Model):
    """Emergency access to one patient by someone with no other basis: time-boxed, reviewed."""

    class Reason(models.TextChoices):
        EMERGENCY_CARE = "emergency-care", "Emergency care: the patient is in front of me"
        URGENT_CLINICAL = "urgent-clinical", "Urgent clinical need: I cannot reach the practice"
        SAFEGUARDING = "safeguarding", "Safeguarding concern"
        PATIENT_REQUEST = "patient-request", "The patient asked me to look"

    class Review(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROPRIATE = "appropriate", "Appropriate"
        REFERRED = "referred", "Referred for investigation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    organisation = models.ForeignKey(
        "practices.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Acting for, when breaking glass",
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    reason_code = models.CharField(max_length=20, choices=Reason.choices)
    reason = models.CharField(max_length=500)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    review = models.CharField(max_length=12, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "patient", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")),
                name="break_glass_expires_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True, reviewed_at__isnull=True)
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="break_glass_reviewed_by_and_at_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"Break-glass by {self.user} at {self.started_at:%Y-%m-%d %H:%M}"


class Alert(models.Model):
    """Something an organisation's staff must look at. Holds a reference, never patient
    identifiers, so it can be shown or emailed safely."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break-glass", "Break-glass access to review"
        AGREEMENT_PROPOSED = "agreement-proposed", "Sharing agreement proposed"
        AGREEMENT_EXPIRING = "agreement-expiring", "Sharing agreement expiring"
        WRITE_BACK_CONFLICT = "write-back-conflict", "Booking clashes with the practice system"
        WRITE_BACK_FAILED = "write-back-failed", "Booking not written to the practice system"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.CharField(max_length=300)
    reference = models.UUIDField(help_text="The public id of the thing to look at")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "resolved_at"]),
            # Closing the alerts about one thing (a booking's write-back problems settled).
            models.Index(
                fields=["reference"],
                condition=Q(resolved_at__isnull=True),
                name="alert_open_by_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.message


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every access to patient data and every booking
    action. On PostgreSQL a trigger refuses UPDATE and DELETE (see migration 0003)."""

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    # Actor and patient are looked up through the (…, occurred_at) indexes below.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        db_index=False,
    )
    actor_username = models.CharField(max_length=150)
    actor_name = models.CharField(max_length=300)
    actor_role = models.CharField(max_length=30, blank=True)
    actor_organisation_ods = models.CharField(max_length=10, blank=True)
    actor_organisation_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+", null=True, db_index=False
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=30, blank=True)
    basis = models.CharField(max_length=30, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_address = models.GenericIPAddressField(null=True)
    previous_hash = models.CharField(max_length=64)
    # Checked by verify_chain, never looked up: an index on it would cost every audited
    # action an insert at a random place in a wide index.
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["patient", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["actor_organisation_ods", "occurred_at"]),
            models.Index(fields=["occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} by {self.actor_username}: {self.outcome}"
