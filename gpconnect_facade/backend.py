"""A hub's pooled diary as a GP Connect provider backend (`gpconnect.provider.core`).

The provider core has checked the request and the resource; here each interaction goes
through what every other channel uses: free-slot search under the release rules for the
consumer's organisation, the one access door for patients, and the booking services
(`book_slot`, `amend_booking`, `cancel_booking`), which audit, announce and write back to
the practice. Their refusals become GP Connect's errors.
"""

import uuid
from datetime import datetime

from django.core.exceptions import PermissionDenied

from booking.errors import (
    BookingChanged,
    BookingNotFound,
    InvalidBookingChange,
    SlotNotBookable,
    SlotTaken,
)
from booking.models import Booking, Session, Slot
from booking.search import SlotFilters, free_slots_for
from booking.selectors import pooled_practice_ids
from booking.services.bookings import book_slot
from booking.services.managing import amend_booking, cancel_booking
from core.time import london_day_end, london_day_start
from governance.access import PatientNotFound, Purpose, decide, find_patients
from governance.actions import Action
from gpconnect.errors import VERSION_CONFLICT_STATUS, GPConnectError, SpineError
from gpconnect.provider.core import Change, FreeSlots, ProviderRequest, Requester
from gpconnect.provider.rules import check_slots_fit
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.patient import Patient as PatientResource
from gpconnect.resources.slot import Slot as SlotResource
from gpconnect.rest import DateWindow, Interaction, SlotSearch
from gpconnect_facade import resources
from gpconnect_facade.security import Caller, authenticate
from patients.models import Patient
from practices.models import Organisation

SEARCH_PAGE = 5_000
CANCELLATION_REASON_MAX = 200
_SCHEDULE_COLUMNS = resources.SCHEDULE_COLUMNS
_BOOKING_WITH = (
    "slot__session",
    "slot__site",
    "slot__practice",
    "patient",
    "booking_organisation",
    "clinician",
)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


class HubBackend:
    """One hub's diary, for one request."""

    def __init__(self, hub: Organisation, *, client_address: str | None) -> None:
        self.hub = hub
        self.client_address = client_address
        self.caller: Caller | None = None
        self._members: set[int] | None = None

    @property
    def members(self) -> set[int]:
        if self._members is None:
            self._members = set(self.hub.member_practices.values_list("pk", flat=True))
        return self._members

    def authenticate(
        self, request: ProviderRequest, interaction: Interaction, *, now: datetime
    ) -> Requester:
        self.caller = authenticate(
            request, interaction, now=now, client_address=self.client_address
        )
        return self.caller.requester

    @property
    def actor(self):
        assert self.caller is not None, "authenticate first"
        return self.caller.actor

    # Slots ------------------------------------------------------------------------------

    def free_slots(self, search: SlotSearch, *, requester: Requester, now: datetime) -> FreeSlots:
        """The hub's member practices' free slots in the window that the consumer's
        organisation may book now, by their release rules and its sharing agreements: the
        search receptionists use, a large page at a time, then the slots' sessions, sites,
        clinicians and practices in one query, as plain values."""
        filters = SlotFilters(practices=tuple(sorted(self.members)))
        found, after = [], None
        while True:
            page = free_slots_for(
                actor=self.actor,
                start=search.earliest,
                end=search.latest,
                filters=filters,
                limit=SEARCH_PAGE,
                after=after,
            )
            found += [slot for slot in page if slot.end <= search.latest]
            if len(page) < SEARCH_PAGE:
                break
            after = (page[-1].start, page[-1].pk)
        answer = FreeSlots(slots=[])
        schedules: dict[int, str] = {}
        for row in Session.objects.filter(pk__in={slot.session_id for slot in found}).values_list(
            *_SCHEDULE_COLUMNS
        ):
            session = dict(zip(_SCHEDULE_COLUMNS, row, strict=True))
            schedule = resources.schedule_of(session)
            schedules[session["pk"]] = schedule.id
            answer.schedules[schedule.id] = schedule
            if session["clinician__public_id"] is not None:
                practitioner = resources.practitioner_of(session)
                answer.practitioners[practitioner.id] = practitioner
            location = resources.location_of(session)
            answer.locations[location.id] = location
            organization = resources.practice_of(session)
            answer.organizations[organization.id] = organization
        answer.slots = [
            SlotResource(
                id=str(free.public_id),
                schedule_id=schedules[free.session_id],
                start=free.start,
                end=free.end,
                delivery_channel=free.delivery_channel,
                service_type=free.slot_type,
            )
            for free in found
        ]
        return answer

    # Patients ---------------------------------------------------------------------------

    def find_patient(
        self, nhs_number: str, *, requester: Requester, now: datetime
    ) -> PatientResource | None:
        """Through the access door, audited, as a receptionist finds a patient to book for:
        a patient the consumer's organisation may not book for is not found."""
        found = find_patients(self.actor, Purpose.BOOK, nhs_number=nhs_number, limit=1)
        return resources.patient(found[0]) if found else None

    def _patient(self, patient_id: str) -> Patient | None:
        key = _uuid(patient_id)
        return Patient.objects.filter(public_id=key).first() if key else None

    # Appointments -----------------------------------------------------------------------

    def book(self, appointment: Appointment, *, requester: Requester, now: datetime) -> Appointment:
        if len(appointment.slot_ids) != 1:
            raise GPConnectError(
                SpineError.INVALID_RESOURCE, "The hub books one slot per appointment."
            )
        slot = self._slot(appointment.slot_ids[0])
        check_slots_fit(appointment, [_slot_resource(slot)], now=now)
        if appointment.location_id != str(slot.site.public_id):
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                f"The slot is at Location/{slot.site.public_id}, not "
                f"Location/{appointment.location_id}.",
            )
        if (
            appointment.practitioner_id
            and slot.clinician is not None
            and appointment.practitioner_id != str(slot.clinician.public_id)
        ):
            raise GPConnectError(SpineError.INVALID_RESOURCE, "The practitioner is not the slot's.")
        ours = self.actor.membership.organisation.ods_code
        if appointment.booking_organization.ods_code.upper() != ours.upper():
            raise GPConnectError(
                SpineError.INVALID_RESOURCE, f"The booking organisation must be {ours}, yours."
            )
        patient = self._patient(appointment.patient_id)
        if patient is None:
            raise _no_patient(appointment.patient_id)
        try:
            booking = book_slot(
                by=self.actor,
                slot=slot,
                patient=patient,
                description=appointment.description,
                comment=appointment.comment,
            )
        except SlotTaken as exc:
            raise GPConnectError(SpineError.DUPLICATE_REJECTED, str(exc)) from exc
        except SlotNotBookable as exc:
            if exc.reason_code == "not-free":
                raise GPConnectError(SpineError.DUPLICATE_REJECTED, str(exc)) from exc
            raise GPConnectError(SpineError.INVALID_RESOURCE, str(exc)) from exc
        except PatientNotFound as exc:
            raise _no_patient(appointment.patient_id) from exc
        except PermissionDenied as exc:
            raise GPConnectError(SpineError.ACCESS_DENIED, str(exc)) from exc
        return resources.appointment(self._bookings().get(pk=booking.pk))

    def _slot(self, slot_id: str) -> Slot:
        """A slot of the hub's that the consumer's organisation may book into."""
        key = _uuid(slot_id)
        slot = (
            Slot.objects.select_related(
                "practice__clinical_system_link", "site", "clinician", "session"
            )
            .filter(public_id=key, practice_id__in=self.members)
            .first()
            if key
            else None
        )
        pooled = pooled_practice_ids(self.actor.membership.organisation)
        if slot is None or slot.practice_id not in pooled:
            raise GPConnectError(
                SpineError.REFERENCE_NOT_FOUND, f"No Slot/{slot_id} at hub {self.hub.ods_code}."
            )
        return slot

    def _bookings(self):
        return Booking.objects.select_related(*_BOOKING_WITH).filter(
            slot__practice_id__in=self.members
        )

    def _booking(self, appointment_id: str, *, action: Action) -> Booking:
        """A booking into the hub's practices whose patient the consumer may see (the
        decision audited as `action`); 404 NO_RECORD_FOUND otherwise."""
        key = _uuid(appointment_id)
        booking = self._bookings().filter(public_id=key).first() if key else None
        if booking is None or not decide(
            self.actor, booking.patient, Purpose.BOOK, action=action, obj=booking
        ):
            raise GPConnectError(
                SpineError.NO_RECORD_FOUND, f"No Appointment/{appointment_id} here."
            )
        return booking

    def read(self, appointment_id: str, *, requester: Requester, now: datetime) -> Appointment:
        return resources.appointment(self._booking(appointment_id, action=Action.BOOKING_VIEW))

    def retrieve(
        self, patient_id: str, window: DateWindow, *, requester: Requester, now: datetime
    ) -> list[Appointment]:
        """The patient's appointments at the hub's practices starting on the window's
        days, cancelled ones too."""
        patient = self._patient(patient_id)
        if patient is None or not decide(
            self.actor, patient, Purpose.BOOK, action=Action.BOOKING_LIST
        ):
            raise GPConnectError(SpineError.PATIENT_NOT_FOUND, f"No Patient/{patient_id}.")
        bookings = self._bookings().filter(
            patient=patient,
            start__gte=london_day_start(window.start),
            start__lt=london_day_end(window.end),
        )
        bookings = bookings.order_by("start", "pk")
        return [resources.appointment(booking) for booking in bookings]

    def update(
        self,
        appointment_id: str,
        *,
        version: str,
        change: Change,
        interaction: Interaction,
        requester: Requester,
        now: datetime,
    ) -> Appointment:
        booking = self._booking(appointment_id, action=Action.BOOKING_VIEW)
        if version != str(booking.version):
            raise GPConnectError(
                SpineError.FHIR_CONSTRAINT_VIOLATION,
                f"If-Match names version {version}, but the appointment is at version "
                f"{booking.version}: read it again.",
                http_status=VERSION_CONFLICT_STATUS,
            )
        changed = change(resources.appointment(booking))
        try:
            if interaction is Interaction.CANCEL_APPOINTMENT:
                if len(changed.cancellation_reason) > CANCELLATION_REASON_MAX:
                    raise GPConnectError(
                        SpineError.INVALID_RESOURCE,
                        f"The cancellation reason takes at most {CANCELLATION_REASON_MAX} "
                        "characters.",
                    )
                cancel_booking(
                    by=self.actor,
                    booking=booking,
                    reason=changed.cancellation_reason,
                    expected_version=booking.version,
                )
            else:
                amend_booking(
                    by=self.actor,
                    booking=booking,
                    description=changed.description,
                    comment=changed.comment,
                    expected_version=booking.version,
                )
        except BookingChanged as exc:
            raise GPConnectError(
                SpineError.FHIR_CONSTRAINT_VIOLATION, str(exc), http_status=VERSION_CONFLICT_STATUS
            ) from exc
        except (BookingNotFound, PatientNotFound) as exc:
            raise GPConnectError(
                SpineError.NO_RECORD_FOUND, f"No Appointment/{appointment_id} here."
            ) from exc
        except InvalidBookingChange as exc:
            raise GPConnectError(SpineError.INVALID_RESOURCE, str(exc)) from exc
        except PermissionDenied as exc:
            raise GPConnectError(SpineError.ACCESS_DENIED, str(exc)) from exc
        return resources.appointment(self._bookings().get(pk=booking.pk))


def _slot_resource(slot: Slot) -> SlotResource:
    return SlotResource(
        id=str(slot.public_id),
        schedule_id=str(slot.session.public_id),
        start=slot.start,
        end=slot.end,
    )


def _no_patient(patient_id: str) -> GPConnectError:
    return GPConnectError(SpineError.REFERENCE_NOT_FOUND, f"No Patient/{patient_id} here.")
