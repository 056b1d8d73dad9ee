"""The GP Connect sandbox: a stand-in for practices' own clinical systems.

A separate process (`python -m gpconnect.sandbox --port 8099`) that answers GP
Connect Appointment Management for any ODS code at `/<ODS>/STU3/1/gpconnect`, keeps each
practice's appointment book and free slots (extended-access sessions, seeded on first use),
checks the audit JWT and GP Connect's rules, and misbehaves on demand (latency, 500/503,
timeouts, dropped connections, "commit then drop", "the practice just booked that slot").
It needs no Django database: state lives in its own SQLite file (or in memory).

- `store`: the state (SQLite, safe across threads and processes): `practices` (made on
  first use, with their sessions), `slots`, `patients`, `appointments` and the `ledger`,
  over one `database`.
- `faults`: the fault controls.
- `app`: the WSGI app: the provider core (`gpconnect.provider`) over `backend` (the
  practice's state for the interactions, patient search and registration), `control`
  (faults, ledger, request log, reset), `pages` (the HTML appointment books) and `wsgi`
  (requests and answers).
- `server`: the threaded HTTP server that can drop connections, and a test helper.
"""
