"""Patients online in the demo: three patients of Riverside Medical Centre with fixed NHS
numbers, so that the local NHS login provider's test users (demo/nhs_login_users.json) are
them, and a registration key printed for the third.

- Olivia Mensah signs in with NHS login, books and cancels.
- Daniel Price signs in with NHS login and is on the hub's waiting list: the slot Olivia
  frees is offered to him (the offer's link is in the demo's message log).
- Grace Holloway has no account: her practice printed her a registration key, shown when the
  demo loads (a new one can be printed from her page in the staff area).
"""

import datetime

from django.utils import timezone

from governance.audit import Actor
from online.accounts import account_for_patient, issue_linkage_key
from online.models import OnlinePolicy, WaitingListEntry
from patient_record.services import register_patient
from practices.models import Membership, Organisation
from practices.roles import Role

RIVERSIDE = "A99001"
ONLINE_PATIENTS = (
    {
        "nhs_number": "9999000010",
        "given_name": "Olivia",
        "family_name": "Mensah",
        "gender": "female",
        "date_of_birth": datetime.date(1988, 4, 12),
        "address_line_1": "21 Canal Walk",
        "town": "Leeds",
        "postcode": "LS11 5QA",
        "mobile": "07700 900501",
        "email": "olivia.mensah@example.com",
    },
    {
        "nhs_number": "9999000029",
        "given_name": "Daniel",
        "family_name": "Price",
        "gender": "male",
        "date_of_birth": datetime.date(1975, 9, 30),
        "address_line_1": "8 Aire View",
        "town": "Leeds",
        "postcode": "LS11 8PD",
        "mobile": "07700 900502",
        "email": "daniel.price@example.com",
    },
    {
        "nhs_number": "9999000037",
        "given_name": "Grace",
        "family_name": "Holloway",
        "gender": "female",
        "date_of_birth": datetime.date(1961, 2, 3),
        "address_line_1": "5 Beech Grove",
        "town": "Leeds",
        "postcode": "LS11 6JT",
        "mobile": "07700 900503",
        "email": "grace.holloway@example.com",
    },
)


def load_online(organisations: dict[str, Organisation], admin, hub: Organisation) -> str:
    """Register the three, put Daniel on the waiting list, print Grace's key; returns it."""
    practice = organisations[RIVERSIDE]
    _olivia, daniel, grace = (
        register_patient(by=Actor.system(admin), practice=practice, **details)
        for details in ONLINE_PATIENTS
    )
    OnlinePolicy.objects.create(hub=hub)  # the defaults: 2 to come, cancel 2 hours before
    account_for_patient(daniel)
    WaitingListEntry.objects.create(
        hub=hub,
        patient=daniel,
        reason="Follow-up of blood test",
        contact_by="email",
        added_by=admin,
        expires_at=timezone.now() + datetime.timedelta(days=28),
    )
    manager = Membership.objects.get(organisation=practice, role=Role.PRACTICE_MANAGER)
    return issue_linkage_key(
        by=Actor(user=manager.user, membership=manager, request_id="demo"), patient=grace
    )
