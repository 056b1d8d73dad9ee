"""`python -m bench.write_back`: migrate, measure write-back on its own, print the figures."""

import argparse
import json
import os
import sys
from pathlib import Path

import django

import bench.write_back as write_back


def main(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser(description=write_back.__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument(
        "--workers",
        type=int,
        default=write_back.WORKERS,
        help="Celery worker processes (threads pool)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=write_back.THREADS,
        help="Deliveries in flight per worker process",
    )
    parser.add_argument("--practices", type=int, default=4)
    parser.add_argument("--paced", type=int, default=100, help="Bookings in the paced phase")
    parser.add_argument("--rate", type=float, default=5.0, help="Paced bookings a second")
    parser.add_argument("--burst", type=int, default=300, help="Bookings in the burst phase")
    parser.add_argument("--output", help="Write the figures to this JSON file too")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = write_back.measure(
        latency_ms=args.latency_ms,
        workers=args.workers,
        threads=args.threads,
        practices=args.practices,
        paced=args.paced,
        rate=args.rate,
        burst=args.burst,
    )
    print(json.dumps(figures, indent=2))
    if args.output:
        Path(args.output).write_text(json.dumps(figures, indent=2) + "\n")
    return figures


main(sys.argv[1:])
