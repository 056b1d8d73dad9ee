"""GP Connect Appointment Management, FHIR STU3 JSON: our one home for the wire format.

Pure and typed (the standard library only, no Django): the write-back client
(`practices/clinical_systems/gpconnect/`), the GP Connect sandbox and the hub's own GP
Connect API all build and parse resources here.

- `codes`: profile, extension and identifier-system URIs, SDS job roles, delivery channels.
- `times`: instants as UK local time with an offset, dates, London days.
- `errors`: Spine error codes, OperationOutcome, `GPConnectError`.
- `jwt`: the unsigned audit JWT (claims, build, encode, decode, validate).
- `resources`: Organization, Location, Practitioner, Schedule, Slot, Patient, Appointment
  and searchset Bundles, each to and from FHIR JSON.
- `rest`: interaction IDs, ETags, search query parameters and the 14-day window.

Facts come from the GP Connect specification (nhsconnect/gpconnect, 1.x STU3); each module
names the pages it follows.
"""
