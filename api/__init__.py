"""The REST API under /api/v1/: one module per resource, each operation a thin view over the
selectors and services the pages use. Errors, paging and the acting organisation are
shared (`base`, `errors`)."""
