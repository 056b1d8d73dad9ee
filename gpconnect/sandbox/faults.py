"""Fault controls: how the sandbox misbehaves, set over HTTP (`POST /_control`).

Two kinds, combinable:

- **rates**, drawn per GP Connect request (a seeded RNG makes runs repeatable):
  `error_rate` (answer one of `error_statuses`, 500 or 503, doing nothing), `timeout_rate`
  (hang for `hang_ms`, longer than the client's read timeout, then close; with
  `timeout_commits` the request is carried out first), `drop_rate` (close without
  answering, nothing done) and `commit_then_drop_rate` (carry it out, then close without
  answering); `interactions` limits them to some interactions (names as in
  `gpconnect.rest.Interaction`, lower case: "book_appointment", "cancel_appointment", ...);
- **one-shot faults** in `next`, each used by the first request it matches, in order:
  `{"fault": "drop" | "timeout" | "commit_then_drop" | "error", "interaction": ...,
  "status": 503, "hang_ms": 2000, "commits": true}`.

Plus `latency_ms` on every GP Connect request, `fill_on_next_book` (slot ids the practice
books itself the moment Hub Diary next tries to: that booking gets 409 DUPLICATE_REJECTED)
and `practice_edits_after_read` (`{"<appointment id>": n}`: after each of the next n reads
of that appointment someone at the practice edits it, so an If-Match from the read is
stale).
"""

import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from gpconnect.rest import Interaction

FAULT_KINDS = ("error", "timeout", "drop", "commit_then_drop")
INTERACTION_NAMES = frozenset(interaction.name.lower() for interaction in Interaction)


@dataclass(frozen=True)
class Fault:
    kind: str
    status: int = 503
    hang_ms: int = 0
    commits: bool = False


@dataclass(frozen=True)
class FaultSettings:
    latency_ms: int = 0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 503)
    timeout_rate: float = 0.0
    hang_ms: int = 5000
    timeout_commits: bool = False
    drop_rate: float = 0.0
    commit_then_drop_rate: float = 0.0
    interactions: tuple[str, ...] = ()
    seed: int | None = None


@dataclass(frozen=True)
class _OneShot:
    fault: Fault
    interaction: str = ""


@dataclass
class _State:
    settings: FaultSettings = field(default_factory=FaultSettings)
    queue: list[_OneShot] = field(default_factory=list)
    fills: set[str] = field(default_factory=set)
    edits: dict[str, int] = field(default_factory=dict)


def _rate(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} is a share between 0 and 1.")
    return float(value)


def _milliseconds(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} is a whole number of milliseconds, 0 or more.")
    return value


def _interaction(value: Any) -> str:
    if value not in INTERACTION_NAMES:
        raise ValueError(f"interaction must be one of {', '.join(sorted(INTERACTION_NAMES))}.")
    return str(value)


def _status(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 500 <= value <= 599:
        raise ValueError("An error fault answers with a 5xx status.")
    return value


class Faults:
    """The fault state of one sandbox process; every method is thread-safe."""

    def __init__(self, settings: FaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._state = _State(settings=settings or FaultSettings())
        self._random = random.Random(self._state.settings.seed)  # noqa: S311 (not security)

    def configure(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply a `POST /_control` body; raise ValueError (nothing applied) if it is bad."""
        known = {f.name for f in fields(FaultSettings)} | {
            "next",
            "clear_next",
            "fill_on_next_book",
            "practice_edits_after_read",
        }
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"Unknown control {', '.join(unknown)}.")
        with self._lock:
            settings = self._settings(self._state.settings, changes)
            queue = [] if changes.get("clear_next") else list(self._state.queue)
            queue.extend(self._one_shots(changes.get("next", [])))
            fills = set(self._state.fills) | set(self._slot_ids(changes))
            edits = dict(self._state.edits)
            for appointment_id, count in dict(changes.get("practice_edits_after_read", {})).items():
                if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                    raise ValueError("practice_edits_after_read counts are whole numbers.")
                edits[str(appointment_id)] = count
            if settings.seed != self._state.settings.seed or "seed" in changes:
                self._random = random.Random(settings.seed)  # noqa: S311
            self._state = _State(settings=settings, queue=queue, fills=fills, edits=edits)
            return self._snapshot()

    @staticmethod
    def _settings(current: FaultSettings, changes: Mapping[str, Any]) -> FaultSettings:
        values: dict[str, Any] = {}
        for name in ("error_rate", "timeout_rate", "drop_rate", "commit_then_drop_rate"):
            if name in changes:
                values[name] = _rate(changes[name], name)
        for name in ("latency_ms", "hang_ms"):
            if name in changes:
                values[name] = _milliseconds(changes[name], name)
        if "error_statuses" in changes:
            statuses = changes["error_statuses"]
            if not isinstance(statuses, list) or not statuses:
                raise ValueError("error_statuses is a list of 5xx statuses.")
            values["error_statuses"] = tuple(_status(status) for status in statuses)
        if "timeout_commits" in changes:
            if not isinstance(changes["timeout_commits"], bool):
                raise ValueError("timeout_commits is true or false.")
            values["timeout_commits"] = changes["timeout_commits"]
        if "interactions" in changes:
            if not isinstance(changes["interactions"], list):
                raise ValueError("interactions is a list of interaction names.")
            values["interactions"] = tuple(_interaction(i) for i in changes["interactions"])
        if "seed" in changes:
            seed = changes["seed"]
            if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                raise ValueError("seed is a whole number or null.")
            values["seed"] = seed
        settings = replace(current, **values)
        total = (
            settings.error_rate
            + settings.timeout_rate
            + settings.drop_rate
            + settings.commit_then_drop_rate
        )
        if total > 1:
            raise ValueError("The fault rates add up to more than 1.")
        return settings

    @staticmethod
    def _one_shots(items: Any) -> Iterable[_OneShot]:
        if not isinstance(items, list):
            raise ValueError("next is a list of faults.")
        for item in items:
            if not isinstance(item, dict) or item.get("fault") not in FAULT_KINDS:
                raise ValueError(f"Each next fault says which: {', '.join(FAULT_KINDS)}.")
            extra = set(item) - {"fault", "interaction", "status", "hang_ms", "commits"}
            if extra:
                raise ValueError(f"Unknown fault setting {', '.join(sorted(extra))}.")
            yield _OneShot(
                fault=Fault(
                    kind=item["fault"],
                    status=_status(item.get("status", 503)),
                    hang_ms=_milliseconds(item.get("hang_ms", 5000), "hang_ms"),
                    commits=bool(item.get("commits", False)),
                ),
                interaction=_interaction(item["interaction"]) if "interaction" in item else "",
            )

    @staticmethod
    def _slot_ids(changes: Mapping[str, Any]) -> list[str]:
        slot_ids = changes.get("fill_on_next_book", [])
        if not isinstance(slot_ids, list) or not all(isinstance(i, str) for i in slot_ids):
            raise ValueError("fill_on_next_book is a list of slot ids.")
        return slot_ids

    def reset(self) -> None:
        with self._lock:
            self._state = _State()
            self._random = random.Random()  # noqa: S311

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return self._snapshot()

    def _snapshot(self) -> dict[str, Any]:
        settings = asdict(self._state.settings)
        settings["error_statuses"] = list(settings["error_statuses"])
        settings["interactions"] = list(settings["interactions"])
        return {
            **settings,
            "next": [
                {**asdict(shot.fault), "interaction": shot.interaction}
                for shot in self._state.queue
            ],
            "fill_on_next_book": sorted(self._state.fills),
            "practice_edits_after_read": dict(self._state.edits),
        }

    @property
    def latency_seconds(self) -> float:
        with self._lock:
            return self._state.settings.latency_ms / 1000

    def pick(self, interaction: Interaction) -> Fault | None:
        """The fault, if any, for this request: one-shot faults first, then the rates."""
        name = interaction.name.lower()
        with self._lock:
            for index, shot in enumerate(self._state.queue):
                if not shot.interaction or shot.interaction == name:
                    del self._state.queue[index]
                    return shot.fault
            settings = self._state.settings
            if settings.interactions and name not in settings.interactions:
                return None
            draw = self._random.random()
            threshold = settings.error_rate
            if draw < threshold:
                return Fault("error", status=self._random.choice(settings.error_statuses))
            threshold += settings.timeout_rate
            if draw < threshold:
                return Fault("timeout", hang_ms=settings.hang_ms, commits=settings.timeout_commits)
            threshold += settings.drop_rate
            if draw < threshold:
                return Fault("drop")
            threshold += settings.commit_then_drop_rate
            if draw < threshold:
                return Fault("commit_then_drop")
            return None

    def take_fills(self, slot_ids: Iterable[str]) -> frozenset[str]:
        """The slots of this booking the practice fills first (each fill is used once)."""
        with self._lock:
            taken = frozenset(self._state.fills.intersection(slot_ids))
            self._state.fills -= taken
            return taken

    def take_practice_edit(self, appointment_id: str) -> bool:
        """Whether the practice edits this appointment right after this read."""
        with self._lock:
            left = self._state.edits.get(appointment_id, 0)
            if left <= 0:
                return False
            self._state.edits[appointment_id] = left - 1
            return True
