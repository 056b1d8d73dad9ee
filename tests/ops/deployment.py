"""Reading the deployment artefacts for their tests: compose.yaml, the Dockerfile, and the
paths their health probes ask for."""

import re
import shlex
from pathlib import Path

import dockerfile
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Readiness (database, broker and migrations ready) arrives with its own change; until it
# is in the URLconf, probes may already name it.
READINESS = "/readyz"


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile_commands() -> tuple[dockerfile.Command, ...]:
    return dockerfile.parse_file(str(ROOT / "Dockerfile"))


def final_stage(commands) -> list[dockerfile.Command]:
    last_from = max(i for i, c in enumerate(commands) if c.cmd == "FROM")
    return list(commands[last_from:])


def probed_path(test: list[str] | str) -> str | None:
    """The path a health check's `python -m config.probe <path>` asks for, if it is one."""
    words = shlex.split(test) if isinstance(test, str) else list(test)
    if "config.probe" not in words:
        return None
    following = words[words.index("config.probe") + 1 :]
    return following[0] if following else "/healthz"


def seconds(duration: str) -> float:
    """A Compose duration ("1m30s", "45s") in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * units[u] for n, u in parts)
