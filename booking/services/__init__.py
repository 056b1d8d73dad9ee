"""Writes for the hub diary: sessions (publishing, rules, blocking) and bookings."""
