"""Forms for the diary screens, one module per page: search, booking and changing a booking,
publishing a session, who may book it (release rules), and the diaries and lists. They
parse and validate what people type and hand the services plain values; the rules
themselves live in the services and `booking.release_rules`."""
