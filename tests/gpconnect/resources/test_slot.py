"""Slots to and from FHIR JSON."""

from datetime import UTC, datetime

from gpconnect.resources.slot import Slot

START = datetime(2026, 10, 24, 17, 30, tzinfo=UTC)  # 18:30 BST
END = datetime(2026, 10, 24, 17, 45, tzinfo=UTC)


def test_slot_round_trips():
    slot = Slot(
        id="s1",
        schedule_id="sch1",
        start=START,
        end=END,
        delivery_channel="Telephone",
        service_type="Extended access appointment",
    )

    assert Slot.from_fhir(slot.to_fhir(version="1")) == slot
