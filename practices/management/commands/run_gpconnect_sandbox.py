"""Run the GP Connect sandbox: practices' clinical systems for the demo and the tests."""

import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from practices.clinical_systems.sandbox.app import SandboxApp
from practices.clinical_systems.sandbox.faults import Faults, FaultSettings
from practices.clinical_systems.sandbox.server import SandboxServer
from practices.clinical_systems.sandbox.store import SandboxStore, SeedPlan


class Command(BaseCommand):
    help = (
        "Serve GP Connect Appointment Management for any practice at "
        "http://HOST:PORT/<ODS>/STU3/1/gpconnect, with appointment books at /<ODS>, the "
        "ledger at /_ledger and fault controls at /_control. Needs no database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8099)
        parser.add_argument(
            "--db",
            default=str(settings.VAR_DIR / "gpconnect-sandbox.sqlite3"),
            help="The sandbox's own SQLite file (':memory:' for none); several sandbox "
            "processes may share one",
        )
        parser.add_argument("--weeks", type=int, default=4, help="Weeks of sessions to seed")
        parser.add_argument("--slot-minutes", type=int, default=15)
        parser.add_argument("--latency-ms", type=int, default=0, help="Added to every request")
        parser.add_argument("--reset", action="store_true", help="Start from empty books")
        parser.add_argument("--quiet", action="store_true", help="Do not log each request")

    def handle(self, *args, **options) -> None:
        if options["weeks"] < 1 or not 5 <= options["slot_minutes"] <= 240:
            raise CommandError("Use --weeks 1 or more and --slot-minutes from 5 to 240.")
        if options["db"] != ":memory:":
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        store = SandboxStore(
            options["db"],
            plan=SeedPlan(weeks=options["weeks"], slot_minutes=options["slot_minutes"]),
        )
        if options["reset"]:
            store.reset()
        stop = threading.Event()
        app = SandboxApp(
            store, Faults(FaultSettings(latency_ms=max(0, options["latency_ms"]))), stop=stop
        )
        try:
            server = SandboxServer((options["host"], options["port"]), app, quiet=options["quiet"])
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {exc}"
            ) from exc
        url = server.url
        self.stdout.write(
            f"GP Connect sandbox at {url}\n"
            f"  FHIR service roots: {url}/<ODS>/STU3/1/gpconnect\n"
            f"  Appointment books:  {url}/<ODS>  (all practices: {url}/)\n"
            f"  Ledger: GET {url}/_ledger   Faults: GET|POST {url}/_control   "
            f"Reset: POST {url}/_reset\n"
            f"  State: {options['db']}"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            server.server_close()
            store.close()
