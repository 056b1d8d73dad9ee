"""The audit trail's records: events, the patients a listing showed, and seals."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every access to patient data and every booking
    action. On PostgreSQL a trigger refuses UPDATE and DELETE (see migration 0003).

    Events form one chain per acting organisation, so that organisations never wait for
    each other's appends (ADR 0005); `sequence` numbers an event within its chain."""

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    # The chain of events with no acting organisation: system jobs, failed sign-ins.
    CHAIN_WITHOUT_ORGANISATION = 0
    # The one chain every event was written in before chains were per organisation.
    CHAIN_BEFORE_PARTITIONING = -1

    # The acting organisation's id, or one of the two chains above. Not a foreign key: the
    # chain outlives any organisation, and the check would cost every append a lookup.
    chain = models.BigIntegerField()
    sequence = models.BigIntegerField()
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
    # The patients a list page showed (AuditEventPatient), their ids sorted and hashed;
    # empty when the event lists none. The event's hash covers it.
    patients_hash = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64)
    # Checked by verify_chain, never looked up: an index on it would cost every audited
    # action an insert at a random place in a wide index.
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "sequence"]
        constraints = [
            # Also the index a chain's last link is read by, and a chain walked in order.
            models.UniqueConstraint(
                fields=["chain", "sequence"], name="audit_event_once_per_place"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["actor_organisation_ods", "occurred_at"]),
            models.Index(fields=["occurred_at"]),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.sequence} in chain {self.chain}: {self.action} by {self.actor_username}: "
            f"{self.outcome}"
        )


class AuditEventPatient(models.Model):
    """A patient shown on the page of a list that an audit event records (one event per
    page), so that "who viewed my record" finds lists as well as views. Append-only like
    the events (migration 0008), and covered by the event's hash (`patients_hash`)."""

    pk = models.CompositePrimaryKey("event", "patient")
    # Both looked up through the primary key (event first) or the index below.
    event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, related_name="listed_patients", db_index=False
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        indexes = [models.Index(fields=["patient", "event"])]

    def __str__(self) -> str:
        return f"patient {self.patient_id} listed by audit event {self.event_id}"


class AuditSeal(models.Model):
    """Every audit chain's head at one moment (its last committed event's sequence and
    hash), chained to the seal before: one hash vouches for the whole trail up to then and
    for where each chain ended. Written by a periodic job; append-only (migration 0009)."""

    sequence = models.BigIntegerField(unique=True)
    sealed_at = models.DateTimeField()
    # [[chain, sequence, hash], ...] in chain order: a list, so its order survives storage.
    heads = models.JSONField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"seal #{self.sequence} of {len(self.heads)} chains at {self.sealed_at}"


class AuditVerification(models.Model):
    """One walk of the whole audit trail (`manage.py verify_audit` or the nightly job) and
    what it found, so that monitoring can say when the trail was last proved intact."""

    finished_at = models.DateTimeField()
    chains = models.PositiveIntegerField()
    events = models.BigIntegerField()
    broken_chains = models.PositiveIntegerField()
    seals_broken = models.BooleanField()

    class Meta:
        ordering = ["finished_at"]
        indexes = [models.Index(fields=["finished_at"], name="audit_verification_latest")]

    def __str__(self) -> str:
        state = "broken" if self.broken_chains or self.seals_broken else "intact"
        return f"audit trail {state} at {self.finished_at}"
