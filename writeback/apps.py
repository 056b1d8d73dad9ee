from django.apps import AppConfig


class WriteBackConfig(AppConfig):
    """Write-back to practices' own clinical systems: the outbox, its delivery and retries,
    reconciliation, the practice system problems worklist, and slot import."""

    name = "writeback"
    verbose_name = "Write-back"

    def ready(self) -> None:
        from booking import changes
        from writeback import outbox

        changes.subscribe(outbox.write_change)
