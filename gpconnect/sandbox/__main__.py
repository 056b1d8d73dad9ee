"""`python -m gpconnect.sandbox`: serve practices' clinical systems for the demo and the tests.

Plain Python, no Django and no database of the hub's: the sandbox keeps its own SQLite.
"""

import argparse
import sys
import threading
from pathlib import Path

from gpconnect.sandbox.app import SandboxApp
from gpconnect.sandbox.faults import Faults, FaultSettings
from gpconnect.sandbox.practices import SeedPlan
from gpconnect.sandbox.server import SandboxServer
from gpconnect.sandbox.store import SandboxStore

DEFAULT_DB = Path(__file__).resolve().parents[2] / "var" / "gpconnect-sandbox.sqlite3"


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m gpconnect.sandbox",
        description=(
            "Serve GP Connect Appointment Management for any practice at "
            "http://HOST:PORT/<ODS>/STU3/1/gpconnect, with appointment books at /<ODS>, the "
            "ledger at /_ledger and fault controls at /_control."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument(
        "--db",
        default=str(DEFAULT_DB),
        help="The sandbox's own SQLite file (':memory:' for none); several sandbox processes "
        "may share one",
    )
    parser.add_argument("--weeks", type=int, default=4, help="Weeks of sessions to seed")
    parser.add_argument("--slot-minutes", type=int, default=15)
    parser.add_argument("--latency-ms", type=int, default=0, help="Added to every request")
    parser.add_argument("--reset", action="store_true", help="Start from empty books")
    parser.add_argument("--quiet", action="store_true", help="Do not log each request")
    options = parser.parse_args(argv)
    if options.weeks < 1 or not 5 <= options.slot_minutes <= 240:
        parser.error("use --weeks 1 or more and --slot-minutes from 5 to 240")
    return options


def main(argv: list[str]) -> int:
    options = parse_arguments(argv)
    if options.db != ":memory:":
        Path(options.db).parent.mkdir(parents=True, exist_ok=True)
    store = SandboxStore(
        options.db, plan=SeedPlan(weeks=options.weeks, slot_minutes=options.slot_minutes)
    )
    if options.reset:
        store.reset()
    stop = threading.Event()
    app = SandboxApp(store, Faults(FaultSettings(latency_ms=max(0, options.latency_ms))), stop=stop)
    try:
        server = SandboxServer((options.host, options.port), app, quiet=options.quiet)
    except OSError as exc:
        print(f"Cannot listen on {options.host}:{options.port}: {exc}", file=sys.stderr)
        return 1
    url = server.url
    print(
        f"GP Connect sandbox at {url}\n"
        f"  FHIR service roots: {url}/<ODS>/STU3/1/gpconnect\n"
        f"  Appointment books:  {url}/<ODS>  (all practices: {url}/)\n"
        f"  Ledger: GET {url}/_ledger   Faults: GET|POST {url}/_control   "
        f"Reset: POST {url}/_reset\n"
        f"  State: {options.db}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
