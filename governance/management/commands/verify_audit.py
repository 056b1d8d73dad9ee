"""Walk every chain of the audit trail and every seal, and name the first broken link in
each; exit non-zero if anything is broken."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from governance.verification import chain_name, chain_names, check_chains, check_seals


class Command(BaseCommand):
    help = (
        "Check that no audit event has been changed, removed or re-ordered, in every "
        "organisation's chain, and that every seal still matches the events it vouches for. "
        "Exits non-zero if anything is broken. -v 2 lists every chain."
    )

    def handle(self, *args, verbosity: int = 1, **options) -> None:
        # One read-only transaction: one moment's trail, and on PostgreSQL the walk streams
        # through a cursor rather than being kept whole on the server.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            names = chain_names()
            chains = events = broken = 0
            for check in check_chains():
                chains += 1
                events += check.events
                name = chain_name(check.chain, names)
                if check.broken:
                    broken += 1
                    self.stdout.write(
                        self.style.ERROR(
                            f"{name}: broken at event {check.broken.sequence}: "
                            f"{check.broken.problem}."
                        )
                    )
                elif verbosity > 1:
                    self.stdout.write(f"{name}: {_count(check.events, 'event')}, intact.")
            seals = check_seals(names=names)

        if seals.broken:
            self.stdout.write(
                self.style.ERROR(
                    f"Seals: broken at seal {seals.broken.sequence}: {seals.broken.problem}."
                )
            )
        elif seals.last_sealed_at is None:
            self.stdout.write("Seals: none yet.")
        else:
            sealed_at = (
                timezone.localtime(seals.last_sealed_at).strftime("%d %b %Y %H:%M").lstrip("0")
            )
            self.stdout.write(
                f"Seals: {_count(seals.seals, 'seal')} checked, intact. The last, at "
                f"{sealed_at}, vouches for {_count(seals.sealed_events, 'event')}; "
                f"{max(events - seals.sealed_events, 0):,} written since."
            )

        if broken or seals.broken:
            where = [f"{broken} of {_count(chains, 'chain')}"] if broken else []
            where += ["the seals"] if seals.broken else []
            raise CommandError(f"Audit trail broken in {' and '.join(where)}: see above.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact: {_count(events, 'event')} in {_count(chains, 'chain')}, "
                f"{_count(seals.seals, 'seal')} checked."
            )
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
