"""Walk every chain of the audit trail and every seal, and name the first broken link in
each; exit non-zero if anything is broken. The result is kept for monitoring."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.verification import ChainCheck, verify_audit_trail


class Command(BaseCommand):
    help = (
        "Check that no audit event has been changed, removed or re-ordered, in every "
        "organisation's chain, and that every seal still matches the events it vouches for. "
        "Exits non-zero if anything is broken. -v 2 lists every chain."
    )

    def handle(self, *args, verbosity: int = 1, **options) -> None:
        def report(name: str, check: ChainCheck) -> None:
            if check.broken:
                self.stdout.write(
                    self.style.ERROR(
                        f"{name}: broken at event {check.broken.sequence}: {check.broken.problem}."
                    )
                )
            elif verbosity > 1:
                self.stdout.write(f"{name}: {_count(check.events, 'event')}, intact.")

        trail = verify_audit_trail(each_chain=report)
        seals = trail.seals
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
                f"{max(trail.events - seals.sealed_events, 0):,} written since."
            )

        if trail.broken_chains or seals.broken:
            where = (
                [f"{trail.broken_chains} of {_count(trail.chains, 'chain')}"]
                if trail.broken_chains
                else []
            )
            where += ["the seals"] if seals.broken else []
            raise CommandError(f"Audit trail broken in {' and '.join(where)}: see above.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact: {_count(trail.events, 'event')} in "
                f"{_count(trail.chains, 'chain')}, {_count(seals.seals, 'seal')} checked."
            )
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
