"""GP Connect Appointment Management resources as plain data, to and from FHIR STU3 JSON:
one module per resource.

Shapes follow the example payloads in nhsconnect/gpconnect
(`appointments_use_case_book_an_appointment.md`, `..._search_for_free_slots.md`,
`..._cancel_an_appointment.md`, `..._amend_an_appointment.md`,
`foundations_use_case_find_a_patient.md`, `foundations_use_case_register_a_patient.md`).

- `organization`, `location`, `practitioner`, `schedule`, `slot`: what a search for free
  slots returns;
- `patient`: find a patient, and the Parameters of register a patient;
- `appointment`: book, read, retrieve, amend and cancel;
- `bundle`: searchset Bundles;
- `elements`: the FHIR elements they share (references, identifiers, extensions...).

`from_fhir` parsers raise `GPConnectError(INVALID_RESOURCE)` for anything that breaks the
profile, which is exactly what a provider answers with.
"""
