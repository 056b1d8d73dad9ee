"""Release rules: who may see and book a slot, from when, until when, and how many.

- `terms`: what a rule says and what the rules are asked about and answer with (releases,
  embargoes, searchers, slot facts, quota use, verdicts, release windows). Pure.
- `decisions`: the rules themselves, GP Connect's slot-availability table included. Pure.
- `instants`: how the rules hold instants (aware, compared in UTC, clamped). Pure.
- `stored`: the rules applied to stored sessions and slots, and to organisations: the only
  module here that knows the models and the database.

Pure means the standard library and `core.time` only: search and booking share the rules,
and they are tested with hypothesis without a database.
"""
