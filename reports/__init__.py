"""Reports for hub managers, practice managers and commissioners: the figures hubs used to
make by hand, always current, as pictures, tables and downloads.

- `compliance`: Enhanced Access compliance per practice and per hub, per week (pure).
- `selectors`: the week's sessions and slots of a hub's practices, read in bounded queries.
- `charts`: accessible SVG bar charts, drawn on the server.
- `views`: the pages and their CSV downloads.
"""
