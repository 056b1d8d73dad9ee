"""Serve the demo: start what it needs in the background, print the logins, run the site."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.hub import LOGINS, demo_password

BACKGROUND = [
    # Scheduled and write-back jobs run here, on the demo's filesystem queue.
    [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"],
    [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "beat",
        "--loglevel=WARNING",
        f"--schedule={settings.VAR_DIR / 'celerybeat-schedule'}",
    ],
]


class Command(BaseCommand):
    help = "Run the demo site on http://127.0.0.1:8000/ with its background processes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", default="8000")

    def handle(self, *args, port: str, **options) -> None:
        # Stopping the demo (Ctrl-C or a plain kill) must stop what it started too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        children = [subprocess.Popen(command) for command in BACKGROUND]
        try:
            self._print_logins(port)
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            for child in children:
                child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _print_logins(self, port: str) -> None:
        password = demo_password()
        self.stdout.write(self.style.SUCCESS(f"\nHub Diary is at http://127.0.0.1:{port}/\n"))
        self.stdout.write(f"Every demo login uses the password: {password}\n")
        width = max(len(login.username) for login in LOGINS)
        for login in LOGINS:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.what}")
        self.stdout.write(f"  {'admin'.ljust(width)}  Django admin at /admin/\n")
