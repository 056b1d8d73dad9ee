"""What each preset loads."""

from dataclasses import dataclass

WEEKS = 4  # of sessions, from tomorrow


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
    # For the tests that keep this code honest.
    "tiny": Preset("tiny", practices=8, hubs=4, slots=4_000, patients_per_practice=3),
}
