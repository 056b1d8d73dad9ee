"""A little data for the app running on an SQLite file (see test_sqlite_demo.py): a
practice, a receptionist signed in with a browser session and holding an API token, a few
patients and an evening session of free slots. Run in the app's own process with
`manage.py shell -c "from tests.config.sqlite_seed import seed; seed()"`; prints JSON."""

import datetime
import json

from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from booking.models import DeliveryChannel
from booking.services.sessions import publish_sessions
from practices.models import Clinician
from practices.roles import Role
from tests.factories import ClinicianFactory, PatientFactory, PracticeFactory, SiteFactory, staff
from tests.governance.helpers import actor_for

PATIENTS = 30


def seed() -> None:
    practice = PracticeFactory(name="Riverside Medical Centre", ods_code="A10001")
    manager = staff(practice, Role.PRACTICE_MANAGER, username="manager.a")
    receptionist = staff(practice, Role.PRACTICE_RECEPTIONIST, username="reception.a")
    patients = PatientFactory.create_batch(PATIENTS, registered_practice=practice)
    (session,) = publish_sessions(
        by=actor_for(manager),
        site=SiteFactory(organisation=practice),
        clinician=ClinicianFactory(organisation=practice),
        practitioner_role=Clinician.JobRole.GP,
        session_type="GP extended access",
        slot_type="Routine appointment",
        delivery_channel=DeliveryChannel.IN_PERSON,
        first_date=timezone.localdate() + datetime.timedelta(days=2),
        start_time=datetime.time(18, 0),
        end_time=datetime.time(20, 0),
        slot_minutes=15,
    )
    browser = Client()
    browser.force_login(receptionist)
    print(
        json.dumps(
            {
                "session_cookie": browser.cookies["sessionid"].value,
                "token": Token.objects.create(user=receptionist).key,
                "patients": [str(p.public_id) for p in patients],
                "nhs_numbers": [p.nhs_number for p in patients],
                "slots": [str(s.public_id) for s in session.slots.order_by("start")],
            }
        )
    )
