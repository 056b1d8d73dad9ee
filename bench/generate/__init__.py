"""National-scale synthetic data for the benchmarks, loaded into the application's own schema.

Hubs of GP practices, each practice with an active booking agreement with its hub, sites,
clinicians, registered patients, and four weeks of evening and weekend sessions cut into
slots with their release windows, some already booked or blocked. The small reference
tables go in through the ORM and the services (so permissions are exactly the app's); the
bulk tables go in with COPY, with every value computed by the app's own functions
(`session_occurrences`, `cut_into_slots`, `booking.release_rules.stored.release_columns`).

    python -m bench.generate --preset small      # migrate, load, VACUUM ANALYZE

Run it against an empty database: it refuses to load twice.
"""

import argparse
import os
import time
from dataclasses import dataclass

import django

from bench.generate.presets import PRESETS, WEEKS, Preset

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

__all__ = ["PRESETS", "Generated", "Preset", "generate", "main"]


@dataclass
class Generated:
    preset: Preset
    hubs: list  # Organisation
    receptionists: dict  # hub id -> [User]
    counts: dict


def generate(preset: Preset, *, seed: int = 1, log=print) -> Generated:
    """Load `preset` into the default database (already migrated, and empty)."""
    from django.db import connection, transaction

    from bench.generate.diaries import load_diaries
    from bench.generate.loader import Loader
    from bench.generate.organisations import load_agreements, load_organisations
    from bench.generate.people import load_patients, load_receptionists
    from booking.models import Slot

    if Slot.objects.exists():
        raise SystemExit("The database already holds slots: generate into an empty one.")
    with transaction.atomic(), connection.cursor() as cursor:
        load = Loader(cursor.cursor, seed=seed, log=log)
        organisations = load_organisations(load, preset)
        hubs, receptionists = load_receptionists(load, preset, [h[0] for h in organisations.hubs])
        load_agreements(load, organisations, receptionists)
        patients_of = load_patients(load, preset, [p[0] for p in organisations.practices])
        load_diaries(load, preset, organisations, receptionists, patients_of)
    log(f"  loaded in {time.perf_counter() - load.started:.1f} s")
    return Generated(preset=preset, hubs=hubs, receptionists=receptionists, counts=load.counts)


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
