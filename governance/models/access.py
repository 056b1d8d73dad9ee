"""Access on no ordinary basis, and who gave what honorary access: grants, break-glass,
care relationships and their review."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from practices.roles import Role


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


class Review(models.TextChoices):
    """What the patient's practice made of access on no ordinary basis."""

    PENDING = "pending", "Waiting for review"
    APPROPRIATE = "appropriate", "Appropriate"
    REFERRED = "referred", "Referred for investigation"


class BreakGlass(models.Model):
    """Emergency access to one patient by someone with no other basis: time-boxed, reviewed."""

    class Reason(models.TextChoices):
        EMERGENCY_CARE = "emergency-care", "Emergency care: the patient is in front of me"
        URGENT_CLINICAL = "urgent-clinical", "Urgent clinical need: I cannot reach the practice"
        SAFEGUARDING = "safeguarding", "Safeguarding concern"
        PATIENT_REQUEST = "patient-request", "The patient asked me to look"

    Review = Review

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


class Relationship(models.Model):
    """A care relationship with a patient that lets an organisation see their record for a
    while, where no agreement does: arising from what it does (the patient is booked into its
    clinic) or claimed by one person with a reason. Access resting on one is reviewed by the
    patient's practice, as break-glass is."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", "The patient has an appointment with us"
        SELF_CLAIMED = "self-claimed", "Claimed, with a reason"
        CONTACT = "contact", "We saw the patient in urgent care or out of hours"

    Review = Review

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="For a claimed relationship, the one person it is for",
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.UUIDField(
        null=True, blank=True, help_text="The public id of what it arises from, as a booking"
    )
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
        indexes = [
            models.Index(fields=["organisation", "patient", "expires_at"]),
            models.Index(fields=["patient", "started_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")),
                name="relationship_expires_after_start",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True, reviewed_at__isnull=True)
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="relationship_reviewed_by_and_at_paired",
            ),
            models.CheckConstraint(
                condition=~Q(kind="self-claimed") | Q(user__isnull=False),
                name="relationship_claimed_by_someone",
            ),
            # One record per appointment an organisation's access rests on.
            models.UniqueConstraint(
                fields=["organisation", "patient", "kind", "reference"],
                condition=Q(reference__isnull=False),
                name="one_relationship_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation}"
