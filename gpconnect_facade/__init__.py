"""The hub as a GP Connect provider: each hub's pooled diary served through GP Connect
Appointment Management 1.2.7 at `/gpconnect/<hub ODS code>/STU3/1/`, so NHS 111, A&E and
out-of-hours systems book extended-access slots with the integration they already have.

- `models`: the registered consumer systems (`Consumer`), each with its ASID, public key
  and the service membership it acts through.
- `consumers`: registering one (`manage.py register_gpconnect_consumer`).
- `security`: who is calling: the Spine headers, the signed audit JWT, the request budget.
- `backend`: the hub's diary as a provider backend, through the booking services and the
  one access door.
- `views`: the endpoint: the provider core (`gpconnect.provider`) over that backend, every
  call audited.
"""
