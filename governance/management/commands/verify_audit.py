"""Walk the audit trail's hash chain and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from governance.audit import verify_chain
from governance.models import AuditEvent


class Command(BaseCommand):
    help = "Check that no audit event has been changed, removed or re-ordered."

    def handle(self, *args, **options) -> None:
        events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=5000)
        count = 0

        def counted():
            nonlocal count
            for event in events:
                count += 1
                yield event

        broken = next(verify_chain(counted()), None)
        if broken:
            raise CommandError(f"Audit trail broken at event #{broken.sequence}: {broken.problem}.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {count} events checked."))
