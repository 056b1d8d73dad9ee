"""Import linked practices' free slots now, rather than at the next scheduled run."""

from django.core.management.base import BaseCommand, CommandError

from practices.models import ClinicalSystemLink
from writeback.slot_import import import_practice_slots


class Command(BaseCommand):
    help = "Bring the free slots of practices whose link is on into the hub diary."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--practice", help="One practice's ODS code (default: every one)")

    def handle(self, *args, practice: str | None = None, **options) -> None:
        links = ClinicalSystemLink.objects.filter(enabled=True).select_related("practice")
        if practice:
            links = links.filter(practice__ods_code=practice.upper())
            if not links.exists():
                raise CommandError(f"No practice {practice} with its link on.")
        for link in links:
            report = import_practice_slots(link=link)
            self.stdout.write(
                f"{link.practice.ods_code}: {report.added} added, {report.withdrawn} withdrawn, "
                f"{report.restored} restored, {report.flagged} flagged for attention, "
                f"{report.skipped} skipped."
            )
