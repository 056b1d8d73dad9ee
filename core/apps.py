from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing that knows no other app: database helpers, time, paging, template filters."""

    name = "core"

    def ready(self) -> None:
        from core import checks  # noqa: F401 (registers the start-up checks)
