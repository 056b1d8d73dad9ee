"""What the measurements start from in the generated data: the hubs' receptionists, who
they act as, and the slots they can book with a patient for each."""

import datetime
import random
from typing import NamedTuple

# Leave clear of the release rules' cut-offs (an hour at most) while the run lasts.
MARGIN = datetime.timedelta(hours=3)


class Bookable(NamedTuple):
    """A free slot released to a hub now, and a patient of the slot's practice."""

    slot_id: str  # public id, as a request names it
    patient_id: int
    nhs_number: str


def hub_receptionists() -> dict[int, list[tuple[int, str]]]:
    """Hub id -> [(user id, API token key)] of its receptionists."""
    from rest_framework.authtoken.models import Token

    from practices.models import Membership
    from practices.roles import Role

    hubs: dict[int, list[tuple[int, str]]] = {}
    tokens = dict(Token.objects.values_list("user_id", "key"))
    for user_id, hub_id in (
        Membership.objects.filter(role=Role.HUB_RECEPTIONIST)
        .order_by("organisation_id", "user_id")
        .values_list("user_id", "organisation_id")
    ):
        hubs.setdefault(hub_id, []).append((user_id, tokens.get(user_id, "")))
    return hubs


def actor_for(user_id: int, hub_id: int):
    from governance.audit import Actor
    from practices.models import Membership

    membership = Membership.objects.select_related("organisation", "user").get(
        user_id=user_id, organisation_id=hub_id
    )
    return Actor(user=membership.user, membership=membership, request_id="bench")


def bookable_slots(hub_id: int, rng: random.Random, limit: int | None = None) -> list[Bookable]:
    """Free slots the hub may book now without a quota or a named-organisation rule in the
    way, each with a patient of the slot's practice, in random order."""
    from django.utils import timezone

    from booking.models import Slot
    from patients.models import Patient

    now = timezone.now()
    slots = list(
        Slot.objects.filter(
            status=Slot.Status.FREE,
            practice__hubs=hub_id,
            restricted=False,
            start__gt=now + MARGIN,
            hub_opens_at__lte=now,
            hub_closes_at__gt=now + MARGIN,
        )
        .exclude(session__rules__quota_per_session__isnull=False)
        .values_list("public_id", "practice_id")
    )
    rng.shuffle(slots)
    patients: dict[int, list[tuple[int, str]]] = {}
    for patient_id, nhs_number, practice_id in Patient.objects.filter(
        registered_practice__hubs=hub_id
    ).values_list("pk", "nhs_number", "registered_practice_id"):
        patients.setdefault(practice_id, []).append((patient_id, nhs_number))
    return [
        Bookable(str(slot), *rng.choice(patients[practice])) for slot, practice in slots[:limit]
    ]


def booking_agreement(practice, partner, *, by):
    """An active booking agreement (unsaved) by which `partner` books `practice`'s slots."""
    from django.utils import timezone

    from governance.models import Scope, SharingAgreement

    today = timezone.localdate()
    return SharingAgreement(
        practice=practice,
        partner=partner,
        scope=Scope.BOOKING,
        status=SharingAgreement.Status.ACTIVE,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=365),
        proposed_by=by,
        proposed_by_organisation=practice,
        decided_by=by,
        decided_at=timezone.now(),
    )
