"""The care relationship a contact gives: an A&E department or out-of-hours service that
logged an attendance or contact with a patient may see them, for that care, for a day after
it. Registered with governance's rules when the app starts; the patient's practice reviews
each one relied on, as it does break-glass."""

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from caretracker.models import Encounter
from governance.access import RelationshipSource
from governance.models import Relationship
from practices.models import Organisation


def lasts() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "CONTACT_RELATIONSHIP_HOURS", 24))


def _recent(organisation: Organisation, now: datetime.datetime) -> QuerySet[Encounter]:
    return Encounter.objects.filter(
        organisation=organisation, created_at__gt=now - lasts(), created_at__lte=now
    )


def contacts_of(
    organisation: Organisation, patient_ids: Iterable[int], now: datetime.datetime
) -> dict[int, uuid.UUID]:
    """For each of these patients the organisation saw within the day, the latest contact."""
    rows = (
        _recent(organisation, now)
        .filter(patient_id__in=list(patient_ids))
        .order_by("patient_id", "created_at")
        .values_list("patient_id", "public_id")
    )
    return dict(rows)  # the last of each patient's rows, the latest, wins


def patients_seen_by(organisation: Organisation, now: datetime.datetime) -> QuerySet:
    return _recent(organisation, now).values("patient")


CONTACT = RelationshipSource(
    kind=Relationship.Kind.CONTACT,
    reason="we saw the patient",
    references=contacts_of,
    patients=patients_seen_by,
    lasts=lasts(),
)
