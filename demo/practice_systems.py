"""Two demo practices are linked to the GP Connect sandbox that `make demo` starts, so a
booking made in the hub diary can be watched arriving in the practice's own system."""

from booking.services.write_back import switch_clinical_system_link
from governance.audit import Actor
from governance.roles import Role
from practices.models import ClinicalSystemLink, Membership, Organisation

SANDBOX_PORT = 8099
SANDBOX_URL = f"http://127.0.0.1:{SANDBOX_PORT}"
LINKED_PRACTICES = ("A99001", "A99002")  # Riverside and Kirkgate


def link_practice_systems(organisations: dict[str, Organisation]) -> None:
    for ods_code in LINKED_PRACTICES:
        practice = organisations[ods_code]
        ClinicalSystemLink.objects.update_or_create(
            practice=practice,
            defaults={"base_url": SANDBOX_URL, "kind": ClinicalSystemLink.Kind.GP_CONNECT},
        )
        manager = Membership.objects.get(organisation=practice, role=Role.PRACTICE_MANAGER)
        switch_clinical_system_link(
            by=Actor(user=manager.user, membership=manager, request_id="demo"),
            practice=practice,
            enabled=True,
        )
