"""Adapters to practices' own clinical systems.

`base.py` holds the Protocol every adapter meets and the plain data they exchange;
`gpconnect/` the GP Connect Appointment Management client; `links.py` picks a practice's
adapter. Adapters know FHIR and HTTP, never Django views or booking internals: booking
hands them plain data.
"""
