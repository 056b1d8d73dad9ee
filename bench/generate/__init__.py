"""National-scale synthetic data for the benchmarks, loaded into the application's own schema.

Hubs of GP practices, each practice with an active booking agreement with its hub, sites,
clinicians, registered patients, and four weeks of evening and weekend sessions cut into
slots with their release windows, some already booked or blocked. The small reference
tables go in through the ORM and the services (so permissions are exactly the app's); the
bulk tables go in with COPY, with every value computed by the app's own functions
(`session_occurrences`, `cut_into_slots`, `releases.release_columns`).

    python -m bench.generate --preset small      # migrate, load, VACUUM ANALYZE

Run it against an empty database: it refuses to load twice.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


@dataclass(frozen=True)
class Preset:
    name: str
    practices: int
    hubs: int
    slots: int
    patients_per_practice: int = 20
    receptionists_per_hub: int = 4
    booked: float = 0.15  # of slots released to the hub
    blocked: float = 0.02


PRESETS = {
    "full": Preset("full", practices=2_500, hubs=50, slots=1_000_000),
    "small": Preset("small", practices=100, hubs=2, slots=40_000),
    # For the test that keeps this code honest.
    "tiny": Preset("tiny", practices=6, hubs=2, slots=600, patients_per_practice=3),
}
WEEKS = 4
BENCH_PASSWORD = "bench-only-password-1"  # noqa: S105 (throwaway databases only)


@dataclass(frozen=True)
class Pattern:
    """One weekly session in a practice's rota."""

    weekdays: tuple[int, ...]  # Monday 0
    start: datetime.time
    end: datetime.time
    minutes: int
    role: str
    channel: str
    clinician: int | None  # which of the practice's clinicians; distinct when sessions overlap
    session_type: str = "GP extended access"
    slot_type: str = "Routine appointment"


def _patterns() -> list[Pattern]:
    from booking.models import DeliveryChannel as C
    from practices.models import Clinician

    R = Clinician.JobRole
    t = datetime.time
    weekdays = (0, 1, 2, 3, 4)
    return [
        Pattern(weekdays, t(18, 30), t(20, 0), 10, R.GP, C.IN_PERSON, 0),
        Pattern(weekdays, t(18, 30), t(20, 0), 15, R.PRACTICE_NURSE, C.IN_PERSON, 2),
        Pattern(weekdays, t(18, 0), t(20, 0), 10, R.SALARIED_GP, C.TELEPHONE, 1),
        Pattern((5,), t(9, 0), t(12, 0), 10, R.GP, C.IN_PERSON, 0),
        Pattern((5,), t(9, 0), t(12, 0), 15, R.NURSE_PRACTITIONER, C.IN_PERSON, 3),
        Pattern(
            (5,),
            t(9, 0),
            t(11, 0),
            10,
            R.HEALTHCARE_ASSISTANT,
            C.IN_PERSON,
            None,
            slot_type="Blood test",
        ),
        Pattern((6,), t(10, 0), t(12, 0), 15, R.GP, C.VIDEO, 1),
        Pattern(
            (6,),
            t(10, 0),
            t(13, 0),
            15,
            R.PHARMACIST,
            C.TELEPHONE,
            4,
            slot_type="Medication review",
        ),
    ]


CLINICIAN_ROLES = ("R0260", "R0270", "R0620", "R0600", "R1290")

# Release templates: (weight, rules as ReleaseRule field dicts). Most sessions go to the
# hub as soon as published; some also to urgent care on the day or online two days
# before; a few widen to everyone at T-2h, go to urgent care only, name ODS codes, or
# have a per-session hub quota.
RELEASES: list[tuple[float, list[dict]]] = [
    (0.52, [{"audience": "hub"}]),
    (
        0.18,
        [
            {"audience": "hub"},
            {
                "audience": "urgent-care",
                "opens": "on-day",
                "opens_days_before": 0,
                "opens_time": datetime.time(8, 0),
            },
        ],
    ),
    (
        0.14,
        [
            {"audience": "hub", "cut_off_minutes": 30},
            {
                "audience": "online",
                "opens": "before-start",
                "opens_minutes_before": 2880,
                "cut_off_minutes": 60,
            },
        ],
    ),
    (
        0.06,
        [
            {"audience": "hub"},
            {"audience": "urgent-care", "opens": "before-start", "opens_minutes_before": 120},
            {"audience": "online", "opens": "before-start", "opens_minutes_before": 120},
        ],
    ),
    (0.03, [{"audience": "hub", "quota_per_session": 4}]),
    (0.04, [{"audience": "urgent-care", "opens": "on-day", "opens_days_before": 0}]),
    (0.03, [{"audience": "hub", "ods_codes": ["__HUB__"]}]),  # named: the practice's hub
]


def _nhs_numbers() -> Iterable[str]:
    from patients.nhs_number import check_digit

    serial = 0
    while True:
        serial += 1
        first_nine = f"98{serial:07d}"
        digit = check_digit(first_nine)
        if digit is not None:
            yield first_nine + str(digit)


class Loader:
    """COPY rows into a model's table, ids allocated here so rows can refer to each other."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor  # a psycopg 3 cursor

    def next_id(self, model) -> int:
        self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return self.cursor.fetchone()[0]

    def copy(self, model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        table = model._meta.db_table
        names = ", ".join(f'"{column}"' for column in columns)
        count = 0
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        if "id" in columns:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        return count


@dataclass
class Generated:
    preset: Preset
    hubs: list  # Organisation
    receptionists: dict  # hub id -> [User]
    counts: dict


def generate(preset: Preset, *, seed: int = 1, log=print) -> Generated:
    """Load `preset` into the default database (already migrated, and empty)."""
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from booking import releases
    from booking.models import Booking, ReleaseRule, Session, Slot
    from booking.slot_generation import cut_into_slots, session_occurrences
    from governance.models import Scope, SharingAgreement, User
    from patients.models import Patient
    from practices.models import Clinician, Organisation, Site
    from practices.roles import Role
    from practices.services import grant_membership

    if Slot.objects.exists():
        raise SystemExit("The database already holds slots: generate into an empty one.")
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    stamp = (now, now)  # created_at, updated_at
    counts: dict[str, int] = {}
    started = time.perf_counter()

    def done(what: str, n: int) -> None:
        counts[what] = n
        log(f"  {what:<22} {n:>10,}  ({time.perf_counter() - started:5.1f} s)")

    per_hub = preset.practices // preset.hubs
    with transaction.atomic(), connection.cursor() as django_cursor:
        load = Loader(django_cursor.cursor)

        # Organisations: hubs and their member practices ------------------------------
        org_id = load.next_id(Organisation)
        hubs, practices = [], []
        for h in range(preset.hubs):
            hubs.append((org_id, f"U{h + 1:05d}", f"Bench Hub {h + 1}", "hub"))
            org_id += 1
        for p in range(preset.practices):
            practices.append((org_id, f"Y{p + 1:05d}", f"Bench Practice {p + 1}", "gp-practice"))
            org_id += 1
        hub_of = {
            practices[p][0]: hubs[min(p // per_hub, preset.hubs - 1)] for p in range(len(practices))
        }
        done(
            "organisations",
            load.copy(
                Organisation,
                (
                    "id",
                    "public_id",
                    "ods_code",
                    "name",
                    "kind",
                    "phone",
                    "created_at",
                    "updated_at",
                ),
                ((*org[:1], uuid.uuid4(), *org[1:], "", *stamp) for org in hubs + practices),
            ),
        )
        through = Organisation.member_practices.through
        load.copy(
            through,
            ("from_organisation_id", "to_organisation_id"),
            ((hub_of[p[0]][0], p[0]) for p in practices),
        )

        # Sites and clinicians --------------------------------------------------------
        site_id, sites_of = load.next_id(Site), {}
        site_rows = []
        for practice_id, _, name, _ in practices:
            sites_of[practice_id] = []
            for s in range(1 if rng.random() < 0.7 else 2):
                site_rows.append(
                    (site_id, uuid.uuid4(), practice_id, f"{name} site {s + 1}",
                     f"{s + 1} High Street", "", "Leeds", "LS1 4AP",
                     53.8 + rng.random() / 10, -1.55 + rng.random() / 10, True, *stamp)
                )  # fmt: skip
                sites_of[practice_id].append(site_id)
                site_id += 1
        done(
            "sites",
            load.copy(
                Site,
                ("id", "public_id", "organisation_id", "name", "address_line_1",
                 "address_line_2", "town", "postcode", "latitude", "longitude", "is_active",
                 "created_at", "updated_at"),
                site_rows,
            ),
        )  # fmt: skip
        clinician_id, clinicians_of = load.next_id(Clinician), {}
        clinician_rows = []
        for practice_id, *_ in practices:
            clinicians_of[practice_id] = []
            for i, role in enumerate(CLINICIAN_ROLES):
                clinician_rows.append(
                    (clinician_id, uuid.uuid4(), practice_id, "Dr" if i < 2 else "",
                     rng.choice(("Sam", "Alex", "Priya", "Tom", "Aisha", "Jo")),
                     f"Clinician{clinician_id}", rng.choice(("female", "male")), role, True,
                     *stamp)
                )  # fmt: skip
                clinicians_of[practice_id].append(clinician_id)
                clinician_id += 1
        done(
            "clinicians",
            load.copy(
                Clinician,
                ("id", "public_id", "organisation_id", "title", "given_name", "family_name",
                 "gender", "job_role", "is_active", "created_at", "updated_at"),
                clinician_rows,
            ),
        )  # fmt: skip

        # Hub receptionists (through the service: guardian permissions as in real life) -
        hub_objects = list(Organisation.objects.filter(pk__in=[h[0] for h in hubs]))
        hub_objects.sort(key=lambda o: o.pk)
        receptionists: dict[int, list] = {}
        password = User(username="x")
        password.set_password(BENCH_PASSWORD)  # one hash, shared: hashing 200 is slow
        for hub in hub_objects:
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
        done("hub receptionists", sum(len(users) for users in receptionists.values()))

        # Booking agreements: every practice with its hub ------------------------------
        done(
            "sharing agreements",
            load.copy(
                SharingAgreement,
                ("public_id", "practice_id", "partner_id", "scope", "starts_on", "ends_on",
                 "status", "proposed_by_id", "proposed_by_organisation_id", "decided_by_id",
                 "decided_at", "created_at", "updated_at"),
                ((uuid.uuid4(), p[0], hub_of[p[0]][0], Scope.BOOKING,
                  today - datetime.timedelta(days=90), today + datetime.timedelta(days=275),
                  SharingAgreement.Status.ACTIVE, receptionists[hub_of[p[0]][0]][0].pk, p[0],
                  receptionists[hub_of[p[0]][0]][0].pk, now, *stamp) for p in practices),
            ),
        )  # fmt: skip

        # Patients ----------------------------------------------------------------------
        patient_id, patients_of = load.next_id(Patient), {}
        numbers = _nhs_numbers()
        patient_rows = []
        for practice_id, *_ in practices:
            patients_of[practice_id] = []
            for _ in range(preset.patients_per_practice):
                patient_rows.append(
                    (patient_id, uuid.uuid4(), next(numbers), "",
                     rng.choice(("Ada", "Bea", "Cal", "Dev", "Eve", "Fin")),
                     f"Patient{patient_id}",
                     datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(28_000)),
                     rng.choice(("female", "male")), "", "", "", "", "", "", "", practice_id,
                     False, *stamp)
                )  # fmt: skip
                patients_of[practice_id].append(patient_id)
                patient_id += 1
        done(
            "patients",
            load.copy(
                Patient,
                ("id", "public_id", "nhs_number", "title", "given_name", "family_name",
                 "date_of_birth", "gender", "address_line_1", "address_line_2", "town",
                 "postcode", "phone", "mobile", "email", "registered_practice_id",
                 "is_sensitive", "created_at", "updated_at"),
                patient_rows,
            ),
        )  # fmt: skip

        # Sessions, release rules, slots, bookings --------------------------------------
        patterns = _patterns()
        weights = [w for w, _ in RELEASES]
        days = [today + datetime.timedelta(days=d) for d in range(1, WEEKS * 7 + 1)]
        session_id = load.next_id(Session)
        slot_id = load.next_id(Slot)
        booking_id = load.next_id(Booking)
        session_rows, rule_rows, slot_rows, booking_rows = [], [], [], []
        window_cache: dict = {}
        occurrence_cache: dict = {}
        base, extra = divmod(preset.slots, preset.practices)
        for index, (practice_id, *_) in enumerate(practices):
            target = base + (1 if index < extra else 0)
            hub_id, hub_ods = hub_of[practice_id][0], hub_of[practice_id][1]
            # A weekly rota: enough (pattern, weekday) sessions for the practice's share.
            rota = [(p, d) for p in patterns for d in p.weekdays]
            rng.shuffle(rota)
            weekly, chosen = 0, []
            for pattern, weekday in rota:
                if weekly * WEEKS >= target:
                    break
                chosen.append((pattern, weekday))
                weekly += len(
                    cut_into_slots(
                        *session_occurrences(days[0], pattern.start, pattern.end)[0],
                        pattern.minutes,
                    )
                )
            made = 0
            sessions = sorted(
                ((day, pattern) for day in days for pattern, weekday in chosen
                 if day.weekday() == weekday),
                key=lambda item: (item[0], item[1].start),
            )  # fmt: skip
            for day, pattern in sessions:
                if made >= target:
                    break
                key = (day, pattern.start, pattern.end, pattern.minutes)
                if key not in occurrence_cache:
                    start, end = session_occurrences(day, pattern.start, pattern.end)[0]
                    occurrence_cache[key] = (
                        start,
                        end,
                        cut_into_slots(start, end, pattern.minutes),
                    )
                start, end, cuts = occurrence_cache[key]
                cuts = cuts[: target - made]
                made += len(cuts)
                template = rng.choices(range(len(RELEASES)), weights)[0]
                rules = [
                    ReleaseRule(
                        **{**rule, "ods_codes": [hub_ods]} if rule.get("ods_codes") else rule
                    )
                    for rule in RELEASES[template][1]
                ]
                site = rng.choice(sites_of[practice_id])
                clinician = (
                    None
                    if pattern.clinician is None
                    else clinicians_of[practice_id][pattern.clinician]
                )
                session_rows.append(
                    (session_id, uuid.uuid4(), practice_id, site, clinician, pattern.role,
                     pattern.session_type, pattern.slot_type, pattern.channel, start, end,
                     pattern.minutes, "published", "portal", "", "", *stamp)
                )  # fmt: skip
                for rule in rules:
                    rule_rows.append(
                        (session_id, rule.audience, rule.opens or "published",
                         rule.opens_minutes_before, rule.opens_days_before, rule.opens_time,
                         rule.cut_off_minutes or 0, json.dumps(rule.ods_codes or []),
                         json.dumps([]), rule.quota_per_session, rule.quota_per_day, *stamp)
                    )  # fmt: skip
                for slot_start, slot_end in cuts:
                    wkey = (template, slot_start)
                    if wkey not in window_cache:
                        window_cache[wkey] = releases.release_columns(rules, slot_start)
                    w = window_cache[wkey]
                    status, reason = "free", ""
                    roll = rng.random()
                    if w["hub_opens_at"] is not None and roll < preset.booked:
                        status = "booked"
                        patient = rng.choice(patients_of[practice_id])
                        user = rng.choice(receptionists[hub_id]).pk
                        booking_rows.append(
                            (booking_id, uuid.uuid4(), slot_id, patient, hub_id, user, "hub",
                             "booked", "", "", "", 1, None, "not-linked", clinician,
                             slot_start, slot_end, *stamp)
                        )  # fmt: skip
                        booking_id += 1
                    elif roll > 1 - preset.blocked:
                        status, reason = "blocked", "Clinician unavailable"
                    slot_rows.append(
                        (slot_id, uuid.uuid4(), session_id, practice_id, site, clinician,
                         pattern.role, pattern.channel, pattern.slot_type, slot_start, slot_end,
                         status, w["hub_opens_at"], w["hub_closes_at"],
                         w["urgent_care_opens_at"], w["urgent_care_closes_at"],
                         w["online_opens_at"], w["online_closes_at"], w["restricted"], reason,
                         "", *stamp)
                    )  # fmt: skip
                    slot_id += 1
                session_id += 1
        done(
            "sessions",
            load.copy(
                Session,
                ("id", "public_id", "practice_id", "site_id", "clinician_id",
                 "practitioner_role", "session_type", "slot_type", "delivery_channel",
                 "starts_at", "ends_at", "slot_minutes", "status", "source", "external_id",
                 "cancellation_reason", "created_at", "updated_at"),
                session_rows,
            ),
        )  # fmt: skip
        done(
            "release rules",
            load.copy(
                ReleaseRule,
                ("session_id", "audience", "opens", "opens_minutes_before",
                 "opens_days_before", "opens_time", "cut_off_minutes", "ods_codes",
                 "organisation_types", "quota_per_session", "quota_per_day", "created_at",
                 "updated_at"),
                rule_rows,
            ),
        )  # fmt: skip
        del session_rows, rule_rows
        done(
            "slots",
            load.copy(
                Slot,
                ("id", "public_id", "session_id", "practice_id", "site_id", "clinician_id",
                 "practitioner_role", "delivery_channel", "slot_type", "start", "end",
                 "status", "hub_opens_at", "hub_closes_at", "urgent_care_opens_at",
                 "urgent_care_closes_at", "online_opens_at", "online_closes_at", "restricted",
                 "blocked_reason", "external_id", "created_at", "updated_at"),
                slot_rows,
            ),
        )  # fmt: skip
        del slot_rows
        done(
            "bookings",
            load.copy(
                Booking,
                ("id", "public_id", "slot_id", "patient_id", "booking_organisation_id",
                 "booked_by_id", "channel", "status", "description", "comment",
                 "cancellation_reason", "version", "idempotency_key", "write_back",
                 "clinician_id", "start", "end", "created_at", "updated_at"),
                booking_rows,
            ),
        )  # fmt: skip
    log(f"  loaded in {time.perf_counter() - started:.1f} s")
    return Generated(preset=preset, hubs=hub_objects, receptionists=receptionists, counts=counts)


def analyze() -> None:
    """Statistics for the planner, and the visibility map set as autovacuum would leave it
    (search reads a page's keys in an index-only scan)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> Generated:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="full")
    parser.add_argument("--small", action="store_const", const="small", dest="preset")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database (bench/services.sh).")
    django.setup()
    from django.core.management import call_command

    preset = PRESETS[args.preset]
    print(f"Generating the {preset.name} preset: {preset.practices:,} practices in "
          f"{preset.hubs} hubs, {preset.slots:,} slots over {WEEKS} weeks")  # fmt: skip
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    generated = generate(preset, seed=args.seed)
    analyze()
    print(f"  migrated, loaded and analysed in {time.perf_counter() - started:.1f} s")
    return generated


if __name__ == "__main__":
    main(sys.argv[1:])
