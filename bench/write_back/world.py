"""What write-back is measured on: a hub of its own whose practices are linked to the GP
Connect sandbox with their slots imported from it, and new patients booked into them."""

import datetime
import random


def build_world(sandbox_url: str, practices: int):
    """A hub and `practices` member practices linked to the sandbox, their slots imported:
    (a receptionist's membership of the hub, the practices)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench.data import booking_agreement
    from governance.staff import grant_membership
    from practices.models import ClinicalSystemLink, Organisation, Site
    from practices.roles import Role
    from writeback.slot_import import import_practice_slots

    tag = f"{random.randrange(10**4):04d}"
    hub = Organisation.objects.create(
        ods_code=f"UWB{tag}", name=f"Write-back bench hub {tag}", kind="hub"
    )
    user = get_user_model().objects.create_user(username=f"wb-bench-{tag}", password=None)
    membership = grant_membership(by=None, user=user, organisation=hub, role=Role.HUB_RECEPTIONIST)
    linked = []
    for number in range(practices):
        practice = Organisation.objects.create(
            ods_code=f"W{tag}{number}", name=f"Bench practice {tag}-{number}", kind="gp-practice"
        )
        hub.member_practices.add(practice)
        Site.objects.create(
            organisation=practice,
            name="Main surgery",
            address_line_1="1 High Street",
            town="Leeds",
            postcode="LS1 4AP",
        )
        booking_agreement(practice, hub, by=user).save()
        link = ClinicalSystemLink.objects.create(
            practice=practice,
            base_url=sandbox_url,
            enabled=True,
            switched_by=user,
            switched_at=timezone.now(),
        )
        import_practice_slots(link=link)
        linked.append(practice)
    return membership, linked


def free_imported_slots(practices) -> list:
    from django.utils import timezone

    from booking.models import Slot

    return list(
        Slot.objects.filter(
            practice__in=practices,
            status=Slot.Status.FREE,
            start__gt=timezone.now() + datetime.timedelta(hours=2),
        )
        .exclude(external_id="")
        .select_related("practice")
        .order_by("?")
    )


def book_new_patient(membership, slot):
    """A patient the practice system does not know yet, registered at the slot's practice,
    booked into the slot as the API books."""
    from bench.booking import book_as_the_api_does
    from governance.audit import Actor
    from patients.models import Patient
    from patients.nhs_number import check_digit

    digit = None
    while digit is None:
        serial = random.randrange(10**6)
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
    patient, _ = Patient.objects.get_or_create(
        nhs_number=first_nine + str(digit),
        defaults={
            "given_name": "Bench",
            "family_name": f"Patient{serial}",
            "date_of_birth": datetime.date(1960, 1, 1),
            "gender": "female",
            "registered_practice": slot.practice,
        },
    )
    actor = Actor(user=membership.user, membership=membership)
    return book_as_the_api_does(
        actor, str(slot.public_id), patient.nhs_number, request_id="bench-write-back"
    )
