"""The ledger of messages sent: one row per message key, so a job run twice sends once."""

from django.db import models


class Message(models.Model):
    """A message to one address: the template's name, the key that makes it unique, and the
    values to fill it with, kept only until it is sent (they may name a patient)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will be tried again"

    key = models.CharField(
        max_length=200, unique=True, help_text="What the message is about, once: 'task:…:due'"
    )
    to = models.EmailField()
    template = models.CharField(max_length=60)
    personalisation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    reference = models.CharField(max_length=100, blank=True, help_text="The backend's id")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
