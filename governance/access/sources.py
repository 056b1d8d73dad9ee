"""Care relationships: what lets an organisation see a patient no agreement covers, because
it is caring for them (the patient is booked into its clinic), and the record kept of each
one relied on, for the patient's practice to review.

The apps that know about care (booking, later the care diary) register a source when they
start, so governance imports none of them. A source answers for one patient and for many,
the same way, so the access decision and the lists agree.
"""

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from governance.models import Relationship
from practices.models import Organisation


@dataclass(frozen=True)
class RelationshipSource:
    kind: str  # a Relationship.Kind
    reason: str  # why it counts, in a few words: "patient is booked with us"
    # For some patients (by id): the id of what each one's relationship rests on (say the
    # booking), for those who have one with the organisation at that moment.
    references: Callable[[Organisation, Iterable[int], datetime.datetime], dict[int, uuid.UUID]]
    # Every patient (as a queryset of patient ids) who has one, for lists.
    patients: Callable[[Organisation, datetime.datetime], QuerySet]
    # How long a relationship lasts from when it is first relied on, for its record.
    lasts: datetime.timedelta


@dataclass(frozen=True)
class TeamSource:
    """Membership of a patient's care team, set by their practice when it enrolled them: a
    basis for the purposes that allow it, with the patient's consent, and not reviewed
    (the practice chose the team). Answers for one patient and for many, as above."""

    # For some patients (by id): those on whose care team the organisation is now.
    members: Callable[[Organisation, Iterable[int]], set[int]]
    # Every such patient (a queryset of patient ids), for lists.
    patients: Callable[[Organisation], QuerySet]


SOURCES: list[RelationshipSource] = []
TEAMS: list[TeamSource] = []


def register_source(source: RelationshipSource) -> None:
    if all(known.kind != source.kind for known in SOURCES):
        SOURCES.append(source)


def register_team_source(source: TeamSource) -> None:
    if source not in TEAMS:
        TEAMS.append(source)


def note_relied_on(
    *,
    organisation: Organisation,
    source: RelationshipSource,
    references: dict[int, uuid.UUID],
    now: datetime.datetime,
) -> None:
    """Keep a record, for review, of each relationship an access rested on: one per patient
    and reference, however often it is relied on."""
    if not references:
        return
    Relationship.objects.bulk_create(
        [
            Relationship(
                organisation=organisation,
                patient_id=patient_id,
                kind=source.kind,
                reference=reference,
                reason=source.reason,
                started_at=now,
                expires_at=now + source.lasts,
            )
            for patient_id, reference in references.items()
        ],
        ignore_conflicts=True,  # one_relationship_per_reference: already on record
    )
