"""The practices' diaries: each practice's weekly rota for four weeks as sessions with
their release rules, cut into slots with the release windows publishing would store, some
already booked or blocked."""

import datetime
import json
import uuid

from bench.generate.loader import Loader
from bench.generate.organisations import Organisations
from bench.generate.presets import WEEKS, Preset
from bench.generate.rota import RELEASES, Pattern, patterns


def load_diaries(
    load: Loader,
    preset: Preset,
    organisations: Organisations,
    receptionists: dict[int, list],
    patients_of: dict[int, list[int]],
) -> None:
    from booking.models import Booking, ReleaseRule, Session, Slot
    from booking.release_rules import stored
    from booking.services.sessions import RuleSpec, setting_for_rules
    from booking.slot_generation import cut_into_slots, session_occurrences

    rng, stamp = load.rng, load.stamp
    rota_patterns = patterns()
    weights = [w for w, _ in RELEASES]
    # Sessions released beyond the practice are the hub's; those kept for it, its own.
    settings = [
        setting_for_rules(tuple(RuleSpec(audience=rule["audience"]) for rule in rules))
        for _, rules in RELEASES
    ]
    days = [load.today + datetime.timedelta(days=d) for d in range(1, WEEKS * 7 + 1)]
    session_id = load.next_id(Session)
    slot_id = load.next_id(Slot)
    booking_id = load.next_id(Booking)
    session_rows, rule_rows, slot_rows, booking_rows = [], [], [], []
    window_cache: dict = {}
    occurrence_cache: dict = {}
    base, extra = divmod(preset.slots, preset.practices)
    for index, (practice_id, *_) in enumerate(organisations.practices):
        target = base + (1 if index < extra else 0)
        hub_id, hub_ods = organisations.hub_of[practice_id][:2]
        made = 0
        for day, pattern in _sessions(rng, rota_patterns, days, target):
            if made >= target:
                break
            key = (day, pattern.start, pattern.end, pattern.minutes)
            if key not in occurrence_cache:
                start, end = session_occurrences(day, pattern.start, pattern.end)[0]
                occurrence_cache[key] = (start, end, cut_into_slots(start, end, pattern.minutes))
            start, end, cuts = occurrence_cache[key]
            cuts = cuts[: target - made]
            made += len(cuts)
            template = rng.choices(range(len(RELEASES)), weights)[0]
            setting = settings[template]
            rules = [
                ReleaseRule(**{**rule, "ods_codes": [hub_ods]} if rule.get("ods_codes") else rule)
                for rule in RELEASES[template][1]
            ]
            site = rng.choice(organisations.sites_of[practice_id])
            clinician = (
                None
                if pattern.clinician is None
                else organisations.clinicians_of[practice_id][pattern.clinician]
            )
            session_rows.append(
                (session_id, uuid.uuid4(), practice_id, site, clinician, pattern.role,
                 pattern.session_type, pattern.slot_type, pattern.channel, pattern.category,
                 setting, start, end, pattern.minutes, "published", "portal", "", "", *stamp)
            )  # fmt: skip
            for rule in rules:
                rule_rows.append(
                    (session_id, rule.audience, rule.opens or "published",
                     rule.opens_minutes_before, rule.opens_days_before, rule.opens_time,
                     rule.cut_off_minutes or 0, json.dumps(rule.ods_codes or []),
                     json.dumps([]), rule.quota_per_session, rule.quota_per_day, *stamp)
                )  # fmt: skip
            for slot_start, slot_end in cuts:
                if (template, slot_start) not in window_cache:
                    window_cache[template, slot_start] = stored.release_columns(rules, slot_start)
                w = window_cache[template, slot_start]
                status, reason = "free", ""
                roll = rng.random()
                if w["hub_opens_at"] is not None and roll < preset.booked:
                    status = "booked"
                    patient = rng.choice(patients_of[practice_id])
                    user = rng.choice(receptionists[hub_id]).pk
                    booking_rows.append(
                        (booking_id, uuid.uuid4(), slot_id, patient, hub_id, user, "hub",
                         "booked", "", "", "", 1, None, "not-linked", clinician, slot_start,
                         slot_end, *stamp)
                    )  # fmt: skip
                    booking_id += 1
                elif roll > 1 - preset.blocked:
                    status, reason = "blocked", "Clinician unavailable"
                slot_rows.append(
                    (slot_id, uuid.uuid4(), session_id, practice_id, site, clinician,
                     pattern.role, pattern.channel, pattern.slot_type, slot_start, slot_end,
                     status, w["hub_opens_at"], w["hub_closes_at"], w["urgent_care_opens_at"],
                     w["urgent_care_closes_at"], w["online_opens_at"], w["online_closes_at"],
                     w["restricted"], reason, "", *stamp)
                )  # fmt: skip
                slot_id += 1
            session_id += 1
    load.done(
        "sessions",
        load.copy(
            Session,
            ("id", "public_id", "practice_id", "site_id", "clinician_id", "practitioner_role",
             "session_type", "slot_type", "delivery_channel", "national_category",
             "service_setting", "starts_at", "ends_at", "slot_minutes", "status", "source",
             "external_id", "cancellation_reason", "created_at", "updated_at"),
            session_rows,
        ),
    )  # fmt: skip
    load.done(
        "release rules",
        load.copy(
            ReleaseRule,
            ("session_id", "audience", "opens", "opens_minutes_before", "opens_days_before",
             "opens_time", "cut_off_minutes", "ods_codes", "organisation_types",
             "quota_per_session", "quota_per_day", "created_at", "updated_at"),
            rule_rows,
        ),
    )  # fmt: skip
    del session_rows, rule_rows
    load.done(
        "slots",
        load.copy(
            Slot,
            ("id", "public_id", "session_id", "practice_id", "site_id", "clinician_id",
             "practitioner_role", "delivery_channel", "slot_type", "start", "end", "status",
             "hub_opens_at", "hub_closes_at", "urgent_care_opens_at", "urgent_care_closes_at",
             "online_opens_at", "online_closes_at", "restricted", "blocked_reason",
             "external_id", "created_at", "updated_at"),
            slot_rows,
        ),
    )  # fmt: skip
    del slot_rows
    load.done(
        "bookings",
        load.copy(
            Booking,
            ("id", "public_id", "slot_id", "patient_id", "booking_organisation_id",
             "booked_by_id", "channel", "status", "description", "comment",
             "cancellation_reason", "version", "idempotency_key", "write_back", "clinician_id",
             "start", "end", "created_at", "updated_at"),
            booking_rows,
        ),
    )  # fmt: skip


def _sessions(
    rng, rota_patterns: list[Pattern], days: list[datetime.date], target: int
) -> list[tuple[datetime.date, Pattern]]:
    """A practice's sessions over the weeks, in order: a weekly rota of (pattern, weekday)
    drawn at random until it has enough slots for the practice's share."""
    from booking.slot_generation import cut_into_slots, session_occurrences

    rota = [(p, d) for p in rota_patterns for d in p.weekdays]
    rng.shuffle(rota)
    weekly, chosen = 0, []
    for pattern, weekday in rota:
        if weekly * WEEKS >= target:
            break
        chosen.append((pattern, weekday))
        first_day = session_occurrences(days[0], pattern.start, pattern.end)[0]
        weekly += len(cut_into_slots(*first_day, pattern.minutes))
    return sorted(
        ((day, pattern) for day in days for pattern, weekday in chosen if day.weekday() == weekday),
        key=lambda item: (item[0], item[1].start),
    )
