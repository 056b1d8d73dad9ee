"""The REST API under /api/v1/: slot search and booking for other systems (token) and for
the browser (session), through the same selectors and services as the hub diary's pages."""
