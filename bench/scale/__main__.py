"""`python -m bench.scale`: migrate, run the proof, print what it found and a table of
bookings a second through one and two web nodes; exit non-zero if anything did not hold."""

import argparse
import json
import os
import sys
from pathlib import Path

import django


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Two web nodes, two workers, two beats.")
    parser.add_argument("--short", action="store_true", help="the version make test runs")
    parser.add_argument("--output", help="Write the findings to this JSON file too")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    import bench.scale as scale

    call_command("migrate", verbosity=0)
    found = scale.prove(short=args.short)
    print(json.dumps(found, indent=2))
    if found.get("throughput"):
        print("\n| Web nodes | Clients | Bookings | Seconds | Bookings a second |")
        print("|---|---|---|---|---|")
        for row in found["throughput"]:
            print(
                f"| {row['web_nodes']} | {row['clients']} | {row['booked']} | {row['seconds']} "
                f"| {row['bookings_per_s']} |"
            )
    if args.output:
        Path(args.output).write_text(json.dumps(found, indent=2) + "\n")
    problems = scale.failures(found)
    for problem in problems:
        print(f"FAILED {problem}", file=sys.stderr)
    return 1 if problems else 0


sys.exit(main(sys.argv[1:]))
