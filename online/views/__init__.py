"""The patient area's pages, one module per journey: signing in and registering, booking
and changing appointments, the waiting list, and who has viewed the record."""
