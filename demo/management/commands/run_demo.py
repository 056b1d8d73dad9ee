"""Serve the demo: start what it needs in the background, print the logins, run the site."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.gpconnect import DEMO_CONSUMER_ASID, demo_consumer_key_file, ensure_demo_consumer_key
from demo.hub import LOGINS, demo_password
from demo.practice_systems import SANDBOX_PORT, SANDBOX_URL

BACKGROUND = [
    # Scheduled and write-back jobs run here, on the demo's filesystem queue. As in
    # production, in Celery's threads pool: a write-back delivery mostly waits on the
    # practice system, so one process has several in flight. Four is plenty for a demo
    # on SQLite, whose writers take turns; production runs 32 a process (config/celery.py).
    [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=threads",
        "--concurrency=4",
        "--loglevel=WARNING",
    ],
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


# The GP Connect sandbox plays the linked practices' own clinical systems.
SANDBOX = [
    sys.executable,
    "-m",
    "gpconnect.sandbox",
    "--port",
    str(SANDBOX_PORT),
    "--quiet",
]


# NHS login, played by a local OpenID Connect provider whose test users are the demo's
# patients online (demo/nhs_login_users.json); our client's key is kept under var/.
NHS_LOGIN_PORT = 8090


def _nhs_login() -> list[str]:
    key = Path(settings.NHS_LOGIN_PRIVATE_KEY_FILE)
    if not key.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key.parent.mkdir(parents=True, exist_ok=True)
        key.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key.chmod(0o600)
    return ["node", str(Path(settings.BASE_DIR) / "scripts" / "nhs-login-provider.mjs")]


def _nhs_login_environment() -> dict[str, str]:
    return {
        **os.environ,
        "NHS_LOGIN_PORT": str(NHS_LOGIN_PORT),
        "NHS_LOGIN_CLIENT_ID": settings.NHS_LOGIN_CLIENT_ID,
        "NHS_LOGIN_CLIENT_KEY": settings.NHS_LOGIN_PRIVATE_KEY_FILE,
        "NHS_LOGIN_USERS": str(Path(settings.BASE_DIR) / "demo" / "nhs_login_users.json"),
    }


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class Command(BaseCommand):
    help = "Run the demo site on http://127.0.0.1:8000/ with its background processes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", default="8000")

    def handle(self, *args, port: str, **options) -> None:
        for taken in (port, str(SANDBOX_PORT), str(NHS_LOGIN_PORT)):
            if not _port_free(int(taken)):
                raise CommandError(f"Port {taken} is in use: stop what is using it first.")
        # Stopping the demo (Ctrl-C or a plain kill) must stop what it started too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        children = [
            subprocess.Popen(SANDBOX),
            subprocess.Popen(_nhs_login(), env=_nhs_login_environment(), stdout=subprocess.DEVNULL),
        ]
        ensure_demo_consumer_key()
        try:
            self._import_from_sandbox()
            children += [subprocess.Popen(command) for command in BACKGROUND]
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

    def _import_from_sandbox(self) -> None:
        """Wait for the sandbox, then bring the linked practices' own free slots into the
        hub diary (beat repeats this every 15 minutes)."""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{SANDBOX_URL}/_health", timeout=1):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.1)
        else:
            self.stderr.write("The GP Connect sandbox did not start; write-back will wait.")
            return
        call_command("import_practice_slots", stdout=self.stdout)

    def _print_logins(self, port: str) -> None:
        password = demo_password()
        self.stdout.write(self.style.SUCCESS(f"\nHub Diary is at http://127.0.0.1:{port}/\n"))
        self.stdout.write(f"Every demo login uses the password: {password}\n")
        width = max(len(login.username) for login in LOGINS)
        for login in LOGINS:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.what}")
        self.stdout.write(f"  {'admin'.ljust(width)}  Django admin at /admin/\n")
        self.stdout.write(
            f"Riverside and Kirkgate are linked to a GP Connect sandbox: watch bookings "
            f"arrive at {SANDBOX_URL}/A99001 and {SANDBOX_URL}/A99002\n"
        )
        self.stdout.write(
            f"Patients book at http://127.0.0.1:{port}/patient/: 'Continue with NHS login' and "
            "sign in as NHS number 9999000010 (Olivia Mensah) or 9999000029 (Daniel Price, on "
            "the waiting list), with any password. Messages to patients appear in this "
            "console.\n"
        )
        self.stdout.write(
            f"The hub's GP Connect endpoint is http://127.0.0.1:{port}/gpconnect/U99001/STU3/1/: "
            f"Yorkshire NHS 111's demo system (ASID {DEMO_CONSUMER_ASID}) signs with "
            f"{os.path.relpath(demo_consumer_key_file(), settings.BASE_DIR)} (README).\n"
        )
