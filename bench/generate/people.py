"""The people: each hub's receptionists, made through the service that grants membership
(so their permissions are exactly the app's) with API tokens, and each practice's
registered patients, with valid NHS numbers."""

import datetime
import uuid
from collections.abc import Iterator

from bench.generate.loader import Loader
from bench.generate.presets import Preset

BENCH_PASSWORD = "bench-only-password-1"  # noqa: S105 (throwaway databases only)


def load_receptionists(load: Loader, preset: Preset, hub_ids: list[int]) -> tuple[list, dict]:
    """(the hubs as Organisations, hub id -> its receptionists as Users)."""
    from rest_framework.authtoken.models import Token

    from governance.models import User
    from governance.staff import grant_membership
    from practices.models import Organisation
    from practices.roles import Role

    hubs = sorted(Organisation.objects.filter(pk__in=hub_ids), key=lambda hub: hub.pk)
    password = User(username="x")
    password.set_password(BENCH_PASSWORD)  # one hash, shared: hashing 200 is slow
    receptionists: dict[int, list] = {}
    for hub in hubs:
        receptionists[hub.pk] = []
        for r in range(preset.receptionists_per_hub):
            user = User.objects.create(
                username=f"{hub.ods_code.lower()}.reception{r + 1}",
                first_name="Bench",
                last_name=f"Receptionist {r + 1}",
                password=password.password,
            )
            grant_membership(by=None, user=user, organisation=hub, role=Role.HUB_RECEPTIONIST)
            Token.objects.create(user=user)
            receptionists[hub.pk].append(user)
    load.done("hub receptionists", sum(len(users) for users in receptionists.values()))
    return hubs, receptionists


def load_patients(load: Loader, preset: Preset, practice_ids: list[int]) -> dict[int, list[int]]:
    """Practice id -> the ids of its registered patients."""
    from patients.models import Patient

    patient_id, patients_of, rows = load.next_id(Patient), {}, []
    numbers = nhs_numbers()
    rng = load.rng
    for practice_id in practice_ids:
        patients_of[practice_id] = []
        for _ in range(preset.patients_per_practice):
            rows.append(
                (patient_id, uuid.uuid4(), next(numbers), "",
                 rng.choice(("Ada", "Bea", "Cal", "Dev", "Eve", "Fin")), f"Patient{patient_id}",
                 datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(28_000)),
                 rng.choice(("female", "male")), "", "", "", "", "", "", "", practice_id,
                 False, *load.stamp)
            )  # fmt: skip
            patients_of[practice_id].append(patient_id)
            patient_id += 1
    load.done(
        "patients",
        load.copy(
            Patient,
            ("id", "public_id", "nhs_number", "title", "given_name", "family_name",
             "date_of_birth", "gender", "address_line_1", "address_line_2", "town", "postcode",
             "phone", "mobile", "email", "registered_practice_id", "is_sensitive",
             "created_at", "updated_at"),
            rows,
        ),
    )  # fmt: skip
    return patients_of


def nhs_numbers() -> Iterator[str]:
    """Valid (Modulus 11) NHS numbers, counted up from 98 0000000."""
    from patients.nhs_number import check_digit

    serial = 0
    while True:
        serial += 1
        first_nine = f"98{serial:07d}"
        digit = check_digit(first_nine)
        if digit is not None:
            yield first_nine + str(digit)
