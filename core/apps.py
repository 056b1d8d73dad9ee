from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing that knows no other app: database helpers, time, paging, template filters."""

    name = "core"
