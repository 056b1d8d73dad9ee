"""The hub diary's HTML views, one module per area: the practice's sessions and diary, the
pooled diary and slot search, the booking flow, one booking's page, and bookings lists."""
