"""The outbox: each booking, cancellation or amendment to write to a practice's own clinical
system, written in the same transaction as the change it carries (ADR 0002)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class WriteBackMessage(models.Model):
    """The transactional outbox: one booking, cancellation or amendment to write to the
    practice's clinical system, written in the same transaction as the change itself.

    `next_attempt_at` is when a pending message is due, or when a delivering message's
    lease runs out (its worker is then presumed dead and the sweep takes it back)."""

    class Operation(models.TextChoices):
        BOOK = "book", "Book"
        CANCEL = "cancel", "Cancel"
        AMEND = "amend", "Amend"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERING = "delivering", "Being sent"
        CONFIRMED = "confirmed", "Confirmed in the practice system"
        CONFLICT = "conflict", "The practice filled the slot itself"
        FAILED = "failed", "Refused by the practice system"
        DEAD = "dead", "Gave up after repeated failures"
        MANUAL = "manual", "Not in the practice system: enter it by hand"

    OPEN_STATES = (State.PENDING, State.DELIVERING)
    # What the practice system problems worklist shows until someone acts.
    PROBLEM_STATES = (State.CONFLICT, State.DEAD, State.FAILED, State.MANUAL)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.PROTECT, related_name="write_back_messages"
    )
    operation = models.CharField(max_length=10, choices=Operation.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    in_doubt = models.BooleanField(
        default=False,
        help_text="An attempt may have reached the practice system (a timeout, a dropped "
        "answer, a worker that died): look there before sending again",
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="The practice system's appointment id"
    )
    # Who asked for the change, for the GP Connect claims: never the hub's host.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requesting_organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The sweep: open messages whose time has come.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "delivering"]),
                name="write_back_due",
            ),
            # The practice system problems worklist (its states are PROBLEM_STATES).
            models.Index(
                fields=["created_at"],
                condition=Q(
                    state__in=["conflict", "dead", "failed", "manual"], resolved_at__isnull=True
                ),
                name="write_back_problems",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "delivering"], next_attempt_at__isnull=False)
                | (~Q(state__in=["pending", "delivering"]) & Q(next_attempt_at__isnull=True)),
                name="write_back_open_has_next_attempt",
            ),
            models.CheckConstraint(
                condition=Q(state="confirmed", confirmed_at__isnull=False)
                | (~Q(state="confirmed") & Q(confirmed_at__isnull=True)),
                name="write_back_confirmed_has_a_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed", operation="book") | ~Q(external_id=""),
                name="write_back_confirmed_booking_has_external_id",
            ),
            models.CheckConstraint(
                condition=Q(resolved_by__isnull=True, resolved_at__isnull=True)
                | Q(resolved_by__isnull=False, resolved_at__isnull=False),
                name="write_back_resolved_by_and_at_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_operation_display()} {self.booking_id}: {self.get_state_display()}"
