"""Enhanced Access compliance for a week, on slots with known answers."""

import datetime

from reports.compliance import SlotFacts, compliance, week_of

MONDAY = datetime.date(2026, 11, 30)
GP, NURSE = "R0260", "R0620"


def _slots(practice_id, day, start, end, minutes, *, role=GP, channel="In-person", **facts):
    slots = []
    at = datetime.datetime.combine(day, start)
    stop = datetime.datetime.combine(day, end)
    session = hash((practice_id, day, start))
    while at < stop:
        after = at + datetime.timedelta(minutes=minutes)
        slots.append(
            SlotFacts(
                practice_id=practice_id,
                session_id=session,
                start=at,
                end=after,
                role=role,
                channel=channel,
                hub_opens=facts.get("hub_opens", at - datetime.timedelta(days=21)),
                hub_closes=facts.get("hub_closes", at),
                urgent_care=facts.get("urgent_care", False),
                online=facts.get("online", False),
                nhs111=facts.get("nhs111", False),
            )
        )
        at = after
    return slots


def test_a_practice_short_of_60_minutes_per_1000_and_of_the_standard_hours():
    saturday = MONDAY + datetime.timedelta(days=5)
    slots = [
        *_slots(1, MONDAY, datetime.time(18, 30), datetime.time(20), 15, urgent_care=True),
        *_slots(1, saturday, datetime.time(9), datetime.time(13), 10, role=NURSE,
                channel="Telephone", online=True),
    ]  # fmt: skip

    [row], total = compliance(slots, {1: ("Riverside", "A1", 6000)}, monday=MONDAY)

    assert total is None
    assert (row.minutes_offered, row.required_minutes) == (330, 360)
    assert row.minutes_per_1000 == 55.0 and row.meets_minutes is False
    assert (row.standard_hours_covered, row.covers_standard_hours) == (330, False)
    assert row.standard_hours_without_gp == 240  # Saturday's nurse
    assert (row.face_to_face_minutes, row.remote_minutes) == (90, 240)
    assert row.slots == 30 and row.bookable_two_weeks_ahead == 30
    assert (row.released_to_urgent_care, row.released_online) == (6, 24)
    assert (row.kept_for_nhs111, row.nhs111_target) == (0, 14)


def test_overlapping_sessions_cover_the_standard_hours_once_and_a_gp_in_either_counts():
    tuesday = MONDAY + datetime.timedelta(days=1)
    slots = [
        *_slots(1, tuesday, datetime.time(18), datetime.time(19, 30), 30, role=NURSE),
        *_slots(1, tuesday, datetime.time(19), datetime.time(20, 30), 30),
    ]

    [row], _ = compliance(slots, {1: ("Riverside", "A1", 1000)}, monday=MONDAY)

    assert row.standard_hours_covered == 90  # 18:30 to 20:00, once
    assert row.standard_hours_without_gp == 30  # 18:30 to 19:00: the nurse alone
    assert row.minutes_offered == 180 and row.meets_minutes is True


def test_the_hub_adds_its_practices_and_a_missing_list_size_leaves_the_rate_unknown():
    slots = [
        *_slots(1, MONDAY, datetime.time(18, 30), datetime.time(20), 15),
        *_slots(2, MONDAY, datetime.time(18, 30), datetime.time(20), 15, nhs111=True),
    ]
    practices = {1: ("Riverside", "A1", 1500), 2: ("Kirkgate", "A2", None)}

    rows, hub = compliance(slots, practices, monday=MONDAY, hub=("Aire Valley", "U1"))

    assert [r.name for r in rows] == ["Kirkgate", "Riverside"]
    assert rows[0].minutes_per_1000 is None and rows[0].kept_for_nhs111 == 6
    assert rows[1].minutes_per_1000 == 60.0 and rows[1].meets_minutes is True
    assert hub.minutes_offered == 180 and hub.list_size is None
    assert hub.standard_hours_covered == 90  # both practices the same 90 minutes


def test_slots_bookable_only_late_count_as_neither_ahead_nor_on_the_day():
    slots = _slots(
        1,
        MONDAY,
        datetime.time(18, 30),
        datetime.time(19),
        15,
        hub_opens=datetime.datetime(2026, 11, 29, 8),
        hub_closes=datetime.datetime(2026, 11, 29, 20),
    )

    [row], _ = compliance(slots, {1: ("Riverside", "A1", 1000)}, monday=MONDAY)

    assert (row.bookable_two_weeks_ahead, row.bookable_on_the_day) == (0, 0)


def test_a_week_runs_monday_to_sunday():
    assert week_of(datetime.date(2026, 12, 6)) == (MONDAY, datetime.date(2026, 12, 6))
    assert week_of(MONDAY) == (MONDAY, datetime.date(2026, 12, 6))
