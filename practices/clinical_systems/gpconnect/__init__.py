"""GP Connect Appointment Management over HTTP: the real `ClinicalSystem` adapter.

One `GPConnectClient` (`operations`) talks to any number of practices. Where a practice
lives (`endpoints`): either one `base_url` (a practice's FHIR service root,
`https://host/<ODS>/STU3/1/...`, used as it is; or a host serving many practices, such as
the sandbox, to which `/<ODS>/STU3/1/gpconnect` is added) or `endpoints`, a mapping or
function from ODS code to URL or `PracticeEndpoint`.

Every call builds a fresh audit JWT whose organisation and practitioner are the `Requester`'s
(the signed-in user's own, never the hub's host) and sends the Ssp-* headers
(`practice_api`). It travels over one pooled, kept-alive connection pool per practice system
(per origin: the sandbox serves many practices from one host) per process, shared by the
process's threads and made afresh after a fork, with connect, read, write and pool timeouts
(`transport`: `Timeouts` and `Retries` hold the defaults). Failures map onto `base.py`'s
exceptions (`answers`):

- could not connect (refused, unreachable, connect timeout) -> `Unavailable`: not sent;
- sent, then a read timeout or a dropped connection -> `OutcomeUnknown` for a write (the
  appointment may have been booked, cancelled or amended: reconcile first), `Unavailable`
  for a read (nothing was changed);
- 5xx, 429 -> `Unavailable` (but 504 on a write -> `OutcomeUnknown`: a gateway timed out
  waiting for the practice system, which may have acted);
- 409 on book -> `SlotConflict` (DUPLICATE_REJECTED: the practice filled the slot);
- 404 -> `NotFound`; other 4xx (400, 403, 422 ...) -> `Rejected`;
- 409/412 on amend or cancel (a stale If-Match) -> read again and retry; still stale after
  a few tries -> `VersionConflict`.

The GP Connect steps behind each Protocol call (`steps`; the answers turned into plain data
in `plain_data`):

- search: `GET /Slot` in windows of at most 14 days (longer ranges are split);
- book: find the patient by NHS number (`GET /Patient?identifier=...`), registering them
  temporarily if the practice does not know them (`POST /Patient/$gpc.registerpatient`);
  find the free slot (`GET /Slot` for its day) for its schedule's location and practitioner;
  `POST /Appointment`. Our booking reference travels as an `Appointment.identifier` in
  `gpconnect.codes.SYSTEM_BOOKING_REFERENCE` (the GPConnect-Appointment-1 profile allows
  identifiers with a system and value), so after an `OutcomeUnknown` the caller can
  `retrieve_patient_appointments` and recognise its own by `reference` (and, where a
  practice system does not keep consumer identifiers, by `slot_external_ids`);
- retrieve: `GET /Patient/<id>/Appointment?start=ge<date>&start=le<date>`, never before
  today (GP Connect refuses days in the past);
- read: `GET /Appointment/<id>` and `GET /Patient/<id>` for the NHS number;
- amend and cancel: read, change only what may change in the resource as read, `PUT` with
  `If-Match: W/"<version>"`. Cancelling a cancelled appointment, or amending to what it
  already says, returns it without a write, so retrying after `OutcomeUnknown` is safe.
"""
