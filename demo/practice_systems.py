"""Two demo practices are linked to the GP Connect sandbox that `make demo` starts, so a
booking made in the hub diary can be watched arriving in the practice's own system."""

from governance.audit import Actor
from practices.models import ClinicalSystemLink, Membership, Organisation
from practices.roles import Role
from writeback.models import WriteBackMessage
from writeback.services import mark_entered_by_hand, switch_clinical_system_link

SANDBOX_PORT = 8099
SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"
LINKED_PRACTICES = ("A99001", "A99002")  # Riverside and Kirkgate
# Hub bookings made before the link was on were keyed into the practice system by hand;
# the two soonest are still waiting, to show the worklist.
STILL_TO_ENTER_BY_HAND = 2


def link_practice_systems(organisations: dict[str, Organisation]) -> None:
    for ods_code in LINKED_PRACTICES:
        practice = organisations[ods_code]
        ClinicalSystemLink.objects.update_or_create(
            practice=practice,
            defaults={"base_url": SANDBOX_URL, "kind": ClinicalSystemLink.Kind.GP_CONNECT},
        )
        manager = Membership.objects.get(organisation=practice, role=Role.PRACTICE_MANAGER)
        actor = Actor(user=manager.user, membership=manager, request_id="demo")
        switch_clinical_system_link(by=actor, practice=practice, enabled=True)
        waiting = WriteBackMessage.objects.filter(
            booking__slot__practice=practice,
            state=WriteBackMessage.State.MANUAL,
            resolved_at__isnull=True,
        ).order_by("booking__start")
        for message in waiting[STILL_TO_ENTER_BY_HAND:]:
            mark_entered_by_hand(by=actor, message=message)
