"""GP Connect on the wire: interactions, headers, ETags and search parameters.

Sources (nhsconnect/gpconnect): `appointments_use_case_search_for_free_slots.md` (`start=ge`,
`end=le`, `status=free`, `_include=Slot:schedule` all required; at most two weeks per
request, more by separate calls; `searchFilter` with the booking organisation's ODS code and
type), `appointments_use_case_retrieve_a_patients_appointments.md` (two `start` parameters,
`ge` and `le`, dates without times, never in the past: 422 INVALID_PARAMETER),
`foundations_use_case_find_a_patient.md` (`identifier=https://fhir.nhs.uk/Id/nhs-number|...`),
`development_general_api_guidance.md` (`ETag: W/"<versionId>"`, `If-Match` on updates,
`Cache-Control: no-store`, the service root `https://host/[ODS]/STU3/1/[segment]`) and the
use-case pages' Ssp-InteractionID values.
"""

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gpconnect import codes
from gpconnect.errors import GPConnectError, SpineError
from gpconnect.jwt import Scope
from gpconnect.nhs_number import is_valid_nhs_number
from gpconnect.times import LONDON, london_day_end, london_day_start, parse_date

FHIR_JSON = "application/fhir+json"
FHIR_JSON_UTF8 = "application/fhir+json;charset=utf-8"
MAX_SEARCH_DAYS = 14

SSP_TRACE_ID = "Ssp-TraceID"
SSP_FROM = "Ssp-From"
SSP_TO = "Ssp-To"
SSP_INTERACTION_ID = "Ssp-InteractionID"

_URN = "urn:nhs:names:services:gpconnect:fhir:"


class Interaction(enum.Enum):
    """Each GP Connect interaction Hub Diary uses or serves: its Ssp-InteractionID and JWT
    scope."""

    READ_METADATA = (_URN + "rest:read:metadata-1", Scope.ORGANIZATION_READ)
    SEARCH_FREE_SLOTS = (_URN + "rest:search:slot-1", Scope.ORGANIZATION_READ)
    BOOK_APPOINTMENT = (_URN + "rest:create:appointment-1", Scope.PATIENT_WRITE)
    RETRIEVE_APPOINTMENTS = (_URN + "rest:search:patient_appointments-1", Scope.PATIENT_READ)
    READ_APPOINTMENT = (_URN + "rest:read:appointment-1", Scope.PATIENT_READ)
    AMEND_APPOINTMENT = (_URN + "rest:update:appointment-1", Scope.PATIENT_WRITE)
    CANCEL_APPOINTMENT = (_URN + "rest:cancel:appointment-1", Scope.PATIENT_WRITE)
    FIND_PATIENT = (_URN + "rest:search:patient-1", Scope.PATIENT_READ)
    READ_PATIENT = (_URN + "rest:read:patient-1", Scope.PATIENT_READ)
    REGISTER_PATIENT = (_URN + "operation:gpc.registerpatient-1", Scope.PATIENT_WRITE)

    def __init__(self, interaction_id: str, scope: Scope) -> None:
        self.interaction_id = interaction_id
        self.scope = scope

    @classmethod
    def from_id(cls, interaction_id: str) -> "Interaction | None":
        return next((i for i in cls if i.interaction_id == interaction_id), None)


def service_root(host_url: str, ods_code: str) -> str:
    """A practice's FHIR service root in GP Connect's format (no trailing slash)."""
    return f"{host_url.rstrip('/')}/{ods_code}/STU3/1/gpconnect"


def etag(version: str) -> str:
    return f'W/"{version}"'


def version_from_etag(value: str) -> str:
    """The versionId in an ETag or If-Match value: W/"23" -> 23."""
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    return text.strip('"')


@dataclass(frozen=True)
class DateWindow:
    """London calendar days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def split_window(start: date, end: date, *, max_days: int = MAX_SEARCH_DAYS) -> list[DateWindow]:
    """`start`..`end` (inclusive) cut into windows of at most `max_days` days."""
    windows = []
    cursor = start
    while cursor <= end:
        last = min(end, cursor + timedelta(days=max_days - 1))
        windows.append(DateWindow(cursor, last))
        cursor = last + timedelta(days=1)
    return windows


def slot_search_params(
    window: DateWindow, *, booking_ods: str = "", booking_org_type: str = ""
) -> list[tuple[str, str]]:
    """Search for free slots in `window`, asking for schedules, practitioners, locations and
    the practice, filtered for the booking organisation."""
    params = [
        ("start", f"ge{window.start.isoformat()}"),
        ("end", f"le{window.end.isoformat()}"),
        ("status", "free"),
        ("_include", "Slot:schedule"),
        ("_include:recurse", "Schedule:actor:Practitioner"),
        ("_include:recurse", "Schedule:actor:Location"),
        ("_include:recurse", "Location:managingOrganization"),
    ]
    if booking_org_type:
        params.append(("searchFilter", f"{codes.SYSTEM_ORGANISATION_TYPE}|{booking_org_type}"))
    if booking_ods:
        params.append(("searchFilter", f"{codes.SYSTEM_ODS_CODE}|{booking_ods}"))
    return params


@dataclass(frozen=True)
class SlotSearch:
    """A parsed search for free slots: slots with `start` >= `earliest` and `end` <=
    `latest` (both instants)."""

    earliest: datetime
    latest: datetime
    booking_ods: str = ""
    booking_org_type: str = ""
    include_practitioners: bool = False
    include_locations: bool = False
    include_organizations: bool = False


def _invalid_parameter(message: str) -> GPConnectError:
    return GPConnectError(SpineError.INVALID_PARAMETER, message)


def _one(params: Mapping[str, Sequence[str]], name: str) -> str:
    """A parameter the request must carry exactly once: missing is a malformed request
    (400), repeated an invalid one (422)."""
    values = params.get(name) or []
    if not values:
        raise GPConnectError(SpineError.BAD_REQUEST, f"The {name!r} parameter is required.")
    if len(values) != 1:
        raise _invalid_parameter(f"The {name!r} parameter must be given only once.")
    return values[0]


# `yyyy-mm-ddThh:mm:ss+hh:mm`: UK local time with its offset, as the search page says; a
# bare local time is ambiguous across a clock change, and `Z` is not the form it asks for.
_SEARCH_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@dataclass(frozen=True)
class _Bound:
    instant: datetime  # what slots are compared with
    wall_clock: datetime  # naive London time, for measuring the window


def _bound(value: str, prefix: str, name: str) -> _Bound:
    """A `ge`/`le` search bound: a date means the whole London day, so `le` a date takes
    slots ending by that day's end; the window is measured between the dates themselves."""
    if not value.startswith(prefix):
        raise _invalid_parameter(f"The {name!r} parameter needs the {prefix!r} prefix.")
    text = value[len(prefix) :]
    try:
        if len(text) == 10:
            day = parse_date(text)
            instant = london_day_start(day) if prefix == "ge" else london_day_end(day)
            return _Bound(instant, datetime.combine(day, datetime.min.time()))
        if not _SEARCH_DATETIME.match(text):
            raise ValueError(text)
        instant = datetime.fromisoformat(text)
    except ValueError as exc:
        raise _invalid_parameter(
            f"The {name!r} parameter must be a date (yyyy-mm-dd) or a date and time with its "
            f"UTC offset (yyyy-mm-ddThh:mm:ss+hh:mm), not {text!r}."
        ) from exc
    return _Bound(instant, instant.astimezone(LONDON).replace(tzinfo=None))


def parse_slot_search(params: Mapping[str, Sequence[str]]) -> SlotSearch:
    """Check a search for free slots as a provider must: a required parameter missing is
    400 BAD_REQUEST, a parameter with a wrong value 422 INVALID_PARAMETER."""
    earliest = _bound(_one(params, "start"), "ge", "start")
    latest = _bound(_one(params, "end"), "le", "end")
    status = _one(params, "status")
    if latest.instant <= earliest.instant:
        raise _invalid_parameter("The search's end must come after its start.")
    # Measured on the wall clock, so a clock change inside the window (a 25-hour day) does
    # not make 14 days count as more.
    if latest.wall_clock - earliest.wall_clock > timedelta(days=MAX_SEARCH_DAYS):
        raise _invalid_parameter("Search for free slots covers at most 14 days per request.")
    if status != "free":
        raise _invalid_parameter("Search for free slots takes status=free only.")
    includes = params.get("_include") or []
    if "Slot:schedule" not in includes:
        raise _invalid_parameter("Search for free slots needs _include=Slot:schedule.")
    recursive = set(params.get("_include:recurse") or [])
    booking_ods = booking_org_type = ""
    for item in params.get("searchFilter") or []:
        system, _, code = item.rpartition("|")
        if system == codes.SYSTEM_ODS_CODE:
            booking_ods = code
        elif system == codes.SYSTEM_ORGANISATION_TYPE:
            booking_org_type = code
        # Filters a provider does not understand are ignored, never an error.
    return SlotSearch(
        earliest=earliest.instant,
        latest=latest.instant,
        booking_ods=booking_ods,
        booking_org_type=booking_org_type,
        include_practitioners="Schedule:actor:Practitioner" in recursive,
        include_locations="Schedule:actor:Location" in recursive,
        # Providers return the practice's Organization even unasked (a known issue).
        include_organizations=True,
    )


def appointment_search_params(window: DateWindow) -> list[tuple[str, str]]:
    """Retrieve a patient's appointments starting on the days of `window`."""
    return [("start", f"ge{window.start.isoformat()}"), ("start", f"le{window.end.isoformat()}")]


def parse_appointment_search(params: Mapping[str, Sequence[str]], *, today: date) -> DateWindow:
    """Check a retrieve-appointments search as a provider must (422 INVALID_PARAMETER)."""
    values = params.get("start") or []
    lower = [value[2:] for value in values if value.startswith("ge")]
    upper = [value[2:] for value in values if value.startswith("le")]
    if len(values) != 2 or len(lower) != 1 or len(upper) != 1:
        raise _invalid_parameter("Give two start parameters: one with ge, one with le.")
    try:
        window = DateWindow(parse_date(lower[0]), parse_date(upper[0]))
    except ValueError as exc:
        raise _invalid_parameter("The start parameters take dates only, without a time.") from exc
    if window.start < today:
        raise _invalid_parameter(
            "Retrieve a patient's appointments cannot look at days in the past: start from today."
        )
    if window.end < window.start:
        raise _invalid_parameter("The le date must not come before the ge date.")
    return window


def patient_search_params(nhs_number: str) -> list[tuple[str, str]]:
    return [("identifier", f"{codes.SYSTEM_NHS_NUMBER}|{nhs_number}")]


def parse_patient_search(params: Mapping[str, Sequence[str]]) -> str:
    """The NHS number searched for; 400 with the Spine code for what is wrong."""
    values = params.get("identifier") or []
    if len(values) != 1:
        raise GPConnectError(SpineError.BAD_REQUEST, "Give one identifier=system|value.")
    system, _, value = values[0].partition("|")
    if system != codes.SYSTEM_NHS_NUMBER:
        raise GPConnectError(
            SpineError.INVALID_IDENTIFIER_SYSTEM, f"Search by {codes.SYSTEM_NHS_NUMBER}."
        )
    if not value.strip():
        raise GPConnectError(SpineError.INVALID_IDENTIFIER_VALUE, "Give the NHS number.")
    if not is_valid_nhs_number(value):
        raise GPConnectError(SpineError.INVALID_NHS_NUMBER, f"{value!r} is not an NHS number.")
    return value
