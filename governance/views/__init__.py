"""Governance pages, one module per area: consent, agreements, grants, break-glass, reports."""
