"""What an organisation's staff must look at."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Alert(models.Model):
    """Something an organisation's staff must look at. Holds a reference, never patient
    identifiers, so it can be shown or emailed safely."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break-glass", "Break-glass access to review"
        RELATIONSHIP = "relationship", "Access through a care relationship to review"
        AGREEMENT_PROPOSED = "agreement-proposed", "Sharing agreement proposed"
        AGREEMENT_EXPIRING = "agreement-expiring", "Sharing agreement expiring"
        WRITE_BACK_CONFLICT = "write-back-conflict", "Booking clashes with the practice system"
        WRITE_BACK_FAILED = "write-back-failed", "Booking not written to the practice system"
        TASK_ASSIGNED = "task-assigned", "Care task to accept"
        TASK_ESCALATED = "task-escalated", "Care task not accepted or overdue"
        REVIEW_DUE = "review-due", "Care plan review due"
        PATIENT_CONTACT = "patient-contact", "Patient seen in urgent care or out of hours"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.CASCADE, related_name="alerts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text="For an alert to one person (a key worker), not the whole organisation",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.CharField(max_length=300)
    reference = models.UUIDField(help_text="The public id of the thing to look at")
    link = models.CharField(
        max_length=300, blank=True, help_text="Where to act on it, for alerts raised by other apps"
    )
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
