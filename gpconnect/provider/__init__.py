"""GP Connect's provider side, once: what the sandbox and the hub's own GP Connect facade
both answer with, so the two cannot drift.

- `core`: the request (`ProviderRequest`), the answer (`ProviderResponse`), the `Backend` a
  host gives (its state and who may ask), and the `Provider` that routes, checks and
  answers every interaction.
- `profile`: the elements GPConnect-Appointment-1 allows, anywhere in an appointment.
- `rules`: what a booking must say, which slots book together, what an amendment or a
  cancellation may change.
- `capability`: the CapabilityStatement for `GET metadata`.
"""
