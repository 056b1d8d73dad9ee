"""Systems registered to call the hub's GP Connect endpoint."""

import uuid

from django.db import models


class Consumer(models.Model):
    """A consumer system (an NHS 111, A&E or out-of-hours system) of one organisation.

    It names itself by its ASID in Ssp-From and signs its audit JWT with the private key
    of `public_key`. It acts through `membership`, a service account at its organisation,
    so release rules, sharing agreements, the access door and the audit trail treat its
    calls as they treat that organisation's staff."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="gpconnect_consumers"
    )
    asid = models.CharField("ASID", max_length=12, unique=True)
    public_key = models.TextField(help_text="PEM: the key its audit JWTs are signed with")
    membership = models.OneToOneField(
        "practices.Membership", on_delete=models.PROTECT, related_name="gpconnect_consumer"
    )
    requests_per_minute = models.PositiveIntegerField(default=600)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.ods_code}, ASID {self.asid})"
