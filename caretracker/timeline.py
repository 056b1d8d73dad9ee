"""A patient's timeline: contacts (A&E, out-of-hours, NHS 111, admissions, discharges),
appointments booked and attended in the hub diary, plan changes and task events, newest
first. Each source is read once per page with its own limit and the pages are merged, so a
page costs the same few queries however long the timeline is."""

import datetime
from dataclasses import dataclass

from booking.models import Booking
from caretracker.models import CarePlan, Encounter, Enrolment, EscalationPlan, TaskEvent
from core.paging import decode_cursor, encode_cursor
from governance.access import Purpose, visible
from governance.audit import Actor

PAGE = 25
_SALT = "caretracker.timeline"


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    kind: str  # "contact", "appointment", "plan" or "task": how the page shows it
    title: str
    detail: str
    organisation: str
    key: int  # the row's id within its kind, to break ties in time


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    next_cursor: str | None


def _contacts(patient, before):
    rows = Encounter.objects.select_related("organisation").filter(
        patient=patient, occurred_at__lt=before
    )
    for e in rows.order_by("-occurred_at")[: PAGE + 1]:
        yield Entry(
            e.occurred_at,
            "contact",
            e.get_kind_display(),
            f"{e.presenting_reason}. Outcome: {e.get_outcome_display()}",
            e.organisation.name,
            e.pk,
        )


def _appointments(actor, patient, before):
    bookings = visible(
        actor,
        Purpose.BOOK,
        Booking.objects.select_related("slot__practice", "booking_organisation").filter(
            patient=patient, created_at__lt=before
        ),
    )
    for b in bookings.order_by("-created_at")[: PAGE + 1]:
        title = f"Appointment {b.get_status_display().lower()}"
        when = b.slot.start.strftime("%-d %b %Y %H:%M")
        detail = f"{when} at {b.slot.practice.name}, booked by {b.booking_organisation.name}"
        yield Entry(b.created_at, "appointment", title, detail, b.booking_organisation.name, b.pk)


def _plans(enrolment, before):
    for model, name in ((CarePlan, "Care plan"), (EscalationPlan, "Escalation plan")):
        rows = model.objects.select_related("changed_by_organisation").filter(
            enrolment=enrolment, changed_at__lt=before
        )
        for p in rows.order_by("-changed_at")[: PAGE + 1]:
            title = f"{name} version {p.number}"
            yield Entry(
                p.changed_at,
                "plan",
                title,
                p.change_note,
                p.changed_by_organisation.name,
                p.pk,
            )


def _task_events(enrolment, before):
    rows = TaskEvent.objects.select_related("task", "organisation").filter(
        task__enrolment=enrolment, at__lt=before
    )
    for ev in rows.order_by("-at")[: PAGE + 1]:
        title = f"{ev.task.get_kind_display()} {ev.get_kind_display().lower()}: {ev.task.title}"
        yield Entry(ev.at, "task", title, ev.note, ev.organisation.name, ev.pk)


def timeline_page(
    actor: Actor, patient, enrolment: Enrolment | None, *, cursor: str = ""
) -> TimelinePage:
    """One page of the timeline, older than `cursor` (from the newest if blank). The caller
    has decided access to the patient; appointments are filtered by the door as well."""
    before = (
        decode_cursor(cursor, salt=_SALT)[0]
        if cursor
        else datetime.datetime.max.replace(tzinfo=datetime.UTC)
    )
    entries = [*_contacts(patient, before), *_appointments(actor, patient, before)]
    if enrolment is not None:
        entries += [*_plans(enrolment, before), *_task_events(enrolment, before)]
    entries.sort(key=lambda e: (e.at, e.key), reverse=True)
    shown, more = entries[:PAGE], len(entries) > PAGE
    next_cursor = encode_cursor(shown[-1].at, shown[-1].key, salt=_SALT) if more else None
    return TimelinePage(shown, next_cursor)
