"""Load the fictional Aire Valley hub. Safe to run twice: it loads once."""

import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo.care import load_care
from demo.diary import load_diary
from demo.governance import load_governance
from demo.gpconnect import load_gpconnect_consumer
from demo.history import load_history
from demo.hub import HUB, LIST_SIZES, LOGINS, OTHERS, PRACTICES, DemoOrganisation, demo_password
from demo.online import ONLINE_PATIENTS, load_online
from demo.people import demo_patient, test_range_nhs_numbers
from demo.practice_systems import link_practice_systems
from governance import staff
from governance.audit import Actor
from patient_record.services import register_patient
from practices import services
from practices.models import Organisation

User = get_user_model()


class Command(BaseCommand):
    help = "Load the demo hub, practices, staff logins and patients (once)."

    def handle(self, *args, **options) -> None:
        if Organisation.objects.filter(ods_code=HUB.ods_code).exists():
            self.stdout.write("Demo data already loaded.")
            return
        key = self._load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        grace = ONLINE_PATIENTS[2]
        self.stdout.write(
            f"Registration key printed for {grace['given_name']} {grace['family_name']} "
            f"(NHS number {grace['nhs_number']}, born {grace['date_of_birth']:%d %m %Y}): {key}"
        )

    @transaction.atomic
    def _load(self) -> str:
        admin = User.objects.create_superuser(
            "admin",
            "admin@example.nhs.uk",
            demo_password(),
            first_name="Demo",
            last_name="Administrator",
        )
        rng = random.Random(2026)
        organisations = {
            spec.ods_code: self._organisation(spec, admin) for spec in (HUB, *PRACTICES, *OTHERS)
        }
        hub = organisations[HUB.ods_code]
        hub.member_practices.set(organisations[p.ods_code] for p in PRACTICES)

        total = sum(p.patients for p in PRACTICES)
        numbers = iter(test_range_nhs_numbers(rng, total))
        for spec in PRACTICES:
            practice = organisations[spec.ods_code]
            for _ in range(spec.patients):
                register_patient(
                    by=Actor.system(admin),
                    practice=practice,
                    **demo_patient(rng, next(numbers), "Leeds", spec.postcode_area),
                )

        users = {}
        for login in LOGINS:
            user = users[login.username] = User.objects.create_user(
                login.username,
                f"{login.username}@example.nhs.uk",
                demo_password(),
                first_name=login.given_name,
                last_name=login.family_name,
            )
            for ods_code, role in login.memberships:
                staff.grant_membership(
                    by=admin, user=user, organisation=organisations[ods_code], role=role
                )
        load_governance(organisations, users, admin, rng)
        load_diary(organisations, users, admin, rng)
        load_care(organisations, users, admin)
        link_practice_systems(organisations)
        load_gpconnect_consumer(organisations, admin)
        key = load_online(organisations, admin, hub)
        load_history(organisations, hub, admin, rng)
        return key

    def _organisation(self, spec: DemoOrganisation, admin) -> Organisation:
        organisation = Organisation(
            ods_code=spec.ods_code, name=spec.name, kind=spec.kind, phone=spec.phone
        )
        organisation.full_clean()
        organisation.save()
        if spec.ods_code in LIST_SIZES:
            services.set_list_size(
                by=admin,
                practice=organisation,
                patients=LIST_SIZES[spec.ods_code],
                on=timezone.localdate().replace(day=1),
            )
        for site in spec.sites:
            services.create_site(
                by=admin,
                organisation=organisation,
                name=site.name,
                address_line_1=site.address,
                town=site.town,
                postcode=site.postcode,
                latitude=site.latitude,
                longitude=site.longitude,
            )
        for title, given, family, gender, job in spec.clinicians:
            services.create_clinician(
                by=admin,
                organisation=organisation,
                title=title,
                given_name=given,
                family_name=family,
                gender=gender,
                job_role=job,
            )
        return organisation
