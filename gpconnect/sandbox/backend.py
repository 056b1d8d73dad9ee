"""The sandbox as a GP Connect provider's backend (`gpconnect.provider.core.Backend`): one
practice's slots, patients and appointment book, with the faults that act on them (the
practice fills a slot just before a booking, or edits an appointment as it is read).

The checks and rules every request passes are the provider core's, shared with the hub's
own GP Connect facade; only the state and the caller's unsigned audit JWT are the
sandbox's.
"""

from datetime import datetime
from typing import Any

from gpconnect.errors import GPConnectError, SpineError
from gpconnect.jwt import InvalidToken, read_bearer_token
from gpconnect.provider.core import Change, FreeSlots, ProviderRequest, Requester
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.patient import Patient
from gpconnect.rest import DateWindow, Interaction, SlotSearch
from gpconnect.times import london_date

from .faults import Faults
from .store import SandboxStore


class SandboxBackend:
    """One practice at the sandbox, for one request."""

    def __init__(self, store: SandboxStore, faults: Faults, ods: str) -> None:
        self.store = store
        self.faults = faults
        self.ods = ods
        self.claims: dict[str, Any] | None = None  # as read, for the request log

    def authenticate(
        self, request: ProviderRequest, interaction: Interaction, *, now: datetime
    ) -> Requester:
        """The unsigned audit JWT GP Connect specifies (the Spine proxy is the gatekeeper)."""
        try:
            claims = read_bearer_token(
                request.header("authorization"), now=now, scopes={interaction.scope}
            )
        except InvalidToken as exc:
            raise GPConnectError(SpineError.BAD_REQUEST, str(exc)) from exc
        self.claims = dict(claims.raw)
        self.store.practices.ensure(self.ods, today=london_date(now))
        return Requester(
            organisation_ods=claims.organisation_ods,
            organisation_name=claims.organisation_name,
            practitioner_id=claims.practitioner_id,
            practitioner_name=claims.practitioner_name,
            trace_id=request.header("ssp-traceid"),
        )

    def free_slots(self, search: SlotSearch, *, requester: Requester, now: datetime) -> FreeSlots:
        return self.store.slots.free(self.ods, earliest=search.earliest, latest=search.latest)

    def find_patient(
        self, nhs_number: str, *, requester: Requester, now: datetime
    ) -> Patient | None:
        return self.store.patients.find(self.ods, nhs_number)

    def book(self, appointment: Appointment, *, requester: Requester, now: datetime) -> Appointment:
        fills = self.faults.take_fills(appointment.slot_ids)
        return self.store.appointments.book(
            self.ods, appointment, requester=requester, now=now, practice_fills=fills
        )

    def read(self, appointment_id: str, *, requester: Requester, now: datetime) -> Appointment:
        appointment = self.store.appointments.read(self.ods, appointment_id)
        if self.faults.take_practice_edit(appointment.id):
            self.store.appointments.edit_at_the_practice(self.ods, appointment.id, now=now)
        return appointment

    def retrieve(
        self, patient_id: str, window: DateWindow, *, requester: Requester, now: datetime
    ) -> list[Appointment]:
        if self.store.patients.get(self.ods, patient_id) is None:
            raise GPConnectError(SpineError.PATIENT_NOT_FOUND, f"No Patient/{patient_id}.")
        return self.store.appointments.for_patient(self.ods, patient_id, window)

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
        return self.store.appointments.update(
            self.ods, appointment_id, version=version, change=change, requester=requester, now=now
        )

    # Patient records: the sandbox reads and registers patients too.

    def read_patient(self, patient_id: str, *, requester: Requester) -> Patient | None:
        return self.store.patients.get(self.ods, patient_id)

    def register_patient(self, registration: Patient, *, requester: Requester) -> Patient:
        return self.store.patients.register(self.ods, registration)
