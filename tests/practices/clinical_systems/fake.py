"""An in-memory practice system that meets the ClinicalSystem Protocol, with faults on demand,
for fast tests of write-back and slot import."""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from practices.clinical_systems.base import (
    AppointmentRequest,
    NotFound,
    OutcomeUnknown,
    PracticeAppointment,
    PracticeSlot,
    Requester,
    SlotConflict,
)


@dataclass
class FakeClinicalSystem:
    """`faults` maps an interaction's name to exceptions raised on its next calls, in turn.
    An entry may be `COMMIT_THEN_DROP`: the call takes effect, then the answer is lost."""

    appointments: dict[str, PracticeAppointment] = field(default_factory=dict)
    free_slots: list[PracticeSlot] = field(default_factory=list)
    faults: dict[str, list] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    requesters: list[Requester] = field(default_factory=list)
    taken_slots: set[str] = field(default_factory=set)
    searched: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _call(self, name: str, requester: Requester, action: Callable):
        self.calls.append(name)
        self.requesters.append(requester)
        pending = self.faults.get(name) or []
        fault = pending.pop(0) if pending else None
        if fault is COMMIT_THEN_DROP:
            action()
            raise OutcomeUnknown("The connection dropped after the request was sent.")
        if fault is not None:
            raise fault
        return action()

    def book(self, *, requester: Requester, request: AppointmentRequest) -> PracticeAppointment:
        def act() -> PracticeAppointment:
            if request.slot_external_id and request.slot_external_id in self.taken_slots:
                raise SlotConflict("DUPLICATE_REJECTED")
            if request.slot_external_id:
                self.taken_slots.add(request.slot_external_id)
            appointment = PracticeAppointment(
                external_id=f"appt-{next(self._ids)}",
                version="1",
                status="booked",
                start=request.start,
                end=request.end,
                patient_nhs_number=request.patient_nhs_number,
                description=request.description,
                comment=request.comment,
                reference=request.reference,
                slot_external_ids=(request.slot_external_id,) if request.slot_external_id else (),
            )
            self.appointments[appointment.external_id] = appointment
            return appointment

        return self._call("book", requester, act)

    def retrieve_patient_appointments(
        self,
        *,
        requester: Requester,
        practice_ods: str,
        nhs_number: str,
        start: datetime.date,
        end: datetime.date,
    ) -> list[PracticeAppointment]:
        def act() -> list[PracticeAppointment]:
            return [
                a
                for a in self.appointments.values()
                if a.patient_nhs_number == nhs_number and start <= a.start.date() <= end
            ]

        return self._call("retrieve_patient_appointments", requester, act)

    def read(
        self, *, requester: Requester, practice_ods: str, external_id: str
    ) -> PracticeAppointment:
        def act() -> PracticeAppointment:
            if external_id not in self.appointments:
                raise NotFound("NO_RECORD_FOUND")
            return self.appointments[external_id]

        return self._call("read", requester, act)

    def amend(
        self,
        *,
        requester: Requester,
        practice_ods: str,
        external_id: str,
        description: str,
        comment: str,
    ) -> PracticeAppointment:
        def act() -> PracticeAppointment:
            if external_id not in self.appointments:
                raise NotFound("NO_RECORD_FOUND")
            current = self.appointments[external_id]
            amended = replace(
                current,
                description=description,
                comment=comment,
                version=str(int(current.version) + 1),
            )
            self.appointments[external_id] = amended
            return amended

        return self._call("amend", requester, act)

    def cancel(
        self, *, requester: Requester, practice_ods: str, external_id: str, reason: str
    ) -> PracticeAppointment:
        def act() -> PracticeAppointment:
            if external_id not in self.appointments:
                raise NotFound("NO_RECORD_FOUND")
            current = self.appointments[external_id]
            cancelled = replace(
                current,
                status="cancelled",
                cancellation_reason=reason,
                version=str(int(current.version) + 1),
            )
            self.appointments[external_id] = cancelled
            self.taken_slots.difference_update(current.slot_external_ids)
            return cancelled

        return self._call("cancel", requester, act)

    def search_free_slots(
        self,
        *,
        requester: Requester,
        practice_ods: str,
        start: datetime.date,
        end: datetime.date,
    ) -> list[PracticeSlot]:
        def act() -> list[PracticeSlot]:
            # Both days included, as GP Connect's client takes them: 14 days at most.
            assert (end - start).days <= 13, "GP Connect searches at most 14 days at a time"
            self.searched.append((start, end))
            return [
                s
                for s in self.free_slots
                if start <= s.start.date() <= end and s.external_id not in self.taken_slots
            ]

        return self._call("search_free_slots", requester, act)

    def booked(self) -> list[PracticeAppointment]:
        return [a for a in self.appointments.values() if a.status == "booked"]


COMMIT_THEN_DROP = object()
