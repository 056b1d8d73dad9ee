"""The ledger of messages sent, email and text: one row per message key, so a job run twice
sends once, with what GOV.UK Notify last said of its delivery."""

from django.db import models


class Message(models.Model):
    """A message to one address: the template's name, the key that makes it unique, and the
    values to fill it with, kept only until it is sent (they may name a patient)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will be tried again"
        DELIVERED = "delivered", "Delivered"
        UNDELIVERED = "undelivered", "Not delivered"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    key = models.CharField(
        max_length=200, unique=True, help_text="What the message is about, once: 'task:…:due'"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    to = models.CharField(max_length=254, help_text="An email address, or a mobile as +447…")
    # The organisation whose staff see the message's state (the hub or practice that made
    # the booking). A plain id, not a foreign key: notifications sits below the records in
    # the layers and knows no organisations (pyproject.toml's import contracts).
    organisation_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = models.CharField(
        max_length=64,
        blank=True,
        help_text="What it is about, for staff: a booking's public id. Never a patient's.",
    )
    template = models.CharField(max_length=60)
    personalisation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    reference = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="The backend's id"
    )
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the backend last reported of delivery (GOV.UK Notify's own status words).
    delivery_status = models.CharField(max_length=30, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # When the backend was last asked how delivery went, so that each check asks those not
    # asked for longest first.
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The organisation's list of its messages, newest first.
            models.Index(fields=["organisation_id", "-created_at"], name="message_org_newest"),
        ]
        constraints = [
            # An email goes to an address with an @, a text to a UK mobile as +447 and 9 digits.
            models.CheckConstraint(
                condition=models.Q(channel="email", to__contains="@")
                | models.Q(channel="sms", to__regex=r"^\+447[0-9]{9}$"),
                name="message_to_fits_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
