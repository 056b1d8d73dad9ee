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
    # The organisation whose staff see the message's state (a booking's booker, a hub). A
    # plain id: notifications sits below the records and knows no organisations.
    organisation_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    template = models.CharField(max_length=60)
    personalisation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    reference = models.CharField(max_length=100, blank=True, help_text="The backend's id")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the backend last reported of delivery (GOV.UK Notify's own status words).
    delivery_status = models.CharField(max_length=30, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
